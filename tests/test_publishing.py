"""Publishing: imported, draft, scheduled, removed, no_index; and re-imports that never lose an edit."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.editorial import editing
from articles.importing.importer import import_paths
from articles.models import Article, Relation, resolve_path
from tests.sources import write_source

pytestmark = pytest.mark.django_db

A = "/learn/computer-science/questions/a"
B = "/learn/computer-science/questions/b"
SITEMAP = "/sitemap-articles.xml"
FEED = "/feeds/latest.rss"


@pytest.fixture
def site(tmp_path):
    write_source(
        tmp_path,
        slug="a",
        question="Why test software?",
        date="2024-12-25",
        related=[("b", "computer-science", "B?")],
    )
    write_source(tmp_path, slug="b", question="What is a compiler?", date="2024-12-26")
    import_paths([tmp_path])
    return tmp_path


def listed(client, path):
    return client.get(path).content.decode()


def everywhere(client, url):
    """Where a published article shows: its page, its subject's listing, the sitemap, the feed."""
    return {
        "page": client.get(url).status_code == 200,
        "listing": url in listed(client, "/learn/computer-science/"),
        "sitemap": url in listed(client, SITEMAP),
        "feed": url in listed(client, FEED),
    }


def test_imported_articles_are_published_at_their_date(site, client):
    article = Article.objects.get(url=A)
    assert (article.status, article.publish_at) == (
        "published",
        datetime.datetime(2024, 12, 25, tzinfo=datetime.UTC),
    )
    assert article.visibility == Article.Visibility.PUBLISHED
    assert everywhere(client, A) == {"page": True, "listing": True, "sitemap": True, "feed": True}


def test_an_imported_article_dated_in_the_future_is_scheduled(tmp_path):
    future = (timezone.now() + datetime.timedelta(days=3)).date().isoformat()
    write_source(tmp_path, slug="a", date=future)
    import_paths([tmp_path])
    assert Article.objects.get().visibility == Article.Visibility.SCHEDULED
    assert not Article.objects.published().exists()


def test_a_draft_is_404_for_the_public(site, client):
    editing.unpublish(Article.objects.filter(url=A))
    assert everywhere(client, A) == {"page": False, "listing": False, "sitemap": False, "feed": False}
    assert client.get(A).status_code == 404
    assert resolve_path(A).article is None
    assert resolve_path(A, preview=True).article.url == A


def test_staff_can_preview_a_draft(site, client, admin_client):
    editing.unpublish(Article.objects.filter(url=A))
    assert client.get(A).status_code == 404
    response = admin_client.get(A)
    assert response.status_code == 200 and "Why test software?" in response.content.decode()


def test_a_scheduled_article_appears_by_itself_when_its_time_comes(site, client, monkeypatch):
    due = timezone.now() + datetime.timedelta(hours=2)
    Article.objects.filter(url=A).update(publish_at=due)
    assert Article.objects.get(url=A).visibility == Article.Visibility.SCHEDULED
    assert everywhere(client, A) == {"page": False, "listing": False, "sitemap": False, "feed": False}
    later = due + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # no cron job: only the clock moves
    assert everywhere(client, A) == {"page": True, "listing": True, "sitemap": True, "feed": True}


def test_scheduling_from_the_admin(site, admin_client, client):
    article = Article.objects.get(url=A)
    due = timezone.now() + datetime.timedelta(days=1)
    from tests.test_admin import form_data

    data = form_data(article, publish_at_0=due.strftime("%Y-%m-%d"), publish_at_1=due.strftime("%H:%M:%S"))
    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert Article.objects.get(url=A).visibility == Article.Visibility.SCHEDULED
    assert client.get(A).status_code == 404


def test_a_removed_article_is_gone_and_relations_to_it_dangle(site, client):
    editing.remove(Article.objects.filter(url=B))
    assert resolve_path(B).gone
    assert not everywhere(client, B)["listing"]
    assert list(Relation.objects.dangling().values_list("target_url", flat=True)) == [B]
    assert Relation.objects.get().is_dangling
    editing.publish(Article.objects.filter(url=B))
    assert not Relation.objects.dangling().exists()


def test_a_removed_article_answers_410_unless_a_redirect_is_set(site, client):
    editing.remove(Article.objects.filter(url=B))
    assert client.get(B).status_code == 410
    Article.objects.get(url=A).redirects.create(old_url=B)
    response = client.get(B)
    assert (response.status_code, response["Location"]) == (301, A)


def test_no_index_keeps_the_page_but_tells_search_engines(site, client):
    editing.set_no_index(Article.objects.filter(url=A), True)
    page = client.get(A).content.decode()
    assert '<meta name="robots" content="noindex">' in page
    assert A not in listed(client, SITEMAP)
    editing.set_no_index(Article.objects.filter(url=A), False)
    assert '<meta name="robots" content="noindex">' not in client.get(A).content.decode()
    assert A in listed(client, SITEMAP)


def test_an_edit_shows_on_the_public_page_at_once(site, client):
    assert "Refactoring" not in client.get(A).content.decode()
    article = Article.objects.get(url=A)
    article.answer = "Refactoring is **safe** with tests."
    editing.save_article(article)
    assert "Refactoring is <strong>safe</strong> with tests." in client.get(A).content.decode()


# -- re-import never loses an edit ---------------------------------------------------------------


def run_import(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_reimport_of_a_changed_file_over_an_edit_is_a_conflict_that_keeps_the_edit(site):
    article = Article.objects.get(url=A)
    article.question = "Edited in the admin?"
    editing.save_article(article)
    path = write_source(site, slug="a", question="Changed in the file?")
    out, err = run_import(site)
    assert "conflicts 1" in out
    assert f"conflict {path}: {A} was edited in the admin" in err
    assert Article.objects.get(url=A).question == "Edited in the admin?"


def test_overwrite_edits_applies_the_file_even_when_unchanged(site):
    article = Article.objects.get(url=A)
    article.answer = "Edited."
    editing.save_article(article)
    out, _ = run_import(site)
    assert "unchanged 2" in out and Article.objects.get(url=A).answer == "Edited."
    out, _ = run_import(site, overwrite_edits=True)
    assert "updated 1" in out
    article = Article.objects.get(url=A)
    assert article.answer.startswith("A test checks behaviour.") and not article.edited


def test_publishing_state_survives_a_reimport(site):
    editing.unpublish(Article.objects.filter(url=A))
    write_source(site, slug="a", question="Changed in the file?")
    run_import(site)
    article = Article.objects.get(url=A)
    assert (article.question, article.status, article.edited) == ("Changed in the file?", "draft", False)


def test_each_file_owned_field_edit_is_an_edit_and_a_publishing_change_is_not(site):
    article = Article.objects.get(url=A)
    for field, value in [("seo_description", "New."), ("no_index", True), ("seo_keywords", "one, two")]:
        Article.objects.filter(pk=article.pk).update(edited=False)
        article = Article.objects.get(pk=article.pk)
        setattr(article, field, value)
        assert editing.save_article(article) == [field]
        assert Article.objects.get(pk=article.pk).edited
    Article.objects.filter(pk=article.pk).update(edited=False)
    article = Article.objects.get(pk=article.pk)
    article.status = Article.Status.DRAFT
    assert editing.save_article(article) == []
    assert not Article.objects.get(pk=article.pk).edited
