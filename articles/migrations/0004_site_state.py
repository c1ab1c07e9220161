"""The site generation behind the page cache (articles/cache.py): bumped by triggers on every write."""

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


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "postgresql":
        run(f"CREATE TABLE {STATE_TABLE} (id integer PRIMARY KEY, generation bigint NOT NULL, "
            "changed_at timestamp with time zone NOT NULL)")
        run(f"INSERT INTO {STATE_TABLE} VALUES (1, 1, now())")
        run(f"CREATE FUNCTION qtakes_bump_generation() RETURNS trigger AS $$ BEGIN "
            f"UPDATE {STATE_TABLE} SET generation = generation + 1, changed_at = now() WHERE id = 1; "
            "RETURN NULL; END; $$ LANGUAGE plpgsql")
        for table in CONTENT_TABLES:
            run(f"CREATE TRIGGER {table}_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION qtakes_bump_generation()")
        return
    # SQLite stores datetimes as text; the trigger writes the same shape Django does.
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    run(f"CREATE TABLE {STATE_TABLE} (id integer PRIMARY KEY, generation integer NOT NULL, "
        "changed_at datetime NOT NULL)")
    run(f"INSERT INTO {STATE_TABLE} VALUES (1, 1, {now})")
    for table in CONTENT_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            run(f"CREATE TRIGGER {table}_bump_{event.lower()} AFTER {event} ON {table} BEGIN "
                f"UPDATE {STATE_TABLE} SET generation = generation + 1, changed_at = {now} WHERE id = 1; END")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in CONTENT_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_bump ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS qtakes_bump_generation()")
    else:
        for table in CONTENT_TABLES:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_bump_{event}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_search")]
    operations = [migrations.RunPython(create, drop)]
