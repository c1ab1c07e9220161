"""The SQL of a search on each database: one query plan, written as FTS5 MATCH or as a tsquery.

A plan is a list of ``Choice``s, one per query term: the indexed forms that term may take (a form is a
tuple of tokens, side by side when more than one), and the forms that count as "exact" (what the reader
typed, or its correction). Every form is quoted: a reader's text never reaches either engine as syntax.

Both engines rank the same way: in "any" mode (no article had every term) by the number of terms
matched; then by the number of terms matched in the question, then of exact forms (what was typed, not
a stem or a typo) in the question; then articles holding every exact form anywhere above the others;
then the engine's own relevance (FTS5's bm25, PostgreSQL's ts_rank, both weighting question over
keywords over answer); newest id last.
"""

import contextlib
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction

from ..models import Article
from .text import pg_spelling, tokens

FTS = "articles_article_fts"
QUESTIONS = "articles_question_fts"
PG_TABLE = "articles_article_search"
# Published now: the few that are not, excluded, read from the indexes on status (never the wide rows).
# (An IN list, not "<> 'published'": SQLite would read every row for that.)
UNPUBLISHED = (
    "SELECT id FROM articles_article WHERE status IN ({}) "
    "UNION ALL SELECT id FROM articles_article WHERE status = 'published' AND publish_at > %s"
).format(", ".join(f"'{status}'" for status in Article.Status.values if status != Article.Status.PUBLISHED))
IN_SUBJECT = "SELECT id FROM articles_article WHERE subject_id = %s"
RANK_HERE_UP_TO = 3000  # matches: up to this many, SQLite's ranking is computed in Python


class Counts(dict):
    """{subject id: matches}; ``scores``: {id: (subject id, score)} of every match when an engine read
    them on the way (few matches), else None."""

    scores = None


@dataclass
class Choice:
    forms: list
    exact: list


def now_param(now):
    return connection.ops.adapt_datetimefield_value(now) if connection.vendor == "sqlite" else now


class SQLite:
    score = f"bm25({FTS}, 10.0, 4.0, 1.0)"

    @staticmethod
    def session():
        return contextlib.nullcontext()

    @staticmethod
    def form(form):
        return '"' + " ".join(form) + '"'

    def term(self, forms):
        return "(" + " OR ".join(self.form(form) for form in forms) + ")"

    def match(self, plan, mode="all", exact=False):
        return f" {'AND' if mode == 'all' else 'OR'} ".join(
            self.term(choice.exact if exact else choice.forms) for choice in plan
        )

    def ranking(self, plan, mode):
        """(ORDER BY terms, their parameters)."""
        parts, params = [], []
        if mode == "any":
            parts.append(
                " + ".join([f"(rowid IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s))"] * len(plan))
                + " DESC"
            )
            params += [self.term(choice.forms) for choice in plan]
        in_question = " + ".join(
            [f"(rowid IN (SELECT rowid FROM {QUESTIONS} WHERE {QUESTIONS} MATCH %s))"] * len(plan)
        )
        parts += [in_question + " DESC", in_question + " DESC"]
        params += [self.term(choice.forms) for choice in plan] + [self.term(choice.exact) for choice in plan]
        parts.append(f"(rowid IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)) DESC")
        params.append(self.match(plan, mode, exact=True))
        return ", ".join([*parts, self.score, "rowid DESC"]), params

    def ranked(self, plan, mode, now, subject, limit, offset, head=False, counts=None):
        if counts is not None and counts.scores is not None and not head:
            return self.ranked_here(plan, counts.scores, subject, limit, offset)
        table = QUESTIONS if head else FTS
        sql, params = self.candidates(table, plan, mode, now, subject)
        order, order_params = self.head_ranking(plan) if head else self.ranking(plan, mode)
        return _ids(f"{sql} ORDER BY {order} LIMIT %s OFFSET %s", [*params, *order_params, limit, offset])

    def candidates(self, table, plan, mode, now, subject, columns="rowid"):
        sql = f"SELECT {columns} FROM {table} WHERE {table} MATCH %s AND rowid NOT IN ({UNPUBLISHED})"
        params = [self.match(plan, mode), now_param(now)]
        if subject is not None:
            sql += f" AND +rowid IN ({IN_SUBJECT})"  # "+": a filter, not one MATCH per id
            params.append(subject)
        return sql, params

    def ranked_here(self, plan, scores, subject, limit, offset):
        """``ranking`` computed here for a few thousand matches (``scores``: {id: (subject, bm25)}), the
        terms in each question read from its text. In SQL each term's questions became a temporary index
        of thousands of rows: 190 ms for a six-word question at 235,915 articles, against 10 to 20."""
        scores = {pk: score for pk, (within, score) in scores.items() if subject is None or within == subject}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [self.match(plan, exact=True)])
            exact = {row[0] for row in cursor.fetchall()}
            questions = {}
            ids = list(scores)
            for start in range(0, len(ids), 900):
                batch = ids[start : start + 900]
                cursor.execute(
                    f"SELECT id, question FROM articles_article WHERE id IN ({', '.join(['%s'] * len(batch))})",
                    batch,
                )
                questions.update(cursor.fetchall())

        def order(pk):
            words = tokens(questions.get(pk, ""))
            in_question = sum(any(_holds(words, form) for form in choice.forms) for choice in plan)
            exact_in_question = sum(any(_holds(words, form) for form in choice.exact) for choice in plan)
            return (-in_question, -exact_in_question, pk not in exact, scores[pk], -pk)

        return sorted(scores, key=order)[offset : offset + limit]

    def head_ranking(self, plan):
        """Among articles holding every term in the question: exact forms there, then the question's
        bm25 (a few ms where the whole articles' bm25 took 50 at 235,915 articles)."""
        exact = " + ".join(
            [f"(rowid IN (SELECT rowid FROM {QUESTIONS} WHERE {QUESTIONS} MATCH %s))"] * len(plan)
        )
        return f"{exact} DESC, bm25({QUESTIONS}), rowid DESC", [self.term(choice.exact) for choice in plan]

    def subject_counts(self, plan, mode, now):
        """{subject id: matches}. Each match's subject and status come from an index by id (migration
        0011): read from the row, they walked the overflow pages of the long text stored before them.
        Up to RANK_HERE_UP_TO matches, their scores come along (``Counts.scores``), for ``ranked_here``:
        evaluating the MATCH once rather than twice (15 ms each for six words at 235,915 articles)."""
        join = (
            f"FROM {FTS} JOIN articles_article a INDEXED BY article_search_subject ON a.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND a.status = 'published' AND a.publish_at <= %s"
        )
        params = [self.match(plan, mode), now_param(now)]
        with connection.cursor() as cursor:
            if mode == "all":
                cursor.execute(
                    f"SELECT a.id, a.subject_id, {self.score} {join} LIMIT %s", [*params, RANK_HERE_UP_TO + 1]
                )
                rows = cursor.fetchall()
                if len(rows) <= RANK_HERE_UP_TO:
                    counts = Counts(Counter(subject for _, subject, _ in rows))
                    counts.scores = {pk: (subject, score) for pk, subject, score in rows}
                    return counts
            cursor.execute(f"SELECT a.subject_id, count(*) {join} GROUP BY a.subject_id", params)
            return Counts(cursor.fetchall())

    def matching(self, plan):
        return f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [self.match(plan)]

    def suggested(self, plan, now, limit):
        sql = (
            f"SELECT rowid FROM {QUESTIONS} WHERE {QUESTIONS} MATCH %s AND rowid NOT IN ({UNPUBLISHED}) "
            f"ORDER BY bm25({QUESTIONS}), rowid DESC LIMIT %s"
        )
        return _ids(sql, [self.match(plan), now_param(now), limit])


class PostgreSQL:
    @staticmethod
    @contextlib.contextmanager
    def session():
        """The queries of one search, in one transaction that reads the index tables through their GIN
        indexes: the planner prices a scan of the table as cheap (it does not count reading each large
        vector out of TOAST) and chose one for words in most articles, 470 ms where the index takes 15.
        SET LOCAL ends with the transaction (or the caller's, inside one)."""
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            yield

    @staticmethod
    def form(form):
        return " <-> ".join(f"'{pg_spelling(token)}'" for token in form)

    def term(self, forms):
        return "(" + " | ".join(self.form(form) for form in forms) + ")"

    def match(self, plan, mode="all", exact=False):
        return f" {'&' if mode == 'all' else '|'} ".join(
            self.term(choice.exact if exact else choice.forms) for choice in plan
        )

    def ranking(self, plan, mode):
        parts, params = [], []
        if mode == "any":
            parts.append(" + ".join(["(document @@ %s::tsquery)::int"] * len(plan)) + " DESC")
            params += [self.term(choice.forms) for choice in plan]
        in_question = " + ".join(["(question @@ %s::tsquery)::int"] * len(plan))
        parts += [in_question + " DESC", in_question + " DESC"]
        params += [self.term(choice.forms) for choice in plan] + [self.term(choice.exact) for choice in plan]
        parts.append("(document @@ %s::tsquery) DESC")
        params.append(self.match(plan, mode, exact=True))
        parts.append("ts_rank(document, %s::tsquery) DESC")
        params.append(self.match(plan, mode))
        return ", ".join([*parts, "article_id DESC"]), params

    def ranked(self, plan, mode, now, subject, limit, offset, head=False, counts=None):
        column = "question" if head else "document"
        sql = f"SELECT article_id FROM {PG_TABLE} WHERE {column} @@ %s::tsquery AND article_id NOT IN ({UNPUBLISHED})"
        params = [self.match(plan, mode), now]
        if subject is not None:
            sql += " AND subject_id = %s"
            params.append(subject)
        order, order_params = self.head_ranking(plan) if head else self.ranking(plan, mode)
        return _ids(f"{sql} ORDER BY {order} LIMIT %s OFFSET %s", [*params, *order_params, limit, offset])

    def head_ranking(self, plan):
        exact = " + ".join(["(question @@ %s::tsquery)::int"] * len(plan))
        order = f"{exact} DESC, ts_rank(question, %s::tsquery) DESC, article_id DESC"
        return order, [*(self.term(choice.exact) for choice in plan), self.match(plan)]

    def subject_counts(self, plan, mode, now):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT subject_id, count(*) FROM {PG_TABLE} WHERE document @@ %s::tsquery "
                f"AND article_id NOT IN ({UNPUBLISHED}) GROUP BY subject_id",
                [self.match(plan, mode), now],
            )
            return Counts(cursor.fetchall())

    def matching(self, plan):
        return f"SELECT article_id FROM {PG_TABLE} WHERE document @@ %s::tsquery", [self.match(plan)]

    def suggested(self, plan, now, limit):
        sql = (
            f"SELECT article_id FROM {PG_TABLE} WHERE question @@ %s::tsquery AND article_id NOT IN ({UNPUBLISHED}) "
            "ORDER BY ts_rank(question, %s::tsquery) DESC, article_id DESC LIMIT %s"
        )
        match = self.match(plan)
        return _ids(sql, [match, now, match, limit])


def _holds(words, form):
    """Whether the token list ``words`` holds ``form`` (one token, or several side by side)."""
    if len(form) == 1:
        return form[0] in words
    size = len(form)
    return any(tuple(words[i : i + size]) == form for i in range(len(words) - size + 1))


def _ids(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


ENGINES = {"sqlite": SQLite(), "postgresql": PostgreSQL()}


def engine():
    """This database's engine, or None where neither index exists (search then falls back)."""
    return ENGINES.get(connection.vendor)
