"""Article pages on a phone and a desktop, in a real Chromium: the page never scrolls sideways, and every
equation, table and code block wider than the screen scrolls inside its own box, from the keyboard too.

Needs Debian's /usr/bin/chromium and the playwright package; skips cleanly without them.
"""

import re
from pathlib import Path

import pytest

from tests.browser import WATCH_CSP
from tests.pages import BINARY_SEARCH, DATA, RATIONAL, import_files

WIDE = Path(__file__).resolve().parent / "data" / "wide"
QUADRATICS = "/learn/mathematics/questions/how-are-quadratic-equations-solved"
PHONES = (320, 360, 390, 430)

# Every element of the answer reaching past the screen's right edge, and the scroll box holding it:
# the nearest ancestor that scrolls sideways and itself fits the screen (null when there is none).
# Then each box wider than its content area is scrolled to its end, as a reader's thumb would.
WIDE_CONTENT = """() => {
  const screen = document.documentElement.clientWidth;
  const scrolls = (box) => ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
  const stuck = [];
  for (const element of document.querySelectorAll(".answer *")) {
    if (element.getBoundingClientRect().right <= screen + 0.5) continue;
    let box = element.parentElement;
    while (box && !(scrolls(box) && box.getBoundingClientRect().right <= screen + 0.5)) box = box.parentElement;
    if (!box) stuck.push(element.tagName);
  }
  const boxes = [];
  for (const box of document.querySelectorAll(".answer pre, .answer .table-wrap, .answer math")) {
    if (box.scrollWidth <= box.clientWidth + 1) continue;
    box.scrollLeft = box.scrollWidth;
    boxes.push({
      kind: box.matches("pre") ? "code" : box.matches(".table-wrap") ? "table"
        : box.getAttribute("display") === "block" ? "display math" : "inline math",
      reachedEnd: box.scrollLeft > 0 && box.scrollLeft + box.clientWidth >= box.scrollWidth - 1,
      focusable: box.tabIndex >= 0,
      cue: getComputedStyle(box).backgroundImage.includes("gradient"),
    });
  }
  return {page: document.documentElement.scrollWidth, screen, stuck, boxes};
}"""


@pytest.fixture
def articles(db):
    import_files(sorted(WIDE.glob("*.md")) + [DATA / "binary-search.md", DATA / "rational-numbers.md"])


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def open_page(context, url):
    page = context.new_page()
    problems = []
    page.add_init_script(WATCH_CSP)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and problems.append(response.url))
    page.goto(url)
    page.wait_for_load_state("load")
    return page, problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phones_never_scroll_sideways_and_wide_content_scrolls_in_its_own_box(
    browser, live_server, static_through_whitenoise, articles
):
    for width in PHONES:
        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme="dark")
        for path in (QUADRATICS, BINARY_SEARCH, RATIONAL):
            page, problems = open_page(context, live_server.url + path)
            found = page.evaluate(WIDE_CONTENT)
            assert found["page"] <= width, f"{path} is {found['page']} px wide at {width}"
            assert found["stuck"] == [], f"{path} at {width}: not in a scroll box: {found['stuck']}"
            for box in found["boxes"]:
                assert box["reachedEnd"] and box["focusable"] and box["cue"], (path, width, box)
            if path == QUADRATICS:
                kinds = {box["kind"] for box in found["boxes"]}
                assert kinds == {"code", "table", "display math", "inline math"}, (width, kinds)
            assert page.evaluate("window.__cspViolations") == [] and problems == []
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_desktop_shows_everything_and_code_blocks_name_their_language_and_copy(
    browser, live_server, static_through_whitenoise, articles
):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page, problems = open_page(context, live_server.url + QUADRATICS)
    found = page.evaluate(WIDE_CONTENT)
    assert found["page"] <= found["screen"] and found["stuck"] == []
    assert "inline math" not in {box["kind"] for box in found["boxes"]}  # a sentence's equation fits

    # The table of contents leads to each section.
    contents = page.locator("nav.toc a")
    assert contents.all_inner_texts() == ["Factoring", "The formula", "Completing the square", "Summary"]
    contents.nth(2).click()
    assert page.evaluate("location.hash") == "#completing-the-square"

    # The code block's bar: its language and a button that copies the code exactly.
    bar = page.locator(".answer .code-bar")
    assert bar.locator(".code-language").inner_text() == "Python"
    bar.get_by_role("button", name="Copy Python code").click()
    expect(bar.locator(".copy-button")).to_have_text("Copied")  # no wait_for_function: the CSP forbids eval
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator(".answer pre code").text_content()
    assert copied.startswith("def roots(a, b, c):")

    # Math is set in the site's own math font, once the page has loaded.
    expect(page.locator(".answer math").first).to_have_css("font-family", re.compile("STIX Two Math"))
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("[...document.fonts].some(f => f.family.includes('STIX') && f.status === 'loaded')")
    assert page.evaluate("window.__cspViolations") == [] and problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_scripts_the_code_is_plain_text_and_still_scrolls(
    browser, live_server, static_through_whitenoise, articles
):
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + QUADRATICS)
    assert page.locator(".code-bar").count() == 0
    assert "def roots(a, b, c):" in page.locator(".answer pre").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    context.close()
