"""Search indexes of literal words, the same words on SQLite and PostgreSQL (see articles.search).

0002 indexed stemmed words with each database's own stemmer (Porter in FTS5, Snowball in PostgreSQL),
so the two engines disagreed on edge cases, "derived" matched "derivative" as well as the word itself,
and "c++" was indexed as "c". Both engines now index the same literal tokens: lowercase runs of letters
and digits, with "+" and "#" kept ("c++", "c#"), ".net" as "dotnet"; stems, accents and typos are
handled by articles.search.dictionary, which expands a query word into the indexed words it stands for.

SQLite: two contentless FTS5 tables (every column; questions alone, for suggestions and the "matched in
the question" rank), triggers, and an index of each article's subject and visibility by id. PostgreSQL: a table of two tsvectors per article (the 'simple'
configuration over the same tokens; "+" and "#" spelled as letters its parser keeps) with GIN indexes,
kept by a row trigger. Both: ``articles_search_change``, a log of the articles whose words changed, so
every process's dictionary takes in new words on its next search (newest 100,000 kept).

SQLite caveat (as for 0002): a later migration that makes Django rebuild articles_article drops these
triggers and that index; ``articles.search.sqlite_index_is_complete()`` says whether they are all there.
"""

import unicodedata

from django.db import migrations

FTS = "articles_article_fts"
QUESTIONS = "articles_question_fts"
LOG = "articles_search_change"
PG_TABLE = "articles_article_search"
LOG_KEPT = 100_000
# Unicode's "other numbers" ("⅗", "²") separate words, as they do for PostgreSQL's parser.
OTHER_NUMBERS = "".join(chr(c) for c in range(0x20000) if unicodedata.category(chr(c)) == "No")
TOKENIZE = f"unicode61 remove_diacritics 0 tokenchars '+#' separators '{OTHER_NUMBERS}'"


def indexed(column):
    """The text of ``column`` as both engines tokenize it (articles.search.text.ALIASES, by hand)."""
    return f"replace(lower(coalesce({column}, '')), '.net', ' dotnet')"


def sqlite_values(row):
    return f"{indexed(f'{row}.question')}, {indexed(f'{row}.seo_keywords')}, {indexed(f'{row}.answer')}"


SQLITE_LOGGED = (
    f"INSERT INTO {LOG}(article_id, stamp) VALUES (new.id, random()); "
    f"DELETE FROM {LOG} WHERE id <= (SELECT max(id) FROM {LOG}) - {LOG_KEPT};"
)
SQLITE_ADD = (
    f"INSERT INTO {FTS}(rowid, question, seo_keywords, answer) VALUES (new.id, {sqlite_values('new')}); "
    f"INSERT INTO {QUESTIONS}(rowid, question) VALUES (new.id, {indexed('new.question')});"
)
SQLITE_REMOVE = (
    f"INSERT INTO {FTS}({FTS}, rowid, question, seo_keywords, answer) "
    f"VALUES ('delete', old.id, {sqlite_values('old')}); "
    f"INSERT INTO {QUESTIONS}({QUESTIONS}, rowid, question) VALUES ('delete', old.id, {indexed('old.question')});"
)
SQLITE_OLD_0002 = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    f"DROP TABLE IF EXISTS {FTS}",
]
SQLITE_FORWARDS = [
    *SQLITE_OLD_0002,
    # Contentless: the index keeps the transformed words only, and nothing reads text back from it.
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(question, seo_keywords, answer, content='', tokenize=\"{TOKENIZE}\")",
    f"CREATE VIRTUAL TABLE {QUESTIONS} USING fts5(question, content='', tokenize=\"{TOKENIZE}\")",
    f"CREATE TABLE {LOG} (id integer PRIMARY KEY AUTOINCREMENT, article_id integer NOT NULL, stamp integer NOT NULL)",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON articles_article BEGIN {SQLITE_ADD} {SQLITE_LOGGED} END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON articles_article BEGIN {SQLITE_REMOVE} END",
    # Only a change of the words re-indexes: re-rendering or publishing leaves the index alone.
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF id, question, seo_keywords, answer ON articles_article
        WHEN old.id IS NOT new.id OR old.question IS NOT new.question OR old.seo_keywords IS NOT new.seo_keywords
        OR old.answer IS NOT new.answer
        BEGIN {SQLITE_REMOVE} {SQLITE_ADD} {SQLITE_LOGGED} END""",
    f"INSERT INTO {FTS}(rowid, question, seo_keywords, answer) "
    f"SELECT id, {indexed('question')}, {indexed('seo_keywords')}, {indexed('answer')} FROM articles_article",
    f"INSERT INTO {QUESTIONS}(rowid, question) SELECT id, {indexed('question')} FROM articles_article",
    # Counting results by subject: each match's subject and visibility read from an index by its id,
    # never from the row (those columns sit past the long text, in overflow pages). Not in the model's
    # Meta: PostgreSQL keeps the subject beside the vectors instead.
    "CREATE INDEX article_search_subject ON articles_article (id, subject_id, status, publish_at)",
]
SQLITE_BACKWARDS = [
    "DROP INDEX IF EXISTS article_search_subject",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
    f"DROP TABLE IF EXISTS {QUESTIONS}",
    f"DROP TABLE IF EXISTS {LOG}",
]

# PostgreSQL's parser would split "c++" and read "node.js" as a host name: it is given runs of letters
# and digits only, "+" and "#" spelled as letters (articles.search.text.PG_SPELLING says the same).
PG_WORDS = """CREATE FUNCTION articles_search_words(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple'::regconfig, replace(replace(regexp_replace(
        replace(lower(coalesce($1, '')), '.net', ' dotnet'), '[^[:alnum:]+#]+', ' ', 'g'),
        '+', 'qplusq'), '#', 'qhashq'))
$$"""
PG_SYNC = f"""CREATE FUNCTION articles_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE heading tsvector;
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
        DELETE FROM {PG_TABLE} WHERE article_id = OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.id = NEW.id AND OLD.question IS NOT DISTINCT FROM NEW.question
        AND OLD.seo_keywords IS NOT DISTINCT FROM NEW.seo_keywords AND OLD.answer IS NOT DISTINCT FROM NEW.answer
    THEN
        IF OLD.subject_id <> NEW.subject_id THEN  -- a move
            UPDATE {PG_TABLE} SET subject_id = NEW.subject_id WHERE article_id = NEW.id;
        END IF;
        RETURN NULL;
    END IF;
    heading := setweight(articles_search_words(NEW.question), 'A');
    INSERT INTO {PG_TABLE} (article_id, subject_id, question, document) VALUES (NEW.id, NEW.subject_id, heading,
        heading || setweight(articles_search_words(NEW.seo_keywords), 'B')
        || setweight(articles_search_words(NEW.answer), 'C'))
    ON CONFLICT (article_id) DO UPDATE SET subject_id = EXCLUDED.subject_id, question = EXCLUDED.question,
        document = EXCLUDED.document;
    INSERT INTO {LOG} (article_id, stamp) VALUES (NEW.id, (random() * 1e15)::bigint);
    DELETE FROM {LOG} WHERE id <= lastval() - {LOG_KEPT};
    RETURN NULL;
END $$"""
PG_FORWARDS = [
    "DROP INDEX IF EXISTS article_search",
    PG_WORDS,
    # subject_id: counting results by subject reads this table alone, never the articles' rows.
    f"CREATE TABLE {PG_TABLE} (article_id integer PRIMARY KEY, subject_id integer NOT NULL, "
    "question tsvector NOT NULL, document tsvector NOT NULL)",
    f"CREATE TABLE {LOG} (id bigserial PRIMARY KEY, article_id integer NOT NULL, stamp bigint NOT NULL)",
    PG_SYNC,
    # TRUNCATE (Django's flush) fires no row trigger.
    f"""CREATE FUNCTION articles_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN TRUNCATE {PG_TABLE}; INSERT INTO {LOG} (article_id, stamp) VALUES (0, (random() * 1e15)::bigint);
    RETURN NULL; END $$""",
    "CREATE TRIGGER articles_search_sync AFTER INSERT OR UPDATE OR DELETE ON articles_article "
    "FOR EACH ROW EXECUTE FUNCTION articles_search_sync()",
    "CREATE TRIGGER articles_search_truncate AFTER TRUNCATE ON articles_article "
    "FOR EACH STATEMENT EXECUTE FUNCTION articles_search_truncate()",
    f"INSERT INTO {PG_TABLE} (article_id, subject_id, question, document) SELECT id, subject_id, "
    "setweight(articles_search_words(question), 'A'), setweight(articles_search_words(question), 'A') "
    "|| setweight(articles_search_words(seo_keywords), 'B') || setweight(articles_search_words(answer), 'C') "
    "FROM articles_article",
    # A short pending list: an import's new rows wait there for the index, and every search reads all of
    # it until it is merged (the default 4 MB made a search of a frequent word 150 ms slower).
    f"CREATE INDEX article_search_document ON {PG_TABLE} USING GIN (document) WITH (gin_pending_list_limit = 256)",
    f"CREATE INDEX article_search_question ON {PG_TABLE} USING GIN (question) WITH (gin_pending_list_limit = 256)",
    f"ANALYZE {PG_TABLE}",
]
PG_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_search_sync ON articles_article",
    "DROP TRIGGER IF EXISTS articles_search_truncate ON articles_article",
    "DROP FUNCTION IF EXISTS articles_search_sync()",
    "DROP FUNCTION IF EXISTS articles_search_truncate()",
    f"DROP TABLE IF EXISTS {PG_TABLE}",
    f"DROP TABLE IF EXISTS {LOG}",
    "DROP FUNCTION IF EXISTS articles_search_words(text)",
]

STATEMENTS = {"sqlite": (SQLITE_FORWARDS, SQLITE_BACKWARDS), "postgresql": (PG_FORWARDS, PG_BACKWARDS)}


def forwards(apps, schema_editor):
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    # Back to 0002's index: its own forwards, re-run (it drops nothing it does not create).
    from importlib import import_module

    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(sql, params=None)
    import_module("articles.migrations.0002_search").forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_import_runs")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
