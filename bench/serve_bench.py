"""Serving throughput under gunicorn (debug off, as in production), against /healthz in the same run.

    python bench/serve_bench.py [--corpus DIR] [--database-url URL] [--duration 10] [--slice 2]
                                [--pages article ...] [--cache off on] [--rounds 1]

Imports the corpus (default: the real sample, else fixtures/) into a fresh database, starts gunicorn with
the page cache off, then on, and drives it with wrk (Debian's package) at 16 connections. Prints requests
per second, p50/p99 latencies, ratios against /healthz, and the queries each page type takes.

Each figure is measured in short slices that take turns with /healthz's (healthz, page, healthz, page,
...), and a page's ratio is the median of its slices' ratios to the /healthz slice just before: this
machine's speed changes for seconds at a time, and a page measured for 10 s after a 10 s /healthz run
gave 0.12x-0.30x for the same code.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SAMPLE, manage, production_env, query_counts, start_gunicorn, wrk  # noqa: E402

CONNECTIONS = 16


def sample_paths(env):
    script = (
        "from articles.models import Article as A, Keyword as K;"
        "a = A.objects.published().annotate(n=__import__('django').db.models.Count('relations'))"
        ".order_by('-n', 'pk').first();"
        "k = K.objects.order_by('pk').first();"
        "print(a.url); print(a.subject.get_absolute_url()); print(k.get_absolute_url())"
    )
    lines = manage(["shell", "--no-imports", "-c", script], env).stdout.split()
    return {"article": lines[0], "subject": lines[1], "keyword": lines[2], "search": "/search/?q=energy",
            "sitemap": "/sitemap.xml", "home": "/"}  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=SAMPLE if SAMPLE.exists() else ROOT / "fixtures")
    parser.add_argument("--database-url")
    parser.add_argument("--duration", type=int, default=10, help="seconds per figure, in slices")
    parser.add_argument("--slice", type=int, default=2, help="seconds per slice")
    parser.add_argument("--pages", nargs="+", help="measure only these pages (article, subject, ...)")
    parser.add_argument("--cache", nargs="+", choices=("off", "on"), default=("off", "on"))
    parser.add_argument("--rounds", type=int, default=1, help="repeat, and print the medians")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("serve bench skipped: wrk is not installed (apt-get install wrk)")
        return
    with tempfile.TemporaryDirectory() as scratch:
        env = production_env(args.database_url or f"sqlite:///{scratch}/bench.sqlite3")
        env.pop("REDIS_URL", None) if not args.database_url else None
        manage(["migrate", "--noinput", "-v0"], env)
        manage(["collectstatic", "--noinput", "-v0"], env)
        manage(["import_articles", str(args.corpus), "-v0"], env)
        paths = sample_paths(env)
        paths = {name: path for name, path in paths.items() if not args.pages or name in args.pages}
        counts = query_counts(env, paths.values())
        print(
            f"corpus: {args.corpus}  gunicorn: {CONNECTIONS} connections, {args.duration}s per figure,"
            f" median of {args.rounds} round(s)"
        )
        slices = max(1, args.duration // args.slice)
        runs, ratios = {}, {}
        for _ in range(args.rounds):
            for cache in args.cache:
                server = start_gunicorn(dict(env, PAGE_CACHE=cache))
                try:
                    for name, path in paths.items():
                        for target in ("/healthz", path):
                            wrk(target, 1, CONNECTIONS)  # warm
                        for _ in range(slices):
                            healthz = wrk("/healthz", args.slice, CONNECTIONS)
                            page = wrk(path, args.slice, CONNECTIONS)
                            runs.setdefault((cache, "healthz"), []).append(healthz)
                            runs.setdefault((cache, name), []).append(page)
                            ratios.setdefault((cache, name), []).append(page[0] / healthz[0])
                finally:
                    server.terminate()
                    server.wait()
    # On a shared machine one figure can be off by a third: the median of each column over the slices.
    results = {
        key: [statistics.median(column) for column in zip(*figures, strict=True)]
        for key, figures in runs.items()
    }
    print(
        f"{'page':10} {'cache':5} {'req/s':>8} {'x healthz':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"
        f" {'queries':>8}"
    )
    for (cache, name), (rate, p50, p99, _) in results.items():
        # Queries of a page built from scratch (cache off); a cache hit takes one, the site version.
        queries = 0 if name == "healthz" else counts[paths[name]] if cache == "off" else 1
        ratio = statistics.median(ratios.get((cache, name), [1.0]))
        errors = sum(figure[3] for figure in runs[cache, name])
        print(
            f"{name:10} {cache:5} {rate:8.0f} {ratio:10.2f} {p50:8.1f} {p99:8.1f} {errors:8.0f} {queries:8d}"
        )


if __name__ == "__main__":
    main()
