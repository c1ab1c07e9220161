"""Search: what a reader meant (forms, typos, terms as written), ranked, shown with counts, snippets,
subjects and pages; suggestions as you type; the same on SQLite (FTS5) and PostgreSQL; no query can
break it. The judgement set over the real sample is in test_search_quality.py."""

import json

import pytest
from django.db import connection

from articles import search as search_module
from articles.models import Article
from articles.search import find, search, search_terms
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
    assert urls("binary AND NOT search") == {BINARY_SEARCH}  # "and", "not": stop words, not operators
    assert urls("binary* search") == {BINARY_SEARCH}
    # No article holds both: a partial match, each article holding one of the words.
    found = find("binary OR merge")
    assert found.partial and {a.url for a in found.articles} == {BINARY_SEARCH, MERGE_SORT}


def test_search_returns_only_published_articles(client, pages):
    Article.objects.filter(url=MERGE_SORT).update(status=Article.Status.DRAFT)
    assert MERGE_SORT not in urls("merge sort")
    assert urls("time complexity") == {BINARY_SEARCH, HASH_TABLE, BIG_O}
    assert MERGE_SORT not in json.dumps(suggest_json(client, "merge"))


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


def test_postgresql_search_uses_its_indexes(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for column, index in (
            ("document", "article_search_document"),
            ("question", "article_search_question"),
        ):
            sql = f"SELECT article_id FROM articles_article_search WHERE {column} @@ %s::tsquery"
            cursor.execute("EXPLAIN " + sql, ["'binary'"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan


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


def test_too_common_words_say_so_and_not_no_match(client, pages):
    for query in ("the", "what is the", "What are the?"):
        html = client.get("/search/", {"q": query}).content.decode()
        assert "too common to search" in html and "No questions match" not in html


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
    assert "35 results" in client.get("/search/", {"q": "optics"}).content.decode()
    second = read(client.get("/search/", {"q": "optics", "page": "2"}))
    assert len([h for h in second.anchors if "/questions/" in h]) == 5
    assert "?q=optics" in second.anchors  # page 1, numbered
    assert client.get("/search/", {"q": "optics", "page": "3"}).status_code == 404
    assert client.get("/search/", {"q": "optics", "page": "x"}).status_code == 404


def test_hostile_article_is_found_and_shown_as_text(client, pages):
    assert urls("script page") == {HOSTILE}


# -- What a reader meant -------------------------------------------------------------------------------


def test_typos_follow_meilisearch_proportions(pages):
    assert urls("hahs") == set()  # 4 letters: no typo allowed
    assert urls("binray") == {BINARY_SEARCH}  # 6 letters: one
    assert urls("bniary") == {BINARY_SEARCH}  # a transposition is one typo
    assert urls("taxtaion") == {TAX_ACCOUNTING, TAX_BUSINESS}  # 8 letters: one
    assert urls("taxtaoin") == set()  # 8 letters, two typos: too many
    assert urls("distinguihes") == {RATIONAL}  # 12 letters: two
    assert urls("dsitinguihes") == {RATIONAL}
    assert urls("complxeity notatoin") == {BIG_O}


def test_every_long_word_misspelled_still_finds_its_article(pages):
    found = find("requiremnets corporatoins taxatoin")
    assert {a.url for a in found.articles} == {TAX_ACCOUNTING, TAX_BUSINESS}
    assert found.corrected == "requirements corporations taxation"


def test_the_page_shows_the_corrected_query_and_offers_the_words_as_typed(client, pages):
    html = client.get("/search/", {"q": "binray search"}).content.decode()
    assert "Showing results for" in html and "<strong>binary search</strong>" in html
    assert 'href="?q=binray+search&amp;literal=1"' in html
    literal = client.get("/search/", {"q": "binray search", "literal": "1"}).content.decode()
    assert "Showing results for" not in literal and "No question matches every word" in literal


def test_a_known_word_is_not_corrected(pages):
    found = find("hash table")
    assert found.corrected == "" and {a.url for a in found.articles} == {HASH_TABLE}


def test_exact_form_ranks_above_other_forms(db):
    subject = make_subject("Mathematics")
    make_article(subject, "derived", question="What is derived from igneous rocks?", days_ago=1)
    make_article(subject, "derivation", question="What is a derivation in grammar?", days_ago=2)
    exact = make_article(subject, "derivative", question="What is a derivative?", days_ago=30)
    found = search("derivative")
    assert found[0].url == exact.url and len(found) == 3  # the others are found, after it


def test_question_matches_rank_first_and_every_word_above_some(db):
    subject = make_subject("Physics")
    in_answer = make_article(
        subject, "a", question="Something else?", answer="Optics and lenses, and prisms."
    )
    in_question = make_article(subject, "b", question="How do lenses and prisms work?", days_ago=40)
    assert [a.url for a in search("lenses prisms")] == [in_question.url, in_answer.url]
    make_article(subject, "c", question="What are lenses?", days_ago=50)
    found = find("lenses prisms")
    assert not found.partial and {a.url for a in found.articles} == {in_question.url, in_answer.url}


def test_partial_matches_rank_by_the_words_they_hold(db):
    subject = make_subject("Physics")
    two = make_article(subject, "two", question="Lenses and mirrors?", days_ago=10)
    one = make_article(subject, "one", question="Mirrors?", days_ago=1)
    found = find("lenses mirrors prisms")
    assert found.partial and [a.url for a in found.articles] == [two.url, one.url]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("c++", "cpp"),
        ("C++ templates", "cpp"),
        ("c#", "csharp"),
        (".net", "dotnet"),
        ("asp.net", "dotnet"),
        ("node.js", "node"),
        ("x86-64", "x86"),
    ],
)
def test_terms_are_searched_as_written(db, query, expected):
    subject = make_subject("Computer Science")
    made = {
        "cpp": make_article(subject, "cpp", question="How do templates work in C++?"),
        "c": make_article(
            subject, "c", question="How do pointers work in C?", answer="In C, templates do not exist."
        ),
        "csharp": make_article(subject, "csharp", question="What are C# delegates?"),
        "dotnet": make_article(
            subject, "dotnet", question="What is ASP.NET?", answer="A web framework on .NET."
        ),
        "net": make_article(subject, "net", question="What is a net profit?"),
        "node": make_article(subject, "node", question="What is Node.js?"),
        "nodes": make_article(subject, "nodes", question="What is a node in a tree?", answer="Written js."),
        "x86": make_article(subject, "x86", question="What is x86-64?"),
        "x64": make_article(subject, "x64", question="What is x86 and what is 64-bit?"),
    }
    assert urls(query) == {made[expected].url}


def test_search_index_and_dictionary_follow_an_edit_on_the_next_request(client, pages):
    assert "zymurgy" not in client.get("/search/", {"q": "zymrugy"}).content.decode()
    Article.objects.filter(url=HASH_TABLE).update(question="What is zymurgy?")
    html = client.get("/search/", {"q": "zymrugy"}).content.decode()  # a typo of a word new to the site
    assert HASH_TABLE in html and "<strong>zymurgy</strong>" in html
    assert suggest_json(client, "zymu")[0]["url"] == HASH_TABLE


# -- Showing -------------------------------------------------------------------------------------------


def test_results_show_count_subject_date_and_a_marked_snippet(client, pages):
    html = client.get("/search/", {"q": "corporations"}).content.decode()
    assert "2 results" in html
    assert 'class="subject-tag">Accounting and Finance<' in html
    assert "<time datetime=" in html
    assert "<mark>" in html


def test_snippet_is_short_escaped_and_keeps_math_and_code_whole(db):
    subject = make_subject("Mathematics")
    filler = "Some words to fill the answer before the point. " * 6
    answer = (
        filler + "The <b>quadratic</b> formula $x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}$ solves it; "
        "in code, `roots = solve(a, b, c)` gives the roots. " + filler
    )
    make_article(subject, "quadratic", question="How are equations solved?", answer=answer)
    text = str(find("quadratic roots").articles[0].snippet)
    assert "<mark>quadratic</mark>" in text and "&lt;b&gt;" not in text and "<b>" not in text
    visible = text.replace("<mark>", "").replace("</mark>", "")
    assert len(visible) <= 170
    for whole in ("$x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}$", "`roots = solve(a, b, c)`"):
        assert whole in visible or whole.split()[0] not in visible  # never a part of one


def test_snippet_escapes_the_answer(client, pages):
    html = client.get("/search/", {"q": "script page"}).content.decode()
    assert "<script>alert" not in html


def test_subject_filter_narrows_and_lists_counts(client, pages):
    html = client.get("/search/", {"q": "corporations"}).content.decode()
    page = read(client.get("/search/", {"q": "corporations"}))
    assert "?q=corporations&subject=accounting-and-finance" in page.anchors
    assert "?q=corporations&subject=business-and-management" in page.anchors
    assert 'aria-current="page">All subjects <span class="search-subject-count">2</span>' in html
    narrowed = client.get("/search/", {"q": "corporations", "subject": "accounting-and-finance"})
    links = {h for h in read(narrowed).anchors if "/questions/" in h}
    assert links == {TAX_ACCOUNTING} and "1 result in Accounting and Finance" in narrowed.content.decode()
    assert client.get("/search/", {"q": "corporations", "subject": "no-such-subject"}).status_code == 404
    other = client.get("/search/", {"q": "corporations", "subject": "computer-science"}).content.decode()
    assert "No results in Computer Science" in other


def test_the_page_reads_only_its_parameters(client, pages):
    first = client.get("/search/", {"q": "hash", "utm_source": "x"}).content
    assert first == client.get("/search/", {"q": "hash"}).content


# -- Suggestions ----------------------------------------------------------------------------------------


def suggest_json(client, query):
    response = client.get("/search/suggest", {"q": query})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["suggestions"]


def test_suggestions_complete_the_last_word(client, pages):
    found = suggest_json(client, "binary sea")
    assert found[0] == {
        "url": BINARY_SEARCH,
        "question": "How does binary search find an element in a sorted list?",
        "subject": "Computer Science",
    }
    assert [s["url"] for s in suggest_json(client, "hash")] == [HASH_TABLE]
    assert suggest_json(client, "ha ") == []  # a finished short word is a word, not a prefix


def test_suggestions_tolerate_typos(client, pages):
    assert [s["url"] for s in suggest_json(client, "binray se")] == [BINARY_SEARCH]
    found = [s["url"] for s in suggest_json(client, "taxtai")]
    assert len(found) == 1 and found[0] in {TAX_ACCOUNTING, TAX_BUSINESS}  # twins shown once


@pytest.mark.parametrize("query", ["", "a", "the", '"', "\x00", "😀" * 10, "a" * 5000, "NEAR(", "ק ש"])
def test_suggestions_never_fail(client, pages, query):
    assert isinstance(suggest_json(client, query), list)
