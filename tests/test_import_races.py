"""An import beside other writers: an admin edit made during it is never lost, and a re-import of
changed files runs to the end (PostgreSQL deadlocked here while two writers took turns on key locks)."""

import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from articles.editorial import editing
from articles.importing import importer as importer_module
from articles.importing.importer import import_paths
from articles.models import Article
from tests.sources import write_source

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = SERVER_URL.startswith("postgres")


def admin_edit(url, question):
    """What the admin's change form does, on a connection of its own (another request)."""

    def edit():
        try:
            article = Article.objects.select_related("subject").get(url=url)
            article.question = question
            editing.save_article(article)
        finally:
            connection.close()

    thread = threading.Thread(target=edit)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()


@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="SQLite's import holds the write lock from its plan to its commit"
)
@pytest.mark.django_db(transaction=True)
def test_an_admin_edit_committed_between_plan_and_write_becomes_a_conflict(tmp_path, monkeypatch):
    for slug in "abcd":
        write_source(tmp_path, slug=slug, question=f"File {slug}?")
    import_paths([tmp_path])
    for slug in "abcd":
        write_source(tmp_path, slug=slug, question=f"Changed file {slug}?")
    target = Article.objects.get(slug="d").url
    planned = importer_module.plan_batch

    def plan_then_edit(ready, *args, **kwargs):
        plan = planned(ready, *args, **kwargs)
        if any(prepared.record.url == target for prepared in ready):
            admin_edit(target, "Edited in the admin?")  # commits while the batch is planned, not written
        return plan

    monkeypatch.setattr(importer_module, "plan_batch", plan_then_edit)
    result = import_paths([tmp_path], batch_size=2)
    assert [url for url, _ in result.conflicts] == [target]
    assert result.updated == 3
    article = Article.objects.get(url=target)
    assert (article.question, article.edited) == ("Edited in the admin?", True)
    assert Article.objects.get(slug="c").question == "Changed file c?"


@pytest.mark.django_db(transaction=True)
def test_an_admin_edit_before_the_batch_is_planned_is_a_conflict(tmp_path):
    write_source(tmp_path, slug="a", question="File?")
    import_paths([tmp_path])
    write_source(tmp_path, slug="a", question="Changed file?")
    admin_edit(Article.objects.get().url, "Edited?")
    result = import_paths([tmp_path])
    assert len(result.conflicts) == 1 and Article.objects.get().question == "Edited?"


@pytest.fixture
def scratch_database():
    name = "qtakes_races"

    def run(statement):
        with psycopg.connect(SERVER_URL, autocommit=True) as server:
            server.execute(statement)

    run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    run(f"CREATE DATABASE {name}")
    yield urlsplit(SERVER_URL)._replace(path=f"/{name}").geturl()
    run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs DATABASE_URL (PostgreSQL)")
def test_a_reimport_of_changed_files_on_postgresql_runs_to_the_end(tmp_path, scratch_database):
    files = 600
    env = {**os.environ, "DATABASE_URL": scratch_database}
    assert manage(["migrate", "--noinput"], env).returncode == 0
    for round_ in range(3):  # the deadlock came in 4 runs of 4: three rounds of changed answers
        for index in range(files):
            related = [(f"q{(index + step) % files}", "computer-science", "Q?") for step in (1, 2, 3)]
            write_source(tmp_path, slug=f"q{index}", answer=f"Answer {index}, round {round_}.",
                         keywords=f"k{index},shared", related=related)  # fmt: skip
        done = manage(["import_articles", str(tmp_path), "--batch-size", "100"], env)
        assert done.returncode == 0, done.stderr
        expected = f"created {files}" if round_ == 0 else f"updated {files}"
        assert expected in done.stdout, done.stdout
        assert "Traceback" not in done.stderr
