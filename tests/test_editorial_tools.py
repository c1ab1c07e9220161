"""Editing comfort through the test client: the page preview of unsaved changes, the answer's live
preview endpoint, the admin's header, "Remove from the site" apart from "Delete", login-throttle records
for superusers only, and the staff banner of drafts and scheduled articles on the public site."""

import datetime
import html
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from articles.editorial import banner, context
from articles.importing.importer import import_paths
from articles.models import Article, Keyword, KeywordRedirect
from tests.sources import write_source
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tmp_path):
    write_source(tmp_path, slug="a", question="Why test software?", related=[("b", "computer-science", "B")])
    write_source(tmp_path, slug="b", question="What is a compiler?")
    import_paths([tmp_path])


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def frame_documents(response):
    """The documents of the preview's frames, as the browser reads them from ``srcdoc``."""
    page = response.content.decode()
    return [html.unescape(part.split('"', 1)[0]) for part in page.split('srcdoc="')[1:]]


# -- the page preview ---------------------------------------------------------------------------------


def test_the_preview_renders_the_unsaved_edit_with_the_sites_template(admin_client, site):
    a = Article.objects.get(slug="a")
    data = form_data(a, question="Why test software at all?", answer="### Edited\n\nNot **saved**.")
    response = admin_client.post(preview_url(a), data)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    desktop, phone = frame_documents(response)
    assert desktop == phone
    assert re.search(
        r'<link rel="stylesheet" href="/static/css/site[.\w]*\.css">', desktop
    )  # the site's styles
    assert '<h1 id="article-title">Why test software at all?</h1>' in desktop
    assert "<h2>Edited</h2>" in desktop and "<strong>saved</strong>" in desktop  # "###": the first level
    assert '<meta name="robots" content="noindex">' in desktop
    assert "What is a compiler?" in desktop  # the related article, from the form's inline
    a.refresh_from_db()
    assert (a.question, a.edited) == ("Why test software?", False)  # nothing saved


def test_a_new_article_is_previewed_before_it_exists(admin_client, site):
    data = form_data(Article.objects.get(slug="b"), question="Is this new?", slug="", answer="Brand new.")
    response = admin_client.post(reverse("admin:articles_article_preview_new"), data)
    assert "Brand new." in frame_documents(response)[0]
    assert not Article.objects.filter(question="Is this new?").exists()


def test_a_preview_of_an_invalid_edit_says_what_to_correct(admin_client, site):
    a = Article.objects.get(slug="a")
    response = admin_client.post(preview_url(a), form_data(a, slug="Not A Slug"))
    assert response.status_code == 200 and response.context["errors"]
    assert frame_documents(response) == []


def test_the_preview_is_for_those_who_may_edit_and_only_by_post(client, admin_client, site):
    a = Article.objects.get(slug="a")
    assert admin_client.get(preview_url(a)).status_code == 405
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*viewer.user_permissions.model.objects.filter(codename="view_article"))
    client.force_login(viewer)
    assert client.post(preview_url(a), form_data(a)).status_code == 403


def test_the_change_form_offers_the_preview_and_the_live_answer(admin_client, site):
    page = admin_client.get(change_url(Article.objects.get(slug="a"))).content.decode()
    assert 'formaction="' + preview_url(Article.objects.get(slug="a")) + '"' in page
    assert 'formtarget="_blank"' in page
    assert 'class="qt-answer-editor" data-render-url="/admin/articles/article/render-answer/"' in page
    for script in ("answer_preview", "seo_counters"):
        assert re.search(rf'<script src="/static/js/{script}[.\w]*\.js" defer></script>', page)
    assert 'data-seo-counter="title"' in page and 'data-seo-counter="description"' in page


def test_the_answer_endpoint_renders_without_saving(admin_client, site):
    url = reverse("admin:articles_article_render_answer")
    response = admin_client.post(url, {"answer": "## Hi\n\n$x^2$ and <script>alert(1)</script>"})
    assert response.status_code == 200
    rendered = response.json()["html"]
    assert "<h2>Hi</h2>" in rendered and "<math" in rendered and "<script" not in rendered
    deep = admin_client.post(url, {"answer": ">" * 200 + " deep"})
    assert deep.status_code == 422 and deep.json()["error"]
    assert admin_client.get(url).status_code == 405


# -- the header, deletion and removal ------------------------------------------------------------------


def test_the_admin_header_says_the_sites_name(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert f"{settings.SITE_NAME} admin" in page and "Django administration" not in page


def test_remove_from_the_site_is_a_page_of_its_own_and_answers_410(admin_client, client, site):
    a = Article.objects.get(slug="a")
    form = admin_client.get(change_url(a)).content.decode()
    assert "Remove from the site (410)" in form and "Delete from the database" in form
    confirm = admin_client.get(reverse("admin:articles_article_remove", args=[a.pk]))
    assert b"410 Gone" in confirm.content
    assert Article.objects.get(slug="a").status == "published"  # a GET changes nothing
    admin_client.post(reverse("admin:articles_article_remove", args=[a.pk]))
    assert Article.objects.get(slug="a").status == "removed"
    assert client.get(a.url).status_code == 410


def test_deleting_says_what_it_affects(admin_client, site):
    b = Article.objects.get(slug="b")
    page = admin_client.get(reverse("admin:articles_article_delete", args=[b.pk])).content.decode()
    assert "404 Not Found" in page
    assert "1 related-article link on other articles will dangle" in page
    assert "Remove from the site (410) instead" in page
    bulk = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [str(b.pk)]},
    )
    assert "1 related-article link on other articles will dangle" in bulk.content.decode()
    assert Article.objects.filter(pk=b.pk).exists()


# -- login-throttle records ------------------------------------------------------------------------------


def test_login_throttle_records_are_for_superusers_only(client, admin_client):
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=3)
    url = reverse("admin:axes_accessattempt_changelist")
    assert admin_client.get(url).status_code == 200
    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.set(staff.user_permissions.model.objects.filter(content_type__app_label="axes"))
    client.force_login(staff)
    assert client.get(url).status_code == 403
    assert "Access attempts" not in client.get(reverse("admin:index")).content.decode()


# -- the staff banner ---------------------------------------------------------------------------------


def banner_for(user, article):
    request = RequestFactory().get(article.url)
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    request.user = user
    request.resolver_match = resolve(article.url)
    return context.staff_banner(request)


def render_banner(values):
    return engines["jinja2"].get_template("includes/staff_banner.html").render(values)


def test_staff_see_a_draft_banner_with_an_edit_link(admin_user, site):
    a = Article.objects.get(slug="a")
    assert banner_for(admin_user, a) == {}  # published: no banner
    Article.objects.filter(pk=a.pk).update(status="draft")
    values = banner_for(admin_user, a)
    assert values["staff_banner"]["text"] == "Draft - not public"
    shown = render_banner(values)
    assert "Draft - not public" in shown and f'href="{change_url(a)}"' in shown


def test_staff_see_when_a_scheduled_article_goes_live(admin_user, site):
    a = Article.objects.get(slug="a")
    when = timezone.now() + datetime.timedelta(days=3)
    Article.objects.filter(pk=a.pk).update(publish_at=when)
    text = banner_for(admin_user, a)["staff_banner"]["text"]
    assert text.startswith(f"Scheduled for {timezone.localtime(when):%-d %b %Y}")


def test_visitors_get_no_banner(site):
    a = Article.objects.get(slug="a")
    Article.objects.filter(pk=a.pk).update(status="draft")
    request = RequestFactory().get(a.url)
    request.resolver_match = resolve(a.url)
    assert context.staff_banner(request) == {}  # no session cookie: never even looks at the user
    assert render_banner({}).strip() == ""
    assert banner.staff_banner(request) is None


def test_a_keyword_created_again_under_a_merged_slug_has_its_page_back(client, site):
    survivor = Keyword.objects.get(slug="quality")
    KeywordRedirect.objects.create(old_slug="testing-old", keyword=survivor)
    assert client.get("/keywords/testing-old/")["Location"] == "/keywords/quality/"
    KeywordRedirect.objects.create(old_slug="testing", keyword=survivor)
    assert client.get("/keywords/testing/").status_code == 200  # the keyword exists: its own page


def test_the_add_form_offers_the_preview_and_the_search_result(admin_client, site):
    response = admin_client.get(reverse("admin:articles_article_add"))
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("admin:articles_article_preview_new") in page and "data-seo-snippet" in page


def test_a_draft_staff_opened_is_never_kept_for_the_public(admin_client, client, site):
    a = Article.objects.get(slug="a")
    Article.objects.filter(pk=a.pk).update(status="draft")
    seen = admin_client.get(a.url)
    assert seen.status_code == 200 and "no-store" in seen["Cache-Control"]
    assert client.get(a.url).status_code == 404


def test_staff_see_the_draft_banner_on_the_public_page_and_the_public_sees_nothing(
    admin_client, client, tmp_path
):
    write_source(tmp_path, slug="d")
    import_paths([tmp_path])
    article = Article.objects.get(slug="d")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    page = admin_client.get(article.url)
    assert page.status_code == 200 and "Draft - not public" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert client.get(article.url).status_code == 404
