"""Prepared queries give what the ORM gives, for every value, and refuse what they cannot prepare."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.site.prepared import prepared
from tests.pages import make_article, make_subject

pytestmark = pytest.mark.django_db

SAMPLE_NOW = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC)


@prepared(subject=-1, now=SAMPLE_NOW)
def published_in(subject, now):
    return Article.objects.published(now).filter(subject=subject).select_related("subject").order_by("pk")


@prepared(subject=-1)
def questions_in(subject):
    return Article.objects.filter(subject=subject).values_list("url", "question").order_by("pk")


def test_rows_are_what_the_orm_returns_for_each_value():
    physics, law = make_subject("Physics"), make_subject("Law")
    make_article(physics, "old", days_ago=3)
    make_article(physics, "new", days_ago=1)
    make_article(law, "tort", days_ago=2)
    for subject in (physics, law):
        for now in (timezone.now(), timezone.now() - datetime.timedelta(days=2)):
            expected = list(Article.objects.published(now).filter(subject=subject).order_by("pk"))
            found = published_in(subject=subject.pk, now=now)
            assert found == expected
            assert [(a.question, a.publish_at, a.subject.name) for a in found] == [
                (a.question, a.publish_at, a.subject.name) for a in expected
            ]
        assert questions_in(subject=subject.pk) == list(
            Article.objects.filter(subject=subject).order_by("pk").values_list("url", "question")
        )


@prepared(subject=-1)
def slugs_in(subject):
    return Article.objects.filter(subject=subject).values_list("slug").order_by("pk")


# What the two queries above look like prepared: PostgreSQL's own placeholders, $1.
QUESTIONS_IN_SUBJECT = (
    '"question" AS "question" FROM "articles_article" WHERE "articles_article"."subject_id" = $1'
)
SLUGS_IN_SUBJECT = '"slug" AS "slug" FROM "articles_article" WHERE "articles_article"."subject_id" = $1'


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.fixture
def physics():
    """On PostgreSQL only: a subject holding one article, "old"."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    subject = make_subject("Physics")
    make_article(subject, "old")
    return subject


def test_postgresql_prepares_a_query_once_per_connection(settings, physics):
    settings.PREPARED_STATEMENTS = True
    for _ in range(3):
        assert questions_in(subject=physics.pk) == [("/learn/physics/questions/old", "Old?")]
    mine = [statement for statement in prepared_statements() if QUESTIONS_IN_SUBJECT in statement]
    assert len(mine) == 1, mine
    # Only that statement asked: psycopg keeps no account of the connection's other statements.
    assert connection.connection.prepare_threshold is None


def test_postgresql_prepares_nothing_when_told_not_to(settings, physics):
    settings.PREPARED_STATEMENTS = False
    assert slugs_in(subject=physics.pk) == [("old",)]
    assert slugs_in(subject=physics.pk) == [("old",)]
    assert not [statement for statement in prepared_statements() if SLUGS_IN_SUBJECT in statement]


def test_a_value_frozen_into_the_query_is_refused():
    hidden_now = prepared(subject=-1)(lambda subject: Article.objects.published().filter(subject=subject))
    with pytest.raises(ValueError, match="not samples"):
        hidden_now(subject=1)


def test_a_sample_the_query_never_uses_is_refused():
    unused = prepared(subject=-1, now=SAMPLE_NOW)(
        lambda subject, now: Article.objects.filter(subject=subject)
    )
    with pytest.raises(ValueError, match="never uses"):
        unused(subject=1, now=timezone.now())
