"""Full-text search over published articles: one interface, the database's own engine underneath.

SQLite: an FTS5 external-content table over articles_article(question, answer, seo_keywords), kept in
sync by triggers (migration 0002_search). PostgreSQL: a GIN index on a weighted ``to_tsvector('english',
...)`` expression, queried with ``plainto_tsquery`` and ranked with ``ts_rank``. Any other database falls
back to ``icontains`` (slow, unranked, correct).

A user's query never reaches either engine as syntax: it is cut into words here, English stop words are
dropped (PostgreSQL drops them itself; doing it for both keeps the two result sets alike), and what is
left is matched as "every word, stemmed". So no query can raise an FTS syntax error.
"""

import re

from django.db import connection
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

from ..models import Article

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
WORD = re.compile(r"[^\W_]+")

# PostgreSQL's english.stop (the Snowball list), so both engines ignore the same words.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these those
    am is are was were be been being have has had having do does did doing a an the and but if or because
    as until while of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there when where why how all
    any both each few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()
)

FTS_TABLE = "articles_article_fts"
# Kept in step with the index expression of migration 0002_search, or PostgreSQL stops using the index.
# translate(): PostgreSQL's parser drops anything shaped like an HTML tag ("<div>" in inline code);
# FTS5 keeps the word, and so should this.
PG_WEIGHTED = [
    f"setweight(to_tsvector('english'::regconfig, translate(coalesce({column}, ''), '<>', '  ')), '{weight}')"
    for column, weight in (("question", "A"), ("seo_keywords", "B"), ("answer", "C"))
]
PG_VECTOR = f"({' || '.join(PG_WEIGHTED)})"
# Ranking re-reads the text of every match (an expression index stores no vectors): rank on the
# question and keywords only, ten times cheaper than with the answer; answer-only matches come after,
# newest first.
PG_RANK_VECTOR = f"({' || '.join(PG_WEIGHTED[:2])})"
PG_QUERY = "plainto_tsquery('english'::regconfig, %s)"

LISTING_FIELDS = (
    "url", "question", "date", "date_format", "seo_description", "publish_at", "subject__slug",
    "subject__name",
)  # fmt: skip


def search_terms(query):
    """The words of a user's query that are worth matching: lowercase, no stop words, each once."""
    terms = []
    for word in WORD.findall(query[:MAX_QUERY_LENGTH].lower()):
        if word not in STOP_WORDS and word not in terms and len(word) <= MAX_TERM_LENGTH:
            terms.append(word)
    return terms[:MAX_TERMS]


def search(query, *, limit=20, offset=0):
    """Published articles matching every word of ``query``, best first; at most ``limit`` of them.

    Returns a list (one query); each article has its subject loaded and only the fields a result
    listing needs. An empty or stop-words-only query matches nothing and touches no database.
    """
    terms = search_terms(query)
    if not terms:
        return []
    articles = Article.objects.published().select_related("subject").only(*LISTING_FIELDS)
    ranked = _RANKERS.get(connection.vendor, _rank_fallback)(articles, terms)
    return list(ranked[offset : offset + limit])


def matches(terms):
    """A filter for articles whose question, answer or keywords hold every word of ``terms`` (as
    ``search_terms`` gives them), through the database's own index; published or not. The admin's
    search is built on it."""
    if connection.vendor == "sqlite":
        match = " ".join(f'"{term}"' for term in terms)  # quoted: a word, never an FTS operator
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 - constants only
        return Q(pk__in=RawSQL(sql, [match]))
    if connection.vendor == "postgresql":
        return Q(RawSQL(f"{PG_VECTOR} @@ {PG_QUERY}", [" ".join(terms)], output_field=BooleanField()))
    every_word = Q()
    for term in terms:
        every_word &= (
            Q(question__icontains=term) | Q(answer__icontains=term) | Q(seo_keywords__icontains=term)
        )
    return every_word


def _rank_sqlite(articles, terms):
    # extra(): the only way to join a table Django has no model for; FTS5's MATCH must drive the query
    # (a join, not an IN subquery) and its ``rank`` column is bm25 weighted by migration 0002.
    match = " ".join(f'"{term}"' for term in terms)  # quoted: a word is a string, never an operator
    return articles.extra(
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = articles_article.id", f"{FTS_TABLE} MATCH %s"],
        params=[match],
        select={"search_rank": f"{FTS_TABLE}.rank"},
        order_by=["search_rank", "-publish_at", "-id"],
    )


def _rank_postgresql(articles, terms):
    text = " ".join(terms)
    matches = RawSQL(f"{PG_VECTOR} @@ {PG_QUERY}", [text], output_field=BooleanField())
    rank = RawSQL(f"ts_rank({PG_RANK_VECTOR}, {PG_QUERY})", [text], output_field=FloatField())
    return articles.filter(matches).annotate(search_rank=rank).order_by("-search_rank", "-publish_at", "-id")


def _rank_fallback(articles, terms):
    return articles.filter(matches(terms)).order_by("-publish_at", "-id")


_RANKERS = {"sqlite": _rank_sqlite, "postgresql": _rank_postgresql}


def sqlite_index_is_complete(using_connection=None):
    """Whether the FTS5 table and its three sync triggers exist (a SQLite table rebuild drops triggers)."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name = %s) "
            "OR (type = 'trigger' AND tbl_name = 'articles_article' AND name LIKE %s)",
            [FTS_TABLE, FTS_TABLE + "%"],
        )
        return cursor.fetchone()[0] == 4
