"""Revisions: every save keeps one; the history compares any two (the answer by line); any restores."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles import history
from articles.importing.importer import import_paths
from articles.models import Article, Redirect
from tests.sources import write_source
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(tmp_path):
    write_source(tmp_path, slug="a", related=[("b", "computer-science", "B")])
    write_source(tmp_path, slug="b", question="What is a compiler?")
    import_paths([tmp_path])
    return Article.objects.get(slug="a")


def versions(article):
    return list(history.versions_of(article.pk))


def save(client, article, **changes):
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), form_data(article, **changes)
    )
    assert response.status_code == 302, response.content[:300]


def test_an_import_keeps_a_revision_reversion_reads(article):
    (version,) = versions(article)
    assert version.revision.comment.startswith("Import run #")
    assert version.field_dict["question"] == "What is a test?"  # reversion's own reading
    assert history.fields_of(version)["related"] == ["/learn/computer-science/questions/b"]


def test_admin_saves_and_bulk_actions_keep_revisions(admin_client, article):
    save(admin_client, article, question="What is a good test?")
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk]},
    )
    comments = [version.revision.comment for version in versions(article)]
    assert comments[0] == "Unpublished." and comments[1].startswith("Changed in the admin: question")
    assert history.fields_of(versions(article)[0])["status"] == "draft"


def test_an_import_that_changes_an_article_keeps_a_revision(article, tmp_path):
    write_source(
        tmp_path, slug="a", question="What is a test, again?", related=[("b", "computer-science", "B")]
    )
    import_paths([tmp_path])
    latest = versions(article)[0]
    assert history.fields_of(latest)["question"] == "What is a test, again?"


def test_the_history_compares_two_revisions_field_by_field(admin_client, article):
    answer = Article.objects.get(pk=article.pk).answer + "\n\nA new closing line."
    save(admin_client, article, question="What is a good test?", answer=answer)
    new, old = versions(article)
    page = admin_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Compare the chosen revisions" in page and "Restore" in page
    url = reverse("admin:articles_article_compare", args=[article.pk])
    page = admin_client.get(url, {"from": old.pk, "to": new.pk}).content.decode()
    assert "What is a test?" in page and "What is a good test?" in page
    assert '<span class="qt-mark">+</span>A new closing line.' in page
    assert "SEO title" not in page  # unchanged fields are not listed


def test_restoring_a_revision_moves_the_url_back_and_leaves_redirects_right(admin_client, article):
    old_url = article.url
    save(admin_client, article, slug="a-moved", question="Moved?")
    assert Redirect.objects.filter(old_url=old_url).exists()
    first = versions(article)[-1]
    response = admin_client.post(reverse("admin:articles_article_restore", args=[article.pk, first.pk]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.url, article.question) == (old_url, "What is a test?")
    assert not Redirect.objects.filter(old_url=old_url).exists()  # no redirect loop from the live url
    assert Redirect.objects.filter(
        old_url="/learn/computer-science/questions/a-moved", article=article
    ).exists()
    assert versions(article)[0].revision.comment.startswith("Restored the revision of")
    assert list(article.relations.values_list("target_url", flat=True)) == [
        "/learn/computer-science/questions/b"
    ]


def test_only_those_who_may_change_articles_restore(client, article):
    from tests.test_permissions import staff

    staff(client, "view_article")
    version = versions(article)[0]
    assert client.get(reverse("admin:articles_article_history", args=[article.pk])).status_code == 200
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, version.pk]))
    assert response.status_code == 403
    assert Version.objects.count() == 2
