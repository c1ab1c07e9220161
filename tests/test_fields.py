"""Every row of the field table walks the whole path: a file's value is stored on import, an admin change
to it counts as an edit exactly when the table says the admin edits it, and export writes the changed
value back where the file keeps it. A field left out of any step fails here."""

import datetime

import pytest

from articles.editorial import editing
from articles.importing.as_file import export_text
from articles.importing.importer import import_paths
from articles.models import Article
from articles.source import parse_source
from articles.source.fields import FIELDS, KEY_ORDER
from tests.sources import write_source

pytestmark = pytest.mark.django_db

# A value for each column unlike the one tests.sources writes; the place fields move with the slug.
EDITED = {
    "schema": "faq",
    "source_id": 4242,
    "date": datetime.date(2023, 1, 2),
    "title": "An edited title",
    "article_title": "An edited article title",
    "date_format": "DD MMM YYYY",
    "post_on_text": "Written on",
    "seo_title": "An edited SEO title",
    "seo_description": "An edited description",
    "seo_keywords": "alpha, beta",
    "author": "Someone Else",
    "question": "An edited question?",
    "no_index": True,
    "answer_source": r"First line\n\nSecond line",
    "source_subject": "computer science",
    "score": 0.5,
    "slug": "an-edited-slug",
    "answer": "An edited **answer**.",
}
MOVES_WITH_THE_SLUG = {"url", "file_name"}


def imported(tmp_path):
    write_source(tmp_path, slug="a")
    import_paths([tmp_path])
    return Article.objects.select_related("subject").get()


def test_every_field_of_the_file_is_stored_on_import(tmp_path):
    article = imported(tmp_path)
    record = parse_source(article.source_text.encode())
    for field in FIELDS:
        assert getattr(article, field.column) == getattr(record, field.attribute), field.column


def test_every_field_has_an_edited_value_here():
    assert set(EDITED) | MOVES_WITH_THE_SLUG == {field.column for field in FIELDS}


@pytest.mark.parametrize("field", [f for f in FIELDS if f.column in EDITED], ids=lambda field: field.column)
def test_an_edit_of_the_field_is_exported_where_the_file_keeps_it(tmp_path, field):
    article = imported(tmp_path)
    value = EDITED[field.column]
    setattr(article, field.column, value)
    if field.admin:
        assert field.column in editing.save_article(article)  # the admin's change counts as an edit
    else:
        # Not edited in the admin: set as a migration or a later format version would set it.
        Article.objects.filter(pk=article.pk).update(**{field.column: value}, edited=True)
    article = Article.objects.select_related("subject").get()
    assert article.edited
    record = parse_source(export_text(article).encode())
    assert getattr(record, field.attribute) == value
    if field.column == "slug":
        assert (record.url, record.file_name) == (article.url, "an-edited-slug.md")


def test_export_writes_the_keys_in_the_table_order(tmp_path):
    article = imported(tmp_path)
    article.question = "Changed?"
    editing.save_article(article)
    text = export_text(Article.objects.get())
    top_keys = [line.split(":")[0] for line in text.splitlines()[1:] if line[:1].isalpha() or line[:1] == "_"]
    known = [key for key in top_keys if key in KEY_ORDER]
    assert known == sorted(known, key=KEY_ORDER.index)
