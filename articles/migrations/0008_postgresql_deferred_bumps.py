"""PostgreSQL: the bump triggers stand aside while a bulk writer defers its bump, as SQLite's do (0006).

0004's statement triggers bumped the generation at a batch's first statement, which locked the state row
until the batch committed, so two batches written at once on two connections (articles.importer) took
turns. A writer now sets ``qtakes.defer_bumps`` for its own transaction (``SET LOCAL``, which no other
connection sees and a rollback clears) and bumps once just before committing
(articles.cache.deferred_bumps); every other write, from the admin or raw SQL, still bumps.
"""

from django.db import migrations

STATE_TABLE = "qtakes_site_state"
BUMP = f"UPDATE {STATE_TABLE} SET generation = generation + 1, changed_at = now() WHERE id = 1;"
DEFERRED = "IF current_setting('qtakes.defer_bumps', true) = 'on' THEN RETURN NULL; END IF;"


def bump_function(body):
    return (
        f"CREATE OR REPLACE FUNCTION qtakes_bump_generation() RETURNS trigger AS $$ BEGIN {body} "
        "RETURN NULL; END; $$ LANGUAGE plpgsql"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(bump_function(f"{DEFERRED} {BUMP}"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(bump_function(BUMP))


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_import_state_index")]
    operations = [migrations.RunPython(forwards, backwards)]
