"""Real processes: an import killed with SIGKILL, and two imports started at once.

On a SQLite file database, and on a scratch PostgreSQL database when DATABASE_URL names a server (there
an import writes two batches at once, on two connections).
"""

import contextlib
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


# -- a worker that dies ----------------------------------------------------------------------------

# The import command, with preparation made to kill its process on chosen files, as a crash in C code
# would. The workers are forked, so they inherit the patch; the scan dies in a worker only.
DYING_IMPORT = """
import os, signal, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qtakes.settings")
django.setup()
from articles.importing import importer, prepare
parent = os.getpid()
real_prepare, real_scan = prepare.prepare_file, importer.scan_file
def prepare_file(path, max_bytes):
    name = os.path.basename(path)
    if name == "segfault.md":
        os.kill(os.getpid(), signal.SIGSEGV)
    if name == "killed.md":
        os.kill(os.getpid(), signal.SIGKILL)
    if name == "exits.md":
        os._exit(3)
    return real_prepare(path, max_bytes)
def scan_file(path, max_bytes):
    if os.path.basename(path) == "dies-in-scan.md" and os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGSEGV)
    return real_scan(path, max_bytes)
prepare.prepare_file, importer.scan_file = prepare_file, scan_file
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "import_articles", *sys.argv[1:]])
"""
DEATHS = {"segfault": "signal 11", "killed": "signal 9", "exits": "exit status 3"}


def import_with_deaths(folder, env, *extra):
    return subprocess.run([sys.executable, "-c", DYING_IMPORT, str(folder), *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_a_dying_worker_costs_the_file_it_was_preparing_only(tmp_path, database):
    for index in range(400):  # enough for the workers to scan too
        write_source(tmp_path, slug=f"q{index}", question=f"Question {index}?")
    for name in (*DEATHS, "dies-in-scan"):
        write_source(tmp_path, slug=name, question=f"{name}?")
    run = import_with_deaths(tmp_path, database.env, "--batch-size", "50", "--workers", "2")
    assert run.returncode == 1, run.stderr
    for name, how in DEATHS.items():
        assert f"refused {tmp_path / name}.md: the worker preparing this file died ({how})" in run.stderr
    assert "created 401, updated 0, unchanged 0, refused 3" in run.stdout
    assert database.count("SELECT COUNT(*) FROM articles_article") == 401


def test_a_small_import_survives_a_crash_too(tmp_path, database):
    # Below the threshold for a pool the files are still prepared in a worker, never in the import itself.
    for slug in ("a", "b", "segfault"):
        write_source(tmp_path, slug=slug)
    run = import_with_deaths(tmp_path, database.env)
    assert run.returncode == 1, run.stderr
    assert (
        f"refused {tmp_path / 'segfault.md'}: the worker preparing this file died (signal 11)" in run.stderr
    )
    assert database.count("SELECT COUNT(*) FROM articles_article") == 2


def process_states(pids):
    """{pid: state letter} of those of ``pids`` still in the process table."""
    states = {}
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            states[pid] = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return states


def children_of(parent):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")
def test_the_workers_die_with_a_killed_import(tmp_path, database):
    # Long answers: each worker holds seconds of work (10 files of 70 kB) when the import is killed.
    answer = r"A paragraph with **bold**, *emphasis*, `code` and a [link](https://example.com/x).\n\n" * 800
    for index in range(240):
        write_source(tmp_path, slug=f"q{index}", question=f"Question {index}?", answer=answer)
    process = start_import(tmp_path, database.env, "--batch-size", "80", "--workers", "2")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children_of(process.pid)) < 2:
        time.sleep(0.02)
    time.sleep(1)  # scanned, and preparing
    workers = children_of(process.pid)
    assert len(workers) == 2 and process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline and set(process_states(workers).values()) - {"Z"}:
        time.sleep(0.02)
    assert set(process_states(workers).values()) <= {"Z"}  # gone, or dead and not yet reaped


# -- which database, and whether it can be written -------------------------------------------------


def test_a_symlinked_path_to_the_database_takes_the_same_lock(corpus, tmp_path):
    env = dict(os.environ, DJANGO_DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    (tmp_path / "link.sqlite3").symlink_to(tmp_path / "db.sqlite3")
    database = Database(env["DATABASE_URL"], env)
    first = start_import(corpus, env, "--batch-size", "10")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and database.count("SELECT COUNT(*) FROM articles_article") == 0:
        time.sleep(0.02)
    second = start_import(corpus, dict(env, DATABASE_URL=f"sqlite:///{tmp_path / 'link.sqlite3'}"))
    second_out, second_err = second.communicate(timeout=300)
    first_out, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert second.returncode != 0
    assert "another import is running" in second_err


def unusable_sqlite(tmp_path, case):
    path = tmp_path / "db.sqlite3"
    if case == "no folder":
        return tmp_path / "missing" / "db.sqlite3", f"its folder {tmp_path / 'missing'} does not exist"
    if case == "no file":
        return path, "no such file"
    migrate = dict(os.environ, DJANGO_DEBUG="0", DATABASE_URL=f"sqlite:///{path}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=migrate, check=True)
    path.chmod(0o444)
    return path, "the file is read-only"


@pytest.mark.parametrize("case", ["no folder", "no file", "read-only file"])
def test_an_unusable_sqlite_database_is_named_with_the_reason(tmp_path, case):
    write_source(tmp_path / "files", slug="a")
    path, reason = unusable_sqlite(tmp_path, case)
    env = dict(os.environ, DJANGO_DEBUG="0", DATABASE_URL=f"sqlite:///{path}")
    env.pop("REDIS_URL", None)
    run = start_import(tmp_path / "files", env)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 1
    assert "Traceback" not in err
    assert f"CommandError: database {path} cannot be used: {reason}" in err
    assert path.exists() == (case == "read-only file")  # a missing file is not created empty


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs a PostgreSQL server (DATABASE_URL)")
def test_an_unusable_postgresql_database_is_named_with_the_reason(tmp_path):
    write_source(tmp_path, slug="a")
    env = dict(os.environ, DJANGO_DEBUG="0")
    env.pop("REDIS_URL", None)
    name = f"qtakes_unusable_{os.getpid()}"
    missing = urlsplit(SERVER_URL)._replace(path=f"/{name}_missing").geturl()
    run = start_import(tmp_path, dict(env, DATABASE_URL=missing))
    _, err = run.communicate(timeout=60)
    assert run.returncode == 1 and "Traceback" not in err
    assert f"database {name}_missing" in err and "does not exist" in err
    url, drop = scratch_postgresql(name)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=dict(env, DATABASE_URL=url), check=True)  # fmt: skip
        with psycopg.connect(SERVER_URL, autocommit=True) as connection:
            connection.execute(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
        run = start_import(tmp_path, dict(env, DATABASE_URL=url))
        _, err = run.communicate(timeout=60)
        assert run.returncode == 1 and "Traceback" not in err
        assert f"database {name}" in err and "read-only" in err
    finally:
        drop()
