"""Serving throughput under gunicorn (debug off, as in production), against /healthz in the same run.

    python bench/serve_bench.py [--corpus DIR] [--database-url URL] [--duration 10] [--slice 2]
                                [--pages article ...] [--cache off on] [--rounds 1]

Imports the corpus (default: the real sample, else fixtures/) into a fresh database, starts gunicorn with
the page cache off, then on, and drives it with wrk (Debian's package) at 16 connections. Prints requests
per second, p50/p99 latencies, ratios against /healthz, and the queries each page type takes.

Each figure is measured in short slices that take turns with /healthz's, in alternating order (healthz
then page, page then healthz, ...), and a page's ratio is the median of its slices' ratios to the
/healthz slice beside them: this machine's speed changes for seconds at a time, and a page measured for
10 s after a 10 s /healthz run gave 0.12x-0.30x for the same code. p50 is the median over the slices,
p99 the worst slice's.
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
    if not 1 <= args.slice <= args.duration:
        parser.error("--slice must be between 1 and --duration")
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
            f"corpus: {args.corpus}  gunicorn: {CONNECTIONS} connections, {args.duration}s per figure"
            f" in {args.slice}s slices, {args.rounds} round(s)"
        )
        slices = args.duration // args.slice
        runs, ratios = {}, {}
        for _ in range(args.rounds):
            for cache in args.cache:
                server = start_gunicorn(dict(env, PAGE_CACHE=cache))
                try:
                    for name, path in paths.items():
                        for target in ("/healthz", path):
                            wrk(target, 1, CONNECTIONS)  # warm
                        for number in range(slices):
                            # Alternating order: a steady drift in the machine's speed favours neither.
                            if number % 2:
                                page = wrk(path, args.slice, CONNECTIONS)
                                healthz = wrk("/healthz", args.slice, CONNECTIONS)
                            else:
                                healthz = wrk("/healthz", args.slice, CONNECTIONS)
                                page = wrk(path, args.slice, CONNECTIONS)
                            runs.setdefault((cache, "healthz"), []).append(healthz)
                            runs.setdefault((cache, name), []).append(page)
                            ratios.setdefault((cache, name), []).append(page[0] / healthz[0])
                finally:
                    server.terminate()
                    server.wait()
    print(
        f"{'page':10} {'cache':5} {'req/s':>8} {'x healthz':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"
        f" {'queries':>8}"
    )
    for (cache, name), figures in runs.items():
        rates, p50s, p99s, errors = zip(*figures, strict=True)
        # Queries of a page built from scratch (cache off); a cache hit takes one, the site version.
        queries = 0 if name == "healthz" else counts[paths[name]] if cache == "off" else 1
        ratio = f"{statistics.median(ratios[cache, name]):.2f}" if name != "healthz" else "-"
        print(
            f"{name:10} {cache:5} {statistics.median(rates):8.0f} {ratio:>10} {statistics.median(p50s):8.1f}"
            f" {max(p99s):8.1f} {sum(errors):8d} {queries:8d}"
        )
    if any(figure[3] for figures in runs.values() for figure in figures):
        print("some responses were not 2xx: their rates and ratios do not measure the pages")


if __name__ == "__main__":
    main()
