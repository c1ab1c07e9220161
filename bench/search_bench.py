"""Search, measured on the whole corpus: the judgement set's figures, then latency cold and warm.

    python bench/search_bench.py [--database-url URL] [--reuse] [--sample]

1. Imports the corpus into a fresh database (SQLite file by default; ``--reuse`` keeps a database that
   already holds it, such as one scale_bench.py filled with 235,915 articles).
2. In a new process (cold: nothing in this process, the dictionary still to read), with the page cache
   off, requests the results page (snippets, subject counts) for a query mix twice, and suggestions for
   a mix of what is typed, twice: the first pass is "cold", the second "warm". Prints p50, p95 and the
   largest, per pass, and the dictionary's first build apart (it happens once per process).
3. Prints MRR@10 and the top-3 and top-10 rates of the judgement set (tests/judgement.py, seed 19).

The query mix: frequent words ("the process of", "what are the main", "cell"), questions as written,
four of their words, the same with typos, terms such as "c++", narrowed by subject, and page 2. The
issue's goals: results p95 <= 50 ms at 35,915 articles and <= 100 ms at 235,915; suggestions p95 <= 15 ms.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SAMPLE, fresh_database, full_corpus, manage, production_env  # noqa: E402

FREQUENT = ["the process of", "what are the main", "cell", "energy", "how does it work", "importance", "role"]
TERMS = ["c++", "c#", "node.js", "x86-64", "derivative", "photosynthesis", "hyponatremia"]
MEASURE = """
import json, os, random, statistics, sys, time
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.test import Client
from articles.models import Article, Subject
from tests.judgement import judgement_set, measure, with_typos

spec = json.loads(os.environ["QTAKES_SEARCH_BENCH"])
rng = random.Random(19)
questions = dict(Article.objects.published().values_list("url", "question"))
judged = judgement_set(questions, size=spec["size"])
sample = [query for kind, query, _ in judged][: 3 * spec["latency_queries"]]
subjects = list(Subject.objects.values_list("slug", flat=True)[:5])
subjects_path = Subject.objects.get(slug=subjects[0]).get_absolute_url()
pages = [{"q": q} for q in spec["frequent"] + spec["terms"] + sample]
pages += [{"q": q, "subject": rng.choice(subjects)} for q in spec["frequent"]]
pages += [{"q": q, "page": "2"} for q in spec["frequent"]]
typed = []
for question in rng.sample(sorted(questions.values()), spec["latency_queries"]):
    for cut in (4, 9, 16, 28):
        typed.append(question[:cut])
    typed.append(with_typos(question, rng)[:20])
typed += [f[:n] for f in spec["frequent"] for n in (3, 6)]
client = Client()

def timed(path, params):
    started = time.perf_counter()
    response = client.get(path, params, HTTP_HOST="localhost")
    assert response.status_code in (200, 404), (path, params, response.status_code)
    return (time.perf_counter() - started) * 1000

first = timed("/search/", {"q": "photosynthesis"})  # the dictionary is read here
out = {"first": first}
yardstick = [{"page": str(n)} for n in range(1, 4)] * 20  # a listing page, the same machine, the same run
mixes = (("results", "/search/", pages), ("suggest", "/search/suggest", [{"q": t} for t in typed]),
         ("subject page", subjects_path, yardstick))
for name, path, mix in mixes:
    for label in ("cold", "warm"):
        times = sorted(timed(path, params) for params in mix)
        out[f"{name} {label}"] = [len(times), statistics.median(times), times[int(0.95 * len(times)) - 1], times[-1]]
if spec["judge"]:
    figures, _ = measure(judged, limit=10)
    out["figures"] = figures
print("RESULT " + json.dumps(out))
"""


def measure_in_new_process(env, size, latency_queries, judge=True):
    spec = {
        "size": size,
        "latency_queries": latency_queries,
        "frequent": FREQUENT,
        "terms": TERMS,
        "judge": judge,
    }
    env = dict(
        env, PAGE_CACHE="off", QTAKES_SEARCH_BENCH=json.dumps(spec), DJANGO_SETTINGS_MODULE="qtakes.settings"
    )
    run = subprocess.run([sys.executable, "-c", MEASURE], cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"measuring failed:\n{run.stdout}\n{run.stderr}")
    line = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")][-1]
    return json.loads(line.removeprefix("RESULT "))


def report(label, found):
    print(f"{label}: the dictionary's first read and first page {found['first']:.0f} ms")
    for name in (
        "results cold",
        "results warm",
        "suggest cold",
        "suggest warm",
        "subject page cold",
        "subject page warm",
    ):
        count, p50, p95, top = found[name]
        print(f"  {name:17} {count:4} requests  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {top:7.1f} ms")
    for kind, (mrr, top3, top10) in found.get("figures", {}).items():
        print(f"  {kind:12} MRR@10 {mrr:.3f}  top 3 {top3:6.1%}  top 10 {top10:6.1%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--reuse", action="store_true", help="measure --database-url as it is, no import")
    parser.add_argument("--sample", action="store_true", help="the 3,231-file sample instead of all files")
    parser.add_argument("--size", type=int, default=300, help="articles in the judgement set")
    parser.add_argument("--latency-queries", type=int, default=60)
    args = parser.parse_args()
    if args.reuse:
        if not args.database_url:
            raise SystemExit("--reuse needs --database-url")
        env = production_env(args.database_url)
    else:
        corpus = SAMPLE if args.sample else full_corpus()
        if corpus is None or not corpus.exists():
            print("search bench skipped: ../shared/corpus is not here")
            return
        scratch = tempfile.mkdtemp(prefix="qtakes-search-bench-")
        _, env = fresh_database(args.database_url, scratch, "search")
        started = time.perf_counter()
        manage(["import_articles", str(corpus), "-v0"], env)
        print(f"imported {corpus} in {time.perf_counter() - started:.0f} s")
    articles = manage(["shell", "--no-imports", "-c", COUNT], env).stdout.strip()
    engine = "PostgreSQL" if (args.database_url or "").startswith("postgres") else "SQLite"
    report(
        f"{engine}, {int(articles):,} articles", measure_in_new_process(env, args.size, args.latency_queries)
    )


COUNT = "from articles.models import Article; print(Article.objects.count())"

if __name__ == "__main__":
    os.chdir(ROOT)
    main()
