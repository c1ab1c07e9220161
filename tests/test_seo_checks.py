"""SEO checks: the rules (title width, descriptions), the findings kept as articles are saved and by a
full check, and the report page at /admin/seo/."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from articles.editorial import seo_checks, seo_store
from articles.importing.importer import import_paths
from articles.models import Article, SeoProblem, Subject
from tests.sources import write_source
from tests.test_admin import change_url, form_data
from tests.uploads import run_worker

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:seo_report")
Kind = SeoProblem.Kind


# -- the rules -------------------------------------------------------------------------------------


def test_title_width_follows_arial_at_20_px():
    # Measured in Chromium with Liberation Sans (Arial's metrics) at 20 px, kerning included: 933.09 px.
    title = "How is radiotherapy integrated with surgical approaches in cancer management? | QuickTakes | Medicine"
    assert abs(seo_checks.title_width(title) - 933) <= 933 * 0.01
    assert seo_checks.title_width("iiii") < seo_checks.title_width("MMMM")


def test_a_long_title_is_cut_at_a_word_within_600_px():
    title = "Why do some very long questions about thermodynamics get cut off in the results? | QuickTakes | Physics"
    cut = seo_checks.cut_title(title)
    assert cut.endswith(" …") and title.startswith(cut[:-2])
    assert seo_checks.title_width(cut) <= seo_checks.TITLE_MAX_PX
    assert seo_checks.cut_title("A short title") == "A short title"


@pytest.mark.parametrize(
    ("description", "kinds"),
    [
        ("", {Kind.DESCRIPTION_MISSING}),
        ("Too short.", {Kind.DESCRIPTION_SHORT}),
        ("A" * 200, {Kind.DESCRIPTION_LONG}),
        ("ext{R}^n$, linear combination, row reduction, matrix, subspace, scalars and trivial solutions", {Kind.DESCRIPTION_DAMAGED}),
        ("The $5 million budget covers salaries, equipment and a new laboratory for the whole department.", set()),
    ],
)  # fmt: skip
def test_description_problems(description, kinds):
    assert {kind for kind, _ in seo_checks.description_problems(description)} == kinds


def test_the_checked_title_is_the_pages_title(client, tmp_path):
    write_source(tmp_path, slug="a", question="Why test software?")
    import_paths([tmp_path])
    article = Article.objects.get()
    html = client.get(article.url).content.decode()
    shown = re.search(r"<title>(.*?)</title>", html).group(1)
    assert shown == seo_checks.page_title(article.question, article.seo_title, article.subject.name)


# -- findings ---------------------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path):
    write_source(
        tmp_path, slug="a", question="Why test software?", related=[("gone", "computer-science", "G")]
    )
    write_source(tmp_path, slug="b", question="What is a compiler?", keywords="")
    write_source(
        tmp_path, slug="m", subject="Medicine", subject_slug="medicine", question="How do vaccines work?"
    )
    import_paths([tmp_path])
    seo_store.check_all()


def kinds_of(slug):
    return set(SeoProblem.objects.filter(article__slug=slug).values_list("kind", flat=True))


def test_a_full_check_finds_each_kind_of_problem(site):
    # Every fixture's SEO title is "QuickTakes | <subject>", its description "About <question>": short.
    assert kinds_of("a") == {Kind.TITLE_DUPLICATE, Kind.DESCRIPTION_SHORT, Kind.DANGLING_RELATED}
    assert kinds_of("b") == {Kind.TITLE_DUPLICATE, Kind.DESCRIPTION_SHORT, Kind.NO_KEYWORDS}
    assert kinds_of("m") == {Kind.DESCRIPTION_SHORT}  # alone in Medicine: its SEO title is its own
    assert seo_store.counts()[Kind.TITLE_DUPLICATE] == 2
    assert seo_store.counts(Subject.objects.get(slug="medicine")) == {Kind.DESCRIPTION_SHORT: 1}


def test_saving_in_the_admin_checks_the_article_and_its_duplicates_at_once(admin_client, site):
    a = Article.objects.get(slug="a")
    description = (
        "Software tests catch regressions early, document behaviour and let a team change code without fear."
    )
    data = form_data(a, seo_title="Testing software | QuickTakes", seo_description=description)
    assert admin_client.post(change_url(a), data).status_code == 302
    assert kinds_of("a") == {Kind.DANGLING_RELATED}
    assert kinds_of("b") == {Kind.DESCRIPTION_SHORT, Kind.NO_KEYWORDS}  # its title is its own now
    assert seo_store.counts().get(Kind.TITLE_DUPLICATE, 0) == 0

    b = Article.objects.get(slug="b")
    admin_client.post(change_url(b), form_data(b, seo_description=description, seo_keywords="compilers"))
    assert Kind.DESCRIPTION_DUPLICATE in kinds_of("a") and Kind.DESCRIPTION_DUPLICATE in kinds_of("b")


def test_removed_articles_leave_the_report_and_relations_to_them_dangle(admin_client, tmp_path):
    write_source(tmp_path, slug="a", question="Why test software?", related=[("b", "computer-science", "B")])
    write_source(tmp_path, slug="b", question="What is a compiler?")
    import_paths([tmp_path])
    seo_store.check_all()
    assert Kind.DANGLING_RELATED not in kinds_of("a")
    b = Article.objects.get(slug="b")
    admin_client.post(reverse("admin:articles_article_remove", args=[b.pk]))
    assert kinds_of("b") == set()
    assert Kind.DANGLING_RELATED in kinds_of("a")


def test_the_report_lists_problems_by_kind_with_counts_filtered_by_subject(admin_client, site):
    page = admin_client.get(REPORT).content.decode()
    assert "Dangling related articles" in page and "Last full check" in page

    listed = admin_client.get(REPORT, {"kind": Kind.DESCRIPTION_SHORT}).content.decode()
    assert all(
        question in listed
        for question in ("Why test software?", "What is a compiler?", "How do vaccines work?")
    )
    in_medicine = admin_client.get(REPORT, {"kind": Kind.DESCRIPTION_SHORT, "subject": "medicine"})
    assert "How do vaccines work?" in in_medicine.content.decode()
    assert "Why test software?" not in in_medicine.content.decode()
    assert in_medicine.context["page"].paginator.count == 1


def test_the_report_shows_who_shares_a_title(admin_client, site):
    response = admin_client.get(REPORT, {"kind": Kind.TITLE_DUPLICATE})
    row = response.context["rows"][0]
    assert row["shown"] == "QuickTakes | Computer Science" and row["shared"] == "2"
    group = admin_client.get(row["group"])
    assert group.context["page"].paginator.count == 2


def test_check_every_article_again_runs_in_the_background(admin_client, site):
    SeoProblem.objects.all().delete()
    response = admin_client.post(reverse("admin:seo_check"))
    assert response.status_code == 302
    run_worker()
    assert kinds_of("b") == {Kind.TITLE_DUPLICATE, Kind.DESCRIPTION_SHORT, Kind.NO_KEYWORDS}


def test_only_staff_who_may_see_articles_see_the_report(client, site):
    user = User.objects.create_user("clerk", is_staff=True)
    client.force_login(user)
    assert client.get(REPORT).status_code == 403
    assert client.post(reverse("admin:seo_check")).status_code == 403
