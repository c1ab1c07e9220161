"""Undo a whole import run: every article it created or changed goes back to its state before the run.

The run's revision names each article it wrote; its ImportRunChange rows tell the changed ones (with the
columns as they were) from the created ones. An article changed since the run (a later revision, or an
edit) is reported and left alone. A created article is removed (its url answers 404 again, relations to
it dangle again); a changed one gets its columns, related articles and keywords back. Set-based, a
thousand articles a statement: a full corpus run is undone in seconds.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from .. import history
from ..generation import deferred_bumps
from ..importing import bulk
from ..importing.runs import KEYWORDS, RELATION_COLUMNS, RELATIONS
from ..models import Article, ArticleKeyword, ImportRun, ImportRunChange, Relation

CHUNK = 1000
REPORTED = 200  # articles named in the report (all are counted)


def chunks(items, size=CHUNK):
    items = list(items)
    return (items[i : i + size] for i in range(0, len(items), size))


def changed_since(run_versions):
    """Ids of the articles with a revision later than the run's ({article id: run's version id})."""
    content_type = ContentType.objects.get_for_model(Article)
    later = set()
    for part in chunks(run_versions):
        rows = Version.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in part])
        for object_id, version_id in rows.filter(pk__gt=min(run_versions[pk] for pk in part)).values_list(
            "object_id", "pk"
        ):
            if version_id > run_versions[int(object_id)]:
                later.add(int(object_id))
    return later


def undo_run(run, user=None):
    """Undo ``run``; return its report ({removed, restored, kept: [{id, url, question}], missing})."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.UNDOING)
    run_versions = {}
    if run.revision_id:
        run_versions = {
            int(object_id): pk
            for object_id, pk in Version.objects.filter(revision_id=run.revision_id).values_list(
                "object_id", "pk"
            )
        }
    changes = {change.article_id: change.before for change in ImportRunChange.objects.filter(run=run)}
    kept = changed_since(run_versions)
    kept |= set(
        Article.objects.filter(pk__in=set(run_versions) - set(changes), edited=True).values_list(
            "pk", flat=True
        )
    )
    existing = set()
    for part in chunks(run_versions):
        existing.update(Article.objects.filter(pk__in=part).values_list("pk", flat=True))
    created = [pk for pk in run_versions if pk not in changes and pk not in kept and pk in existing]
    restored = [pk for pk in changes if pk not in kept and pk in existing]
    with transaction.atomic(), deferred_bumps():
        for part in chunks(created):
            Article.objects.filter(pk__in=part).delete()
        for pk in restored:
            restore_columns(pk, changes[pk])
    if restored:
        history.record(restored, f"Undo of import run #{run.pk}", user)
    report = {
        "removed": len(created),
        "restored": len(restored),
        "missing": len(set(run_versions) - existing),
        "kept": list(Article.objects.filter(pk__in=list(kept)[:REPORTED]).values("id", "url", "question")),
        "kept_count": len(kept),
    }
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.UNDONE, undone_at=timezone.now(), undone_by=user, undo_report=report
    )
    return report


def restore_columns(pk, before):
    """Write back an article's columns, related articles and keywords as they were before the run."""
    before = dict(before)
    relations, keywords = before.pop(RELATIONS, None), before.pop(KEYWORDS, None)
    values = {"id": pk}
    for name, value in before.items():
        field = Article._meta.get_field(name)
        values[name] = value if field.is_relation else field.to_python(value)
    values["site_changed_at"] = timezone.now()
    bulk.update_row(Article, values)
    if relations is not None:
        Relation.objects.filter(source_id=pk).delete()
        targets = {row[-1] for row in relations if row[-1] is not None}
        alive = set(Article.objects.filter(pk__in=targets).values_list("pk", flat=True))
        Relation.objects.bulk_create(
            Relation(
                source_id=pk,
                **dict(zip(RELATION_COLUMNS[:-1], row[:-1], strict=True)),
                target_id=row[-1] if row[-1] in alive else None,
            )
            for row in relations
        )
    if keywords is not None:
        ArticleKeyword.objects.filter(content_object_id=pk).delete()
        ArticleKeyword.objects.bulk_create(
            ArticleKeyword(content_object_id=pk, tag_id=tag, position=position) for tag, position in keywords
        )
