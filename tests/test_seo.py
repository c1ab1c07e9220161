"""The head of every page: title, description, keywords, canonical, robots, Open Graph, Twitter, JSON-LD."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from articles.site import seo
from tests.pages import (
    BIG_O,
    BINARY_SEARCH,
    HOSTILE,
    MERGE_SORT,
    TAX_ACCOUNTING,
    TAX_BUSINESS,
    pages_fixture,  # noqa: F401 - fixture
    read,
    whole_sitemap,
)

pytestmark = pytest.mark.django_db
SITE = "https://qtakes.example"  # SITE_URL in conftest.py


def test_article_title_is_unique_and_holds_question_and_seo_title(client, pages):
    titles = {url: read(client.get(url)).title for url in pages}
    assert titles[BINARY_SEARCH] == (
        "How does binary search find an element in a sorted list? | QuickTakes | Computer Science"
    )
    assert len(set(titles.values())) == len(titles)  # the twins differ by their seo.title


def test_article_description_keywords_and_canonical(client, pages):
    page = read(client.get(BINARY_SEARCH))
    assert page.meta_content("name", "description") == [pages[BINARY_SEARCH].seo_description]
    # Separators vary in the files (", " and ","): the page lists them one way.
    assert page.meta_content("name", "keywords") == [
        "binary search, algorithms, time complexity, sorted arrays, divide and conquer"
    ]
    assert page.link_href("canonical") == [SITE + BINARY_SEARCH]
    assert page.meta_content("name", "robots") == []


def test_article_open_graph_and_twitter_card(client, pages):
    page = read(client.get(BINARY_SEARCH))
    og = {}
    for meta in page.meta:
        if meta.get("property"):
            og.setdefault(meta["property"], []).append(meta["content"])
    assert og["og:type"] == ["article"]
    assert og["og:title"] == ["How does binary search find an element in a sorted list?"]
    assert og["og:description"] == [pages[BINARY_SEARCH].seo_description]
    assert og["og:url"] == [SITE + BINARY_SEARCH]
    assert og["og:site_name"] == ["QuickTakes"]
    assert og["article:published_time"] == ["2024-12-20T00:00:00+00:00"]
    assert og["article:section"] == ["Computer Science"]
    assert og["article:tag"] == [
        "binary search",
        "algorithms",
        "time complexity",
        "sorted arrays",
        "divide and conquer",
    ]
    assert page.meta_content("name", "twitter:card") == ["summary_large_image"]  # the social card
    assert page.meta_content("name", "twitter:title") == og["og:title"]
    assert page.meta_content("name", "twitter:description") == og["og:description"]


def test_article_json_ld_parses_into_an_article_and_a_breadcrumb_list(client, pages):
    page = read(client.get(BINARY_SEARCH))
    (article,) = page.json_ld_of_type("Article")
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "How does binary search find an element in a sorted list?"
    assert article["description"] == pages[BINARY_SEARCH].seo_description
    assert article["datePublished"] == "2024-12-20T00:00:00+00:00"
    assert article["dateModified"] >= article["datePublished"]
    assert article["author"] == {"@type": "Organization", "name": "QuickTakes", "url": SITE + "/"}
    assert article["publisher"]["name"] == "QuickTakes"
    assert article["publisher"]["logo"]["url"].startswith(SITE + "/static/img/logo.")
    assert article["keywords"][:2] == ["binary search", "algorithms"]
    assert article["articleSection"] == "Computer Science"
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": SITE + BINARY_SEARCH}
    (crumbs,) = page.json_ld_of_type("BreadcrumbList")
    assert [(item["position"], item["name"], item["item"]) for item in crumbs["itemListElement"]] == [
        (1, "Subjects", SITE + "/learn/"),
        (2, "Computer Science", SITE + "/learn/computer-science/"),
        (3, "How does binary search find an element in a sorted list?", SITE + BINARY_SEARCH),
    ]
    assert not page.json_ld_of_type("QAPage")  # reserved by Google for user-submitted answers


def test_date_modified_follows_content_changes(client, pages):
    changed = timezone.now() - datetime.timedelta(hours=1)
    Article.objects.filter(url=BINARY_SEARCH).update(content_changed_at=changed)
    (article,) = read(client.get(BINARY_SEARCH)).json_ld_of_type("Article")
    assert article["dateModified"] == changed.isoformat()


def test_json_ld_is_escaped_so_no_text_can_close_the_script(client, pages):
    html = client.get(HOSTILE).content.decode()
    block = html[html.index('<script type="application/ld+json">') :]
    block = block[: block.index("</script>")]
    assert "<" not in block[len('<script type="application/ld+json">') :]
    assert "\\u003C/script\\u003E" in block
    page = read(client.get(HOSTILE))
    (article,) = page.json_ld_of_type("Article")
    assert article["description"].startswith('</script><script>alert("description")</script> & ')


def test_json_ld_script_escaping():
    html = seo.json_ld_script({"text": "</script><!-- & é"})
    assert (
        html
        == '<script type="application/ld+json">{"text":"\\u003C/script\\u003E\\u003C!-- \\u0026 é"}</script>'
    )


def test_no_index_article_carries_robots_noindex(client, pages):
    page = read(client.get(BIG_O))
    assert page.meta_content("name", "robots") == ["noindex"]
    assert page.link_href("canonical") == [SITE + BIG_O]


def test_keyword_pages_with_fewer_than_three_articles_are_noindex(client, pages):
    assert read(client.get("/keywords/time-complexity/")).meta_content("name", "robots") == []  # 4 articles
    assert read(client.get("/keywords/binary-search/")).meta_content("name", "robots") == ["noindex"]
    Article.objects.filter(url__in=[MERGE_SORT, BIG_O]).update(status=Article.Status.DRAFT)
    assert read(client.get("/keywords/time-complexity/")).meta_content("name", "robots") == ["noindex"]


def test_search_pages_are_noindex(client, pages):
    for path in ("/search/", "/search/?q=sort", "/search/?q=nothing+matches+this+zzzz"):
        page = read(client.get(path))
        assert page.meta_content("name", "robots") == ["noindex"]
        assert page.link_href("canonical") == []


@pytest.mark.parametrize(
    "path,title",
    [
        ("/", "QuickTakes"),
        ("/learn/", "All subjects | QuickTakes"),
        ("/learn/computer-science/", "Computer Science | QuickTakes"),
        ("/keywords/time-complexity/", "time complexity | QuickTakes"),
    ],
)
def test_listing_pages_have_a_title_description_and_canonical(client, pages, path, title):
    page = read(client.get(path))
    assert page.title == title
    assert page.meta_content("name", "description")[0]
    assert page.link_href("canonical") == [SITE + path]
    assert page.meta_content("property", "og:type") == ["website"]
    assert page.meta_content("property", "og:url") == [SITE + path]


def test_pages_link_their_feeds(client, pages):
    home = read(client.get("/")).link_href("alternate")
    assert home == [SITE + "/feeds/latest.rss", SITE + "/feeds/latest.atom"]
    for path in ("/learn/computer-science/", BINARY_SEARCH):
        links = read(client.get(path)).link_href("alternate")
        assert SITE + "/feeds/subjects/computer-science.rss" in links
        assert SITE + "/feeds/subjects/computer-science.atom" in links
        assert SITE + "/feeds/latest.rss" in links


# -- Canonical policy for questions copied into several subjects -------------------------------------


def test_twin_questions_all_point_to_the_first_published_copy(client, pages):
    # Same date: the first imported (lower id) is canonical. Imported in file order, accounting first.
    first, second = sorted([pages[TAX_ACCOUNTING], pages[TAX_BUSINESS]], key=lambda a: a.id)
    for url in (TAX_ACCOUNTING, TAX_BUSINESS):
        page = read(client.get(url))
        assert page.link_href("canonical") == [SITE + first.url]
        assert page.meta_content("property", "og:url") == [SITE + first.url]
        (article,) = page.json_ld_of_type("Article")
        assert article["mainEntityOfPage"]["@id"] == SITE + first.url
    # Each copy still shows its own subject and seo text.
    page = read(client.get(second.url))
    assert page.meta_content("property", "article:section") == [second.subject.name]
    assert page.meta_content("name", "description") == [second.seo_description]


def test_an_earlier_copy_is_canonical_even_if_imported_later(client, pages):
    earlier = pages[TAX_BUSINESS].publish_at - datetime.timedelta(days=1)
    Article.objects.filter(url=TAX_BUSINESS).update(publish_at=earlier)
    assert read(client.get(TAX_ACCOUNTING)).link_href("canonical") == [SITE + TAX_BUSINESS]


@pytest.mark.parametrize(
    "changes", [{"no_index": True}, {"status": Article.Status.DRAFT}], ids=["no_index", "unpublished"]
)
def test_the_canonical_copy_must_be_indexable(client, pages, changes):
    first, second = sorted([pages[TAX_ACCOUNTING], pages[TAX_BUSINESS]], key=lambda a: a.id)
    Article.objects.filter(pk=first.pk).update(**changes)
    assert read(client.get(second.url)).link_href("canonical") == [SITE + second.url]


def test_only_canonical_copies_are_offered_in_the_sitemap_and_site_feed(client, pages):
    first, second = sorted([pages[TAX_ACCOUNTING], pages[TAX_BUSINESS]], key=lambda a: a.id)
    sitemap = whole_sitemap(client)
    assert SITE + first.url in sitemap and SITE + second.url not in sitemap
    feed = client.get("/feeds/latest.rss").content.decode()
    assert SITE + first.url in feed and SITE + second.url not in feed
    # The copy's own subject feed still lists it.
    subject_feed = client.get(f"/feeds/subjects/{second.subject.slug}.rss").content.decode()
    assert SITE + second.url in subject_feed
