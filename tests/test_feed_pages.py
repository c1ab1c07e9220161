"""Feeds and the sitemap opened in a browser: their XSL stylesheets make readable pages, under a CSP that
lets the browser render them and still forbids any script of ours."""

import re

import pytest

from articles.site.middleware import CONTENT_SECURITY_POLICY
from tests.browser import WATCH_CSP
from tests.pages import (
    BINARY_SEARCH,
    pages_fixture,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db
XML_PAGES = [
    "/feeds/latest.rss",
    "/feeds/latest.atom",
    "/feeds/subjects/computer-science.rss",
    "/sitemap.xml",
]


@pytest.mark.parametrize("path", XML_PAGES + ["/sitemap-articles.xml"])
def test_feeds_and_sitemaps_name_a_stylesheet_of_the_site(client, pages, path):
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    (href,) = re.findall(r'<\?xml-stylesheet [^?]*href="([^"]+)"', response.content.decode())
    style = client.get(href)
    assert style.status_code == 200 and style["Content-Type"].startswith("text/xsl")
    # The page it makes links the site's stylesheet by its hashed name, and runs nothing.
    assert re.search(r'href="/static/css/site\.[0-9a-f]{12}\.css"', style.content.decode())
    assert "<script" not in style.content.decode() and "style=" not in style.content.decode()


def test_only_xml_documents_relax_the_policy_for_the_browsers_own_attributes(client, pages):
    xml_policy = client.get("/feeds/latest.rss")["Content-Security-Policy"]
    assert "style-src-attr 'unsafe-inline'" in xml_policy and "script-src 'self';" in xml_policy
    assert client.get(BINARY_SEARCH)["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_browser_shows_feeds_and_the_sitemap_as_pages(
    browser, live_server, static_through_whitenoise, pages
):
    context = browser.new_context(viewport={"width": 360, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    for path in XML_PAGES:
        page.goto(live_server.url + path)
        heading = page.locator("h1").inner_text()
        assert heading in ("QuickTakes: latest", "QuickTakes: Computer Science", "Sitemap index"), heading
        assert page.locator("main a").count() > 1
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(21, 23, 28)"  # dark
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.evaluate("window.__cspViolations || []") == []
    page.goto(live_server.url + "/feeds/latest.rss")
    assert "How does binary search find an element in a sorted list?" in page.locator("main").inner_text()
    context.close()
