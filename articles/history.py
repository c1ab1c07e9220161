"""An article's revisions: what one holds, and writing many at once. Stored by django-reversion.

Beneath both the importer (a run keeps a revision of every article it creates or changes) and the
editorial tools (every admin save, bulk action, move and restore keeps one; the history pages read them).

A revision holds the fields the file owns and the publishing state, and the related articles' urls in
the file's order. Not the stored copies of the file (``source_text``, ``answer_source``) nor the rendered
answer: they follow from these fields, and leaving them out keeps a revision to a third of the row, so a
full first import keeps one for every article within a few seconds (bench/NOTES.md).

Versions are written as reversion's own rows (one Revision, a Version per article, its ``serialized_data``
in Django's JSON serialization), in bulk: reversion's per-object API serializes each article through
Django's serializer, far too slow for 35,000 articles at once. Reversion reads them as its own
(``Version.field_dict``), since ``Article`` is registered with these fields.
"""

import datetime
import json

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from reversion.models import Revision, Version

from .models import Article, Relation
from .source.fields import FIELDS

# The file's fields (its encoded answer aside) and the publishing state.
FIELD_NAMES = [field.column for field in FIELDS if field.column != "answer_source"]
REVISION_FIELDS = [*FIELD_NAMES, "subject", "status", "publish_at"]
RELATED = "related"  # not a column: the related articles' urls, in order
VERSION_COLUMNS = ["revision", "object_id", "content_type", "db", "format", "serialized_data", "object_repr"]
REPR_LENGTH = 200

reversion.register(Article, fields=REVISION_FIELDS, format="json")


def plain(value):
    """A value as Django's JSON serializer writes it (dates in ISO 8601)."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def snapshot(values, related_urls):
    """A revision's content from column values by field name (``subject`` the subject's id)."""
    fields = {name: plain(values[name]) for name in REVISION_FIELDS}
    fields[RELATED] = list(related_urls)
    return fields


def current_snapshots(ids):
    """{article id: its snapshot as stored now}."""
    ids = list(ids)
    related = {pk: [] for pk in ids}
    for source_id, url in (
        Relation.objects.filter(source_id__in=ids)
        .order_by("source_id", "position")
        .values_list("source_id", "target_url")
    ):
        related[source_id].append(url)
    rows = Article.objects.filter(pk__in=ids).values("id", *REVISION_FIELDS)
    return {row["id"]: snapshot(row, related[row["id"]]) for row in rows}


def new_revision(comment, user=None, when=None):
    return Revision.objects.create(date_created=when or timezone.now(), user=user, comment=comment)


def version_rows(revision_id, snapshots):
    """The Version rows (in ``VERSION_COLUMNS`` order) of ``snapshots`` ({id: snapshot})."""
    content_type = ContentType.objects.get_for_model(Article).pk
    model = Article._meta.label_lower
    return [
        (
            revision_id,
            str(pk),
            content_type,
            DEFAULT_DB_ALIAS,
            "json",
            json.dumps([{"model": model, "pk": pk, "fields": fields}], ensure_ascii=False),
            fields["question"][:REPR_LENGTH],
        )
        for pk, fields in snapshots.items()
    ]


def record(ids, comment, user=None):
    """Keep a revision of the articles ``ids`` as they are now; return it (None when there are none)."""
    snapshots = current_snapshots(ids)
    if not snapshots:
        return None
    revision = new_revision(comment, user)
    insert_versions(revision, snapshots)
    return revision


def insert_versions(revision, snapshots):
    """Versions of ``snapshots`` in ``revision``, through the ORM (the importer writes its own in bulk)."""
    versions = []
    for row in version_rows(revision.pk, snapshots):
        values = dict(zip(VERSION_COLUMNS, row, strict=True))
        values["revision_id"] = values.pop("revision")
        values["content_type_id"] = values.pop("content_type")
        versions.append(Version(**values))
    Version.objects.bulk_create(versions, batch_size=500)


def ensure_baseline(ids, comment):
    """Keep a revision of those of ``ids`` that have none yet (articles stored before revisions were
    kept), so that the change about to be made has a state to go back to."""
    ids = [str(pk) for pk in ids]
    if not ids:
        return None
    content_type = ContentType.objects.get_for_model(Article)
    known = set(
        Version.objects.filter(content_type=content_type, db=DEFAULT_DB_ALIAS, object_id__in=ids).values_list(
            "object_id", flat=True
        )
    )
    missing = [int(pk) for pk in ids if pk not in known]
    return record(missing, comment) if missing else None


def versions_of(article_id):
    """The article's versions, newest first, with their revisions."""
    return (
        Version.objects.get_for_object_reference(Article, article_id)
        .select_related("revision", "revision__user")
        .order_by("-pk")
    )


def fields_of(version):
    """A version's snapshot (field name -> value as stored, plus ``related``)."""
    return json.loads(version.serialized_data)[0]["fields"]
