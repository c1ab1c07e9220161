"""One import at a time per database: a second one refuses with a message instead of interleaving."""

import contextlib
import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

from django.db import connection

ADVISORY_LOCK_KEY = 0x71746B73  # "qtks"


class ImportBusy(Exception):
    pass


BUSY_MESSAGE = "another import is running on this database; wait for it to finish and run this again"


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
    database = str(connection.settings_dict["NAME"])
    if "mode=memory" in database or database == ":memory:":
        database += f"-{os.getpid()}"  # an in-memory database lives in one process only
    name = hashlib.sha256(database.encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"qtakes-import-{name}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy(BUSY_MESSAGE) from None
        yield
