"""An editor in a real Chromium: upload a zip, read the dry run, import, watch it finish, see the run in
the history, undo it. Needs Debian's /usr/bin/chromium and playwright; skips cleanly without them.

QTAKES_SCREENSHOTS=folder keeps a screenshot of each page on the way.
"""

import os

import pytest
from django.contrib.auth.models import User

from articles.models import Article, ImportRun
from tests.browser import WATCH_CSP
from tests.uploads import run_worker, sources, zip_of

PASSWORD = "a-long-editor-password-7"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def shot(page, name):
    folder = os.environ.get("QTAKES_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_uploads_checks_imports_and_undoes(page, live_server, static_through_whitenoise, tmp_path):
    User.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    upload = tmp_path / "sources.zip"
    upload.write_bytes(zip_of({**sources("a", "b"), "computer-science/broken.md": "no front matter"}).read())
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH_CSP)

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    page.goto(f"{live_server.url}/admin/articles/importrun/add/")
    shot(page, "1-upload")
    page.set_input_files("#id_files", str(upload))
    page.click("input[type=submit]")
    page.wait_for_selector("#run-status")
    run_worker()  # the dry run, as the worker started by `make run` would
    page.reload()
    page.wait_for_selector("#dry-run-counts")
    counts = page.inner_text("#dry-run-counts")
    assert "New" in counts and "2" in counts and "Refused" in counts
    assert "computer-science/broken.md" in page.inner_text("#content-main")
    assert not Article.objects.exists()
    shot(page, "2-dry-run")

    page.click("text=Import these files")
    page.wait_for_selector("#run-status")
    assert "Import queued" in page.inner_text("#run-status")
    run_worker()
    page.wait_for_selector("text=Finished with refusals", timeout=10_000)  # the page refreshes itself
    assert Article.objects.count() == 2
    shot(page, "3-finished")

    page.goto(f"{live_server.url}/admin/articles/importrun/")
    run = ImportRun.objects.get()
    assert f"#{run.pk}" in page.inner_text("#result_list")
    shot(page, "4-history")

    page.click(f"text=#{run.pk}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("input[value='Undo this import']")
    run_worker()
    page.wait_for_selector("#undo-report", timeout=10_000)
    assert "Removed 2 created articles" in page.inner_text("#undo-report")
    assert not Article.objects.exists()
    shot(page, "5-undone")

    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
