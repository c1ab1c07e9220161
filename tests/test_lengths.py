"""Every length the database has is checked by the source layer, on every backend: an over-long value
refuses its file by name, and the other files of its batch import."""

import pytest

from articles.importing.importer import import_paths
from articles.models import Article, Keyword, Relation, Subject
from articles.source import SourceError, parse_source
from articles.source.fields import FIELDS
from tests.sources import source_text, write_source

pytestmark = pytest.mark.django_db

LONG_SUBJECT = "Long " * 30  # its slug is 149 characters: over a subject slug's 100


def replaced(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


# (what, how to make the file's text over-long)
OVER_LONG = [
    ("date_format", lambda t: replaced(t, "date_format: MMM DD, YYYY", "date_format: " + "Y" * 101)),
    ("_schema", lambda t: replaced(t, "_schema: default", "_schema: " + "s" * 101)),
    ("author", lambda t: replaced(t, "author: QuickTakes", "author: " + "a" * 201)),
    ("post_on_text", lambda t: replaced(t, "post_on_text: Posted on", "post_on_text: " + "p" * 201)),
    ("seo.title", lambda t: replaced(t, "  title: QuickTakes | Computer Science", "  title: " + "t" * 501)),
    ("question", lambda t: replaced(t, "question: >-\n    What is a test?", "question: " + "q" * 501)),
    ("keyword slug", lambda t: replaced(t, "testing,software", "testing,software," + "\ufdfa" * 20)),
    ("keyword name", lambda t: replaced(t, "testing,software", "testing,software," + "k" * 201)),
    (
        "related url",
        lambda t: replaced(
            t, "score: -1.0", "score: -1.0\nrelated_article1:\n    url: /learn/x/questions/" + "u" * 400
        ),
    ),
    (
        "related title",
        lambda t: replaced(
            t,
            "score: -1.0",
            "score: -1.0\nrelated_article1:\n    title: " + "t" * 501 + "\n    url: /learn/x/questions/y",
        ),
    ),
]


@pytest.mark.parametrize(("what", "make"), OVER_LONG, ids=[what for what, _ in OVER_LONG])
def test_an_over_long_value_refuses_its_file_and_the_batch_imports(tmp_path, what, make):
    for index in range(3):
        write_source(tmp_path, slug=f"good-{index}")
    bad = tmp_path / "bad.md"
    bad.write_text(make(source_text(slug="bad")), encoding="utf-8")
    result = import_paths([tmp_path], batch_size=4)
    [refused] = result.refused
    assert refused.path == str(bad)
    assert "over the limit" in refused.reason
    assert result.created == 3
    assert not Article.objects.filter(slug="bad").exists()


def test_a_subject_whose_slug_is_over_long_is_refused(tmp_path):
    slug = "-".join(LONG_SUBJECT.lower().split())
    text = source_text(slug="a", subject=LONG_SUBJECT.strip(), subject_slug=slug)
    with pytest.raises(SourceError, match="subject's slug is 149 characters, over the limit of 100"):
        parse_source(text.encode())


def test_the_source_layer_knows_every_length_the_database_has():
    """The field table's lengths are the columns' own; a column added without one fails here."""
    columns = {field.column: field.max_length for field in FIELDS}
    for model_field in Article._meta.get_fields():
        if getattr(model_field, "max_length", None) and model_field.name in columns:
            assert columns[model_field.name] == model_field.max_length, model_field.name
    text_columns = {f.name for f in Article._meta.get_fields() if f.get_internal_type() == "CharField"}
    site_owned = {"url", "source_path", "file_hash", "importer_version", "status"}
    assert text_columns - site_owned <= set(columns)
    assert Subject._meta.get_field("slug").max_length == 100
    assert Keyword._meta.get_field("slug").max_length == Keyword._meta.get_field("name").max_length == 200
    assert Relation._meta.get_field("target_title").max_length == 500
