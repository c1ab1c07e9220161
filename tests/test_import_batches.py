"""Batches: each written whole in one transaction, one after another; a failure or an interrupt keeps whole
batches, and running the import again finishes the job."""

import pytest
from django.db import connection

from articles.generation import STATE_TABLE
from articles.importing.discovery import find_source_files
from articles.importing.importer import Importer, import_paths
from articles.models import Article, ArticleKeyword, Keyword, Relation
from tests.sources import write_source


def ring(folder, count):
    """``count`` files, each related to the one before and the one after it, all sharing a keyword."""
    for index in range(count):
        related = [(f"q{(index + step) % count}", "computer-science", "Q?") for step in (-1, 1)]
        write_source(folder, slug=f"q{index}", keywords=f"shared,k{index}", related=related)


@pytest.mark.django_db(transaction=True)
def test_relations_between_batches_resolve_and_keywords_are_shared(tmp_path):
    ring(tmp_path, 8)
    result = Importer(batch_size=2).run(find_source_files([tmp_path]))
    assert (result.created, result.relations_resolved, result.relations_dangling) == (8, 16, 0)
    assert Relation.objects.filter(target__isnull=True).count() == 0
    assert Keyword.objects.filter(slug="shared").count() == 1
    assert ArticleKeyword.objects.count() == 16


def fail_third_batch(monkeypatch, error):
    """The third batch written raises ``error`` after its writes, inside its transaction."""
    original = Importer.apply
    calls = []

    def failing(self, plan):
        calls.append(plan)
        original(self, plan)
        if len(calls) == 3:
            raise error

    monkeypatch.setattr(Importer, "apply", failing)


@pytest.mark.django_db(transaction=True)
def test_a_failed_batch_fails_the_run_and_leaves_whole_batches(tmp_path, monkeypatch):
    ring(tmp_path, 8)
    fail_third_batch(monkeypatch, RuntimeError("the database went away"))
    with pytest.raises(RuntimeError, match="went away"):
        Importer(batch_size=2).run(find_source_files([tmp_path]))
    stored = Article.objects.count()
    assert stored == 4  # the third batch rolled back
    assert Relation.objects.count() == 2 * stored and ArticleKeyword.objects.count() == 2 * stored
    monkeypatch.undo()
    result = import_paths([tmp_path])
    assert (result.created, result.relations_dangling) == (8 - stored, 0)


@pytest.mark.django_db(transaction=True)
def test_an_interrupt_keeps_whole_batches_and_counts_them(tmp_path, monkeypatch):
    ring(tmp_path, 8)
    fail_third_batch(monkeypatch, KeyboardInterrupt())
    result = Importer(batch_size=2).run(find_source_files([tmp_path]))
    assert result.interrupted
    stored = Article.objects.count()
    assert result.created == stored == 4
    assert Relation.objects.count() == 2 * stored
    monkeypatch.undo()
    result = import_paths([tmp_path])
    assert (result.created, result.unchanged, result.relations_dangling) == (8 - stored, stored, 0)


def generation():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {STATE_TABLE} WHERE id = 1")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_each_batch_bumps_the_generation_once(tmp_path):
    ring(tmp_path, 8)
    before = generation()
    Importer(batch_size=2).run(find_source_files([tmp_path]))
    # Four batches; then the end of the run names the new subject.
    assert generation() - before == 4 + 1
    before = generation()
    import_paths([tmp_path])
    assert generation() == before  # nothing changed, nothing bumped


@pytest.mark.django_db
def test_a_relation_left_waiting_for_an_existing_article_resolves_on_the_next_run(tmp_path):
    ring(tmp_path, 3)
    import_paths([tmp_path])
    Relation.objects.filter(source__slug="q0").update(target=None)  # as an interrupted older run left it
    result = import_paths([tmp_path])
    assert (result.unchanged, result.relations_resolved, result.relations_dangling) == (3, 2, 0)
