"""Suggestions as you type, in a real Chromium: type, arrow down, Enter; the combobox's ARIA states; no
console error and no CSP violation. And the same form with scripts off still searches.

Needs Debian's /usr/bin/chromium and the playwright package; skips cleanly without them. Screenshots
go to test-artifacts/ (gitignored).
"""

import pytest

from tests.pages import BINARY_SEARCH, DATA, import_files
from tests.test_browser import ARTIFACTS, Watcher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_type_arrow_down_and_enter_opens_the_suggested_question(
    browser, live_server, static_through_whitenoise
):
    import_files(sorted(DATA.glob("*.md")))
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    watcher = Watcher(page)
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Search the questions")
    assert box.get_attribute("aria-expanded") == "false"

    box.click()
    page.keyboard.type("binray sea", delay=40)  # a typo, and the last word unfinished
    listbox = page.get_by_role("listbox", name="Suggested questions")
    listbox.wait_for(state="visible")
    options = listbox.get_by_role("option")
    assert options.first.inner_text().startswith("How does binary search find an element in a sorted list?")
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    assert "suggestion" in page.get_by_role("status").last.inner_text()
    page.screenshot(path=str(ARTIFACTS / "suggestions.png"))

    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    assert box.evaluate("element => element === document.activeElement")  # focus stays in the box
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and not listbox.is_visible()
    page.keyboard.press("ArrowDown")  # opens again, on the first suggestion
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + BINARY_SEARCH)
    watcher.check()


def test_enter_without_a_chosen_suggestion_searches(browser, live_server, static_through_whitenoise):
    import_files(sorted(DATA.glob("*.md")))
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    watcher = Watcher(page)
    page.goto(live_server.url + "/learn/")
    box = page.get_by_role("combobox", name="Search the questions")
    box.fill("binary search")
    box.press("Enter")
    page.wait_for_url("**/search/?q=binary+search")
    assert page.locator("h1").inner_text() == "Results for “binary search”"
    assert page.get_by_role(
        "link", name="How does binary search find an element in a sorted list?"
    ).is_visible()
    watcher.check()


def test_the_search_form_works_with_scripts_off(browser, live_server, static_through_whitenoise):
    import_files(sorted(DATA.glob("*.md")))
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="Search the questions")  # no script: no combobox either
    box.fill("binray search")
    box.press("Enter")
    page.wait_for_url("**/search/?q=binray+search")
    assert "Showing results for" in page.locator("main").inner_text()
    assert page.get_by_role(
        "link", name="How does binary search find an element in a sorted list?"
    ).is_visible()
