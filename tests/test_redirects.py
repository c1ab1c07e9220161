"""Moves leave permanent redirects: each way a url can move, chains, loops, and re-imports after a move."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.editorial import editing
from articles.importing.importer import import_paths
from articles.models import Article, Redirect, Relation, Subject, resolve_path
from tests.sources import write_source

pytestmark = pytest.mark.django_db

A = "/learn/computer-science/questions/a"
B = "/learn/computer-science/questions/b"
CS = "/learn/computer-science/questions/"


@pytest.fixture
def site(tmp_path):
    write_source(tmp_path, slug="a", question="A?")
    write_source(tmp_path, slug="b", question="B?", related=[("a", "computer-science", "A?")])
    write_source(tmp_path, slug="m", subject="Medicine", subject_slug="medicine", question="M?")
    import_paths([tmp_path])
    return tmp_path


def move(url, *, slug=None, subject=None):
    article = Article.objects.get(url=url)
    if slug:
        article.slug = slug
    if subject:
        article.subject = Subject.objects.get(slug=subject)
    editing.save_article(article)
    return article


def lands(client, url):
    """(status, Location) of one request: a redirect must get there in one hop."""
    response = client.get(url)
    return response.status_code, response.headers.get("Location")


def test_changing_the_slug_leaves_a_permanent_redirect(site, client):
    article = move(A, slug="a-renamed")
    assert (article.url, article.file_name, article.edited) == (CS + "a-renamed", "a-renamed.md", True)
    assert lands(client, A) == (301, CS + "a-renamed")
    assert lands(client, CS + "a-renamed")[0] == 200
    assert lands(client, A + "/") == (301, CS + "a-renamed")


def test_changing_the_subject_leaves_a_permanent_redirect(site, client):
    article = move(A, subject="medicine")
    assert (article.url, article.source_subject) == ("/learn/medicine/questions/a", "Medicine")
    assert lands(client, A) == (301, "/learn/medicine/questions/a")


def test_changing_a_subject_slug_moves_every_article(site, client):
    subject = Subject.objects.get(slug="computer-science")
    subject.name, subject.slug = "Computing", "computing"
    assert editing.save_subject(subject) == 2
    assert sorted(Article.objects.filter(subject=subject).values_list("url", flat=True)) == [
        "/learn/computing/questions/a", "/learn/computing/questions/b",
    ]  # fmt: skip
    assert lands(client, A) == (301, "/learn/computing/questions/a")
    assert lands(client, B) == (301, "/learn/computing/questions/b")
    assert Article.objects.get(slug="a").source_subject == "Computing"
    # The relation b -> a still finds a: it follows the article, not the url.
    assert Relation.objects.get().target == Article.objects.get(slug="a")


def test_chains_collapse_into_one_hop(site, client):
    move(A, slug="a2")
    move(CS + "a2", subject="medicine")
    move("/learn/medicine/questions/a2", slug="a3")
    final = "/learn/medicine/questions/a3"
    for old in (A, CS + "a2", "/learn/medicine/questions/a2"):
        assert lands(client, old) == (301, final)
    assert Redirect.objects.filter(article__url=final).count() == 3


def test_moving_back_leaves_no_loop(site, client):
    move(A, slug="a2")
    move(CS + "a2", slug="a")
    assert list(Redirect.objects.values_list("old_url", "article__url")) == [(CS + "a2", A)]
    assert lands(client, A)[0] == 200
    assert lands(client, CS + "a2") == (301, A)


def test_a_subject_moving_back_leaves_no_loop(site, client):
    subject = Subject.objects.get(slug="computer-science")
    subject.name, subject.slug = "Computing", "computing"
    editing.save_subject(subject)
    subject.name, subject.slug = "Computer Science", "computer-science"
    editing.save_subject(subject)
    assert lands(client, A)[0] == 200
    assert lands(client, "/learn/computing/questions/a") == (301, A)
    assert not Redirect.objects.filter(old_url=A).exists()


def test_a_move_onto_another_articles_url_or_redirect_is_refused(site):
    with pytest.raises(editing.MoveRefused, match="Another article already lives"):
        move(A, slug="b")
    move(B, slug="b2")
    with pytest.raises(editing.MoveRefused, match="redirects to"):
        move(A, slug="b")
    assert Article.objects.get(slug="a").url == A


def test_a_redirect_to_an_unpublished_article_is_not_followed(site, client):
    move(A, slug="a2")
    editing.unpublish(Article.objects.filter(slug="a2"))
    assert client.get(A).status_code == 404
    assert resolve_path(A, preview=True).redirect_to == CS + "a2"


def test_moves_are_in_the_admin_history(site, admin_client):
    article = Article.objects.get(url=A)
    from tests.test_admin import change_url, form_data

    response = admin_client.post(change_url(article), form_data(article, slug="a-moved"))
    assert response.status_code == 302
    assert Redirect.objects.get().old_url == A
    page = admin_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Changed Slug" in page


# -- re-import after a move ----------------------------------------------------------------------


def run_import(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_reimporting_an_unchanged_file_after_a_move_changes_nothing(site, client):
    move(A, slug="a2")
    out, _ = run_import(site)
    assert "created 0, updated 0, unchanged 3" in out
    assert not Article.objects.filter(url=A).exists()
    assert lands(client, A) == (301, CS + "a2")


def test_reimporting_a_changed_file_after_a_move_is_a_conflict_then_overwrite_keeps_the_move(site, client):
    move(A, slug="a2")
    write_source(site, slug="a", question="Changed in the file?")
    out, err = run_import(site)
    assert "created 0" in out and "conflicts 1" in out and A in err
    assert Article.objects.get(slug="a2").question == "A?"
    out, _ = run_import(site, overwrite_edits=True)
    assert "created 0, updated 1" in out
    article = Article.objects.get(question="Changed in the file?")
    assert (article.url, article.slug, article.file_name) == (CS + "a2", "a2", "a2.md")
    assert not Article.objects.filter(url=A).exists()
    assert lands(client, A) == (301, CS + "a2")


def test_a_file_naming_the_old_url_as_related_resolves_to_the_moved_article(site):
    move(A, slug="a2")
    write_source(site, slug="b", question="B changed?", related=[("a", "computer-science", "A?")])
    run_import(site)
    relation = Relation.objects.get()
    assert (relation.target_url, relation.target) == (A, Article.objects.get(slug="a2"))
