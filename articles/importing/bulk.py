"""Raw-SQL bulk writes for the importer: plain tuples in, far cheaper than the ORM's per-object work.

SQLite gets multi-row INSERTs with its own "?" markers; PostgreSQL gets COPY. Statements come in a dozen
lengths per table, so the database's statement caches stay small.
"""

import datetime

from django.db import connection
from django.db.models import OuterRef, Subquery

from ..models import Article, ArticleKeyword, Keyword, Relation

SQLITE_ANALYSIS_ROWS = 1000
INSERT_CHUNK_PARAMS = 8000  # values per INSERT: under SQLite's and PostgreSQL's parameter limits

# Columns pages filter, join and sort on (PostgreSQL); the table sizes come with any of them.
ANALYZED_COLUMNS = (
    (Article, ["status", "publish_at", "no_index", "subject", "source_id", "date", "url"]),
    (Relation, ["source", "target", "target_url"]),
    (ArticleKeyword, ["content_object", "tag"]),
    (Keyword, ["slug", "name"]),
)


def refresh_planner_statistics():
    """Planner statistics for the tables an import fills.

    SQLite without them picks the wrong index for the twins and sitemap queries (seconds instead of
    milliseconds at 200,000 articles). Sampled: an exact ANALYZE reads every index (3.5 s at that size); a
    thousand rows per index take milliseconds.

    PostgreSQL without them plans for the table it last analyzed: after the first import into an empty
    table, search filtered every row through ``to_tsvector`` instead of using its index (19 s a search,
    until autovacuum came round). Named columns: a whole-table ANALYZE also recomputes the search index's
    expression for its sample (20 s); these take a quarter of a second.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_ROWS}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            for model, columns in ANALYZED_COLUMNS:
                cursor.execute(f"ANALYZE {table_name(model)} ({column_names(model, columns)})")


def insert_rows(model, field_names, rows, returning=None, chunk=INSERT_CHUNK_PARAMS):
    """Insert plain tuples, far cheaper than bulk_create's per-object work; with ``returning`` (field
    names), return those columns of the new rows. SQLite: multi-row INSERTs, three times faster than
    executemany. PostgreSQL: COPY.
    """
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return copy_rows(model, field_names, rows, returning)
    head = f"INSERT INTO {table_name(model)} ({column_names(model, field_names)}) VALUES "
    placeholder = "(" + ", ".join([param_marker()] * len(field_names)) + ")"
    tail = f" RETURNING {column_names(model, returning)}" if returning else ""
    with connection.cursor() as cursor:
        returned = []
        for part in power_of_two_parts(rows, chunk // len(field_names)):
            sql = head + ", ".join([placeholder] * len(part)) + tail
            cursor.execute(sql, [value for row in part for value in row])
            if returning:
                returned.extend(cursor.fetchall())
        return returned


def copy_rows(model, field_names, rows, returning=None):
    """COPY rows into a PostgreSQL table, ids drawn from its sequence first when ``returning`` asks.

    Multi-row INSERTs made the client quote every value into the statement text and split that text
    again per statement; COPY took a full import's keyword and relation rows in a third of the time.
    """
    if returning:
        field_names = ["id", *field_names]
        rows = [(pk, *row) for pk, row in zip(next_ids(model, len(rows)), rows, strict=True)]
    sql = f"COPY {table_name(model)} ({column_names(model, field_names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    if not returning:
        return []
    positions = [field_names.index(name) for name in returning]
    return [tuple(row[i] for i in positions) for row in rows]


def next_ids(model, count):
    """``count`` new primary keys from a PostgreSQL table's own sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def select_in(model, field_names, key, values, chunk=INSERT_CHUNK_PARAMS):
    """Rows of ``field_names`` whose ``key`` is one of ``values``, in raw SQL: for the thousands of
    keywords a batch names, the ORM's per-value preparation cost more than the query itself."""
    head = f"SELECT {column_names(model, field_names)} FROM {table_name(model)} WHERE {column_names(model, [key])} IN "
    rows = []
    with connection.cursor() as cursor:
        for sql, part in in_list_statements(head, values, chunk):
            cursor.execute(sql, part)
            rows.extend(cursor.fetchall())
    return rows


def in_list_statements(head, values, chunk=INSERT_CHUNK_PARAMS):
    """(sql, params) pairs: ``head`` closed by an IN list, for each power-of-two part of ``values``."""
    for part in power_of_two_parts(list(values), chunk):
        yield head + "(" + ", ".join([param_marker()] * len(part)) + ")", part


def param_marker():
    """The parameter marker for bulk statements: SQLite's own "?" there, since Django's SQLite cursor
    rewrites each "%s" into one with a regular expression (thousands per statement, a twentieth of the
    writer's time). Not while queries are logged (debug on, or a test counting them): the log's copy of
    a statement is built by formatting its "%s" markers."""
    return "?" if connection.vendor == "sqlite" and not connection.queries_logged else "%s"


def power_of_two_parts(items, largest):
    """``items`` cut into runs whose lengths are powers of two, none longer than ``largest``.

    Statements then come in a dozen lengths per table. SQLite's statement cache (128 per connection)
    kept one new program per batch instead, up to a megabyte each for a multi-row INSERT: 45 MiB of the
    main process's growth over the full corpus.
    """
    largest = 1 << (max(1, largest).bit_length() - 1)
    start = 0
    while start < len(items):
        size = min(largest, 1 << ((len(items) - start).bit_length() - 1))
        yield items[start : start + size]
        start += size


def table_name(model):
    return connection.ops.quote_name(model._meta.db_table)


def column_names(model, field_names):
    return ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in field_names)


def resolve_arrived_relations():
    """Point every waiting relation whose url now names an article at it; return how many."""
    arrived = Relation.objects.filter(target__isnull=True, target_url__in=Article.objects.values("url"))
    if not arrived.exists():  # PostgreSQL's triggers bump the page cache even for an UPDATE of no row
        return 0
    return arrived.update(
        target=Subquery(Article.objects.filter(url=OuterRef("target_url")).values("pk")[:1])
    )


def resolve_relations(urls):
    """Point waiting relations at the articles that now exist at these urls; return how many."""
    relation = table_name(Relation)
    target_id = column_names(Relation, ["target"])
    target_url = column_names(Relation, ["target_url"])
    found = f"SELECT {column_names(Article, ['id'])} FROM {table_name(Article)} WHERE {column_names(Article, ['url'])}"
    head = (
        f"UPDATE {relation} SET {target_id} = ({found} = {relation}.{target_url}) "
        f"WHERE {target_id} IS NULL AND {target_url} IN "
    )
    resolved = 0
    with connection.cursor() as cursor:
        for sql, part in in_list_statements(head, urls):
            cursor.execute(sql, part)
            resolved += cursor.rowcount
    return resolved


def adapt(values, adapted=None):
    """Values in the database's own terms (dates and times as the backend stores them).

    ``adapted`` memoises conversions across rows: an import's rows share a few dozen dates.
    """
    adapted = {} if adapted is None else adapted
    row = []
    for value in values.values():
        if isinstance(value, datetime.date):  # datetimes too
            if value not in adapted:
                adapted[value] = adapt_date(value)
            value = adapted[value]
        row.append(value)
    return tuple(row)


def adapt_rows(rows):
    adapted = {}
    return [adapt(values, adapted) for values in rows]


def adapt_date(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


def update_row(model, values, guard=None):
    """UPDATE one row by id from a {field name: value} mapping; return whether a row was updated.

    ``guard`` ({field name: value}) applies the update only while the row still holds those values. On
    PostgreSQL an UPDATE waits for a concurrent writer of the row and then checks its WHERE against the
    row as that writer left it: a guarded update never overwrites a change committed since it was planned.
    """
    names = [name for name in values if name != "id"]
    assignments = ", ".join(f"{column_names(model, [name])} = %s" for name in names)
    guard = guard or {}
    conditions = "".join(f" AND {column_names(model, [name])} = %s" for name in guard)
    sql = f"UPDATE {table_name(model)} SET {assignments} WHERE id = %s{conditions}"
    with connection.cursor() as cursor:
        params = [*adapt({name: values[name] for name in names}), values["id"], *adapt(guard)]
        cursor.execute(sql, params)
        return cursor.rowcount == 1
