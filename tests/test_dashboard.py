"""The admin's front page: charts drawn on the server as SVG, from a fixed number of queries."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from articles.editorial import seo_store
from articles.importing.importer import import_paths
from articles.models import Article
from tests.sources import write_source
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


@pytest.fixture
def site(tmp_path):
    for index in range(3):
        write_source(tmp_path, slug=f"c{index}", question=f"Question {index}?", date=f"2024-1{index}-05")
    write_source(
        tmp_path, slug="m", subject="Medicine", subject_slug="medicine", question="How?", date="2024-12-01"
    )
    import_paths([tmp_path])
    seo_store.check_all()


def charts_of(page):
    return re.findall(r'<svg class="chart[^"]*" role="img" aria-label="([^"]+)"', page)


def test_the_front_page_draws_its_charts_as_svg(admin_client, site):
    page = admin_client.get(INDEX).content.decode()
    assert charts_of(page) == [
        "Chart: Articles by subject",
        "Chart: Articles by month",
        "Chart: SEO problems by kind",
        "Chart: Imports by week: articles created and updated",
        "Chart: Edits by week: articles changed in the admin",
    ]
    assert "<script" not in page.split('class="qt-dashboard"')[1].split("</section>")[0]


def test_the_charts_count_what_the_site_holds(admin_client, site):
    charts = {chart.title.split(":")[0]: chart for chart in admin_client.get(INDEX).context["dashboard"]}
    assert dict(charts["Articles by subject"].rows) == {"Computer Science": 3, "Medicine": 1}
    assert dict(charts["Articles by month"].rows) == {"Oct 2024": 1, "Nov 2024": 1, "Dec 2024": 2}
    assert dict(charts["SEO problems by kind"].rows)["Description too short"] == 4
    assert sum(row[1] for row in charts["Imports by week"].rows) == 4  # created this week


def test_edits_show_in_the_week_they_were_made(admin_client, site):
    article = Article.objects.get(slug="m")
    admin_client.post(change_url(article), form_data(article, question="How, exactly?"))
    charts = {chart.title.split(":")[0]: chart for chart in admin_client.get(INDEX).context["dashboard"]}
    assert charts["Edits by week"].rows[-1][1] == 1


def test_the_front_page_takes_a_fixed_number_of_queries(admin_client, site, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        admin_client.get(INDEX)


def test_staff_who_may_not_see_articles_get_no_dashboard(client, site):
    client.force_login(User.objects.create_user("clerk", is_staff=True))
    response = client.get(INDEX)
    assert response.status_code == 200 and response.context["dashboard"] is None
    assert not charts_of(response.content.decode())
