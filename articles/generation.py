"""The site's content generation: one number every content write bumps, and the way to bump it once.

Every write to a content table bumps a site-wide generation in the database (triggers, created by
migration 0004, so imports, admin edits, bulk actions and raw SQL all count). Pages built from the
database carry that generation plus the number of scheduled articles that have come due since the last
write: a scheduled article going live changes it too, with no cron job. Reading the version is one
indexed query and never writes, so pages keep flowing while an import holds the write lock.
"""

import contextlib

from django.db import connection
from django.utils import timezone

STATE_TABLE = "qtakes_site_state"
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"  # as the bump triggers write changed_at (migration 0004)


def site_version():
    """The generation of the site's content, as a short string for keys and ETags."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.generation, (SELECT COUNT(*) FROM articles_article a"  # noqa: S608 - constants only
            f" WHERE a.publish_at > s.changed_at AND a.publish_at <= %s AND a.status = 'published')"
            f" FROM {STATE_TABLE} s WHERE s.id = 1",
            [connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cursor.fetchone()
    return f"{row[0]}.{row[1]}" if row else "0.0"


# Per database: the statements that set the flag the bump triggers check, and those that clear it and
# bump once (migrations 0006 and 0008).
DEFERRAL = {
    "sqlite": (
        [f"UPDATE {STATE_TABLE} SET deferred = 1 WHERE id = 1"],
        [
            f"UPDATE {STATE_TABLE} SET deferred = 0, generation = generation + 1, changed_at = {SQLITE_NOW}"
            " WHERE id = 1"
        ],
    ),
    "postgresql": (
        ["SET LOCAL qtakes.defer_bumps = 'on'"],
        [
            # The deferred foreign-key checks run now, not at the commit, which would hold the state
            # row's lock through them.
            "SET CONSTRAINTS ALL IMMEDIATE",
            "SET LOCAL qtakes.defer_bumps = 'off'",
            f"UPDATE {STATE_TABLE} SET generation = generation + 1, changed_at = now() WHERE id = 1",
        ],
    ),
}


@contextlib.contextmanager
def deferred_bumps():
    """Inside a transaction: the rows written leave the generation alone, then it is bumped once.

    SQLite's bump triggers run once per row (migration 0006). PostgreSQL's run once per statement, but
    the first one would lock the state row until the commit, so an admin save during an import batch
    would wait for the whole batch (migration 0008). The flag is set and cleared inside the caller's transaction, so no other
    connection ever sees it set, and a rollback clears it with everything else.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("deferred_bumps() must run inside transaction.atomic()")
    defer, bump = DEFERRAL[connection.vendor]
    with connection.cursor() as cursor:
        for statement in defer:
            cursor.execute(statement)
        yield
        for statement in bump:
            cursor.execute(statement)
