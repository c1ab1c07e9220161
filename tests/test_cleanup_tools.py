"""Clean-up tools through the admin: keywords (counts, search, rename, merge, delete unused) and subjects
(merge, move articles), with the 301s and the public pages that follow."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from articles import history
from articles.importing.importer import import_paths
from articles.models import Article, Keyword, KeywordRedirect, Redirect, Subject, SubjectRedirect
from tests.sources import write_source
from tests.test_admin import change_url

pytestmark = pytest.mark.django_db

KEYWORDS = reverse("admin:articles_keyword_changelist")
SUBJECTS = reverse("admin:articles_subject_changelist")
ARTICLES = reverse("admin:articles_article_changelist")


@pytest.fixture
def site(tmp_path):
    write_source(tmp_path, slug="a", question="Why test software?", keywords="unit tests, Testing, quality")
    write_source(tmp_path, slug="b", question="What is a compiler?", keywords="testing, compilers")
    write_source(tmp_path, slug="c", question="Why write tests first?", keywords="tests, unit test, testing")
    write_source(
        tmp_path,
        slug="e",
        subject="Environmental studies",
        subject_slug="environmental-studies",
        question="What is carbon capture?",
        related=[("f", "environmental-science", "F")],
    )
    write_source(
        tmp_path,
        slug="f",
        subject="Environmental science",
        subject_slug="environmental-science",
        question="What is a watershed?",
        related=[("e", "environmental-studies", "E")],
    )
    import_paths([tmp_path])


def keyword(slug):
    return Keyword.objects.get(slug=slug)


def keywords_of(slug):
    return list(
        Keyword.objects.filter(article_items__content_object__slug=slug)
        .order_by("article_items__position")
        .values_list("name", flat=True)
    )


def act(client, url, action, ids, **data):
    return client.post(url, {"action": action, "_selected_action": [str(pk) for pk in ids], **data})


# -- keywords ---------------------------------------------------------------------------------------


def test_keywords_are_listed_with_their_article_counts_and_searchable(admin_client, site):
    response = admin_client.get(KEYWORDS, {"q": "test"})
    counts = {each.slug: each.article_count for each in response.context["cl"].result_list}
    assert counts == {
        "unit-tests": 1,
        "testing": 5,
        "tests": 1,
        "unit-test": 1,
    }  # e and f: "testing,software"
    unused = admin_client.get(KEYWORDS, {"used": "one"}).context["cl"].result_list
    assert "testing" not in {each.slug for each in unused}


def test_merging_keywords_keeps_each_articles_order_and_leaves_301s(admin_client, client, site):
    chosen = [keyword("unit-tests"), keyword("unit-test"), keyword("tests")]
    page = act(admin_client, KEYWORDS, "merge_selected", [each.pk for each in chosen])
    assert page.status_code == 200 and b"Which keyword stays" in page.content

    response = act(
        admin_client, KEYWORDS, "merge_selected", [each.pk for each in chosen],
        merge="1", survivor=keyword("unit-test").pk, name="Unit testing",
    )  # fmt: skip
    assert response.status_code == 302
    assert keywords_of("a") == ["Unit testing", "Testing", "quality"]
    # c had "tests, unit test, testing": both merged ones become one, at the first one's place.
    assert [name.lower() for name in keywords_of("c")] == ["unit testing", "testing"]
    c = Article.objects.get(slug="c")
    assert c.seo_keywords == "Unit testing, testing" and c.edited
    assert not Keyword.objects.filter(slug__in=["unit-tests", "tests"]).exists()

    for old in ("unit-tests", "tests", "unit-test"):
        moved = client.get(f"/keywords/{old}/?page=1")
        assert moved.status_code == 301
        assert moved["Location"] == "/keywords/unit-testing/?page=1"
    assert client.get("/keywords/unit-testing/").status_code == 200
    assert LogEntry.objects.filter(object_id=str(c.pk)).exists()
    assert history.versions_of(c.pk).first().revision.comment.startswith("Keywords merged")


def test_renaming_a_keyword_rewrites_its_articles_and_moves_its_page(admin_client, client, site):
    testing = keyword("testing")
    response = admin_client.post(change_url(testing), {"name": "Software testing"})
    assert response.status_code == 302
    testing.refresh_from_db()
    assert (testing.name, testing.slug) == ("Software testing", "software-testing")
    assert Article.objects.get(slug="b").seo_keywords == "Software testing, compilers"
    assert keywords_of("a") == ["unit tests", "Software testing", "quality"]
    assert client.get("/keywords/testing/")["Location"] == "/keywords/software-testing/"


def test_a_rename_onto_another_keywords_slug_is_refused(admin_client, site):
    response = admin_client.post(change_url(keyword("tests")), {"name": "Unit Tests"})
    assert response.status_code == 200
    assert "merge the two instead" in response.content.decode()


def test_only_unused_keywords_are_deleted(admin_client, site):
    unused = Keyword.objects.create(name="orphan", slug="orphan")
    response = act(admin_client, KEYWORDS, "delete_unused", [unused.pk, keyword("testing").pk])
    assert response.status_code == 302
    assert not Keyword.objects.filter(slug="orphan").exists()
    assert Keyword.objects.filter(slug="testing").exists()
    assert (
        admin_client.get(reverse("admin:articles_keyword_delete", args=[keyword("testing").pk])).status_code
        == 403
    )
    assert (
        "delete_selected"
        not in admin_client.get(KEYWORDS).context["action_form"].fields["action"].choices[1:]
    )


# -- subjects ---------------------------------------------------------------------------------------


def test_merging_subjects_moves_every_article_with_301s_and_related_links_follow(admin_client, client, site):
    studies = Subject.objects.get(slug="environmental-studies")
    science = Subject.objects.get(slug="environmental-science")
    old_url = Article.objects.get(slug="e").url
    check = act(admin_client, SUBJECTS, "merge_into", [studies.pk], target=science.pk, check="1")
    assert check.context["summaries"][0]["count"] == 1 and not check.context["summaries"][0]["clashes"]

    response = act(admin_client, SUBJECTS, "merge_into", [studies.pk], target=science.pk, merge="1")
    assert response.status_code == 302
    e = Article.objects.get(slug="e")
    assert e.url == "/learn/environmental-science/questions/e" and e.subject == science and e.edited
    assert not Subject.objects.filter(slug="environmental-studies").exists()
    assert client.get(old_url).status_code == 301 and client.get(old_url)["Location"] == e.url
    assert client.get("/learn/environmental-studies/")["Location"] == "/learn/environmental-science/"
    assert SubjectRedirect.objects.get(old_slug="environmental-studies").subject == science
    # f lists e as related: its page links e's new url.
    assert f'href="{e.url}"' in client.get(Article.objects.get(slug="f").url).content.decode()


def test_a_merge_that_would_put_two_articles_at_one_url_is_refused(admin_client, site, tmp_path):
    write_source(tmp_path, slug="e", subject="Environmental science", subject_slug="environmental-science",
                 question="What is carbon capture?")  # fmt: skip
    import_paths([tmp_path])
    studies = Subject.objects.get(slug="environmental-studies")
    science = Subject.objects.get(slug="environmental-science")
    response = act(admin_client, SUBJECTS, "merge_into", [studies.pk], target=science.pk, merge="1")
    assert response.status_code == 200
    assert "cannot move" in response.content.decode()
    assert Article.objects.get(subject=studies, slug="e")


def test_moving_articles_to_another_subject(admin_client, client, site):
    medicine = Subject.objects.create(name="Medicine", slug="medicine")
    a = Article.objects.get(slug="a")
    response = act(admin_client, ARTICLES, "move_to_subject", [a.pk], target=medicine.pk, move="1")
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.url == "/learn/medicine/questions/a" and a.source_subject == "Medicine"
    assert Redirect.objects.get(old_url="/learn/computer-science/questions/a").article == a
    assert client.get("/learn/computer-science/questions/a")["Location"] == a.url


def test_a_subjects_new_slug_leaves_its_page_a_301(admin_client, client, site):
    studies = Subject.objects.get(slug="environmental-studies")
    response = admin_client.post(change_url(studies), {"name": "Environment", "slug": "environment"})
    assert response.status_code == 302
    assert client.get("/learn/environmental-studies/")["Location"] == "/learn/environment/"
    assert KeywordRedirect.objects.count() == 0
