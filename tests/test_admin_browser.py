"""An editor in a real Chromium: log in to the admin, edit an answer, save, see it on the public page.

Needs Debian's /usr/bin/chromium and the playwright package; skips cleanly without them.
"""

import pytest
from django.contrib.auth.models import User

from articles.importing.importer import import_paths
from articles.models import Article
from tests.browser import WATCH_CSP
from tests.sources import write_source

PASSWORD = "a-long-editor-password-7"


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


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
