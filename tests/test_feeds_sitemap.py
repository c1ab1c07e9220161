"""What search engines and feed readers are offered: sitemap, robots.txt, RSS and Atom."""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Article
from articles.site.sitemaps import URLS_PER_PAGE
from tests.pages import (
    BIG_O,
    BINARY_SEARCH,
    HASH_TABLE,
    HOSTILE,
    LINKED_LIST,
    MERGE_SORT,
    RATIONAL,
    TAX_ACCOUNTING,
    make_article,
    make_subject,
    pages_fixture,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db
SITE = "https://qtakes.example"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "atom": "http://www.w3.org/2005/Atom"}


def xml(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return ET.fromstring(response.content)


def sitemap_urls(client, path):
    return {url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
            for url in xml(client, path).findall("sm:url", NS)}  # fmt: skip


def all_article_urls(client):
    urls = {}
    for location, _ in sitemap_index(client)["articles"]:
        urls.update(sitemap_urls(client, location.removeprefix(SITE)))
    return urls


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {SITE}/sitemap.xml" in response.content.decode().splitlines()


def sitemap_index(client):
    """{section name: [(location, lastmod)]} from the sitemap index."""
    index = xml(client, "/sitemap.xml")
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    sections = {}
    for item in index.findall("sm:sitemap", NS):
        location = item.findtext("sm:loc", namespaces=NS)
        name = location.removeprefix(f"{SITE}/sitemap-").partition(".xml")[0]
        sections.setdefault(name, []).append((location, item.findtext("sm:lastmod", namespaces=NS)))
    return sections


def test_sitemap_index_lists_every_section(client, pages):
    sections = sitemap_index(client)
    assert list(sections) == ["pages", "subjects", "articles", "keywords"]
    assert sections["pages"] == [(f"{SITE}/sitemap-pages.xml", None)]
    assert sections["subjects"][0][1].startswith("2024-12-25")
    for name in sections:
        for location, _ in sections[name]:
            assert client.get(location.removeprefix(SITE)).status_code == 200
    # Articles are paged by id: the test database may not start at id 1.
    ((location, lastmod),) = sections["articles"]
    assert lastmod.startswith("2024-12-25")


def test_article_sitemap_offers_indexable_canonical_articles_only(client, pages):
    urls = all_article_urls(client)
    assert set(urls) == {
        SITE + url
        for url in (BINARY_SEARCH, MERGE_SORT, HASH_TABLE, LINKED_LIST, RATIONAL, HOSTILE, TAX_ACCOUNTING)
    }  # not the no_index big-O page, not the second copy of the taxation question
    assert SITE + BIG_O not in urls


def test_article_lastmod_is_when_its_content_changed_not_when_imported(client, pages):
    changed = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    Article.objects.filter(url=BINARY_SEARCH).update(content_changed_at=changed, imported_at=timezone.now())
    urls = all_article_urls(client)
    assert urls[SITE + BINARY_SEARCH] == "2025-01-02T03:04:05+00:00"
    assert urls[SITE + MERGE_SORT] == "2024-12-25T00:00:00+00:00"


def test_unpublished_articles_leave_the_sitemap(client, pages):
    Article.objects.filter(url=MERGE_SORT).update(publish_at=timezone.now() + datetime.timedelta(days=1))
    assert SITE + MERGE_SORT not in all_article_urls(client)


def test_subject_and_keyword_sitemaps(client, pages):
    subjects = sitemap_urls(client, "/sitemap-subjects.xml")
    assert set(subjects) == {
        f"{SITE}/learn/{slug}/"
        for slug in ("accounting-and-finance", "business-and-management", "computer-science", "mathematics")
    }
    assert subjects[f"{SITE}/learn/computer-science/"].startswith("2024-12-25")
    keywords = set()
    for location, _ in sitemap_index(client)["keywords"]:
        keywords |= set(sitemap_urls(client, location.removeprefix(SITE)))
    # Only keyword pages with three articles or more (the others carry noindex).
    assert keywords == {f"{SITE}/keywords/time-complexity/", f"{SITE}/keywords/algorithms/"}
    assert set(sitemap_urls(client, "/sitemap-pages.xml")) == {f"{SITE}/", f"{SITE}/learn/"}


def test_sitemap_pages_hold_at_most_ten_thousand_urls(client, db):
    subject = make_subject("Physics")
    when = timezone.now() - datetime.timedelta(days=1)
    Article.objects.bulk_create(
        Article(
            url=f"/learn/physics/questions/q-{n}", subject=subject, slug=f"q-{n}", source_id=n, date=when.date(),
            title="Q?", article_title="Q?", question=f"Q {n}?", answer_source="A.", answer="A.",
            answer_html="<p>A.</p>", file_name=f"q-{n}.md", publish_at=when, content_changed_at=when,
        )
        for n in range(URLS_PER_PAGE + 1)
    )  # fmt: skip
    pages = [location.removeprefix(SITE) for location, _ in sitemap_index(client)["articles"]]
    assert len(pages) >= 2
    seen = set()
    for page in pages:
        urls = sitemap_urls(client, page)
        assert 0 < len(urls) <= URLS_PER_PAGE == 10_000
        assert not seen & set(urls)
        seen |= set(urls)
    assert len(seen) == URLS_PER_PAGE + 1


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-nothing.xml",
        "/sitemap-articles.xml?p=999",
        "/sitemap-articles.xml?p=x",
        "/sitemap-pages.xml?p=2",
    ],
)
def test_unknown_sitemaps_are_404(client, pages, path):
    assert client.get(path).status_code == 404


# -- Feeds -------------------------------------------------------------------------------------------


def test_latest_rss_feed(client, pages):
    response = client.get("/feeds/latest.rss")
    assert response["Content-Type"].startswith("application/xml")  # so a browser applies its XSL
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "QuickTakes: latest"
    assert channel.findtext("link") == f"{SITE}/"
    items = channel.findall("item")
    links = [item.findtext("link") for item in items]
    assert links[:2] == [SITE + MERGE_SORT, SITE + BINARY_SEARCH]  # newest first
    assert SITE + BIG_O not in links  # no_index
    first = items[0]
    assert first.findtext("title") == "What is the time complexity of merge sort?"
    assert first.findtext("guid") == SITE + MERGE_SORT
    assert first.findtext("description") == pages[MERGE_SORT].seo_description
    assert first.findtext("pubDate") == "Wed, 25 Dec 2024 00:00:00 +0000"
    assert first.findtext("category") == "Computer Science"


def test_latest_atom_feed(client, pages):
    response = client.get("/feeds/latest.atom")
    assert response["Content-Type"].startswith("application/xml")
    feed = ET.fromstring(response.content)
    assert feed.find("atom:link[@rel='self']", NS).get("href") == f"{SITE}/feeds/latest.atom"
    entries = feed.findall("atom:entry", NS)
    assert entries[0].find("atom:link", NS).get("href") == SITE + MERGE_SORT
    assert entries[0].findtext("atom:updated", namespaces=NS) == "2024-12-25T00:00:00+00:00"


def test_subject_feeds(client, pages):
    channel = xml(client, "/feeds/subjects/mathematics.rss").find("channel")
    assert channel.findtext("title") == "QuickTakes: Mathematics"
    assert [item.findtext("link") for item in channel.findall("item")] == [SITE + RATIONAL]
    feed = xml(client, "/feeds/subjects/computer-science.atom")
    links = {entry.find("atom:link", NS).get("href") for entry in feed.findall("atom:entry", NS)}
    assert links == {SITE + url for url in (BINARY_SEARCH, MERGE_SORT, HASH_TABLE, LINKED_LIST, HOSTILE)}
    assert client.get("/feeds/subjects/no-such-subject.rss").status_code == 404


def test_feeds_escape_hostile_text(client, pages):
    body = client.get("/feeds/subjects/computer-science.rss").content
    item = [i for i in ET.fromstring(body).iter("item") if i.findtext("link") == SITE + HOSTILE][0]
    assert item.findtext("title") == 'What does <script>alert("title")</script> do in a page?'
    assert b"<script>" not in body


DESCRIPTION = "Why <img src=x onerror=alert(1)> & <b>bold</b> stay text"


def test_feed_descriptions_arrive_as_text_never_as_markup(client, db):
    subject = make_subject("Physics")
    make_article(subject, "images", seo_description=DESCRIPTION)
    # Atom says what a summary is: text, exactly the description.
    for path in ("/feeds/latest.atom", "/feeds/subjects/physics.atom"):
        summary = xml(client, path).find("atom:entry/atom:summary", NS)
        assert summary.get("type") == "text"
        assert summary.text == DESCRIPTION
    # An RSS description is HTML to readers: rendered, it must show the description, with no element.
    for path in ("/feeds/latest.rss", "/feeds/subjects/physics.rss"):
        shown = HtmlText(xml(client, path).findtext("channel/item/description"))
        assert shown.tags == [] and shown.text == DESCRIPTION


class HtmlText(HTMLParser):
    """What a feed reader makes of an HTML description: its elements and its text."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], ""
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text += data
