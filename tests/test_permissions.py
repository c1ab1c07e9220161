"""Who may do what in the admin: every action and form checks the permission its effect needs."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from articles.importing.importer import import_paths
from articles.models import Article, Redirect, Subject
from tests.sources import write_source
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ACTIONS = ["publish", "unpublish", "hide_from_search_engines", "offer_to_search_engines", "remove_from_site"]
# Asks for a subject on a page of its own first (tests/test_cleanup_tools.py runs it).
MOVE = "move_to_subject"


@pytest.fixture
def site(tmp_path):
    write_source(tmp_path, slug="a", question="Why test software?", related=[("b", "computer-science", "B")])
    write_source(tmp_path, slug="b", question="What is a compiler?")
    write_source(
        tmp_path, slug="m", subject="Medicine", subject_slug="medicine", question="How do vaccines work?"
    )
    import_paths([tmp_path])


def staff(client, *codenames):
    user = User.objects.create_user("-".join(codenames) or "staff", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client):
    return staff(client, "view_article", "view_subject", "view_redirect", "view_relation")


@pytest.fixture
def editor(client):
    # No permission on relations: an article's related articles are part of the article.
    return staff(client, "view_article", "change_article", "view_subject")


def offered(client):
    action_form = client.get(CHANGELIST).context["action_form"]
    return (
        set() if action_form is None else {name for name, _ in action_form.fields["action"].choices if name}
    )


def act(client, action, *slugs):
    selected = Article.objects.filter(slug__in=slugs).values_list("pk", flat=True)
    return client.post(CHANGELIST, {"action": action, "_selected_action": list(selected)})


def state():
    return list(Article.objects.order_by("pk").values_list("status", "no_index", "edited", "site_changed_at"))


# -- bulk actions --------------------------------------------------------------------------------


def test_view_only_staff_are_offered_no_action(viewer, site):
    assert offered(viewer) == set()


@pytest.mark.parametrize("action", [*ACTIONS, "delete_selected"])
def test_view_only_staff_posting_an_action_change_nothing(viewer, site, action):
    Article.objects.filter(slug="b").update(status="draft", no_index=True)  # every action has work to do
    before = state()
    response = act(viewer, action, "a", "b")
    assert response.status_code in (200, 302, 403)
    assert state() == before
    assert Article.objects.count() == 3
    assert not LogEntry.objects.exists()


def test_change_staff_are_offered_the_changing_actions_but_not_deletion(editor, site):
    assert offered(editor) == {*ACTIONS, MOVE}


@pytest.mark.parametrize("action", ACTIONS)
def test_change_staff_run_every_action(editor, site, action):
    Article.objects.filter(slug="b").update(status="draft", no_index=True)
    act(editor, action, "a", "b")
    a, b = Article.objects.get(slug="a"), Article.objects.get(slug="b")
    expected = {
        "publish": lambda: b.status == "published",
        "unpublish": lambda: a.status == "draft",
        "hide_from_search_engines": lambda: a.no_index,
        "offer_to_search_engines": lambda: not b.no_index,
        "remove_from_site": lambda: a.status == b.status == "removed",
    }[action]
    assert expected()
    assert LogEntry.objects.exists()  # in the history, like every change


def test_superusers_are_offered_everything(admin_client, site):
    assert offered(admin_client) == {*ACTIONS, MOVE, "delete_selected"}
    act(admin_client, "remove_from_site", "a")
    assert Article.objects.get(slug="a").status == "removed"


# -- the change forms ----------------------------------------------------------------------------


def test_view_only_staff_see_an_article_but_cannot_save_it(viewer, site):
    obj = Article.objects.get(slug="a")
    assert viewer.get(change_url(obj)).status_code == 200
    response = viewer.post(
        change_url(obj), form_data(obj, question="Changed?", **{"relations-TOTAL_FORMS": "0"})
    )
    assert response.status_code == 403
    obj.refresh_from_db()
    assert (obj.question, obj.relations.count()) == ("Why test software?", 1)


def test_change_staff_edit_an_articles_related_articles(editor, site):
    obj = Article.objects.get(slug="a")
    data = form_data(obj)
    data["relations-0-DELETE"] = "on"
    response = editor.post(change_url(obj), data)
    assert response.status_code == 302
    assert not obj.relations.exists()


def test_moving_a_subject_needs_the_right_to_change_its_articles(client, site):
    staff(client, "view_subject", "change_subject", "view_article")
    medicine = Subject.objects.get(slug="medicine")
    response = client.post(change_url(medicine), {"name": "Clinical Medicine", "slug": "clinical-medicine"})
    assert response.status_code == 302
    medicine.refresh_from_db()
    assert (medicine.name, medicine.slug) == ("Clinical Medicine", "medicine")  # renamed, not moved
    assert Article.objects.get(slug="m").url == "/learn/medicine/questions/m"
    assert not Redirect.objects.exists()


def test_change_staff_move_a_subject_with_its_articles(client, site):
    staff(client, "view_subject", "change_subject", "view_article", "change_article")
    medicine = Subject.objects.get(slug="medicine")
    response = client.post(change_url(medicine), {"name": "Clinical Medicine", "slug": "clinical-medicine"})
    assert response.status_code == 302
    assert Article.objects.get(slug="m").url == "/learn/clinical-medicine/questions/m"


def test_view_only_staff_cannot_add_a_redirect(viewer, site):
    target = Article.objects.get(slug="a")
    response = viewer.post(
        reverse("admin:articles_redirect_add"), {"old_url": "/learn/x/questions/old", "article": target.pk}
    )
    assert response.status_code == 403
    assert not Redirect.objects.exists()
