"""PostgreSQL writes two batches at once, on two connections; what they cannot see of each other waits."""

import os
import threading

import pytest
from django.db import connection, transaction

from articles.cache import STATE_TABLE
from articles.importer import Importer, find_source_files, import_paths
from articles.models import Article, ArticleKeyword, Keyword, Relation
from tests.sources import write_source

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
needs_postgresql = pytest.mark.skipif(not ON_POSTGRESQL, reason="needs DATABASE_URL (PostgreSQL)")


def ring(folder, count):
    """``count`` files, each related to the one before and the one after it, all sharing a keyword."""
    for index in range(count):
        related = [(f"q{(index + step) % count}", "computer-science", "Q?") for step in (-1, 1)]
        write_source(folder, slug=f"q{index}", keywords=f"shared,k{index}", related=related)


def record_writer_threads(monkeypatch, hold_first=0):
    """The names of the threads that wrote batches; the first ``hold_first`` batches wait for each other."""
    names, barrier = [], threading.Barrier(hold_first, timeout=20) if hold_first else None
    original = Importer._write

    def recorded(self, ready):
        names.append(threading.current_thread().name)
        if barrier is not None and len(names) <= hold_first:
            barrier.wait()  # a writer taking one batch at a time never gets past this
        return original(self, ready)

    monkeypatch.setattr(Importer, "_write", recorded)
    return names


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_batches_are_written_at_once_and_relations_between_them_resolve(tmp_path, monkeypatch):
    ring(tmp_path, 8)
    names = record_writer_threads(monkeypatch, hold_first=2)
    result = Importer(batch_size=2).run(find_source_files([tmp_path]))
    assert len(set(names[:2])) == 2 and all(name.startswith("qtakes-writer") for name in names)
    assert (result.created, result.relations_resolved, result.relations_dangling) == (8, 16, 0)
    assert Relation.objects.filter(target__isnull=True).count() == 0
    assert Keyword.objects.filter(slug="shared").count() == 1
    assert ArticleKeyword.objects.count() == 16


def fail_third_batch(monkeypatch, error):
    """The third batch written raises ``error`` after its writes, inside its transaction."""
    original = Importer._write
    calls = []

    def failing(self, ready):
        calls.append(len(ready))
        number = len(calls)  # now: the other writer may append while this one writes
        outcome = original(self, ready)
        if number == 3:
            raise error
        return outcome

    monkeypatch.setattr(Importer, "_write", failing)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failed_batch_in_a_writer_fails_the_run_and_leaves_whole_batches(tmp_path, monkeypatch):
    ring(tmp_path, 8)
    fail_third_batch(monkeypatch, RuntimeError("the database went away"))
    with pytest.raises(RuntimeError, match="went away"):
        Importer(batch_size=2).run(find_source_files([tmp_path]))
    stored = Article.objects.count()
    assert stored in (4, 6)  # the third batch rolled back; the fourth may have been written beside it
    assert Relation.objects.count() == 2 * stored and ArticleKeyword.objects.count() == 2 * stored
    monkeypatch.undo()
    result = import_paths([tmp_path])
    assert (result.created, result.relations_dangling) == (8 - stored, 0)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_interrupt_in_a_writer_keeps_whole_batches_and_counts_them(tmp_path, monkeypatch):
    ring(tmp_path, 8)
    fail_third_batch(monkeypatch, KeyboardInterrupt())
    result = Importer(batch_size=2).run(find_source_files([tmp_path]))
    assert result.interrupted
    stored = Article.objects.count()
    assert result.created == stored and stored in (4, 6)  # the fourth batch may have been written beside it
    assert Relation.objects.count() == 2 * stored
    monkeypatch.undo()
    result = import_paths([tmp_path])
    assert (result.created, result.unchanged, result.relations_dangling) == (8 - stored, stored, 0)


def generation():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {STATE_TABLE} WHERE id = 1")
        return cursor.fetchone()[0]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_writers_bump_the_generation_once_per_batch_and_once_per_keyword_commit(tmp_path):
    ring(tmp_path, 8)  # every batch of two names keywords no earlier batch did
    before = generation()
    Importer(batch_size=2).run(find_source_files([tmp_path]))
    # Four batches and the four keyword commits ahead of them; then the end of the run names the new
    # subject and resolves the relations written before their articles.
    assert generation() - before == 4 + 4 + 2
    before = generation()
    import_paths([tmp_path])
    assert generation() == before  # nothing changed, nothing bumped


@pytest.mark.django_db(transaction=True)
def test_an_import_inside_a_transaction_writes_on_its_connection(tmp_path, monkeypatch):
    ring(tmp_path, 4)
    names = record_writer_threads(monkeypatch)
    with transaction.atomic():
        Importer(batch_size=1).run(find_source_files([tmp_path]))
        assert Article.objects.count() == 4  # this connection's transaction holds them
    assert set(names) == {threading.current_thread().name}


@pytest.mark.django_db
def test_a_relation_left_waiting_for_an_article_written_beside_it_resolves_on_the_next_run(tmp_path):
    ring(tmp_path, 3)
    import_paths([tmp_path])
    # As a writer leaves it when the target was written, uncommitted, on the other connection.
    Relation.objects.filter(source__slug="q0").update(target=None)
    result = import_paths([tmp_path])
    assert (result.unchanged, result.relations_resolved, result.relations_dangling) == (3, 2, 0)
