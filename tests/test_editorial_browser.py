"""The content team's tools in a real Chromium, under the site's strict CSP: the answer's live preview,
the SEO counters, the page preview at desktop and phone width, a keyword merge, and the dashboard.

Needs Debian's /usr/bin/chromium and playwright; skips cleanly without them.
QTAKES_SCREENSHOTS=folder keeps a screenshot of each page on the way.
"""

import os

import pytest
from django.contrib.auth.models import User

from articles.editorial import seo_store
from articles.importing.importer import import_paths
from articles.models import Article, Keyword
from tests.browser import WATCH_CSP
from tests.sources import write_source

PASSWORD = "a-long-editor-password-7"
ANSWER = "Edited **live**.\n\n### A heading, not an admin bar\n\n$$\n\\sum F = 0\n$$\n\n- one\n- two"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def editor_page(page, live_server, static_through_whitenoise, tmp_path):
    write_source(tmp_path, slug="a", question="Why test software?", keywords="unit tests, testing, quality")
    write_source(tmp_path, slug="b", question="What is a compiler?", keywords="unit test, compilers")
    import_paths([tmp_path])
    seo_store.check_all()
    User.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", lambda response: "/static/" in response.url and response.status >= 400 and page.errors.append(
        f"{response.status}: {response.url}"
    ))  # fmt: skip
    page.context.add_init_script(WATCH_CSP)  # the preview opens in a page of its own
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.base = live_server.url
    return page


def shot(page, name):
    folder = os.environ.get("QTAKES_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def no_violations(page):
    assert page.evaluate("window.__cspViolations") == []
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_answer_renders_live_and_the_page_previews_at_two_widths(editor_page):
    page = editor_page
    article = Article.objects.get(slug="a")
    page.goto(f"{page.base}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_answer", ANSWER)
    frame = page.frame_locator(".qt-answer-frame")
    frame.locator("h2", has_text="A heading, not an admin bar").wait_for()
    assert frame.locator("math").count() == 1
    # In the site's styles, not the admin's: a heading is dark text on the page, not a white-on-blue bar.
    colour = frame.locator("h2").evaluate("element => getComputedStyle(element).backgroundColor")
    assert colour in ("rgba(0, 0, 0, 0)", "transparent")
    assert "Up to date" in page.inner_text(".qt-live-state")
    shot(page, "editorial-1-live-answer")

    with page.context.expect_page() as opened:
        page.click("input[name=_preview]")
    preview = opened.value
    preview.errors = []
    preview.on("pageerror", lambda error: preview.errors.append(str(error)))
    preview.wait_for_selector(".qt-preview-widths:not([hidden])")
    desktop = preview.frame_locator(".qt-frame-desktop iframe")
    assert desktop.locator("#article-title").inner_text() == "Why test software?"
    assert desktop.locator(".answer h2").inner_text() == "A heading, not an admin bar"
    assert preview.locator(".qt-frame-desktop iframe").bounding_box()["width"] >= 1280
    shot(preview, "editorial-2-preview-desktop")
    preview.click("button[data-frame=phone]")
    phone = preview.locator(".qt-frame-phone iframe")
    phone.wait_for()
    assert 388 <= phone.bounding_box()["width"] <= 394
    assert preview.locator(".qt-frame-desktop").is_hidden()
    # At 390 px the site's own layout applies: the header's search sits under the brand.
    inner = preview.frame_locator(".qt-frame-phone iframe")
    assert inner.locator("body").evaluate("body => body.clientWidth") <= 390
    shot(preview, "editorial-3-preview-phone")
    assert preview.evaluate("window.__cspViolations") == [] and preview.errors == []
    assert Article.objects.get(slug="a").answer != ANSWER  # nothing saved
    no_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_seo_counters_follow_the_typing(editor_page):
    page = editor_page
    article = Article.objects.get(slug="a")
    page.goto(f"{page.base}/admin/articles/article/{article.pk}/change/")
    counter = page.locator("#id_seo_title-counter")
    assert "~" in counter.inner_text() and "px of 600" in counter.inner_text()
    page.fill("#id_question", "Why?")
    page.fill("#id_seo_title", "Tests")
    assert counter.inner_text().startswith("Title in search results (question | SEO title): 12 characters")
    assert "cut" not in counter.inner_text()
    assert page.inner_text("[data-snippet=title]") == "Why? | Tests"
    page.fill("#id_question", "Why do some very long questions about thermodynamics get cut off in results?")
    assert "cut in search results" in counter.inner_text()
    assert page.inner_text("[data-snippet=title]").endswith("…")

    description = page.locator("#id_seo_description-counter")
    page.fill("#id_seo_description", "ext{R}^n$, linear combination")
    assert description.inner_text().startswith("29 of 160 characters: short")
    assert page.locator("[data-check=damaged]").is_visible()
    page.fill(
        "#id_seo_description",
        "A clear description of why software is tested: regressions caught early, behaviour documented.",
    )
    assert page.locator("[data-check=damaged]").is_hidden()
    assert "short" not in description.inner_text()
    shot(page, "editorial-4-seo-counters")
    no_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_keyword_merge_from_the_list(editor_page):
    page = editor_page
    page.goto(f"{page.base}/admin/articles/keyword/?q=unit")
    shot(page, "editorial-5-keywords")
    for slug in ("unit-tests", "unit-test"):
        page.check(f"input[name=_selected_action][value='{Keyword.objects.get(slug=slug).pk}']")
    page.select_option("select[name=action]", "merge_selected")
    page.click("button[name=index]")
    page.wait_for_selector("text=Which keyword stays")
    shot(page, "editorial-6-keyword-merge")
    page.check(f"input[name=survivor][value='{Keyword.objects.get(slug='unit-test').pk}']")
    page.fill("#id_name", "Unit testing")
    page.click("input[name=merge]")
    page.wait_for_selector(".messagelist .success")
    assert "Merged" in page.inner_text(".messagelist")
    page.goto(f"{page.base}/keywords/unit-tests/")
    assert page.url.endswith("/keywords/unit-testing/")
    assert Keyword.objects.get(slug="unit-testing").name == "Unit testing"
    no_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts(editor_page):
    page = editor_page
    page.goto(f"{page.base}/admin/")
    charts = page.locator("svg.chart")
    assert charts.count() == 5
    for index in range(5):
        box = charts.nth(index).bounding_box()
        assert box["width"] > 400 and box["height"] > 20
    assert page.locator("svg.chart .chart-bar").count() > 5
    # The numbers behind a chart, for screen readers and copying.
    page.locator(".qt-chart-data summary").first.click()
    assert "Computer Science" in page.locator(".qt-chart-data table").first.inner_text()
    shot(page, "editorial-7-dashboard")
    page.goto(f"{page.base}/admin/seo/?kind=title_duplicate")
    assert "The same on 2 articles" in page.inner_text(".qt-problem-table")
    shot(page, "editorial-8-seo-report")
    no_violations(page)
