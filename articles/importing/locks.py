"""The database an import writes to: there, writable, and written by one import at a time (a second one
refuses with a message instead of interleaving)."""

import contextlib
import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

from django.db import OperationalError, connection

ADVISORY_LOCK_KEY = 0x71746B73  # "qtks"


class ImportBusy(Exception):
    pass


class DatabaseUnusable(Exception):
    """The database cannot be imported into: the message names it and says why."""


BUSY_MESSAGE = "another import is running on this database; wait for it to finish and run this again"


def database_name():
    """The database as a message names it: the SQLite file, or PostgreSQL's database, host and port."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(settings["NAME"])
    where = ":".join(str(part) for part in (settings.get("HOST"), settings.get("PORT")) if part)
    return f"{settings['NAME']}" + (f" on {where}" if where else "")


def in_memory(name):
    return name == ":memory:" or "mode=memory" in name


def check_database(writing=True):
    """Raise DatabaseUnusable unless the database exists, holds the tables, and (``writing``) takes writes.

    Checked before the import starts: else a missing file was created empty and the import ended in "no
    such table", and a read-only one failed at its first write, each with a traceback.
    """
    name = database_name()
    problem = None
    if connection.vendor == "sqlite" and not in_memory(name):
        folder = os.path.dirname(name) or "."
        if not os.path.isdir(folder):
            problem = f"its folder {folder} does not exist"
        elif not os.path.exists(name):
            problem = "no such file (manage.py migrate creates it)"
        # Root may write any file: a file nobody may write is its owner saying read-only.
        elif writing and not (os.stat(name).st_mode & 0o222 and os.access(name, os.W_OK)):
            problem = "the file is read-only"
    if not problem:
        try:
            with connection.cursor() as cursor:
                if "articles_article" not in connection.introspection.table_names(cursor):
                    problem = "it has no tables (manage.py migrate makes them)"
                elif writing:
                    problem = write_problem(cursor)
        except OperationalError as exc:
            problem = str(exc).strip()
    if problem:
        raise DatabaseUnusable(f"database {name} cannot be used: {problem}")


def write_problem(cursor):
    if connection.vendor == "postgresql":
        cursor.execute("SHOW transaction_read_only")
        return "it is read-only (transaction_read_only is on)" if cursor.fetchone()[0] == "on" else None
    if connection.get_autocommit():
        # Takes the write lock and lets it go at once: a read-only file or folder fails here.
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("ROLLBACK")
    return None


@contextlib.contextmanager
def import_lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise ImportBusy(BUSY_MESSAGE)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    with open(Path(tempfile.gettempdir()) / f"qtakes-import-{lock_key()}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy(BUSY_MESSAGE) from None
        held.append(handle)
        try:
            yield
        finally:
            held.remove(handle)


held = []  # the lock files this process holds


def close_inherited_locks():
    # A forked child (the import's workers) shares the lock with this process until it closes its copy:
    # a worker still exiting, or outliving a killed import, kept the next import out.
    for handle in held:
        handle.close()
    held.clear()


os.register_at_fork(after_in_child=close_inherited_locks)


def lock_key():
    """The SQLite database file's identity: its device and inode, so that every path to it (a symlink,
    a hard link, a relative path) takes the same lock; keyed by the path as written, a symlinked path
    ran a second import at once."""
    name = str(connection.settings_dict["NAME"])
    if in_memory(name):
        identity = f"{name}-{os.getpid()}"  # an in-memory database lives in one process only
    else:
        try:
            info = os.stat(name)
            identity = f"{info.st_dev}:{info.st_ino}"
        except OSError:  # not there yet: the import fails on it anyway, and never beside another
            identity = os.path.realpath(name)
    return hashlib.sha256(identity.encode()).hexdigest()[:16]
