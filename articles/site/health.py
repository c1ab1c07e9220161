"""Liveness and readiness, for load balancers and orchestrators.

``/healthz`` says the process answers: constant, no database, no cache, so a slow dependency never
gets a healthy process restarted. ``/readyz`` says whether pages can be served as they should: the
database answers the query every page starts with (and takes writes), and the page cache answers.
503 names what is down; the details go to the log, not to whoever asks.
"""

import logging
import os
from pathlib import Path

from django.db import connection
from django.http import HttpResponse

from ..generation import site_version
from .cache import cache_problem

logger = logging.getLogger(__name__)


def healthz(request):
    """For load balancers: constant, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """200 when the database and the page cache answer; 503 naming each that does not."""
    problems = {"database": database_problem(), "cache": cache_problem()}
    lines = [f"{name}: {problem or 'ok'}" for name, problem in problems.items()]
    ready = not any(problems.values())
    response = HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8", status=200 if ready else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def database_problem():
    """None when the database serves pages and takes writes, else a short word on what is wrong."""
    try:
        site_version()  # the query every page starts with: the server answers and the schema is there
        if is_read_only():
            return "read-only"
    except Exception as error:  # whatever the driver raises, readiness answers
        logger.warning("Readiness: the database is down: %r", error)
        return f"down ({type(error).__name__})"
    return None


def is_read_only():
    """Whether the database refuses writes (imports and the admin would fail), without taking a lock."""
    if connection.vendor == "postgresql":  # a standby, or default_transaction_read_only
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('transaction_read_only')")
            return cursor.fetchone()[0] == "on"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        # SQLite writes beside the file too (its -wal and -shm files); a read-only mount fails access().
        path = Path(connection.settings_dict["NAME"])
        return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    return False
