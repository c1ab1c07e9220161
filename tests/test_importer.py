"""Importing files into the database: idempotence, updates, relations, batches, refusals."""

import os
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.importing.bulk import power_of_two_parts
from articles.importing.discovery import find_source_files, find_url
from articles.importing.importer import Importer, import_paths
from articles.importing.locks import ImportBusy, import_lock
from articles.importing.prepare import prepare_file, worker_pool
from articles.models import Article, Keyword, Relation, Subject
from tests.sources import write_source

pytestmark = pytest.mark.django_db

A = "/learn/computer-science/questions/a"
B = "/learn/computer-science/questions/b"


def related_to(*slugs):
    return [(slug, "computer-science", f"Question {slug}?") for slug in slugs]


def test_import_creates_articles_with_keywords_and_relations(tmp_path):
    write_source(tmp_path, slug="a", question="A?", keywords="alpha", related=related_to("b", "b", "missing"))
    write_source(tmp_path, slug="b", question="B?", keywords="Testing, testing ,Quality")
    result = import_paths([tmp_path])
    assert (result.created, result.updated, result.unchanged, result.refused) == (2, 0, 0, [])
    a = Article.objects.get(url=A)
    assert a.question == "A?"
    assert a.answer_html.startswith("<p>A test checks behaviour.</p>")
    assert "<h2>Why</h2>" in a.answer_html
    assert [(r.target_url, r.target_id) for r in a.relations.all()] == [
        (B, Article.objects.get(url=B).pk),
        ("/learn/computer-science/questions/missing", None),
    ]
    assert sorted(Article.objects.get(url=B).keywords.values_list("name", flat=True)) == [
        "Quality",
        "Testing",
    ]
    assert result.relations_dangling == 1


def test_an_import_with_its_statements_logged_works(tmp_path):
    # As with debug on (make run): the log formats each statement's parameters into its text.
    write_source(tmp_path, slug="a", keywords="alpha", related=related_to("b"))
    write_source(tmp_path, slug="b")
    with CaptureQueriesContext(connection) as queries:
        result = import_paths([tmp_path])
    assert (result.created, result.refused, result.relations_dangling) == (2, [], 0)
    assert Keyword.objects.filter(name="alpha").exists()
    assert queries.captured_queries  # logged (the importer clears the log after each batch)


def test_batches_prepared_beforehand_are_written_as_an_import_writes_them(tmp_path):
    # The writer bench feeds prepared batches to write_prepared; it must measure the import's own writes.
    write_source(tmp_path, slug="a", keywords="alpha, beta", related=related_to("b", "missing"))
    write_source(tmp_path, slug="b", keywords="beta", related=related_to("a"))
    write_source(tmp_path, slug="c", related=related_to("a"))
    writer = Importer(batch_size=2, workers=1)
    scanned = writer.scan(find_source_files([tmp_path]))
    prepared = [prepare_file(item.path, writer.max_bytes) for item in scanned]
    pairs = list(zip(writer.batches_of(scanned), writer.batches_of(prepared), strict=True))
    writer.write_prepared(iter(pairs), len(pairs), 0, len(scanned))
    writer.finish()
    result = writer.result
    assert (result.created, result.refused, result.relations_dangling) == (3, [], 1)
    assert sorted(Article.objects.get(url=A).keywords.values_list("slug", flat=True)) == ["alpha", "beta"]
    assert Relation.objects.filter(target__isnull=False).count() == 3
    assert import_paths([tmp_path]).unchanged == 3  # what a real import would have stored


def test_reimport_of_unchanged_files_changes_nothing(tmp_path):
    write_source(tmp_path, slug="a", related=related_to("b"))
    import_paths([tmp_path])
    before = list(Article.objects.values_list("id", "imported_at", "answer_html"))
    result = import_paths([tmp_path])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert list(Article.objects.values_list("id", "imported_at", "answer_html")) == before


def test_changed_file_updates_its_article(tmp_path):
    path = write_source(tmp_path, slug="a", question="Old?", keywords="one,two", related=related_to("b"))
    import_paths([tmp_path])
    article = Article.objects.get(url=A)
    changed_at = article.content_changed_at
    write_source(tmp_path, slug="a", question="New?", keywords="three", related=related_to("c"))
    result = import_paths([path])
    assert (result.created, result.updated) == (0, 1)
    article.refresh_from_db()
    assert article.question == "New?"
    assert list(article.keywords.values_list("name", flat=True)) == ["three"]
    assert list(article.relations.values_list("target_url", flat=True)) == [
        "/learn/computer-science/questions/c"
    ]
    assert article.content_changed_at > changed_at
    assert Article.objects.count() == 1


def test_relations_resolve_when_target_arrives_in_a_later_run(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_source(first, slug="a", related=related_to("b"))
    write_source(second, slug="b")
    result = import_paths([first])
    assert result.relations_dangling == 1
    result = import_paths([second])
    assert result.relations_resolved == 1
    assert result.relations_dangling == 0
    assert Relation.objects.get().target == Article.objects.get(url=B)


def test_relations_resolve_in_any_order_within_a_run(tmp_path):
    # "a" sorts first, so its relation to "b" is written before "b" exists (batch size 1).
    write_source(tmp_path, slug="a", related=related_to("b"))
    write_source(tmp_path, slug="b", related=related_to("a"))
    result = Importer(batch_size=1).run(find_source_files([tmp_path]))
    assert result.relations_dangling == 0
    assert Relation.objects.filter(target__isnull=True).count() == 0


def test_self_relation_is_dropped(tmp_path):
    write_source(tmp_path, slug="a", related=related_to("a", "b"))
    import_paths([tmp_path])
    assert list(Relation.objects.values_list("target_url", flat=True)) == [B]


def test_refused_file_does_not_stop_the_others(tmp_path):
    write_source(tmp_path, slug="a")
    (tmp_path / "broken.md").write_text("---\nid: [\n---\n")
    result = import_paths([tmp_path])
    assert result.created == 1
    assert [str(error.path) for error in result.refused] == [str(tmp_path / "broken.md")]
    assert not result.ok


def test_two_files_claiming_one_url_are_both_refused_and_the_stored_one_kept(tmp_path):
    write_source(tmp_path / "old", slug="a", question="Stored?")
    import_paths([tmp_path / "old"])
    write_source(tmp_path / "x", slug="a", question="First claim?")
    write_source(tmp_path / "y", slug="a", question="Second claim?")
    result = import_paths([tmp_path / "x", tmp_path / "y"])
    assert len(result.refused) == 2
    messages = sorted(str(error) for error in result.refused)
    assert str(tmp_path / "y" / "a.md") in messages[0]
    assert str(tmp_path / "x" / "a.md") in messages[1]
    assert Article.objects.get(url=A).question == "Stored?"


def test_a_quoted_url_claims_the_same_url_as_a_plain_one(tmp_path):
    write_source(tmp_path / "x", slug="a")
    quoted = write_source(tmp_path / "y", slug="a", question="Quoted?")
    quoted.write_text(quoted.read_text().replace(f"url: {A}", f'url: "{A}"'))
    result = import_paths([tmp_path / "x", tmp_path / "y"])
    assert len(result.refused) == 2
    assert all("neither is imported" in str(error) for error in result.refused)
    assert not Article.objects.exists()


def test_same_file_reached_twice_counts_once(tmp_path):
    path = write_source(tmp_path, slug="a")
    result = import_paths([tmp_path, path, tmp_path / "." / "a.md"])
    assert (result.files, result.created, result.refused) == (1, 1, [])


def test_dry_run_writes_nothing(tmp_path):
    write_source(tmp_path, slug="a")
    (tmp_path / "broken.md").write_text("no front matter")
    result = import_paths([tmp_path], dry_run=True)
    assert (result.created, len(result.refused)) == (1, 1)
    assert not Article.objects.exists()
    assert not Subject.objects.exists()


def test_subject_identity_is_its_slug_and_name_the_commonest_spelling(tmp_path):
    write_source(tmp_path, slug="a", subject="Computer science")
    write_source(tmp_path, slug="b", subject="Computer Science")
    write_source(tmp_path, slug="c", subject="Computer Science")
    import_paths([tmp_path])
    subject = Subject.objects.get()
    assert (subject.slug, subject.name) == ("computer-science", "Computer Science")
    assert Article.objects.get(url=A).source_subject == "Computer science"


def test_source_files_are_found_once_each_in_path_order(tmp_path):
    for name in ("b/z.md", "a-b/x.md", "a/y.md", "a/deeper/w.md", "a/notes.txt", "c.md/inside.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("---\n---\n")
    (tmp_path / "a" / "link.md").symlink_to(tmp_path / "b" / "z.md")  # the same file under a second name
    (tmp_path / "linked-folder").symlink_to(tmp_path / "a", target_is_directory=True)  # not followed
    found = find_source_files([tmp_path, tmp_path / "a" / "y.md"])  # y.md given twice
    relative = [str(Path(path).relative_to(tmp_path)) for path in found]
    # As pathlib orders them: part by part, so "a/..." before "a-b/...".
    assert relative == ["a/deeper/w.md", "a/link.md", "a/y.md", "a-b/x.md", "c.md/inside.md"]
    assert all(isinstance(path, str) for path in found)


def test_keyword_identity_is_its_slug_whatever_the_order(tmp_path):
    write_source(tmp_path / "one", slug="a", keywords="machine learning")
    write_source(tmp_path / "two", slug="b", keywords="Machine  Learning")
    import_paths([tmp_path / "one"])
    import_paths([tmp_path / "two"])
    keyword = Keyword.objects.get()
    assert keyword.slug == "machine-learning"
    assert keyword.article_items.count() == 2


def test_a_keyword_name_taken_by_another_slug_gets_its_slug_added(tmp_path):
    Keyword.objects.create(name="Graphs", slug="graph-theory")  # renamed in the admin, say
    write_source(tmp_path, slug="a", keywords="Graphs, Trees")
    import_paths([tmp_path])
    assert set(Keyword.objects.values_list("slug", "name")) == {
        ("graph-theory", "Graphs"),
        ("graphs", "Graphs (graphs)"),
        ("trees", "Trees"),
    }
    assert set(Article.objects.get().keywords.values_list("slug", flat=True)) == {"graphs", "trees"}


def test_articles_stored_by_another_importer_version_are_applied_again(tmp_path):
    write_source(tmp_path, slug="a")
    import_paths([tmp_path])
    Article.objects.update(answer_html="stale")
    Article.objects.update(importer_version="an older importer")
    result = import_paths([tmp_path])
    assert result.updated == 1
    assert Article.objects.get().answer_html.startswith("<p>")


def test_batches_commit_whole_and_an_interrupted_run_finishes_when_run_again(tmp_path, monkeypatch):
    for slug in "abcde":
        write_source(tmp_path, slug=slug, related=related_to(*(s for s in "abcde" if s != slug)))
    original = Importer.apply
    calls = []

    def interrupt_third_batch(self, plan):
        calls.append(len(plan.create))
        if len(calls) == 3:
            plan.create = plan.create[:1]
            original(self, plan)  # half a batch written inside the transaction...
            raise KeyboardInterrupt  # ...then Ctrl-C: the whole batch rolls back
        return original(self, plan)

    monkeypatch.setattr(Importer, "apply", interrupt_third_batch)
    result = Importer(batch_size=2).run(find_source_files([tmp_path]))
    assert result.interrupted
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["a", "b", "c", "d"]
    assert Relation.objects.count() == 4 * 4  # every stored article has all of its relations
    monkeypatch.setattr(Importer, "apply", original)
    result = import_paths([tmp_path])
    assert (result.created, result.unchanged) == (1, 4)
    assert result.relations_dangling == 0


# Enough files for the import to prepare them in worker processes on two cores.
PARALLEL_FILES = 240


def test_parallel_preparation_gives_the_same_articles(tmp_path):
    for index in range(PARALLEL_FILES):
        write_source(tmp_path, slug=f"q{index}", question=f"Question {index}?", related=related_to("q0"))
    result = Importer(workers=2, batch_size=50).run(find_source_files([tmp_path]))
    assert result.created == PARALLEL_FILES
    assert Article.objects.get(slug="q7").question == "Question 7?"
    assert Relation.objects.filter(target__isnull=False).count() == PARALLEL_FILES - 1


@pytest.mark.parametrize("files", [6, PARALLEL_FILES], ids=["few files", "many files"])
def test_a_broken_file_among_workers_is_refused_and_the_rest_imported(tmp_path, files):
    for index in range(files):
        write_source(tmp_path, slug=f"q{index}")
    (tmp_path / "broken.md").write_text("---\nid: [\n---\n")
    result = Importer(workers=2, batch_size=50).run(find_source_files([tmp_path]))
    assert result.created == files
    [refused] = result.refused
    assert (refused.path, refused.line) == (str(tmp_path / "broken.md"), 3)
    assert refused.reason.startswith("YAML error")


def test_edited_article_is_a_conflict_unless_overwrite(tmp_path):
    write_source(tmp_path, slug="a", question="From file?")
    import_paths([tmp_path])
    Article.objects.update(question="Edited?", edited=True)
    write_source(tmp_path, slug="a", question="Changed file?")
    result = import_paths([tmp_path])
    assert [url for url, _ in result.conflicts] == [A]
    assert result.ok
    assert Article.objects.get().question == "Edited?"
    result = import_paths([tmp_path], overwrite_edits=True)
    assert result.updated == 1
    assert Article.objects.get().question == "Changed file?"


def test_overwrite_edits_applies_even_an_unchanged_file(tmp_path):
    write_source(tmp_path, slug="a", question="From file?")
    import_paths([tmp_path])
    Article.objects.update(question="Edited?", edited=True)
    assert import_paths([tmp_path]).unchanged == 1
    assert import_paths([tmp_path], overwrite_edits=True).updated == 1
    assert Article.objects.get().question == "From file?"


def test_a_second_import_at_once_refuses(tmp_path):
    write_source(tmp_path, slug="a")
    held, release = threading.Event(), threading.Event()

    def first_import():  # another session holds the lock, as another process would
        with import_lock():
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=first_import)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(ImportBusy):
            import_paths([tmp_path])
    finally:
        release.set()
        thread.join()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("data", "url"),
    [
        (b"---\nid: 1\nurl: /learn/a/questions/b\n---\n", "/learn/a/questions/b"),
        (b"url: /learn/a/questions/b", "/learn/a/questions/b"),
        (b"---\nurl: /learn/a/questions/b  \r\nid: 1\r\n", "/learn/a/questions/b"),
        (b"---\nurl: two words\nurl: /learn/a/questions/c\n", "/learn/a/questions/c"),
        (b"---\n  url: /indented\nanswer: see url: /x\n", None),
        (b"---\nid: 1\n", None),
        (b'---\nurl: "/learn/a/questions/b"\n', "/learn/a/questions/b"),
        (b"---\nurl: '/learn/a/questions/b' \r\n", "/learn/a/questions/b"),
        (b'---\nurl: "/learn/a/questions/b\n', None),  # unclosed: parsing refuses it
    ],
)
def test_the_scan_finds_the_url_on_a_line_of_its_own(data, url):
    assert find_url(data) == url


@pytest.mark.parametrize(("count", "largest"), [(0, 285), (1, 285), (1234, 285), (500, 8000), (4096, 4096)])
def test_statements_come_in_a_few_lengths(count, largest):
    parts = list(power_of_two_parts(list(range(count)), largest))
    assert [item for part in parts for item in part] == list(range(count))
    assert all(len(part) & (len(part) - 1) == 0 and len(part) <= largest for part in parts)
    assert len({len(part) for part in parts}) <= largest.bit_length()  # a dozen statement shapes at most


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities here")
def test_workers_yield_the_cpu_to_the_writer():
    with worker_pool(2, PARALLEL_FILES) as pool:
        niceness = list(pool.imap(os.nice, [0, 0], 1))
    assert all(nice > os.nice(0) for nice in niceness)  # lower priority than the writer (and gunicorn)


def rows_the_planner_knows():
    """How many articles the database's planner statistics say there are (None before any)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles_article'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return None
            cursor.execute("SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE tbl = 'articles_article'")
        row = cursor.fetchone()
        return None if row is None or row[0] is None or row[0] < 0 else int(row[0])


def test_planner_statistics_are_refreshed_during_a_long_import(tmp_path):
    # Pages served during a long import are planned for the tables as they are, not as they were.
    for index in range(1_200):
        write_source(tmp_path, slug=f"q{index}", question=f"Question {index}?")
    known = []
    importer = Importer(batch_size=250, progress=lambda done, total: known.append(rows_the_planner_knows()))
    importer.run(find_source_files([tmp_path]))
    # The last batch's progress comes before the end of the run: the refresh at a thousand articles.
    assert known[-1] == 1_000
    at_the_end = rows_the_planner_knows()  # refreshed again (sampled: SQLite estimates past 1,000 rows)
    assert at_the_end != 1_000
    Article.objects.all().delete()
    Importer(batch_size=250, dry_run=True).run(find_source_files([tmp_path]))
    assert rows_the_planner_knows() == at_the_end  # a dry run writes nothing, statistics included


def test_planner_statistics_know_the_table_sizes(tmp_path):
    for index in range(3):
        write_source(tmp_path, slug=f"q{index}", question=f"Question {index}?")
    import_paths([tmp_path])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles_article'")
        else:
            cursor.execute("SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE tbl = 'articles_article'")
        assert cursor.fetchone()[0] == 3
