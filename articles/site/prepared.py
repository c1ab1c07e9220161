"""Querysets the ORM builds and compiles once per connection, then runs again with new values.

On the article page, building and compiling its three querysets (subqueries, a union) cost the ORM
about 6 ms, running their SQL 0.3 ms. A ``Prepared`` query keeps the ORM as the author of the SQL, so
the publish rule, the joins and each backend's dialect stay where they are; only the values change.

On PostgreSQL the statements are also prepared on the server, so it need not parse and plan them on
every page: planning was 0.8 of the article page's 1.8 ms of queries on the sample.
"""

import functools
import weakref
from datetime import datetime

from django.conf import settings
from django.db import connections
from django.db.models.query import get_related_populators


def prepared(**samples):
    """Decorate ``build(**samples)``, a function returning a queryset, into a ``Prepared`` query."""
    return lambda build: Prepared(build, **samples)


class Prepared:
    """``build(**samples)`` returns a queryset; ``prepared(name=value, ...)`` runs it for new values.

    Each sample must be a value no other parameter of the query takes (a negative id, an impossible
    url, a date in 1901): where it appears among the compiled parameters, the new value goes.
    """

    def __init__(self, build, **samples):
        self.build = build
        self.samples = samples
        # One compiler per connection: it holds the connection, and connections are per thread.
        self.compiled = weakref.WeakKeyDictionary()

    def __call__(self, using="default", **values):
        connection = connections[using]
        compiled = self.compiled.get(connection) or self.compile(connection)
        return compiled.run({name: adapt(connection, value) for name, value in values.items()})

    def compile(self, connection):
        first, second = (_Compiled(self.build(**self.samples), connection) for _ in range(2))
        if first.params != second.params:  # e.g. a timezone.now() inside build(), frozen by compiling
            raise ValueError(f"{self.build.__qualname__} has parameters that are not samples")
        adapted = {adapt(connection, value): name for name, value in self.samples.items()}
        first.slots = [adapted.get(param) for param in first.params]
        if missing := set(self.samples) - set(first.slots):
            raise ValueError(f"{self.build.__qualname__} never uses {sorted(missing)}")
        self.compiled[connection] = first
        return first


class _Compiled:
    """One queryset's SQL and parameters; rows come back as Django would return them.

    Model instances (with their select_related objects and annotations), or tuples for
    ``values_list()``.
    """

    def __init__(self, queryset, connection):
        self.using = connection.alias
        self.compiler = queryset.query.get_compiler(connection=connection)
        self.sql, self.params = self.compiler.as_sql()
        select, klass_info = self.compiler.select, self.compiler.klass_info
        self.converters = self.compiler.get_converters([column[0] for column in select])
        if queryset._fields:  # values_list(): tuples, in the order the SQL selects
            columns = [*queryset.query.values_select, *queryset.query.annotation_select]
            if list(queryset._fields) != columns:
                raise ValueError(f"values_list() must name {columns} in this order")
            self.make = tuple
        else:
            fields = klass_info["select_fields"]
            self.model, self.start, self.end = klass_info["model"], fields[0], fields[-1] + 1
            self.names = [column[0].target.attname for column in select[self.start : self.end]]
            self.related = get_related_populators(klass_info, select, self.using)
            self.annotations = self.compiler.annotation_col_map.items()
            self.make = self.instance

    def run(self, values):
        params = [
            param if slot is None else values[slot]
            for slot, param in zip(self.slots, self.params, strict=True)
        ]
        with planned_once(self.compiler.connection) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return [self.make(row) for row in rows]

    def instance(self, row):
        obj = self.model.from_db(self.using, self.names, row[self.start : self.end])
        for populator in self.related:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj


def planned_once(connection):
    """A cursor whose statements PostgreSQL keeps prepared, per connection.

    A prepared statement is parsed once, and after its first five runs PostgreSQL keeps one generic
    plan unless plans for the values at hand are clearly cheaper. Django's own cursors bind values on
    the client and never prepare; this is Django's server-binding cursor (what ``server_side_binding``
    would give every query), with psycopg told to prepare. So PostgreSQL must infer each parameter's type:
    a value compared with a column is fine, a value alone in SELECT or GROUP BY is not (Django #34255).
    Other databases, or ``settings.PREPARED_STATEMENTS`` off: the usual cursor.
    """
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        return connection.cursor()
    # What connection.cursor() does with a cursor it makes: so health checks, error wrapping, query
    # logging and the test suite's query counts apply to these queries as to any other.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_planned_once_cursor_class()(connection.connection))


@functools.cache
def _planned_once_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg is imported only here

    class PlannedOnceCursor(ServerBindingCursor):
        def execute(self, query, params=None, **options):
            # psycopg prepares a statement once it has run ``prepare_threshold`` times: 0, at once. While
            # the connection has a threshold, psycopg also keeps account of every other statement, values
            # and all (client-side binding): 100 of an import's, up to megabytes. So only for this one.
            threshold, self.connection.prepare_threshold = self.connection.prepare_threshold, 0
            try:
                return super().execute(query, params, **options)
            finally:
                self.connection.prepare_threshold = threshold

    return PlannedOnceCursor


def adapt(connection, value):
    """A value as the ORM passes it to the database driver (SQLite takes datetimes as text)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
