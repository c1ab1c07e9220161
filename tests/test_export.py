"""export_articles: files back out of the database, byte for byte when unedited, and round trips."""

import datetime
import io
import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.editorial import editing
from articles.importing.as_file import export_text, matches_export, read_layout
from articles.importing.emitter import emit, emit_scalar
from articles.importing.importer import import_paths
from articles.importing.redirects_file import REDIRECTS_FILE, import_redirects
from articles.models import Article, ArticleKeyword, Keyword, Redirect, Relation, Subject
from articles.source import parse_source
from tests.sources import DATA, SAMPLE, source_text, write_source

pytestmark = pytest.mark.django_db

A = "/learn/computer-science/questions/a"
B = "/learn/computer-science/questions/b"


def export(directory, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_articles", str(directory), *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


def exported(directory, url):
    subject, slug = url.split("/")[2], url.split("/")[4]
    return (directory / subject / f"{slug}.md").read_text(encoding="utf-8")


def front(text):
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


def site_state():
    """What a visitor and an editor see of every article: enough to compare two databases."""
    fields = (
        "url", "subject__slug", "question", "title", "answer", "answer_html", "seo_title", "seo_description",
        "seo_keywords", "no_index", "date", "status", "publish_at", "source_id", "file_name",
    )  # fmt: skip
    articles = {row[0]: [*row[1:], [], []] for row in Article.objects.values_list(*fields)}
    relations = Relation.objects.order_by("source", "position").values_list(
        "source__url", "target_url", "target__url"
    )
    for source_url, target_url, target in relations:
        articles[source_url][-2].append((target_url, target))
    for url, slug in ArticleKeyword.objects.order_by("tag__slug").values_list(
        "content_object__url", "tag__slug"
    ):
        articles[url][-1].append(slug)
    redirects = sorted(Redirect.objects.values_list("old_url", "article__url"))
    return articles, redirects


def empty_database():
    Redirect.objects.all().delete()
    Article.objects.all().delete()
    Subject.objects.all().delete()
    Keyword.objects.all().delete()


# -- the emitter ---------------------------------------------------------------------------------


def test_emitter_writes_the_format_style():
    values = {
        "id": -13,
        "date": datetime.date(2024, 12, 25),
        "title": "What is a test?",
        "seo": {"title": "QuickTakes | Testing", "page_keywords": "a,b"},
        "no_index": True,
        "answer": r"Line one.\n\n- item",
        "score": -1.0,
        "related_article1": {"id": 2, "title": "B?", "subject": "Testing", "url": B},
    }
    assert emit(values) == (
        "id: -13\n"
        "date: 2024-12-25\n"
        "title: >-\n    What is a test?\n"
        "seo:\n  title: QuickTakes | Testing\n  page_keywords: >-\n    a,b\n"
        "no_index: True\n"
        "answer: >-\n    Line one.\\n\\n- item\n"
        "score: -1.0\n"
        f"related_article1:\n    id: 2\n    title: >-\n        B?\n    subject: Testing\n    url: {B}\n"
    )


@pytest.mark.parametrize(
    "value",
    [
        "What is 1: 2?",
        "True",
        "2024-01-01",
        "  leading space",
        "line\nbreak",
        "# hash",
        'it\'s "quoted"',
        "",
        "-",
    ],
)
def test_emitter_falls_back_to_a_style_that_holds_the_value(value):
    for style in ("plain", "folded"):
        text = emit({"title": value}, {("title",): style})
        assert yaml.safe_load(text) == {"title": value}


def test_emitter_dates_and_times_load_back_as_themselves():
    moment = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert emit_scalar(moment) == ("plain", "2030-01-02T03:04:05Z")
    assert yaml.safe_load(emit({"at": moment})) == {"at": moment}


@pytest.mark.corpus
def test_emitting_the_parsed_values_of_every_sample_file_gives_the_file_byte_for_byte():
    if not SAMPLE.exists():
        pytest.skip("../shared/corpus is not here")
    files = sorted(SAMPLE.glob("*.md"))
    assert len(files) > 3000
    for path in files:
        text = path.read_bytes().decode("utf-8")
        layout = read_layout(text)
        # No original lines reused: every key goes through the emitter.
        assert (
            layout.opening + emit(layout.values, layout.styles) + layout.trailer + layout.closing == text
        ), path


# -- one article ---------------------------------------------------------------------------------


def import_one(tmp_path, **fields):
    write_source(tmp_path, **fields)
    import_paths([tmp_path])
    return Article.objects.get(slug=fields.get("slug", "what-is-a-test"))


def test_unedited_article_exports_as_its_file_exactly(tmp_path):
    path = write_source(tmp_path / "in", slug="a", related=[("b", "computer-science", "B?")] * 2)
    import_paths([path])
    export(tmp_path / "out")
    assert (tmp_path / "out" / "computer-science" / "a.md").read_bytes() == path.read_bytes()


def test_unknown_keys_and_crlf_and_folded_scalars_survive_an_edit(tmp_path):
    shutil.copy(DATA / "good" / "unknown-key.md", tmp_path / "unknown-key.md")
    import_paths([tmp_path])
    article = Article.objects.get()
    original = article.source_text
    article.answer = "A new answer.\n\n1. **One**: first."
    editing.save_article(article)
    text = export_text(Article.objects.get())
    assert text.replace("    A new answer.\\n\\n1. **One**: first.", "") == original.replace(
        "    A test checks behaviour.\\n\\n### Why\\n\\n1. **Safety**: it catches regressions.", ""
    )
    assert front(text)["reviewer"] == "Ada" and front(text)["flags"] == ["fresh"]


def test_an_edit_changes_only_its_own_lines(tmp_path):
    article = import_one(
        tmp_path,
        slug="a",
        question="Old?",
        related=[("b", "computer-science", "B?"), ("b", "computer-science", "B?")],
    )
    original = article.source_text.splitlines()
    article.question = "New?"
    editing.save_article(article)
    lines = export_text(Article.objects.get(pk=article.pk)).splitlines()
    assert len(lines) == len(original)
    changed = [(old, new) for old, new in zip(original, lines, strict=True) if old != new]
    assert changed == [("    Old?", "    New?")]  # the question; title and article_title are the file's
    assert lines.count("related_article2:") == 1  # the duplicate entry is kept as the file had it


def test_edited_answer_is_written_with_its_newlines_encoded_and_reads_back_the_same(tmp_path):
    article = import_one(tmp_path, slug="a")
    article.answer = 'Intro with $q \\neq 0$.\n\n```c\nprintf("%d\\n", x);\n```\n\nEnd.'
    editing.save_article(article)
    record = parse_source(export_text(Article.objects.get()).encode())
    assert record.answer == article.answer
    assert "\n" not in record.answer_source


def test_edited_relations_are_written_as_numbered_entries(tmp_path):
    write_source(tmp_path, slug="b", question="B?")
    write_source(tmp_path, slug="c", question="C?")
    article = import_one(
        tmp_path, slug="a", related=[("b", "computer-science", "B?"), ("gone", "computer-science", "X?")]
    )
    editing.set_relations(article, [{"target_url": "", "target": Article.objects.get(slug="c")}])
    values = front(export_text(Article.objects.get(pk=article.pk)))
    assert [key for key in values if key.startswith("related")] == ["related_article1"]
    assert values["related_article1"] == {
        "id": 1001,
        "title": "C?",
        "subject": "Computer Science",
        "url": "/learn/computer-science/questions/c",
    }


def test_article_created_in_the_admin_is_written_with_the_format_keys(tmp_path):
    subject = Subject.objects.create(slug="medicine", name="Medicine")
    article = Article(
        subject=subject, question="Is it new?", answer="Yes.\n\nVery.", seo_keywords="new, fresh"
    )
    editing.save_article(article)
    text = export_text(article)
    values = front(text)
    assert list(values) == [
        "_schema", "id", "date", "title", "article_title", "date_format", "post_on_text", "seo", "author",
        "question", "answer", "subject", "file_name", "url", "publishing",
    ]  # fmt: skip
    assert list(values["seo"]) == ["title", "page_description", "page_keywords"]
    assert text.endswith("---\n\n&nbsp;")
    record = parse_source(text.encode())
    assert (record.url, record.question, record.answer) == (article.url, "Is it new?", "Yes.\n\nVery.")
    assert values["publishing"] == {"status": "published", "publish_at": article.publish_at}


def test_an_exported_file_matches_its_article_until_the_next_edit(tmp_path):
    article = import_one(tmp_path, slug="a")
    article.answer = "Edited."
    editing.save_article(article)
    text = export_text(Article.objects.get())
    assert matches_export(article.pk, text)
    assert not matches_export(article.pk, article.source_text)
    article.question = "Edited again?"
    editing.save_article(article)
    assert not matches_export(article.pk, text)


def test_state_that_is_not_the_default_travels_in_a_publishing_key(tmp_path):
    article = import_one(tmp_path, slug="a")
    assert "publishing" not in export_text(article)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert front(export_text(Article.objects.get()))["publishing"] == {"status": "draft"}
    later = datetime.datetime(2031, 5, 6, 7, 8, tzinfo=datetime.UTC)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED, publish_at=later)
    text = export_text(Article.objects.get())
    assert front(text)["publishing"] == {"status": "published", "publish_at": later}
    assert text.replace("publishing:\n    status: published\n    publish_at: 2031-05-06T07:08:00Z\n", "") == (
        article.source_text
    )


def test_publishing_state_reads_what_export_writes(tmp_path):
    article = import_one(tmp_path, slug="a")
    later = datetime.datetime(2031, 5, 6, 7, 8, tzinfo=datetime.UTC)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT, publish_at=later)
    record = parse_source(export_text(Article.objects.get()).encode())
    assert record.publishing == ("draft", later)
    hidden = export_text(Article.objects.get()).replace("status: draft", "status: hidden")
    with pytest.raises(Exception, match="publishing.status"):
        parse_source(hidden.encode())
    assert parse_source(source_text().encode()).publishing is None


# -- the command ---------------------------------------------------------------------------------


def test_command_writes_subject_folders_and_redirects(tmp_path):
    write_source(tmp_path / "in", slug="a")
    write_source(tmp_path / "in", slug="m", subject="Medicine", subject_slug="medicine")
    import_paths([tmp_path / "in"])
    article = Article.objects.get(slug="a")
    article.slug = "a2"
    editing.save_article(article)
    out = export(tmp_path / "out")
    assert "Exported 2 article(s) (1 with edits merged in) and 1 redirect(s)" in out
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*")) == [
        REDIRECTS_FILE, "computer-science/a2.md", "medicine/m.md",
    ]  # fmt: skip
    assert yaml.safe_load((tmp_path / "out" / REDIRECTS_FILE).read_text()) == {
        A: "/learn/computer-science/questions/a2"
    }


def test_subject_and_since_limit_what_is_written(tmp_path):
    write_source(tmp_path / "in", slug="a")
    write_source(tmp_path / "in", slug="m", subject="Medicine", subject_slug="medicine")
    import_paths([tmp_path / "in"])
    export(tmp_path / "one", "--subject", "medicine")
    assert [p.name for p in (tmp_path / "one").rglob("*.md")] == ["m.md"]
    Article.objects.update(content_changed_at=timezone.now() - datetime.timedelta(days=10))
    article = Article.objects.get(slug="a")
    article.question = "Changed?"
    editing.save_article(article)
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    export(tmp_path / "two", "--since", since)
    assert [p.name for p in (tmp_path / "two").rglob("*.md")] == ["a.md"]
    editing.unpublish(Article.objects.filter(slug="m"))  # a publishing change counts too
    export(tmp_path / "three", "--since", since)
    assert sorted(p.name for p in (tmp_path / "three").rglob("*.md")) == ["a.md", "m.md"]
    with pytest.raises(CommandError):
        call_command("export_articles", str(tmp_path / "four"), "--since", "yesterday", stderr=io.StringIO())


def test_redirects_file_imports_back_and_resolves_waiting_relations(tmp_path):
    write_source(tmp_path / "in", slug="a2")
    write_source(tmp_path / "in", slug="c", related=[("a", "computer-science", "A?")])
    import_paths([tmp_path / "in"])
    assert Relation.objects.get().target is None
    (tmp_path / REDIRECTS_FILE).write_text(f"{A}: /learn/computer-science/questions/a2\n/x: /nowhere\n")
    result = import_redirects(tmp_path / REDIRECTS_FILE)
    assert (result.created, result.relations_resolved, len(result.refused)) == (1, 1, 1)
    assert Relation.objects.get().target == Article.objects.get(slug="a2")
    assert import_redirects(tmp_path / REDIRECTS_FILE).unchanged == 1


def test_a_redirect_over_a_live_article_is_refused(tmp_path):
    write_source(tmp_path, slug="a")
    write_source(tmp_path, slug="b")
    import_paths([tmp_path])
    (tmp_path / REDIRECTS_FILE).write_text(f"{A}: {B}\n")
    result = import_redirects(tmp_path / REDIRECTS_FILE)
    assert result.created == 0 and "an article lives at the old url" in result.refused[0]


# -- round trips ---------------------------------------------------------------------------------


def make_site_edits():
    """Edits of every kind an editor makes, on whatever articles there are."""
    articles = list(Article.objects.order_by("url")[:8])
    first, second, third, fourth, fifth, sixth = articles[:6]
    first.answer = first.answer + "\n\nAn editor's note with `code` and $x \\neq y$."
    editing.save_article(first)
    second.slug = second.slug + "-moved"
    editing.save_article(second)
    editing.unpublish(Article.objects.filter(pk=third.pk))
    Article.objects.filter(pk=fourth.pk).update(publish_at=timezone.now() + datetime.timedelta(days=30))
    editing.remove(Article.objects.filter(pk=fifth.pk))
    Redirect.objects.create(old_url=fifth.url, article=first)  # a removed article's url, redirected
    editing.set_no_index(Article.objects.filter(pk=sixth.pk), True)
    created = Article(subject=first.subject, question="Created in the admin?", answer="Yes.\n\n- one\n- two")
    editing.save_article(created)
    editing.set_relations(created, [{"target_url": "", "target": first}])


def test_export_into_an_empty_database_reproduces_the_site(tmp_path):
    call_command("import_articles", str(DATA.parent.parent / "fixtures"), stdout=io.StringIO())
    make_site_edits()
    before = site_state()
    export(tmp_path / "out")
    empty_database()
    call_command("import_articles", str(tmp_path / "out"), stdout=io.StringIO())
    assert site_state() == before


@pytest.mark.corpus
def test_both_round_trips_over_the_whole_sample_corpus(tmp_path):
    if not SAMPLE.exists():
        pytest.skip("../shared/corpus is not here")
    files = sorted(SAMPLE.glob("*.md"))
    result = import_paths([SAMPLE])
    assert result.created == len(files)
    # Files -> database -> files: every unedited article is its file, byte for byte.
    export(tmp_path / "first")
    for path in files:
        url = front(path.read_text(encoding="utf-8"))["url"]
        assert exported(tmp_path / "first", url).encode("utf-8") == path.read_bytes(), path
    # Database (with edits, drafts, a schedule, a removal, a move) -> files -> an empty database.
    make_site_edits()
    before = site_state()
    export(tmp_path / "second")
    empty_database()
    out = io.StringIO()
    call_command("import_articles", str(tmp_path / "second"), stdout=out)
    assert f"created {len(files) + 1}, updated 0" in out.getvalue()
    assert site_state() == before


# -- hostile YAML ---------------------------------------------------------------------------------


def laughs(levels):
    lines = ["laughs:", '  a0: &a0 "lol"']
    lines += [f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines)


def test_an_alias_bomb_in_an_unknown_key_is_refused_not_imported(tmp_path):
    # Imported, it made export_articles and a re-import over an edit walk a billion values.
    path = write_source(tmp_path, extra=laughs(10))
    (refusal,) = import_paths([tmp_path]).refused
    assert refusal.path == str(path) and "aliases repeat" in refusal.reason
    assert not Article.objects.exists()


def test_a_stored_text_the_loader_now_refuses_exports_from_the_articles_fields(tmp_path):
    # An article imported before the bound: its file is written as one made in the admin, at once.
    article = import_one(tmp_path, slug="a")
    Article.objects.filter(pk=article.pk).update(
        source_text=source_text(slug="a", extra=laughs(6)), edited=True, question="Edited?"
    )
    text = export_text(Article.objects.get(pk=article.pk))
    assert "laughs" not in text and front(text)["question"] == "Edited?"


def test_a_redirects_file_with_an_alias_bomb_or_deep_nesting_is_refused_by_reason(tmp_path):
    redirects = tmp_path / REDIRECTS_FILE
    redirects.write_text(laughs(6) + f"\n{A}: *a5\n")
    (reason,) = import_redirects(redirects).refused
    assert reason.startswith("cannot read redirects: aliases repeat")
    redirects.write_text(f"{A}: " + "[" * 1_000 + "]" * 1_000 + "\n")
    (reason,) = import_redirects(redirects).refused
    assert reason.startswith("cannot read redirects: lists and mappings nest more than 64 levels deep")
    assert not Redirect.objects.exists()
