"""SQLite: row triggers leave the site generation alone while a bulk writer defers its bump.

SQLite has no statement-level triggers, so 0004's bump ran once per row: 730,000 UPDATEs of the state
row in a full import, about a fifth of its writer's time. A writer now sets ``deferred`` in its own
transaction and bumps once before committing (articles.cache.deferred_bumps); every other write,
from the admin or raw SQL, still bumps per row. PostgreSQL's triggers run per statement and stay.
"""

from django.db import migrations

STATE_TABLE = "qtakes_site_state"
CONTENT_TABLES = (
    "articles_article",
    "articles_subject",
    "articles_relation",
    "articles_redirect",
    "articles_keyword",
    "articles_articlekeyword",
)
EVENTS = ("INSERT", "UPDATE", "DELETE")
NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
BUMP = f"UPDATE {STATE_TABLE} SET generation = generation + 1, changed_at = {NOW} WHERE id = 1"


def recreate_triggers(schema_editor, when):
    for table in CONTENT_TABLES:
        for event in EVENTS:
            name = f"{table}_bump_{event.lower()}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} {when} BEGIN {BUMP}; END")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"ALTER TABLE {STATE_TABLE} ADD COLUMN deferred integer NOT NULL DEFAULT 0")
    recreate_triggers(schema_editor, f"WHEN (SELECT deferred FROM {STATE_TABLE} WHERE id = 1) = 0")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    recreate_triggers(schema_editor, "")
    schema_editor.execute(f"ALTER TABLE {STATE_TABLE} DROP COLUMN deferred")


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_covering_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
