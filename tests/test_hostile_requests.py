"""No path or query string makes a public page fail: every url pattern answers 4xx to what it cannot
serve, never 500. On SQLite, and on PostgreSQL when DATABASE_URL names one (which refuses NUL in text).

The paths are made from articles/urls.py itself, so a new pattern is covered the day it is added.
"""

import re

import pytest
from django.urls import URLPattern

from articles.urls import urlpatterns
from tests.pages import (
    HASH_TABLE,
    no_page_cache_fixture,  # noqa: F401 - fixture
    pages_fixture,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db

# A value that serves a page, for each placeholder of a route.
VALID = {
    "subject": "computer-science",
    "slug": HASH_TABLE.rsplit("/", 1)[1],
    "section": "articles",
    "key": "0" * 20,  # a social card's key: an out-of-date one redirects to the current card
}
VALID_KEYWORD = "algorithms"
# Already percent-encoded, as they arrive.
HOSTILE_PARTS = [
    "%00", "a%00", "%00a", "a%00b", "%ff", "%C0%AE", "%E2%80%AE", "%0a", "%1f", "%7f", "%20", "..",
    "%2e%2e", "~", "%C2%B2", "%EF%BC%99", "a" * 3000, "%F0%9F%98%80", "'", "%22%3E%3Cb%3E",
]  # fmt: skip
PARAMETERS = ["page", "p", "q", "x"]
HOSTILE_VALUES = [
    "%C2%B2",  # '²': isdigit() says yes, int() says no
    "%EF%BC%99",  # full-width 9: int() takes it
    "%D9%A3",  # Arabic-Indic 3
    "-1", "0", "01", "1e3", "1.0", "0x10", "1_000", "%201", "1%20", "9" * 5000, "%00", "1%00", "", "%ff",
    "a" * 5000,
]  # fmt: skip
BAD_PAGE_NUMBERS = ["-1", "0", "1e3", "%EF%BC%99", "%C2%B2", "%D9%A3", "9" * 5000, "99999999999", "01", "1_0"]


def routes():
    return [pattern for pattern in urlpatterns if isinstance(pattern, URLPattern)]


def path_of(route, **parts):
    values = {**VALID, "slug": VALID_KEYWORD if route.startswith("keywords/") else VALID["slug"], **parts}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: values[match.group(1)], route)


def hostile_requests(route):
    """Each placeholder of the route given each hostile part, then its valid path with each hostile
    parameter (alone, and after a valid copy of itself)."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    requests = [path_of(route, **{name: part}) for name in names for part in HOSTILE_PARTS]
    base = path_of(route)
    for name in PARAMETERS:
        for value in HOSTILE_VALUES:
            requests += [f"{base}?{name}={value}", f"{base}?q=binary&{name}=1&{name}={value}"]
    return requests


@pytest.mark.parametrize("cache", ["page cache", "no page cache"])
@pytest.mark.parametrize("pattern", routes(), ids=lambda pattern: str(pattern.pattern))
def test_no_request_makes_a_page_fail(client, pages, settings, pattern, cache):
    settings.PAGE_CACHE = cache == "page cache"
    route = str(pattern.pattern)
    assert client.get(path_of(route)).status_code < 400, "the valid path must serve a page"
    failed = {}
    for path in hostile_requests(route):
        status = client.get(path).status_code
        if status >= 500:
            failed[path[:120]] = status
    assert not failed


@pytest.mark.parametrize("number", BAD_PAGE_NUMBERS)
@pytest.mark.parametrize(
    "page", ["/learn/computer-science/?page=", "/keywords/algorithms/?page=", "/search/?q=binary&page="]
)
def test_only_a_plain_page_number_names_a_page(client, pages, page, number):
    assert client.get(page + "1").status_code == 200
    assert client.get(page + number).status_code == 404


@pytest.mark.parametrize("number", BAD_PAGE_NUMBERS)
def test_only_a_plain_number_names_a_sitemap_page(client, pages, number):
    assert client.get("/sitemap-articles.xml?p=1").status_code == 200
    assert client.get(f"/sitemap-articles.xml?p={number}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/keywords/%00/",
        "/keywords/algorithms%00/",
        "/learn/psychology/questions/a%00",
        "/learn/computer-science/questions/%00",
        HASH_TABLE + "%00",
        HASH_TABLE + "%00/",
    ],
)
def test_a_nul_byte_in_a_path_is_not_found(client, pages, no_page_cache, path):
    assert client.get(path).status_code == 404
