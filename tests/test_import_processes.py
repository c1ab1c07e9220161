"""Real processes: an import killed with SIGKILL, and two imports started at once (SQLite file database)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sources import write_source

ROOT = Path(__file__).resolve().parent.parent
FILES = 1200


@pytest.fixture
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for index in range(FILES):
        related = [(f"q{(index + step) % FILES}", "computer-science", "Q?") for step in (1, 2, 3)]
        write_source(folder, slug=f"q{index}", question=f"Question {index}?", keywords=f"k{index},shared,mod{index % 7}",
                     related=related)  # fmt: skip
    return folder


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "db.sqlite3"
    env = dict(os.environ, DJANGO_DEBUG="0", DATABASE_URL=f"sqlite:///{path}")
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return path, env


def start_import(corpus, env, *extra):
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(corpus), "--batch-size", "50", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def count(path, sql):
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchone()[0]


def test_sigkill_halfway_leaves_whole_articles_and_a_rerun_completes(corpus, database):
    path, env = database
    process = start_import(corpus, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and count(path, "SELECT COUNT(*) FROM articles_article") < 200:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = count(path, "SELECT COUNT(*) FROM articles_article")
    assert 0 < stored < FILES, "the kill should land halfway"
    # Every stored article is whole: all three relations and all three keywords.
    assert count(path, "SELECT COUNT(*) FROM articles_relation") == 3 * stored
    assert count(path, "SELECT COUNT(*) FROM articles_articlekeyword") == 3 * stored
    assert count(path, "SELECT COUNT(*) FROM articles_article WHERE answer_html = ''") == 0

    rerun = start_import(corpus, env)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"created {FILES - stored}, updated 0, unchanged {stored}, refused 0" in out
    assert count(path, "SELECT COUNT(*) FROM articles_article") == FILES
    assert count(path, "SELECT COUNT(*) FROM articles_relation WHERE target_id IS NULL") == 0


def test_two_imports_at_once_never_interleave(corpus, database):
    path, env = database
    first = start_import(corpus, env, "--batch-size", "10")  # small batches: a long run
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and count(path, "SELECT COUNT(*) FROM articles_article") == 0:
        time.sleep(0.02)  # the first is writing, so it holds the lock
    second = start_import(corpus, env)
    second_out, second_err = second.communicate(timeout=300)
    first_out, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert f"created {FILES}" in first_out
    assert second.returncode != 0
    assert "another import is running" in second_err
    assert count(path, "SELECT COUNT(*) FROM articles_article") == FILES
