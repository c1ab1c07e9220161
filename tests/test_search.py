"""Search: the same result sets on SQLite (FTS5) and PostgreSQL; no query can break it."""

import pytest
from django.db import connection

from articles import search as search_module
from articles.models import Article
from articles.search import search, search_terms
from tests.pages import (
    BIG_O,
    BINARY_SEARCH,
    HASH_TABLE,
    HOSTILE,
    LINKED_LIST,
    MERGE_SORT,
    RATIONAL,
    TAX_ACCOUNTING,
    TAX_BUSINESS,
    make_article,
    make_subject,
    pages_fixture,  # noqa: F401 - fixture
    read,
)

pytestmark = pytest.mark.django_db


def urls(query, **kwargs):
    return {article.url for article in search(query, **kwargs)}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("binary search", {BINARY_SEARCH}),
        ("merge sort", {MERGE_SORT}),  # in the question of one, the answer of none other
        ("hash", {HASH_TABLE}),
        ("irrational", {RATIONAL}),
        ("linked list array", {LINKED_LIST}),
        ("corporations", {TAX_ACCOUNTING, TAX_BUSINESS}),
        ("taxation corporate", {TAX_ACCOUNTING, TAX_BUSINESS}),
        ("Time complexity", {BINARY_SEARCH, MERGE_SORT, HASH_TABLE, BIG_O}),  # a keyword of each
        ("sorting", {BINARY_SEARCH, MERGE_SORT}),  # stemmed: "sorted", "sort"
        ("zzzz unknownword", set()),
    ],
)
def test_search_matches_question_answer_and_keywords(pages, query, expected):
    assert urls(query) == expected


def test_search_stems_words(pages):
    assert urls("halving intervals") == {BINARY_SEARCH}  # "halves", "interval" in the answer
    assert urls("tables hashed") == {HASH_TABLE}


def test_search_finds_keywords_that_are_only_keywords(pages):
    assert urls("recursion") == {MERGE_SORT}  # only in merge sort's seo keywords
    assert urls("divide conquer") == {BINARY_SEARCH, MERGE_SORT}


def test_stop_words_alone_match_nothing_and_touch_no_database(pages, django_assert_num_queries):
    assert search_terms("What is the") == []
    with django_assert_num_queries(0):
        assert search("what is the") == []
        assert search("") == []


def test_search_ranks_question_matches_first(pages):
    # "hash" is in the hash table question; add an article that only mentions it in its answer.
    make_article(
        pages[HASH_TABLE].subject, "other", answer="A hash is used here once.", question="Something else?"
    )
    found = search("hash")
    assert found[0].url == HASH_TABLE and len(found) == 2


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "*",
        "a*",
        "NEAR(binary search)",
        "binary OR",
        "AND",
        "NOT search",
        "-search",
        "(",
        ")",
        "search:",
        "question:binary",
        "^binary",
        '"unterminated',
        "{binary search}",
        "\\",
        "%",
        "_",
        "..",
        "\x00",
        "binary\x00search",
        "€ ∑ 😀",
        "a" * 5000,
        " ".join(["word"] * 500),
        "'; DROP TABLE articles_article; --",
    ],
)
def test_no_query_raises(client, pages, query):
    search(query)
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert Article.objects.count() == len(pages)


def test_operators_are_words_not_syntax(pages):
    assert urls("binary OR merge") == set()  # every word must match, "or" is a stop word
    assert urls("NEAR binary search") == set()
    assert urls("binary* search") == {BINARY_SEARCH}


def test_search_returns_only_published_articles(pages):
    Article.objects.filter(url=MERGE_SORT).update(status=Article.Status.DRAFT)
    assert urls("merge sort") == set()
    assert urls("time complexity") == {BINARY_SEARCH, HASH_TABLE, BIG_O}


def test_search_index_follows_edits_and_deletes(pages):
    Article.objects.filter(url=HASH_TABLE).update(question="What is a dictionary?", answer="A mapping.")
    assert urls("dictionary mapping") == {HASH_TABLE}
    assert urls("collisions") == set()
    Article.objects.filter(url=HASH_TABLE).delete()
    assert urls("dictionary") == set()
    make_article(make_subject("Physics"), "quantum", question="What is quantum entanglement?")
    assert urls("entanglement") == {"/learn/physics/questions/quantum"}


def test_search_limit_and_offset_page_through_all_results(db):
    subject = make_subject("Physics")
    made = {make_article(subject, f"optics-{n}", question=f"Optics question {n}?").url for n in range(25)}
    first, second = search("optics", limit=20), search("optics", limit=20, offset=20)
    assert len(first) == 20 and len(second) == 5
    assert {a.url for a in first} | {a.url for a in second} == made


def test_sqlite_keeps_its_index_complete(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert search_module.sqlite_index_is_complete()


def test_postgresql_search_expression_matches_its_index(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    sql = f"SELECT id FROM articles_article WHERE {search_module.PG_VECTOR} @@ {search_module.PG_QUERY}"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, ["binary"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_search" in plan, plan


# -- The search page ---------------------------------------------------------------------------------


def test_search_page_lists_results_and_keeps_the_query(client, pages):
    response = client.get("/search/", {"q": "time complexity"})
    page = read(response)
    assert page.h1 == ["Results for “time complexity”"]
    assert {href for href in page.anchors if "/questions/" in href} == {
        BINARY_SEARCH,
        MERGE_SORT,
        HASH_TABLE,
        BIG_O,
    }
    assert 'value="time complexity"' in response.content.decode()


def test_search_page_without_results_says_so(client, pages):
    assert "No questions match" in client.get("/search/", {"q": "zzzz"}).content.decode()


def test_search_page_escapes_the_query(client, pages):
    html = client.get("/search/", {"q": '<script>alert(1)</script>"'}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in html  # Jinja2 (MarkupSafe) writes " as &#34;


def test_search_page_pages_through_results(client, db):
    subject = make_subject("Physics")
    for n in range(35):
        make_article(subject, f"optics-{n}", question=f"Optics question {n}?")
    first = read(client.get("/search/", {"q": "optics"}))
    assert "?q=optics&page=2" in first.anchors
    second = read(client.get("/search/", {"q": "optics", "page": "2"}))
    assert len([h for h in second.anchors if "/questions/" in h]) == 5
    assert client.get("/search/", {"q": "optics", "page": "3"}).status_code == 404
    assert client.get("/search/", {"q": "optics", "page": "x"}).status_code == 404


def test_hostile_article_is_found_and_shown_as_text(client, pages):
    assert urls("script page") == {HOSTILE}
