"""A reader's walk through the site in a real Chromium: home -> subject -> article -> related article.

Needs Debian's /usr/bin/chromium and the playwright package; skips cleanly without them. Screenshots
go to test-artifacts/ (gitignored).
"""

from pathlib import Path

import pytest

from tests.browser import WATCH_CSP
from tests.pages import BINARY_SEARCH, DATA, MERGE_SORT, import_files

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


class Watcher:
    """Console errors, uncaught exceptions, failed requests and CSP violations of one page."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.add_init_script(WATCH_CSP)
        page.on("console", lambda message: message.type == "error" and self.problems.append(message.text))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.problems.append(f"failed: {request.url}"))
        page.on("response", lambda response: response.status >= 400 and self.problems.append(
            f"{response.status}: {response.url}"
        ))  # fmt: skip

    def check(self):
        violations = self.page.evaluate("window.__cspViolations")
        assert violations == [], violations
        assert self.problems == [], self.problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_walks_from_home_to_a_related_article(browser, live_server, static_through_whitenoise):
    import_files(sorted(DATA.glob("*.md")))
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watcher = Watcher(page)

    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Short answers to real questions"
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    page.get_by_role("link", name="Computer Science").first.click()
    page.wait_for_url("**/learn/computer-science/")
    assert page.locator("h1").inner_text() == "Computer Science"
    watcher.check()

    page.get_by_role("link", name="How does binary search find an element in a sorted list?").click()
    page.wait_for_url("**" + BINARY_SEARCH)
    assert page.locator("h1").inner_text() == "How does binary search find an element in a sorted list?"
    display_math = page.locator('.answer math[display="block"]').first
    assert display_math.is_visible()
    assert display_math.bounding_box()["height"] > 10  # laid out as MathML, not a line of raw TeX
    code = page.locator(".answer pre.highlight").first
    assert code.is_visible()
    assert code.locator("span.hl-k").first.evaluate("e => getComputedStyle(e).color") != code.evaluate(
        "e => getComputedStyle(e).color"
    )  # keywords are coloured by code.css
    assert page.locator(".answer table").is_visible()
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)
    watcher.check()

    page.locator("#related-title + ul").get_by_role(
        "link", name="What is the time complexity of merge sort?"
    ).click()
    page.wait_for_url("**" + MERGE_SORT)
    assert page.locator("h1").inner_text() == "What is the time complexity of merge sort?"
    assert page.locator(".answer math").first.is_visible()
    watcher.check()

    # The same article on a phone, in the dark theme.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", device_scale_factor=2
    )
    phone_page = phone.new_page()
    phone_watcher = Watcher(phone_page)
    phone_page.goto(live_server.url + BINARY_SEARCH)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    phone_page.screenshot(path=str(ARTIFACTS / "article-phone-dark.png"), full_page=True)
    phone_watcher.check()
    phone.close()
    context.close()
