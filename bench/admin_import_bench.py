"""Imports from the admin on the full corpus, each figure against a baseline measured in the same run.

    python bench/admin_import_bench.py [--sample] [--database-url URL]

Prints:
- the first import with revisions (import_articles) against the same import with them off
  (QTAKES_IMPORT_REVISIONS=off), each into a fresh database: the goal is at most 1.15x;
- checking a zip of every file as an upload is checked (every entry read), and the dry run of that zip
  as the admin's background task runs it: the goal is at most 60 s together;
- the admin's import of the zip (the background task: unpack, import, record the run) against
  import_articles on the same files: the goal is at most 1.25x;
- undoing that whole run: the goal is at most 60 s;
- the history and compare pages of an article at the corpus' size (the goal, 300 ms, is set at 235,915
  articles: bench/generate_corpus.py makes such a corpus; pass its folder as the corpus to measure there).
Skips with a message when ../shared/corpus is absent.
"""

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, corpus_arguments, fresh_database, run_measured  # noqa: E402

# Run inside Django, in a process of its own: prints one JSON object of seconds.
STEP = r"""
import json, sys, time
import django
django.setup()
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from articles.editorial import tasks, undo
from articles.editorial.uploads import check_zip
from articles.models import Article, ImportRun, ImportUpload
from articles import history

step, zip_path = sys.argv[1], sys.argv[2]
out = {}
if step == "admin":
    data = open(zip_path, "rb").read()
    clock = time.perf_counter()
    import io
    check_zip(io.BytesIO(data))
    out["check"] = time.perf_counter() - clock
    run = ImportRun.objects.create(origin="admin", status="uploaded", label="bench.zip")
    ImportUpload.objects.create(run=run, name="bench.zip", data=data, size=len(data))
    clock = time.perf_counter()
    tasks.run_import(run.pk, dry_run=True)
    out["dry_run"] = time.perf_counter() - clock
    clock = time.perf_counter()
    tasks.run_import(run.pk, dry_run=False)
    out["import"] = time.perf_counter() - clock
    run.refresh_from_db()
    out["created"] = run.created
    out["run"] = run.pk
elif step == "pages":
    user = User.objects.create_superuser("bench", "bench@example.com", "bench-password-0123")
    client = Client()
    client.force_login(user)
    article = Article.objects.order_by("-pk").first()
    history.record([article.pk], "bench: a second revision", user)
    versions = list(history.versions_of(article.pk))
    urls = [
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:articles_article_compare", args=[article.pk]) + f"?from={versions[-1].pk}&to={versions[0].pk}",
    ]
    for url in urls:
        client.get(url)  # warm
        times = []
        for _ in range(10):
            clock = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - clock)
            assert response.status_code == 200, response.status_code
        out["history" if "compare" not in url else "compare"] = sorted(times)[len(times) // 2]
    out["articles"] = Article.objects.count()
elif step == "undo":
    run = ImportRun.objects.get(pk=int(zip_path))
    clock = time.perf_counter()
    report = undo.undo_run(run)
    out["undo"] = time.perf_counter() - clock
    out["removed"] = report["removed"]
print(json.dumps(out))
"""


def step(env, name, argument):
    completed = subprocess.run(
        [sys.executable, "-c", STEP, name, str(argument)],
        env={**env, "DJANGO_SETTINGS_MODULE": "qtakes.settings", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise SystemExit(f"step {name} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def zip_corpus(corpus, target):
    clock = time.perf_counter()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(corpus.rglob("*.md")):
            archive.write(path, path.relative_to(corpus).as_posix())
    return time.perf_counter() - clock


def main():
    args, corpus = corpus_arguments(__doc__)
    if corpus is None:
        print("admin import bench skipped: ../shared/corpus is not here")
        return
    files = sum(1 for _ in corpus.rglob("*.md"))
    command = [sys.executable, str(ROOT / "manage.py"), "import_articles", str(corpus), "-v1"]
    with tempfile.TemporaryDirectory() as scratch:
        _, plain_env = fresh_database(args.database_url, scratch, "plain")
        plain = run_measured(command, {**plain_env, "QTAKES_IMPORT_REVISIONS": "off"})
        _, kept_env = fresh_database(args.database_url, scratch, "kept")
        kept = run_measured(command, kept_env)
        zip_path = Path(scratch) / "corpus.zip"
        zipping = zip_corpus(corpus, zip_path)
        _, admin_env = fresh_database(args.database_url, scratch, "admin")
        admin = step(admin_env, "admin", zip_path)
        pages = step(admin_env, "pages", "-")
        undone = step(admin_env, "undo", admin["run"])

    size = zip_path.stat().st_size if zip_path.exists() else 0
    print(f"files: {files:,}  database: {(args.database_url or 'sqlite').split(':')[0]}  zip: {size / 2**20:.0f} MiB "
          f"(made in {zipping:.1f} s)")  # fmt: skip
    print(f"first import, revisions off (baseline): {plain.seconds:6.1f} s")
    print(
        f"first import, revisions on:             {kept.seconds:6.1f} s = {kept.seconds / plain.seconds:.2f}x (goal <= 1.15x)"
    )
    check_and_dry = admin["check"] + admin["dry_run"]
    print(f"upload check of the zip:                {admin['check']:6.1f} s")
    print(
        f"dry run of the zip (background task):   {admin['dry_run']:6.1f} s; with the check {check_and_dry:.1f} s (goal <= 60 s)"
    )
    print(f"admin import of the zip:                {admin['import']:6.1f} s = {admin['import'] / kept.seconds:.2f}x "
          f"import_articles with revisions (goal <= 1.25x); created {admin['created']:,}")  # fmt: skip
    print(
        f"undo of that run:                       {undone['undo']:6.1f} s, removed {undone['removed']:,} (goal <= 60 s)"
    )
    print(f"history page: {pages['history'] * 1000:.0f} ms, compare page: {pages['compare'] * 1000:.0f} ms "
          f"(median of 10, at {pages['articles']:,} articles; goal <= 300 ms at 235,915)")  # fmt: skip


if __name__ == "__main__":
    main()
