"""The admin through the test client: list, search, filters, the change form, relations, bulk actions."""

import datetime

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.editorial import editing
from articles.importing.importer import import_paths
from articles.models import Article, Keyword, Relation, Subject
from tests.sources import write_source

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
A = "/learn/computer-science/questions/a"
B = "/learn/computer-science/questions/b"


def related_to(*slugs):
    return [(slug, "computer-science", f"Question {slug}?") for slug in slugs]


@pytest.fixture
def site(tmp_path):
    write_source(
        tmp_path,
        slug="a",
        question="Why test software?",
        keywords="testing, quality",
        related=related_to("b", "zz"),
    )
    write_source(tmp_path, slug="b", question="What is a compiler?", answer=r"It translates.\n\nSee `gcc`.")
    write_source(
        tmp_path,
        slug="m",
        subject="Medicine",
        subject_slug="medicine",
        question="How do vaccines work?",
        keywords="immunology",
        date="2023-05-01",
    )
    import_paths([tmp_path])
    return tmp_path


def article(slug):
    return Article.objects.get(slug=slug)


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(obj, **changes):
    """The change form's fields as the admin shows them, with the article's relations as the inline."""
    data = {
        "question": obj.question,
        "answer": obj.answer,
        "subject": obj.subject_id,
        "slug": obj.slug,
        "title": obj.title,
        "article_title": obj.article_title,
        "seo_title": obj.seo_title,
        "seo_description": obj.seo_description,
        "seo_keywords": obj.seo_keywords,
        "status": obj.status,
        "publish_at_0": obj.publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": obj.publish_at.strftime("%H:%M:%S"),
        # The hidden initial value the admin renders for a field with a callable default.
        "initial-publish_at_0": obj.publish_at.strftime("%Y-%m-%d"),
        "initial-publish_at_1": obj.publish_at.strftime("%H:%M:%S"),
        "date": obj.date.isoformat(),
    }
    if obj.no_index:
        data["no_index"] = "on"
    relations = list(obj.relations.order_by("position")) if obj.pk else []
    prefix = "relations"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(relations)),
            f"{prefix}-INITIAL_FORMS": str(len(relations)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for index, relation in enumerate(relations):
        data.update(
            {
                f"{prefix}-{index}-id": str(relation.pk),
                f"{prefix}-{index}-source": str(obj.pk),
                f"{prefix}-{index}-position": str(relation.position),
                f"{prefix}-{index}-target": str(relation.target_id or ""),
                f"{prefix}-{index}-target_url": relation.target_url,
            }
        )
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def add_relation(data, index, target=None, url="", position=""):
    data["relations-TOTAL_FORMS"] = str(index + 1)
    data[f"relations-{index}-position"] = str(position)
    data[f"relations-{index}-target"] = str(target.pk) if target else ""
    data[f"relations-{index}-target_url"] = url
    return data


def errors_of(response):
    form = response.context["adminform"].form
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


# -- access --------------------------------------------------------------------------------------


def test_admin_is_for_staff_only(client, site):
    assert client.get(CHANGELIST).status_code == 302
    client.force_login(User.objects.create_user("reader"))
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def login(client, password, username="editor", **meta):
    meta.setdefault("REMOTE_ADDR", "10.0.0.9")
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": CHANGELIST}, **meta
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_out_even_the_right_password(client, db):
    User.objects.create_user("editor", password="the-right-password-9", is_staff=True)
    assert login(client, "the-right-password-9").status_code == 302  # works before any failure
    client.logout()
    for _ in range(2):
        assert login(client, "wrong").status_code == 200  # the form again, with an error
    assert login(client, "wrong").status_code == 429  # the third failure locks the account out
    response = login(client, "the-right-password-9")
    assert response.status_code == 429
    assert client.get(CHANGELIST).status_code == 302  # still not logged in


EDITOR, CHIEF = ("editor", "the-right-password-9"), ("chief", "another-right-password-7")


def fail_until_locked(client, username, **meta):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong", username, **meta).status_code == 200
    assert login(client, "wrong", username, **meta).status_code == 429


@pytest.fixture
def editors(db):
    for username, password in (EDITOR, CHIEF):
        User.objects.create_user(username, password=password, is_staff=True)


def test_failed_logins_lock_out_one_user_from_one_address_only(client, editors):
    fail_until_locked(client, "editor", REMOTE_ADDR="10.0.0.9")
    assert login(client, EDITOR[1], REMOTE_ADDR="10.0.0.9").status_code == 429
    # Behind the load balancer everyone shares its address: the other editors must still get in.
    assert login(client, CHIEF[1], "chief", REMOTE_ADDR="10.0.0.9").status_code == 302
    client.logout()
    assert login(client, EDITOR[1], REMOTE_ADDR="10.0.0.10").status_code == 302


def test_a_forwarded_address_is_not_trusted_unless_configured(client, editors):
    for index in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "wrong", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}")
    assert response.status_code == 429  # a new made-up address each time bought no more tries
    response = login(client, EDITOR[1], REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429


@override_settings(TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR", TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_lockout_follows_the_address_it_saw(client, editors):
    balancer = "10.0.0.1"
    fail_until_locked(client, "editor", REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="203.0.113.5")
    # What the client wrote itself, left of the proxy's entry, buys no more tries.
    spoofed = login(client, EDITOR[1], REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5")
    assert spoofed.status_code == 429
    assert (
        login(client, CHIEF[1], "chief", REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code
        == 302
    )
    client.logout()
    elsewhere = login(client, EDITOR[1], REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert elsewhere.status_code == 302


# -- the list ------------------------------------------------------------------------------------


def test_list_shows_the_working_columns(admin_client, site):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    rows = {row.question: row for row in response.context["cl"].result_list}
    assert set(rows) == {"Why test software?", "What is a compiler?", "How do vaccines work?"}
    assert (rows["Why test software?"].related_count, rows["Why test software?"].dangling_count) == (2, 1)
    assert (rows["What is a compiler?"].related_count, rows["What is a compiler?"].dangling_count) == (0, 0)
    page = response.content.decode()
    for heading in ("Subject", "Date", "Visibility", "Related", "Dangling"):
        assert f">{heading}<" in page or f">{heading.lower()}<" in page.lower()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("compiler", {"b"}), ("translates", {"b"}), ("immunology", {"m"}), ("nothing-like-this", set())],
)
def test_search_covers_question_answer_and_keywords(admin_client, site, query, expected):
    response = admin_client.get(CHANGELIST, {"q": query})
    assert {a.slug for a in response.context["cl"].result_list} == expected


def test_filters_by_subject_date_visibility_and_dangling(admin_client, site):
    def listed(**params):
        return {a.slug for a in admin_client.get(CHANGELIST, params).context["cl"].result_list}

    medicine = Subject.objects.get(slug="medicine")
    assert listed(subject__id__exact=medicine.pk) == {"m"}
    assert listed(date__year=2023) == {"m"}
    assert listed(dangling="yes") == {"a"}
    assert listed(dangling="no") == {"b", "m"}
    editing.unpublish(Article.objects.filter(slug="a"))
    Article.objects.filter(slug="b").update(publish_at=timezone.now() + datetime.timedelta(days=2))
    editing.remove(Article.objects.filter(slug="m"))
    assert listed(visibility="draft") == {"a"}
    assert listed(visibility="scheduled") == {"b"}
    assert listed(visibility="removed") == {"m"}
    assert listed(visibility="published") == set()
    assert listed(dangling="yes") == {"a"}  # m was removed: a's relation to it would dangle, a has none to m


def test_list_takes_a_fixed_number_of_queries(admin_client, site, django_assert_max_num_queries):
    subject = Subject.objects.get(slug="computer-science")
    targets = list(Article.objects.all())
    for index in range(120):
        extra = Article.objects.create(
            url=f"/learn/computer-science/questions/q{index}", subject=subject, slug=f"q{index}", source_id=index,
            date=datetime.date(2024, 1, 1), question=f"Q{index}?", title="t", article_title="t", answer_source="x",
            answer="x", answer_html="<p>x</p>", file_name=f"q{index}.md",
        )  # fmt: skip
        Relation.objects.create(source=extra, position=1, target_url=targets[0].url, target=targets[0])
        Relation.objects.create(source=extra, position=2, target_url="/learn/x/questions/none")
    with django_assert_max_num_queries(12):
        response = admin_client.get(CHANGELIST, {"dangling": "yes", "visibility": "published"})
    assert len(response.context["cl"].result_list) == 50  # one page
    assert response.context["cl"].result_list[0].dangling_count == 1


# -- the change form -----------------------------------------------------------------------------


def test_change_form_has_its_groups_a_preview_the_source_and_view_on_site(admin_client, tmp_path):
    write_source(tmp_path, slug="a", extra="reviewer: Ada")
    import_paths([tmp_path])
    obj = article("a")
    response = admin_client.get(change_url(obj))
    page = response.content.decode()
    for group in ("Content", "SEO", "Publishing", "Source"):
        assert f">{group}<" in page
    assert "&lt;h2&gt;Why&lt;/h2&gt;" in page  # the rendered answer's heading, in the preview's frame
    assert "reviewer: Ada" in page  # the file's front matter, unknown keys included
    assert obj.file_hash in page
    assert 'class="viewsitelink"' in page or "View on site" in page


def test_saving_an_edit_re_renders_marks_edited_and_keeps_history(admin_client, site):
    obj = article("b")
    response = admin_client.post(change_url(obj), form_data(obj, answer="New **answer**.\n\nSecond line."))
    assert response.status_code == 302, errors_of(response)
    obj.refresh_from_db()
    assert obj.answer_html.startswith("<p>New <strong>answer</strong>.</p>")
    assert obj.answer_source == r"New **answer**.\n\nSecond line."
    assert obj.edited
    entry = LogEntry.objects.get(object_id=str(obj.pk))
    assert entry.user.username == "admin" and "Answer" in entry.get_change_message()


def test_saving_without_changes_is_not_an_edit(admin_client, site):
    obj = article("a")
    response = admin_client.post(change_url(obj), form_data(obj))
    assert response.status_code == 302, errors_of(response)
    obj.refresh_from_db()
    assert not obj.edited
    assert obj.relations.count() == 2


def test_publishing_fields_are_not_an_edit(admin_client, site):
    obj = article("a")
    later = timezone.now() + datetime.timedelta(days=3)
    data = form_data(obj, status="draft", publish_at_0=later.strftime("%Y-%m-%d"))
    assert admin_client.post(change_url(obj), data).status_code == 302
    obj.refresh_from_db()
    assert (obj.status, obj.edited) == ("draft", False)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "Not A Slug"}, "slug", "lowercase"),
        ({"slug": "b"}, "slug", "Another article already lives at /learn/computer-science/questions/b"),
        ({"question": ""}, "question", "required"),
        ({"answer": ""}, "answer", "required"),
        ({"subject": ""}, "subject", "required"),
        ({"seo_keywords": "Python, python"}, "seo_keywords", "same keyword"),
        ({"slug": "x" * 301}, "slug", "at most 300 characters"),
        ({"answer": "> - " * 30_000 + "x"}, "answer", "over the limit of 32"),  # crashed the parser
        ({"answer": ">" * 60_000}, "answer", "over the limit of 32"),  # held a worker 19 s
        ({"seo_keywords": "ok, " + "\ufdfa" * 20}, "seo_keywords", "over the limit of 200"),
    ],
)
def test_validation_errors_land_on_the_field_at_fault(admin_client, site, changes, field, message):
    obj = article("a")
    response = admin_client.post(change_url(obj), form_data(obj, **changes))
    assert response.status_code == 200
    errors = errors_of(response)
    assert field in errors and message in " ".join(errors[field]), errors
    assert article("a").question == "Why test software?"


@pytest.mark.parametrize("slug", ["Upper", "caf\u00e9", "-lead", "trail/ing", ".hidden", "a..b", "sp ace"])
def test_an_article_slug_the_importer_would_refuse_is_refused(admin_client, site, slug):
    obj = article("a")
    response = admin_client.post(change_url(obj), form_data(obj, slug=slug))
    assert response.status_code == 200 and "slug" in errors_of(response)
    assert article("a").url == A


def test_an_article_slug_the_importer_accepts_is_accepted(admin_client, site):
    obj = article("a")
    response = admin_client.post(change_url(obj), form_data(obj, slug="under_score.v2"))
    assert response.status_code == 302, errors_of(response)
    assert article("under_score.v2").url == "/learn/computer-science/questions/under_score.v2"


def test_keywords_are_edited_as_tags(admin_client, site):
    obj = article("a")
    response = admin_client.post(
        change_url(obj), form_data(obj, seo_keywords="Testing, Unit Tests,continuous integration")
    )
    assert response.status_code == 302, errors_of(response)
    assert sorted(obj.keywords.values_list("slug", flat=True)) == [
        "continuous-integration",
        "testing",
        "unit-tests",
    ]
    assert Keyword.objects.get(slug="unit-tests").name == "Unit Tests"
    assert article("a").edited


def test_changing_the_subject_moves_the_article(admin_client, site):
    obj = article("a")
    medicine = Subject.objects.get(slug="medicine")
    response = admin_client.post(change_url(obj), form_data(obj, subject=medicine.pk))
    assert response.status_code == 302, errors_of(response)
    obj.refresh_from_db()
    assert obj.url == "/learn/medicine/questions/a"
    assert obj.redirects.get().old_url == A


# -- related articles inline ---------------------------------------------------------------------


def test_relations_are_edited_in_order_with_targets_by_autocomplete(admin_client, site):
    obj = article("a")
    m = article("m")
    data = form_data(obj)
    data["relations-0-position"], data["relations-1-position"] = "2", "1"  # swap
    add_relation(data, 2, target=m, position=3)
    response = admin_client.post(change_url(obj), data)
    assert response.status_code == 302, errors_of(response)
    assert list(obj.relations.order_by("position").values_list("target_url", flat=True)) == [
        "/learn/computer-science/questions/zz", B, m.url,
    ]  # fmt: skip
    added = obj.relations.get(position=3)
    assert (added.target, added.target_title, added.target_subject) == (m, m.question, "Medicine")
    assert article("a").edited
    message = LogEntry.objects.filter(object_id=str(obj.pk)).get().get_change_message()
    assert message.startswith("Added relation") and "Publish at" not in message


def test_deleting_a_relation_and_refusing_self_and_duplicates(admin_client, site):
    obj, b = article("a"), article("b")
    data = form_data(obj)
    data["relations-1-DELETE"] = "on"
    assert admin_client.post(change_url(obj), data).status_code == 302
    assert list(obj.relations.values_list("target_url", flat=True)) == [B]
    for target in (obj, b):
        data = add_relation(form_data(obj), 1, target=target)
        response = admin_client.post(change_url(obj), data)
        assert response.status_code == 200
        errors = response.context["inline_admin_formsets"][0].formset.errors
        assert any("target" in e for e in errors), errors


def test_dangling_relations_are_shown_for_what_they_are(admin_client, site):
    editing.remove(Article.objects.filter(slug="b"))
    page = admin_client.get(change_url(article("a"))).content.decode()
    assert "no article at /learn/computer-science/questions/zz" in page
    assert "“What is a compiler?” was removed from the site" in page
    row = admin_client.get(CHANGELIST).context["cl"].result_list
    assert {a.slug: a.dangling_count for a in row}["a"] == 2


def test_autocomplete_finds_subjects_and_articles(admin_client, site):
    url = reverse("admin:autocomplete")
    params = {"app_label": "articles", "model_name": "relation", "field_name": "target", "term": "compiler"}
    results = admin_client.get(url, params).json()["results"]
    assert [r["text"] for r in results] == ["What is a compiler?"]
    params = {"app_label": "articles", "model_name": "article", "field_name": "subject", "term": "medi"}
    assert [r["text"] for r in admin_client.get(url, params).json()["results"]] == ["Medicine"]


# -- creating ------------------------------------------------------------------------------------


def test_an_article_created_in_the_admin_gets_sensible_source_values(admin_client, site):
    medicine = Subject.objects.get(slug="medicine")
    data = form_data(
        Article(subject=medicine, publish_at=timezone.now(), date=datetime.date(2025, 1, 2)),
        question="What is a   placebo?",
        answer="A dummy treatment.",
        seo_keywords="placebo, trials",
        status="draft",
        slug="",
        title="",
        article_title="",
    )
    add_relation(data, 0, target=article("m"))
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, errors_of(response)
    created = Article.objects.get(question="What is a placebo?")
    assert created.url == "/learn/medicine/questions/what-is-a-placebo"
    assert (created.file_name, created.title, created.article_title) == (
        "what-is-a-placebo.md", "What is a placebo?", "What is a placebo?",
    )  # fmt: skip
    assert (
        created.source_id
        == max(Article.objects.exclude(pk=created.pk).values_list("source_id", flat=True)) + 1
    )
    assert (created.status, created.seo_title, created.source_subject) == (
        "draft",
        "QuickTakes | Medicine",
        "Medicine",
    )
    assert created.edited and created.answer_html.startswith("<p>A dummy treatment.</p>")
    assert list(created.relations.values_list("target_url", flat=True)) == [article("m").url]
    assert sorted(created.keywords.values_list("slug", flat=True)) == ["placebo", "trials"]


def test_the_add_form_starts_as_a_draft(admin_client, site):
    response = admin_client.get(reverse("admin:articles_article_add"))
    assert response.context["adminform"].form["status"].value() == "draft"


# -- bulk actions --------------------------------------------------------------------------------


def act(client, action, *objs):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [o.pk for o in objs]}, follow=True)


def test_bulk_no_index_and_back(admin_client, site):
    a, b = article("a"), article("b")
    act(admin_client, "hide_from_search_engines", a, b)
    assert set(Article.objects.filter(no_index=True).values_list("slug", flat=True)) == {"a", "b"}
    assert Article.objects.get(slug="a").edited  # no_index is the file's: an edit
    act(admin_client, "offer_to_search_engines", a)
    assert set(Article.objects.filter(no_index=True).values_list("slug", flat=True)) == {"b"}
    assert LogEntry.objects.filter(object_id=str(a.pk)).count() == 2


def test_bulk_publish_and_unpublish(admin_client, site):
    a, b, m = article("a"), article("b"), article("m")
    response = act(admin_client, "unpublish", a, b)
    assert "Unpublished 2 article(s)" in response.content.decode()
    assert set(Article.objects.filter(status="draft").values_list("slug", flat=True)) == {"a", "b"}
    Article.objects.filter(pk=m.pk).update(publish_at=timezone.now() + datetime.timedelta(days=9))
    act(admin_client, "publish", a, m)
    assert set(Article.objects.published().values_list("slug", flat=True)) == {"a", "m"}
    assert article("a").publish_at == a.publish_at  # a past publish time stays
    assert not article("a").edited
    messages = set(LogEntry.objects.values_list("change_message", flat=True))
    assert messages == {"Unpublished.", "Published."}


def test_bulk_remove(admin_client, site):
    act(admin_client, "remove_from_site", article("b"))
    assert article("b").status == "removed"
    assert {a.slug: a.dangling_count for a in admin_client.get(CHANGELIST).context["cl"].result_list}[
        "a"
    ] == 2


# -- subjects and redirects ----------------------------------------------------------------------


def test_renaming_a_subject_moves_nothing(admin_client, site):
    medicine = Subject.objects.get(slug="medicine")
    response = admin_client.post(change_url(medicine), {"name": "Medicine & Health", "slug": "medicine"})
    assert response.status_code == 302
    assert Subject.objects.get(pk=medicine.pk).name == "Medicine & Health"
    assert article("m").url == "/learn/medicine/questions/m"


def test_a_subject_slug_must_be_its_names_slug(admin_client, site):
    medicine = Subject.objects.get(slug="medicine")
    response = admin_client.post(change_url(medicine), {"name": "Medicine", "slug": "med"})
    assert "must be the name&#x27;s slug (medicine)" in response.content.decode()
    response = admin_client.post(
        change_url(medicine), {"name": "Clinical Medicine", "slug": "clinical-medicine"}
    )
    assert response.status_code == 302
    assert article("m").url == "/learn/clinical-medicine/questions/m"
    assert LogEntry.objects.filter(object_id=str(article("m").pk)).exists()


SUBJECT_ADD = reverse("admin:articles_subject_add")


def test_a_subject_is_added_in_the_admin(admin_client, site):
    response = admin_client.post(SUBJECT_ADD, {"name": "Other twin", "slug": "other-twin"})
    assert response.status_code == 302
    assert Subject.objects.get(slug="other-twin").name == "Other twin"
    assert admin_client.get(SUBJECT_ADD).status_code == 200


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("other_twin", "other_twin"),  # the name's own slug, but the importer's urls take no underscore
        ("Other", "Other"),
        ("Caf\u00e9", "caf\u00e9"),
        ("-other", "-other"),
        ("other-", "other-"),
        ("other--twin", "other--twin"),
        ("Computer Science", "computer-science"),  # taken
    ],
)
def test_a_subject_slug_the_importer_would_refuse_is_refused(admin_client, site, name, slug):
    response = admin_client.post(SUBJECT_ADD, {"name": name, "slug": slug})
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert set(Subject.objects.values_list("slug", flat=True)) == {"computer-science", "medicine"}


def test_a_subject_cannot_move_to_a_slug_the_importer_would_refuse(admin_client, site):
    medicine = Subject.objects.get(slug="medicine")
    response = admin_client.post(change_url(medicine), {"name": "medicine_x", "slug": "medicine_x"})
    assert "lowercase letters (a-z) and digits" in response.content.decode()
    assert article("m").url == "/learn/medicine/questions/m"


def test_redirects_are_listed_and_editable(admin_client, site):
    obj = article("a")
    obj.slug = "a-moved"
    editing.save_article(obj)
    response = admin_client.get(reverse("admin:articles_redirect_changelist"))
    assert A in response.content.decode() and obj.url in response.content.decode()
    redirect = obj.redirects.get()
    response = admin_client.post(
        change_url(redirect), {"old_url": "/learn/computer-science/questions/older", "article": obj.pk}
    )
    assert response.status_code == 302
    response = admin_client.post(change_url(redirect), {"old_url": B, "article": obj.pk})
    assert "lives at this url" in response.content.decode()


def test_an_answer_the_source_format_cannot_hold_is_refused(admin_client, site):
    obj = article("b")
    response = admin_client.post(
        change_url(obj), form_data(obj, answer="Type the two characters \\n to break.")
    )
    assert "would read back from the source file as a line break" in " ".join(errors_of(response)["answer"])
    ok = 'Math keeps it: $a \\neq b$.\n\n```c\nprintf("%d\\n", n);\n```'
    assert admin_client.post(change_url(obj), form_data(obj, answer=ok)).status_code == 302
    assert article("b").answer == ok


def test_search_by_url_or_old_url(admin_client, site):
    obj = article("b")
    obj.slug = "b-moved"
    editing.save_article(obj)
    for term in (obj.url, f"https://qtakes.example{obj.url}/", B):
        assert {a.slug for a in admin_client.get(CHANGELIST, {"q": term}).context["cl"].result_list} == {
            "b-moved"
        }
