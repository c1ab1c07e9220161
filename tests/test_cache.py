"""The site version behind the page cache changes with every write and with the schedule; a page's
entry is keyed by the query parameters it reads, and no others."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.generation import STATE_TABLE, deferred_bumps, site_version
from articles.importing.importer import import_paths
from articles.models import Article, Keyword, Relation
from articles.site.views import PER_PAGE
from tests.pages import make_article, make_subject
from tests.sources import write_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    write_source(tmp_path, slug="a", related=[("b", "computer-science", "B?")])
    write_source(tmp_path, slug="b")
    import_paths([tmp_path])
    return tmp_path


def test_import_changes_the_version(tmp_path):
    before = site_version()
    write_source(tmp_path, slug="a")
    import_paths([tmp_path])
    assert site_version() != before


def test_unchanged_reimport_keeps_the_version(imported):
    before = site_version()
    import_paths([imported])
    assert site_version() == before


@pytest.mark.parametrize(
    "write",
    [
        lambda: Article.objects.filter(slug="a").update(question="Edited?"),
        lambda: Article.objects.get(slug="b").save(),
        lambda: Relation.objects.all().delete(),
        lambda: Keyword.objects.filter(slug="testing").update(name="renamed"),
    ],
)
def test_any_write_changes_the_version(imported, write):
    before = site_version()
    write()
    assert site_version() != before


def test_scheduled_article_coming_due_changes_the_version(imported):
    soon = timezone.now() + datetime.timedelta(seconds=30)
    Article.objects.filter(slug="a").update(publish_at=soon)
    before = site_version()
    assert site_version() == before
    Article.objects.filter(slug="a").update(publish_at=timezone.now() - datetime.timedelta(seconds=1))
    after_write = site_version()
    assert after_write != before


def test_time_alone_brings_a_scheduled_article_live(imported, monkeypatch):
    due = timezone.now() + datetime.timedelta(hours=1)
    Article.objects.filter(slug="a").update(publish_at=due)
    before = site_version()
    later = due + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert site_version() != before


def generation():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {STATE_TABLE} WHERE id = 1")
        return cursor.fetchone()[0]


def test_deferred_bumps_bump_once_for_many_rows():
    before = generation()
    with transaction.atomic(), deferred_bumps():
        Keyword.objects.bulk_create(Keyword(name=f"k{n}", slug=f"k{n}") for n in range(50))
        Keyword.objects.filter(slug="k1").update(name="renamed")
    # The triggers stood aside, on SQLite (rows) and PostgreSQL (statements).
    assert generation() - before == 1


def test_import_bumps_once_per_batch(tmp_path):
    for n in range(5):
        write_source(tmp_path, slug=f"q{n}")
    before = generation()
    import_paths([tmp_path], batch_size=2)
    assert generation() - before == 4  # three batches, then the new subject named by its files


def test_a_rolled_back_deferral_leaves_row_bumps_on():
    with pytest.raises(ZeroDivisionError), transaction.atomic(), deferred_bumps():
        Keyword.objects.create(name="gone", slug="gone")
        1 / 0  # noqa: B018
    before = generation()
    Keyword.objects.create(name="kept", slug="kept")
    Keyword.objects.create(name="kept too", slug="kept-too")
    assert generation() - before == 2


# -- What keys a page --------------------------------------------------------------------------------


@pytest.fixture
def listing(db):
    subject = make_subject("Physics")
    for n in range(PER_PAGE + 3):
        make_article(subject, f"question-{n}", days_ago=n + 1, seo_keywords="optics")
    return subject


@pytest.mark.parametrize(
    "first, again",
    [
        ("/", "/?x=1"),
        ("/learn/physics/questions/question-0?utm_source=a", "/learn/physics/questions/question-0?x=b"),
        ("/learn/physics/?page=2&x=1", "/learn/physics/?x=2&page=2"),
        ("/search/?q=question&page=2", "/search/?page=2&ref=mail&q=question"),
        ("/sitemap-articles.xml", "/sitemap-articles.xml?page=7"),  # a sitemap page reads p, not page
        ("/feeds/latest.rss?v=1", "/feeds/latest.rss?v=2"),
    ],
)
def test_parameters_a_page_does_not_read_share_its_cache_entry(client, listing, first, again):
    assert client.get(first).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(again)
    assert response.status_code == 200
    assert len(queries) == 1  # the site version only: served from the first one's entry


@pytest.mark.parametrize(
    "first, other",
    [
        ("/learn/physics/", "/learn/physics/?page=2"),
        ("/search/?q=question", "/search/?q=question&page=2"),
        ("/search/?q=question", "/search/?q=optics"),
    ],
)
def test_parameters_a_page_reads_get_their_own_entry(client, listing, first, other):
    first_body = client.get(first).content
    with CaptureQueriesContext(connection) as queries:
        response = client.get(other)
    assert response.status_code == 200
    assert len(queries) > 1 and response.content != first_body
