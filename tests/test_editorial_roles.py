"""What each role may do with the content team's tools: superusers everything; the "Editors" group
(created by migration 0013) edit, publish, import and merge, but delete nothing and manage no users;
staff with view permissions only look; visitors get the login page."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from articles.importing.importer import import_paths
from articles.models import Article, Keyword, Subject
from tests.sources import write_source
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

ARTICLES = reverse("admin:articles_article_changelist")
KEYWORDS = reverse("admin:articles_keyword_changelist")
SUBJECTS = reverse("admin:articles_subject_changelist")


@pytest.fixture
def site(tmp_path):
    write_source(tmp_path, slug="a", question="Why test software?", keywords="tests, testing")
    write_source(tmp_path, slug="b", question="What is a compiler?", keywords="test")
    write_source(tmp_path, slug="m", subject="Medicine", subject_slug="medicine", question="How?")
    import_paths([tmp_path])


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client):
    user = User.objects.create_user("viewer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__startswith="view_")
    )
    client.force_login(user)
    return client


def offered(client, url):
    form = client.get(url).context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


def test_the_editors_group_exists_with_no_delete_and_no_auth_permission():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"change_article", "add_article", "add_importrun", "change_subject", "change_keyword"} <= codenames
    assert not {name for name in codenames if name.startswith("delete_")}
    assert not Group.objects.get(name="Editors").permissions.filter(
        content_type__app_label__in=["auth", "axes"]
    )


def test_editors_edit_publish_import_and_merge(editor, site):
    a = Article.objects.get(slug="a")
    assert editor.post(change_url(a), form_data(a, question="Why test at all?")).status_code == 302
    assert offered(editor, ARTICLES) == {
        "publish", "unpublish", "hide_from_search_engines", "offer_to_search_engines", "move_to_subject",
        "remove_from_site",
    }  # fmt: skip
    assert offered(editor, KEYWORDS) == {"merge_selected"}
    assert offered(editor, SUBJECTS) == {"merge_into"}
    assert editor.get(reverse("admin:articles_importrun_add")).status_code == 200
    assert (
        editor.post(reverse("admin:articles_article_preview", args=[a.pk]), form_data(a)).status_code == 200
    )
    assert editor.post(reverse("admin:articles_article_remove", args=[a.pk])).status_code == 302
    keywords = Keyword.objects.filter(slug__in=["test", "tests"])
    response = editor.post(
        KEYWORDS,
        {"action": "merge_selected", "_selected_action": [k.pk for k in keywords], "merge": "1",
         "survivor": keywords.get(slug="test").pk},
    )  # fmt: skip
    assert response.status_code == 302 and not Keyword.objects.filter(slug="tests").exists()
    assert editor.get(reverse("admin:seo_report")).status_code == 200


def test_editors_delete_nothing_and_manage_no_users(editor, site):
    a = Article.objects.get(slug="a")
    assert editor.get(reverse("admin:articles_article_delete", args=[a.pk])).status_code == 403
    assert "Delete from the database" not in editor.get(change_url(a)).content.decode()
    medicine = Subject.objects.get(slug="medicine")
    assert editor.get(reverse("admin:articles_subject_delete", args=[medicine.pk])).status_code == 403
    assert editor.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    editor.post(ARTICLES, {"action": "delete_selected", "_selected_action": [a.pk], "post": "yes"})
    assert Article.objects.filter(pk=a.pk).exists()


def test_view_only_staff_look_and_change_nothing(viewer, site):
    a = Article.objects.get(slug="a")
    assert viewer.get(change_url(a)).status_code == 200
    assert viewer.get(reverse("admin:seo_report")).status_code == 200
    assert offered(viewer, KEYWORDS) == set() and offered(viewer, SUBJECTS) == set()
    assert (
        viewer.post(reverse("admin:articles_article_preview", args=[a.pk]), form_data(a)).status_code == 403
    )
    assert viewer.post(reverse("admin:articles_article_render_answer"), {"answer": "x"}).status_code == 403
    assert viewer.post(reverse("admin:articles_article_remove", args=[a.pk])).status_code == 403
    assert viewer.post(reverse("admin:seo_check")).status_code == 403
    assert viewer.post(change_url(Keyword.objects.get(slug="test")), {"name": "exam"}).status_code == 403
    assert Article.objects.get(pk=a.pk).status == "published"


def test_superusers_may_do_everything(admin_client, site):
    assert {"delete_selected", "move_to_subject"} <= offered(admin_client, ARTICLES)
    assert offered(admin_client, KEYWORDS) == {"merge_selected", "delete_unused"}
    assert admin_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


def test_visitors_are_sent_to_the_login_page(client, site):
    for url in (reverse("admin:index"), reverse("admin:seo_report"), KEYWORDS):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
