"""The import_articles command, through call_command."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from articles.models import Article, Relation, Subject
from articles.source import decode_answer
from tests.sources import DATA, SAMPLE, write_source

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_summary_names_every_count(tmp_path):
    write_source(tmp_path, slug="a")
    out, err = run(tmp_path)
    assert "created 1, updated 0, unchanged 0, refused 0, conflicts 0" in out
    assert "relations resolved 0, dangling 0" in out
    assert err == ""
    out, _ = run(tmp_path)
    assert "unchanged 1" in out and "Nothing changed." in out


def test_refusals_go_to_stderr_and_fail_the_command(tmp_path):
    write_source(tmp_path, slug="a")
    with pytest.raises(CommandError, match="3 file"):
        run(
            tmp_path,
            DATA / "bad" / "no-front-matter.md",
            DATA / "bad" / "text-id.md",
            DATA / "bad" / "oversized.md",
        )
    assert Article.objects.count() == 1


def test_refusal_message_names_file_and_reason(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_articles", str(DATA / "bad" / "impossible-date.md"), stdout=io.StringIO(), stderr=err
        )
    assert "impossible-date.md" in err.getvalue()
    assert "day is out of range for month" in err.getvalue()


def test_verbosity_zero_prints_only_errors(tmp_path):
    write_source(tmp_path, slug="a")
    out, err = run(tmp_path, verbosity=0)
    assert (out, err) == ("", "")


def test_dry_run_says_so_and_writes_nothing(tmp_path):
    write_source(tmp_path, slug="a")
    out, _ = run(tmp_path, dry_run=True)
    assert "Dry run" in out and "created 1" in out
    assert not Article.objects.exists()


def test_fixtures_import_with_resolved_relations():
    out, _ = run(DATA.parent.parent / "fixtures")
    assert "refused 0" in out
    assert Relation.objects.filter(target__isnull=False).exists()


@pytest.mark.corpus
def test_whole_sample_corpus_imports_faithfully():
    if not SAMPLE.exists():
        pytest.skip("../shared/corpus is not here")
    files = sorted(SAMPLE.glob("*.md"))
    out, err = run(SAMPLE)
    assert err == ""
    assert f"created {len(files)}, updated 0, unchanged 0, refused 0" in out
    assert Subject.objects.count() == 40
    by_url = {article.url: article for article in Article.objects.all()}
    assert len(by_url) == len(files)
    for path in files:
        front = path.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n")
        values = yaml.load(front, Loader=yaml.CSafeLoader)
        article = by_url[values["url"]]
        assert article.source_id == values["id"]
        assert article.question == values["question"]
        assert article.title == values["title"]
        assert article.seo_description == values["seo"]["page_description"]
        assert article.date == values["date"]
        assert article.no_index == values.get("no_index", False)
        assert article.answer_source == values["answer"]
        assert article.answer == decode_answer(values["answer"])
        assert article.source_text == path.read_text(encoding="utf-8")
    assert "\\n" not in by_url[
        "/learn/biology/questions/how-do-ribose-and-deoxyribose-sugars-differ-structurally"
    ].answer.replace("\\nu", "")
    out, _ = run(SAMPLE)
    assert f"unchanged {len(files)}" in out


def test_render_articles_rerenders_every_answer(tmp_path):
    write_source(tmp_path, slug="a")
    write_source(tmp_path, slug="b")
    run(tmp_path)
    Article.objects.update(answer_html="stale")
    out = io.StringIO()
    call_command("render_articles", stdout=out)
    assert "Rendered 2 articles" in out.getvalue()
    assert not Article.objects.filter(answer_html="stale").exists()


def test_render_articles_names_an_answer_the_renderer_now_refuses_and_renders_the_rest(tmp_path):
    write_source(tmp_path, slug="a")
    write_source(tmp_path, slug="b")
    run(tmp_path)
    Article.objects.update(answer_html="stale")
    Article.objects.filter(slug="b").update(answer="> " * 100 + "too deep")  # stored by an older version
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 answer"):
        call_command("render_articles", stdout=out, stderr=err)
    assert "refused /learn/computer-science/questions/b" in err.getvalue()
    assert Article.objects.get(slug="a").answer_html != "stale"
    assert Article.objects.get(slug="b").answer_html == "stale"
