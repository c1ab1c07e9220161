"""Every import is an ImportRun: the importer records its own, from the command or from the admin.

What a run keeps: who and when, the files (count and one SHA-256 over their hashes), the counts, each
refusal and conflict (with the conflicting file's text, for the admin to resolve), the duration and the
outcome; while it runs, its progress. For undo: a revision holding a version of every article it created
or changed (history.py), and for each changed article the columns it changed, as they were before.
"""

import contextlib
import hashlib
import time

from django.conf import settings
from django.utils import timezone

from .. import history
from ..models import Article, ArticleKeyword, ImportConflict, ImportRun, ImportRunChange, Relation
from ..places import redirect_targets
from . import bulk

PROGRESS_EVERY = 1.0  # seconds between progress writes
PREVIEW_CHANGES = 500  # changed files whose field diffs a dry run keeps (all are counted)
RELATIONS = "relations"  # keys of a change's "before" that are not columns
KEYWORDS = "keywords"
RELATION_COLUMNS = ["position", "target_url", "target_title", "target_subject", "target_source_id", "target"]


def files_sha256(digests):
    """One SHA-256 over the files' own (order-independent: the same files hash the same however found)."""
    combined = hashlib.sha256()
    for digest in sorted(digests):
        combined.update(digest)
    return combined.hexdigest()


class RunRecorder:
    """Records one import run as the importer goes; ``run`` is an admin upload's, or None for a new one."""

    def __init__(self, run=None, *, dry_run=False, overwrite_edits=False, label=""):
        self.dry_run = dry_run
        if run is None:
            # A command's dry run writes nothing (it may run on a read-only database): its run is not kept.
            run = ImportRun(
                origin=ImportRun.Origin.COMMAND,
                dry_run=dry_run,
                overwrite_edits=overwrite_edits,
                label=label[:300],
            )
            if not dry_run:
                run.save()
        self.run = run
        self.revision = None
        self.before = {}
        self.last_progress = 0.0

    def start(self):
        now = timezone.now()
        status = ImportRun.Status.CHECKING if self.dry_run else ImportRun.Status.RUNNING
        self.update(status=status, started_at=now, heartbeat_at=now, done=0)
        if not self.dry_run and settings.QTAKES_IMPORT_REVISIONS:
            self.revision = history.new_revision(f"Import run #{self.run.pk}", self.run.user)
            self.update(revision=self.revision)

    def scanned(self, scanned):
        self.update(files_sha256=files_sha256(item.digest for item in scanned))

    def progress(self, done, total):
        now = time.monotonic()
        if now - self.last_progress >= PROGRESS_EVERY or done == total:
            self.last_progress = now
            self.update(done=done, files=total, heartbeat_at=timezone.now())

    def update(self, **values):
        for name, value in values.items():
            setattr(self.run, name, value)
        if self.run.pk is not None:
            ImportRun.objects.filter(pk=self.run.pk).update(**values)

    # -- inside each batch's transaction ------------------------------------------------------

    def before_updates(self, updates):
        """Read what the planned updates will change, before they change it."""
        if not updates:
            return
        ids = [values["id"] for values, _, _ in updates]
        history.ensure_baseline(ids, f"As stored before import run #{self.run.pk}")
        columns = sorted({name for values, _, _ in updates for name in values if name != "id"})
        rows = {
            row["id"]: row
            for row in Article.objects.filter(pk__in=ids).values(
                "id", "url", "status", "publish_at", *columns
            )
        }
        relations, keywords = related_rows(ids)
        for values, _, _ in updates:
            row = rows[values["id"]]
            changed = {
                name: history.plain(row[name])
                for name in values
                if name != "id" and history.plain(row[name]) != history.plain(values[name])
            }
            changed.update({RELATIONS: relations[row["id"]], KEYWORDS: keywords[row["id"]]})
            self.before[row["id"]] = (changed, {name: row[name] for name in ("url", "status", "publish_at")})

    def written(self, plan):
        """Keep a version of every article the batch created or changed, and the changed ones' before."""
        if self.revision is None:
            return
        snapshots = {}
        for values, record in plan.create:
            snapshots[values["id"]] = history.snapshot(values, [entry.url for entry in record.related])
        changes = []
        for values, record in plan.update:
            before, place = self.before.pop(values["id"])
            snapshots[values["id"]] = history.snapshot(
                {**values, **place}, [entry.url for entry in record.related]
            )
            changes.append((self.run.pk, values["id"], before))
        self.before.clear()
        bulk.insert_rows(
            history.Version, history.VERSION_COLUMNS, history.version_rows(self.revision.pk, snapshots)
        )
        if changes:
            ImportRunChange.objects.bulk_create(
                ImportRunChange(run_id=run, article_id=pk, before=before) for run, pk, before in changes
            )

    # -- the end ------------------------------------------------------------------------------

    def finish(self, result):
        if result.interrupted:
            status = ImportRun.Status.INTERRUPTED
        elif self.dry_run and self.run.origin == ImportRun.Origin.ADMIN:
            status = ImportRun.Status.CHECKED
        elif result.refused:
            status = ImportRun.Status.REFUSED
        else:
            status = ImportRun.Status.FINISHED
        counts = {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "refused_count": len(result.refused),
            "conflict_count": len(result.conflicts),
            "refusals": [{"path": e.path, "reason": e.reason, "line": e.line} for e in result.refused],
        }
        values = {
            "status": status,
            "finished_at": timezone.now(),
            "seconds": result.seconds,
            "files": result.files,
        }
        if self.dry_run:
            values["preview"] = preview(result, counts)
            values["refusals"] = counts["refusals"]
            values["refused_count"] = counts["refused_count"]
        else:
            values.update(counts)
            self.keep_conflicts(result.conflicts)
        if self.revision is not None and not self.revision.version_set.exists():
            self.revision.delete()  # nothing created or changed: no revision to show
            values["revision"] = None
        self.update(**values)

    def failed(self, exc):
        with contextlib.suppress(Exception):  # the database itself may be what failed: keep its error
            self.update(
                status=ImportRun.Status.FAILED,
                finished_at=timezone.now(),
                message=f"{type(exc).__name__}: {exc}",
            )

    def keep_conflicts(self, conflicts):
        """An ImportConflict for each conflicting file, with its text as read now (the file is at hand)."""
        if not conflicts:
            return
        urls = [url for url, _ in conflicts]
        ids = dict(Article.objects.filter(url__in=urls).values_list("url", "id"))
        ids.update(redirect_targets(set(urls) - ids.keys()))
        rows = []
        for url, path in conflicts:
            try:
                with open(path, encoding="utf-8", errors="replace") as file:
                    text = file.read()
            except OSError:
                continue
            if url in ids:
                rows.append(
                    ImportConflict(run=self.run, article_id=ids[url], url=url, path=path, source_text=text)
                )
        ImportConflict.objects.bulk_create(rows)


def preview(result, counts):
    """What a dry run reports: the counts, each conflict, and the field diffs of the changed files."""
    return {
        "new": result.created,
        "changed": result.changed,
        "unchanged": result.unchanged + result.updated - result.changed,
        "conflicts": [{"url": url, "path": path} for url, path in result.conflicts],
        "refused": counts["refused_count"],
        "changes": result.changes,
    }


def related_rows(ids):
    """({id: relation rows}, {id: [keyword id, position]}) of the articles ``ids``, for undo."""
    relations, keywords = {pk: [] for pk in ids}, {pk: [] for pk in ids}
    for row in (
        Relation.objects.filter(source_id__in=ids)
        .order_by("position")
        .values_list("source_id", *RELATION_COLUMNS)
    ):
        relations[row[0]].append(list(row[1:]))
    for pk, tag, position in ArticleKeyword.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id", "position"
    ):
        keywords[pk].append([tag, position])
    return relations, keywords
