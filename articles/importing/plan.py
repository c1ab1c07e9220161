"""What each file of a batch is, decided before anything is written: new, an update, a conflict, or
nothing to do. The importer applies the plan in the same transaction.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from .. import rendering
from ..models import Article
from ..places import moved_articles, moved_file_hashes, moved_place, redirect_targets
from ..source import start_of
from ..source.fields import FIELDS_VERSION, file_values
from . import bulk
from .as_file import matches_export
from .preview import preview_updates

# What a stored article was imported by: when the renderer or the field table changes, every file is
# applied again on the next import, unchanged bytes or not.
IMPORTER_VERSION = f"{FIELDS_VERSION}.{rendering.RENDERER_VERSION}"


@dataclass
class BatchPlan:
    create: list = field(default_factory=list)  # (column values, record)
    update: list = field(default_factory=list)  # (column values with "id", record, edited as read)
    conflicts: list = field(default_factory=list)  # (url, path)
    changes: list = field(default_factory=list)  # a dry run's field diffs (preview.preview_updates)
    unchanged: int = 0
    relations_resolved: int = 0  # filled in when the plan is applied


def stored_hashes(overwrite_edits):
    """{url: file hash} of the articles a file with the same bytes would leave as they are; a moved
    article is found under the old url its file still names."""
    current = {"importer_version": IMPORTER_VERSION, **({} if not overwrite_edits else {"edited": False})}
    stored = dict(Article.objects.filter(**current).values_list("url", "file_hash"))
    stored.update(moved_file_hashes(**current))
    return stored


def plan_batch(ready, claimed, overwrite_edits, subject_ids):
    """A BatchPlan for ``ready`` (Prepared files). ``claimed`` maps each url to the file of this run that
    claims it. ``subject_ids`` maps subject slugs to ids; None plans a dry run (counted, nothing built)."""
    urls = [prepared.record.url for prepared in ready]
    existing = {
        url: (pk, file_hash, edited)
        for pk, url, file_hash, edited in bulk.select_in(
            Article, ("id", "url", "file_hash", "edited"), "url", urls
        )
    }
    if subject_ids is None:
        return plan_dry_run(ready, existing, overwrite_edits)
    plan, now = BatchPlan(), timezone.now()
    # A file naming a url an admin move left behind updates the moved article, never recreates it.
    moved = moved_articles([url for url in urls if url not in existing])
    for prepared in ready:
        record = prepared.record
        values = file_values(record, prepared.answer_html, subject_ids[record.subject_slug], now)
        values.update(importer_version=IMPORTER_VERSION, imported_at=now, content_changed_at=now)
        if record.url in moved:
            article = moved[record.url]
            if article.url in claimed:  # the file at the new url, in this run, speaks for it
                plan.unchanged += 1
                continue
            existing[record.url] = (article.pk, article.file_hash, article.edited)
            values.update(moved_place(article.url))
        if record.url in existing:
            plan_update(plan, values, record, existing[record.url], overwrite_edits)
        else:
            status, published = record.publishing or (Article.Status.PUBLISHED, start_of(record.date))
            values.update(url=record.url, status=status, publish_at=published)
            values["content_changed_at"] = start_of(record.date)
            plan.create.append((values, record))
    return plan


def plan_update(plan, values, record, stored, overwrite_edits):
    """An update of a stored article, or a conflict when the admin edited it and the file differs from
    what the article would export."""
    pk, file_hash, edited = stored
    if edited and not overwrite_edits and not matches_export(pk, record.source_text):
        plan.conflicts.append((record.url, record.path))
        return
    if file_hash == record.file_hash:
        del values["content_changed_at"]  # re-rendered or re-applied, not changed
    values["id"] = pk
    plan.update.append((values, record, edited))


def plan_dry_run(ready, existing, overwrite_edits=False):
    """What a dry run counts: creations, updates (a moved article's old url is one) and conflicts, with
    the fields each update of a stored url would change."""
    plan = BatchPlan()
    urls = {prepared.record.url for prepared in ready}
    known = set(existing) | set(redirect_targets(urls - existing.keys()))
    plan.create = [(None, p.record) for p in ready if p.record.url not in known]
    stored = [p for p in ready if p.record.url in existing]
    plan.conflicts, plan.changes = preview_updates(stored, existing, overwrite_edits)
    conflicting = {url for url, _ in plan.conflicts}
    plan.update = [(None, p.record, None) for p in ready if p.record.url in known - conflicting]
    return plan
