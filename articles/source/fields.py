"""The table of a source file's fields: where the file keeps each, which record attribute and column
hold it, whether the admin edits it, and the longest value the database stores.

One table drives reading a file (lengths), writing the row (``file_values``), telling an admin edit
(``ADMIN_FIELDS``) and export (``KEY_ORDER`` and the values merged into an edited file). A new
front-matter field is a row here, a migration, the admin form and a template.
"""

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    column: str  # the Article field
    attribute: str  # the SourceRecord attribute
    key: tuple = ()  # where the file keeps it: ("question",), ("seo", "title"); () when derived
    admin: bool = False  # an admin change to it is an edit (the file owns it)
    max_length: int | None = None  # characters the column holds (None: unbounded text or not text)
    optional: bool = False  # written to an edited file only when set, or when the file had the key


URL_LENGTH = 400
SLUG_LENGTH = 300
TITLE_LENGTH = 500
SHORT_LENGTH = 100  # _schema, date_format
NAME_LENGTH = 200  # subject, author, post_on_text, keyword names and slugs
SUBJECT_SLUG_LENGTH = 100

# In the format's key order (FORMAT.md): export writes new keys in this order.
FIELDS = (
    Field("schema", "schema", ("_schema",), max_length=SHORT_LENGTH),
    Field("source_id", "source_id", ("id",)),
    Field("date", "date", ("date",), admin=True),
    Field("title", "title", ("title",), admin=True, max_length=TITLE_LENGTH),
    Field("article_title", "article_title", ("article_title",), admin=True, max_length=TITLE_LENGTH),
    Field("date_format", "date_format", ("date_format",), max_length=SHORT_LENGTH),
    Field("post_on_text", "post_on_text", ("post_on_text",), max_length=NAME_LENGTH),
    Field("seo_title", "seo_title", ("seo", "title"), admin=True, max_length=TITLE_LENGTH, optional=True),
    Field("seo_description", "seo_description", ("seo", "page_description"), admin=True, optional=True),
    Field("seo_keywords", "seo_keywords", ("seo", "page_keywords"), admin=True, optional=True),
    Field("author", "author", ("author",), max_length=NAME_LENGTH),
    Field("question", "question", ("question",), admin=True, max_length=TITLE_LENGTH),
    Field("no_index", "no_index", ("no_index",), admin=True, optional=True),
    Field("answer_source", "answer_source", ("answer",)),
    Field("source_subject", "subject_name", ("subject",), max_length=NAME_LENGTH),
    Field("file_name", "file_name", ("file_name",), max_length=SLUG_LENGTH + 3),
    Field("url", "url", ("url",), max_length=URL_LENGTH),
    Field("score", "score", ("score",), optional=True),
    # Derived from the file's values, stored beside them.
    Field("slug", "slug", admin=True, max_length=SLUG_LENGTH),
    Field("answer", "answer", admin=True),
)
BY_COLUMN = {field.column: field for field in FIELDS}
# The admin edits these file-owned fields (the subject too, as a choice of Subject): changing one is an edit.
ADMIN_FIELDS = [field.column for field in FIELDS if field.admin]
# The format's top-level keys in order; related_articleN, unknown keys and publishing come after.
KEY_ORDER = list(dict.fromkeys(field.key[0] for field in FIELDS if field.key))
# Where the row's values come from when a file is written to it (the url only when it is created).
ROW_FIELDS = [field for field in FIELDS if field.column != "url"]
# Follows the table: a change to it changes the importer's version, so every file is applied again.
FIELDS_VERSION = hashlib.sha256(repr(FIELDS).encode()).hexdigest()[:8]


def file_values(record, answer_html, subject_id, now):
    """The column values a source file owns, by field name."""
    values = {field.column: getattr(record, field.attribute) for field in ROW_FIELDS}
    values.update(
        subject=subject_id,
        answer_html=answer_html,
        source_path=record.path,
        source_text=record.source_text,
        file_hash=record.file_hash,
        edited=False,
    )
    return values


def over_length(record):
    """(what, length, limit) for the first value of ``record`` longer than the database stores, or None.

    Keywords are checked as they are split (articles.source.split_keywords). Every backend is held to the
    columns' lengths: SQLite would store a longer value silently, and the
    same file would then fail on PostgreSQL, taking its batch with it.
    """
    for field in FIELDS:
        value = getattr(record, field.attribute)
        if field.max_length and isinstance(value, str) and len(value) > field.max_length:
            return f"'{'.'.join(field.key) or field.column}'", len(value), field.max_length
    if len(record.subject_slug) > SUBJECT_SLUG_LENGTH:
        return "the subject's slug", len(record.subject_slug), SUBJECT_SLUG_LENGTH
    for number, entry in enumerate(record.related, start=1):
        for what, value, limit in (
            ("url", entry.url, URL_LENGTH),
            ("title", entry.title, TITLE_LENGTH),
            ("subject", entry.subject, NAME_LENGTH),
        ):
            if len(value) > limit:
                return f"related article {number}'s {what}", len(value), limit
    return None
