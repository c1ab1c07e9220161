"""Real processes: an import killed with SIGKILL, and two imports started at once.

On a SQLite file database, and on a scratch PostgreSQL database when DATABASE_URL names a server (there
an import writes two batches at once, on two connections).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.sources import write_source

ROOT = Path(__file__).resolve().parent.parent
FILES = 1200
SERVER_URL = os.environ.get("DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if SERVER_URL.startswith("postgres") else [])]


@pytest.fixture
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for index in range(FILES):
        related = [(f"q{(index + step) % FILES}", "computer-science", "Q?") for step in (1, 2, 3)]
        write_source(folder, slug=f"q{index}", question=f"Question {index}?", keywords=f"k{index},shared,mod{index % 7}",
                     related=related)  # fmt: skip
    return folder


@dataclass
class Database:
    url: str
    env: dict

    def count(self, sql):
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as connection:
                return connection.execute(sql).fetchone()[0]
        with psycopg.connect(self.url) as connection:
            return connection.execute(sql).fetchone()[0]


def scratch_postgresql(name):
    """A new, empty database on DATABASE_URL's server; returns its url and a function that drops it."""

    def run(statement):
        with psycopg.connect(SERVER_URL, autocommit=True) as connection:
            connection.execute(statement)

    run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    run(f"CREATE DATABASE {name}")
    return urlsplit(SERVER_URL)._replace(path=f"/{name}").geturl(), lambda: run(
        f"DROP DATABASE {name} WITH (FORCE)"
    )


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    else:
        url, drop = scratch_postgresql(f"qtakes_processes_{os.getpid()}")
        request.addfinalizer(drop)
    env = dict(os.environ, DJANGO_DEBUG="0", DATABASE_URL=url)
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return Database(url, env)


def start_import(corpus, env, *extra):
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(corpus), "--batch-size", "50", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_sigkill_halfway_leaves_whole_articles_and_a_rerun_completes(corpus, database):
    env = database.env
    process = start_import(corpus, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and database.count("SELECT COUNT(*) FROM articles_article") < 200:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = database.count("SELECT COUNT(*) FROM articles_article")
    assert 0 < stored < FILES, "the kill should land halfway"
    # Every stored article is whole: all three relations and all three keywords.
    assert database.count("SELECT COUNT(*) FROM articles_relation") == 3 * stored
    assert database.count("SELECT COUNT(*) FROM articles_articlekeyword") == 3 * stored
    assert database.count("SELECT COUNT(*) FROM articles_article WHERE answer_html = ''") == 0

    rerun = start_import(corpus, env)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"created {FILES - stored}, updated 0, unchanged {stored}, refused 0" in out
    assert database.count("SELECT COUNT(*) FROM articles_article") == FILES
    assert database.count("SELECT COUNT(*) FROM articles_relation WHERE target_id IS NULL") == 0


def test_two_imports_at_once_never_interleave(corpus, database):
    env = database.env
    first = start_import(corpus, env, "--batch-size", "10")  # small batches: a long run
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and database.count("SELECT COUNT(*) FROM articles_article") == 0:
        time.sleep(0.02)  # the first is writing, so it holds the lock
    second = start_import(corpus, env)
    second_out, second_err = second.communicate(timeout=300)
    first_out, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert f"created {FILES}" in first_out
    assert second.returncode != 0
    assert "another import is running" in second_err
    assert database.count("SELECT COUNT(*) FROM articles_article") == FILES
