"""An editor in a real Chromium: log in to the admin, edit an answer, save, see it on the public page.

Needs Debian's /usr/bin/chromium and the playwright package; skips cleanly without them.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from articles.importer import import_paths
from articles.models import Article
from tests.sources import write_source

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a-long-editor-password-7"
# Registered before any page script runs: collects Content-Security-Policy violations.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def static_through_whitenoise(monkeypatch):
    """Serve /static/ as production does (WhiteNoise, hashed names): the live server's own static
    handler looks files up by their source names and answers 404 for the admin's hashed ones."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    monkeypatch.setattr(StaticFilesHandler, "_should_handle", lambda self, path: False)


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context()
        yield context.new_page()
        context.close()
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_logs_in_edits_an_answer_and_sees_it_on_the_public_page(
    page, live_server, static_through_whitenoise, tmp_path
):
    write_source(tmp_path, slug="what-is-a-test", question="What is a test?")
    import_paths([tmp_path])
    article = Article.objects.get()
    User.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: "/static/" in response.url and response.status >= 400 and errors.append(
        f"{response.status}: {response.url}"
    ))  # fmt: skip
    page.add_init_script(WATCH_CSP)

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill(
        "#id_answer", "Edited in a real browser: a test is **evidence**.\n\n- it runs\n- it fails loudly"
    )
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert "was changed successfully" in page.inner_text(".messagelist")

    # The admin works under the site's strict Content-Security-Policy: no violation on its pages.
    assert page.evaluate("window.__cspViolations") == []

    page.goto(f"{live_server.url}{article.url}")
    body = page.inner_text("body")
    assert "Edited in a real browser: a test is evidence." in body
    assert "it fails loudly" in body
    assert page.locator("strong", has_text="evidence").count() >= 1
    assert errors == []
    assert Article.objects.get().edited
