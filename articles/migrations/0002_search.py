"""Full-text search: an FTS5 table on SQLite, a GIN expression index on PostgreSQL (see articles.search).

Neither is part of Django's model state, so this migration uses RunPython and checks the vendor; on
other databases it does nothing and search falls back to icontains.

SQLite caveat: a later migration that makes Django rebuild articles_article (most ALTERs on SQLite)
drops the triggers below with the old table. Such a migration must re-create them
(articles.search.sqlite_index_is_complete() says whether they are there).
"""

from django.db import migrations

FTS = "articles_article_fts"
COLUMNS = "question, answer, seo_keywords"

SQLITE_FORWARDS = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='articles_article', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, new.question, new.answer, new.seo_keywords);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.question, old.answer, old.seo_keywords);
    END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF {COLUMNS} ON articles_article BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.question, old.answer, old.seo_keywords);
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, new.question, new.answer, new.seo_keywords);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    # ORDER BY rank then means bm25 with a question match worth most, a keyword match next.
    f"INSERT INTO {FTS}({FTS}, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)')",
]
SQLITE_BACKWARDS = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]

# translate(): the parser would drop "<div>" and anything else shaped like a tag; FTS5 keeps the word.
POSTGRESQL_FORWARDS = [
    """CREATE INDEX IF NOT EXISTS article_search ON articles_article USING GIN ((
        setweight(to_tsvector('english'::regconfig, translate(coalesce(question, ''), '<>', '  ')), 'A')
        || setweight(to_tsvector('english'::regconfig, translate(coalesce(seo_keywords, ''), '<>', '  ')), 'B')
        || setweight(to_tsvector('english'::regconfig, translate(coalesce(answer, ''), '<>', '  ')), 'C')
    ))""",
]
POSTGRESQL_BACKWARDS = ["DROP INDEX IF EXISTS article_search"]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARDS, SQLITE_BACKWARDS),
    "postgresql": (POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
}


def forwards(apps, schema_editor):
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
