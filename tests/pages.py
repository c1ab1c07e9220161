"""Shared builders for the public-site tests: the small source files, rows made directly, HTML reading.

Test modules import the fixtures they use (``from tests.pages import pages_fixture``): pytest finds
fixtures in a module's namespace, under the name given to ``pytest.fixture``.
"""

import datetime
import json
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles.importing.importer import import_paths
from articles.models import Article, Subject

DATA = Path(__file__).resolve().parent / "data" / "pages"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "quicktakes-sample"

# The urls of the files in tests/data/pages.
BINARY_SEARCH = "/learn/computer-science/questions/how-does-binary-search-find-an-element-in-a-sorted-list"
MERGE_SORT = "/learn/computer-science/questions/what-is-the-time-complexity-of-merge-sort"
HASH_TABLE = "/learn/computer-science/questions/what-is-a-hash-table"
BIG_O = "/learn/computer-science/questions/what-is-big-o-notation"  # no_index: True
LINKED_LIST = "/learn/computer-science/questions/how-does-a-linked-list-differ-from-an-array"
RATIONAL = "/learn/mathematics/questions/what-distinguishes-rational-numbers-from-irrational-numbers"
HOSTILE = "/learn/computer-science/questions/what-does-script-do-in-a-page"
TAX_ACCOUNTING = "/learn/accounting-and-finance/questions/what-are-the-taxation-requirements-for-corporations"
TAX_BUSINESS = "/learn/business-and-management/questions/what-are-the-taxation-requirements-for-corporations"
DANGLING = "/learn/computer-science/questions/a-question-that-was-never-published"


def import_files(paths):
    result = import_paths([str(path) for path in paths])
    assert result.ok, [str(error) for error in result.refused]
    return result


@pytest.fixture(name="pages")
def pages_fixture(db):
    """Every file of tests/data/pages, imported. Returns {url: Article}."""
    import_files(sorted(DATA.glob("*.md")))
    return {article.url: article for article in Article.objects.select_related("subject")}


@pytest.fixture(name="no_page_cache")
def no_page_cache_fixture(settings):
    """Measure the views themselves, without the site-wide page cache in front of them."""
    settings.PAGE_CACHE = False


def make_subject(name="Physics", slug=None):
    from django.utils.text import slugify

    return Subject.objects.get_or_create(slug=slug or slugify(name), defaults={"name": name})[0]


def make_article(subject, slug, *, question=None, days_ago=1, **fields):
    """An article row made directly (no file), published ``days_ago`` days ago unless told otherwise."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    question = question or slug.replace("-", " ").capitalize() + "?"
    values = {
        "url": f"/learn/{subject.slug}/questions/{slug}",
        "subject": subject,
        "slug": slug,
        "source_subject": subject.name,
        "source_id": fields.pop("source_id", 1),
        "date": when.date(),
        "title": question,
        "article_title": question,
        "question": question,
        "answer_source": "An answer.",
        "answer": "An answer.",
        "answer_html": "<p>An answer.</p>",
        "seo_title": f"QuickTakes | {subject.name}",
        "seo_description": f"About {question}",
        "seo_keywords": "",
        "file_name": f"{slug}.md",
        "publish_at": when,
        "content_changed_at": when,
    }
    values.update(fields)
    return Article.objects.create(**values)


class PageReader(HTMLParser):
    """What a crawler reads from a page: title, meta, links, JSON-LD, headings, scripts and styles."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta = []  # attribute dicts
        self.links = []  # attribute dicts of <link>
        self.anchors = []  # href of <a>
        self.json_ld = []
        self.scripts = []  # (attrs, text)
        self.h1 = []
        self.tags = []  # (tag, attrs) of every start tag
        self._in = None
        self._text = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "meta":
            self.meta.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "a" and "href" in attrs:
            self.anchors.append(attrs["href"])
        if tag in ("title", "script", "h1"):
            self._in, self._text, self._attrs = tag, [], attrs

    def handle_endtag(self, tag):
        if tag != self._in:
            return
        text = "".join(self._text)
        if tag == "title":
            self.title = text
        elif tag == "h1":
            self.h1.append(" ".join(text.split()))
        elif tag == "script":
            self.scripts.append((self._attrs, text))
            if self._attrs.get("type") == "application/ld+json":
                self.json_ld.append(json.loads(text))
        self._in = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def meta_content(self, key, value):
        """The content of every <meta key=value>, e.g. meta_content("property", "og:title")."""
        return [m.get("content") for m in self.meta if m.get(key) == value]

    def link_href(self, rel):
        return [link.get("href") for link in self.links if rel in (link.get("rel") or "").split()]

    def json_ld_of_type(self, kind):
        return [block for block in self.json_ld if block.get("@type") == kind]


def whole_sitemap(client):
    """The text of every page the sitemap index lists (pages are by id range: page 1 may not exist)."""
    import re

    index = client.get("/sitemap.xml").content.decode()
    pages = [client.get(urlsplit(unescape(loc)).path + (f"?{urlsplit(unescape(loc)).query}" if "?" in loc else ""))
             for loc in re.findall(r"<loc>([^<]+)</loc>", index)]  # fmt: skip
    assert all(page.status_code == 200 for page in pages)
    return "".join(page.content.decode() for page in pages)


def read(response):
    assert response.status_code == 200, response.status_code
    return PageReader(response.content.decode())
