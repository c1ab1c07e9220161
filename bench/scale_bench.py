"""qtakes at scale: N synthetic files (default 200,000) imported, then the listing pages served.

    python bench/scale_bench.py [-n 200000] [--database-url URL] [--duration 5]
    python bench/scale_bench.py --database-url URL --serve-only   # step 2 alone, on a database step 1 filled

1. Imports the 35,915 real files, then the N generated ones (bench/generate_corpus.py) into a fresh
   database, and prints files/s for both: the large run should stay within 20% of the real one. Memory
   is sampled through the run and printed per quarter: flat means the last quarter is no higher.
2. Serves that database with gunicorn and prints, per page type, p50 and p99 with the page cache warm
   and cold (the cache off: every request builds the page), and the queries the page takes.
   Latencies are taken at 2 connections, one per core, so they show the page's cost, not queueing.

Skips with a message when ../shared/corpus or wrk is absent.
"""

import argparse
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT,
    fresh_database,
    full_corpus,
    manage,
    production_env,
    query_counts,
    run_measured,
    start_gunicorn,
    wrk,
)
from generate_corpus import generate  # noqa: E402

GENERATED = Path(tempfile.gettempdir()) / "qtakes-bench-generated"
CONNECTIONS = 2
PORT = 8766  # not serve_bench's, so the two can run side by side
# Frequent words ("what", "the": stop words, and "cell", "energy": in thousands of answers) and rare ones.
SEARCHES = ("what", "the energy", "cell", "how does photosynthesis work", "fourier transform", "zygote")

PATHS_SCRIPT = """
from django.db.models import Count
from articles.models import Article, Keyword, Subject
from articles.site.views import PER_PAGE
subject = Subject.objects.annotate(n=Count("articles")).order_by("-n").first()
keyword = Keyword.objects.annotate(n=Count("article_items")).order_by("-n").first()
print(subject.get_absolute_url())
print(-(-subject.n // PER_PAGE))
print(keyword.get_absolute_url())
"""


def import_rate(corpus, env, label):
    command = [sys.executable, str(ROOT / "manage.py"), "import_articles", str(corpus), "-v1"]
    samples = []
    run = run_measured(command, env, samples)
    seconds, peak = run.seconds, run.peak_pss
    files = sum(1 for _ in corpus.rglob("*.md"))
    quarters = [max((rss for t, rss in samples if q * seconds / 4 <= t < (q + 1) * seconds / 4), default=0)
                for q in range(4)]  # fmt: skip
    print(f"{label:22} {files:>8,} files {seconds:7.1f} s {files / seconds:7.0f} files/s  peak {peak:4.0f} MiB PSS"
          f"  by quarter: {' / '.join(f'{q:.0f}' for q in quarters)} MiB")  # fmt: skip
    return files / seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--serve-only", action="store_true", help="serve --database-url as it is, no import")
    args = parser.parse_args()
    real = full_corpus()
    if real is None:
        print("scale bench skipped: ../shared/corpus is not here")
        return
    if not shutil.which("wrk"):
        print("scale bench skipped: wrk is not installed (apt-get install wrk)")
        return
    if args.serve_only:
        env = production_env(args.database_url)
        manage(["migrate", "--noinput", "-v0"], env)
        serve(env, args.duration)
        return
    generated = GENERATED / str(args.n)
    print(f"generating {args.n:,} files under {generated} (kept for the next run) ...", flush=True)
    generate(generated, args.n)
    with tempfile.TemporaryDirectory() as scratch:
        _, env = fresh_database(args.database_url, scratch, "scale")
        manage(["collectstatic", "--noinput", "-v0"], env)
        base = import_rate(real, env, "real corpus")
        rate = import_rate(generated, env, f"{args.n:,} generated")
        print(f"throughput at scale: {rate / base:.2f}x the real corpus's (goal: at least 0.80x)")
        serve(env, args.duration)


def serve(env, duration):
    subject, last_page, keyword = manage(["shell", "--no-imports", "-c", PATHS_SCRIPT], env).stdout.split()
    pages = {
        "subject first": subject,
        "subject deep": f"{subject}?page={last_page}",
        "keyword": keyword,
        **{f"search {q!r}": f"/search/?q={urllib.parse.quote_plus(q)}" for q in SEARCHES},
        "sitemap index": "/sitemap.xml",
        "sitemap page": "/sitemap-articles.xml?p=2",
    }
    counts = query_counts(env, pages.values())
    figures = {}
    for cache in ("on", "off"):
        server = start_gunicorn(dict(env, PAGE_CACHE=cache), PORT)
        try:
            for name, path in pages.items():
                wrk(path, 1, CONNECTIONS, PORT)  # warm the page cache, or the database's own pages
                figures[name, cache] = wrk(path, duration, CONNECTIONS, PORT)
        finally:
            server.terminate()
            server.wait()
    articles = manage(["shell", "--no-imports", "-c", "from articles.models import Article as A; print(A.objects.count())"], env).stdout.strip()  # fmt: skip
    print(f"\npages at {int(articles):,} articles, {CONNECTIONS} connections (goal: p50 warm at most 50 ms)")
    print(
        f"{'page':32} {'warm p50':>9} {'warm p99':>9} {'cold p50':>9} {'cold p99':>9} {'queries':>8} {'non-2xx':>8}"
    )
    for name, path in pages.items():
        _, warm50, warm99, warm_errors = figures[name, "on"]
        _, cold50, cold99, cold_errors = figures[name, "off"]
        print(f"{name:32} {warm50:9.1f} {warm99:9.1f} {cold50:9.1f} {cold99:9.1f} {counts[path]:8d}"
              f" {warm_errors + cold_errors:8d}")  # fmt: skip


if __name__ == "__main__":
    main()
