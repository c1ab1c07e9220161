"""Source files -> database: each batch planned, then applied in one transaction; a result comes back.

Flow: discover and scan (read bytes, hash, find the url) -> prepare in worker processes (parse, validate,
render) -> for each batch, plan (what each file is: new, an update, a move's old url, a conflict with an
admin edit) and apply the plan in one transaction. A batch is all or nothing, so an interrupted import
leaves whole articles only, and running it again finishes the job.
"""

import functools
import gc
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.db.models import Count

from ..generation import deferred_bumps
from ..models import Article, ArticleKeyword, Keyword, Relation, Subject
from ..places import redirect_targets
from ..source import SourceError
from . import bulk, locks
from .discovery import find_redirect_files, find_source_files, scan_file
from .plan import IMPORTER_VERSION, BatchPlan, plan_batch, stored_hashes
from .prepare import prepare_batches, worker_pool
from .redirects_file import import_redirects
from .runs import PREVIEW_CHANGES, RunRecorder

__all__ = ["IMPORTER_VERSION", "ImportResult", "Importer", "import_paths"]

# Files per transaction. A commit writes every index leaf its batch dirtied, and at scale the random-keyed
# indexes (urls, relation targets, keyword ids) have a leaf per few rows: 200,000 files after the corpus
# took 267 s in batches of 500 and 236 s in batches of 1,000; the corpus alone, 35 s either way.
BATCH_SIZE = 1000
SQLITE_CACHE_KIB = 64 * 1024
SQLITE_CHECKPOINT_PAGES = 16 * 1024  # 64 MiB of WAL at the default page size (SQLite's default: 1000)
# Planner statistics are refreshed during an import at 1,000 new articles, then each time it has
# created four times as many: three refreshes for the full corpus, a second each at most.
STATISTICS_FIRST = 1000
STATISTICS_GROWTH = 4
SCAN_CHUNK = 256  # files a worker scans per task


@dataclass
class ImportResult:
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list = field(default_factory=list)  # SourceError
    conflicts: list = field(default_factory=list)  # (url, path)
    changed: int = 0  # a dry run's updates that change a field
    changes: list = field(default_factory=list)  # a dry run's field diffs, the first PREVIEW_CHANGES
    relations_resolved: int = 0
    relations_dangling: int = 0
    redirects: int = 0
    seconds: float = 0.0
    timings: dict = field(default_factory=lambda: defaultdict(float))
    dry_run: bool = False
    interrupted: bool = False

    @property
    def ok(self):
        return not self.refused and not self.interrupted


def import_paths(paths, **options):
    """Import every ``*.md`` file (and ``_redirects.yaml``) under ``paths``; return an ImportResult."""
    options.setdefault("label", ", ".join(str(path) for path in paths))
    importer = Importer(**options)
    result = importer.run(find_source_files(paths), finish=False)
    if not (result.interrupted or importer.dry_run):
        import_redirect_files(paths, result)
    importer.recorder.finish(result)
    return result


def import_redirect_files(paths, result):
    for path in find_redirect_files(paths):
        redirects = import_redirects(path)
        result.redirects += redirects.created + redirects.updated
        result.relations_resolved += redirects.relations_resolved
        result.refused.extend(SourceError(path, reason) for reason in redirects.refused)
    if result.redirects:
        result.relations_dangling = Relation.objects.dangling().count()
    return result


class Importer:
    def __init__(self, *, dry_run=False, overwrite_edits=False, batch_size=BATCH_SIZE, workers=None,
                 progress=None, max_bytes=None, run=None, label=""):  # fmt: skip
        self.dry_run = dry_run
        self.overwrite_edits = overwrite_edits
        self.batch_size = batch_size
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self.progress = progress or (lambda done, total: None)
        self.max_bytes = max_bytes or settings.QTAKES_MAX_FILE_BYTES
        self.result = ImportResult(dry_run=dry_run)
        self.subjects = {}
        self.new_subject_ids = set()
        self.statistics_due = STATISTICS_FIRST  # articles created by the next planner statistics refresh
        self.keyword_ids = {}  # slug -> id, as read or written during this run (a failed batch ends it)
        self.claimed = {}  # url -> the one file of this run that claims it
        self.import_run, self.label = run, label  # an admin upload's ImportRun; what was imported
        self.recorder = None  # records the run (runs.py); set by run()

    def run(self, paths, finish=True):
        """Import ``paths`` (files); the run is recorded as an ImportRun, finished unless ``finish`` is
        false (the caller then finishes ``self.recorder`` after its own steps)."""
        started = time.perf_counter()
        self.result.files = len(paths)
        self.recorder = RunRecorder(
            self.import_run, dry_run=self.dry_run, overwrite_edits=self.overwrite_edits, label=self.label
        )
        progress = self.progress
        self.progress = lambda done, total: (self.recorder.progress(done, total), progress(done, total))
        try:
            with locks.import_lock():
                self.recorder.start()
                self._run(paths)
        except KeyboardInterrupt:
            self.result.interrupted = True
        except BaseException as exc:
            self.recorder.failed(exc)
            raise
        finally:
            self.result.seconds = time.perf_counter() - started
        if finish:
            self.recorder.finish(self.result)
        return self.result

    def _run(self, paths):
        self.tune_connection()
        with worker_pool(self.workers, len(paths)) as pool:
            clock = time.perf_counter()
            scanned = self.scan(paths, pool)
            self.recorder.scanned(scanned)
            todo = self.skip_unchanged(scanned)
            self.result.timings["scan"] += time.perf_counter() - clock
            batches = self.batches_of(todo)
            chunk = max(1, self.batch_size // (self.workers * 4))
            pairs = prepare_batches(batches, pool, self.max_bytes, chunk)
            self.write_prepared(pairs, len(batches), done=len(scanned) - len(todo), total=len(paths))
        if not self.dry_run:
            self.finish()

    def tune_connection(self):
        if connection.vendor == "sqlite":
            # Index pages of a growing database: keep them in memory rather than re-reading them per batch.
            # Checkpoint the WAL every few batches, not at every commit: an index page changed by
            # each batch is then copied into the database once per checkpoint, not once per batch.
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")

    def batches_of(self, items):
        """``items`` cut into the lists that are each written in one transaction."""
        return [items[i : i + self.batch_size] for i in range(0, len(items), self.batch_size)]

    def write_prepared(self, pairs, batches, done, total):
        """Write each (batch, prepared) pair of ``pairs``, ``batches`` of them, as it comes."""
        self.progress(done, total)
        # Automatic collections re-walked every batch's records (4% of this process's time); a young-
        # generation pass per batch still frees any cycle a batch leaves behind.
        gc.disable()
        try:
            for batch, prepared in pairs:
                clock = time.perf_counter()
                self.write_batch(batch, prepared)
                self.result.timings["write"] += time.perf_counter() - clock
                done += len(batch)
                self.progress(done, total)
                reset_queries()  # with DEBUG on, Django would keep every statement of the run in memory
                if not self.dry_run and self.result.created >= self.statistics_due:
                    # A page served during a long import is planned for the tables as they now are.
                    bulk.refresh_planner_statistics()
                    self.statistics_due = self.result.created * STATISTICS_GROWTH
                del prepared
                gc.collect(0)
        finally:
            gc.enable()

    # -- scan ---------------------------------------------------------------------------------

    def scan(self, paths, pool=None):
        """Read every file once: hash it and find its url, refusing what cannot be read.

        Two files claiming one url are both refused here, before anything is written.
        """
        scanned, claimed, rivals = [], {}, defaultdict(list)  # one dict entry per file, a list per clash
        scan_one = functools.partial(scan_file, max_bytes=self.max_bytes)
        # In the workers when there are some: reading and hashing was most of a re-import.
        outcomes = pool.imap(scan_one, paths, SCAN_CHUNK) if pool else map(scan_one, paths)
        for item in outcomes:
            if isinstance(item, SourceError):
                self.result.refused.append(item)
                continue
            scanned.append(item)
            if item.url in claimed:
                rivals[item.url].append(item)
            elif item.url:
                claimed[item.url] = item.path
        duplicated = set()
        for url, items in rivals.items():
            claimants = [claimed.pop(url), *(item.path for item in items)]
            for path in claimants:
                others = ", ".join(other for other in claimants if other != path)
                self.result.refused.append(
                    SourceError(path, f"url {url} is also claimed by {others}; neither is imported")
                )
            duplicated.update(claimants)
        self.claimed = claimed
        return [item for item in scanned if item.path not in duplicated]

    def skip_unchanged(self, scanned):
        """Drop files whose bytes and importer version match what is stored."""
        stored = stored_hashes(self.overwrite_edits)
        todo = []
        for item in scanned:
            if item.url and stored.get(item.url) == item.digest.hex():
                self.result.unchanged += 1
            else:
                todo.append(item)
        return todo

    # -- write --------------------------------------------------------------------------------

    def write_batch(self, batch, prepared):
        """Plan one batch of prepared files and apply the plan in one transaction."""
        ready = []
        for item, outcome in zip(batch, prepared, strict=True):
            if isinstance(outcome, SourceError):
                self.result.refused.append(outcome)
            elif self.claimed.get(outcome.record.url, item.path) != item.path:
                other = self.claimed[outcome.record.url]
                self.result.refused.append(
                    SourceError(
                        item.path, f"url {outcome.record.url} is also claimed by {other}; not imported"
                    )
                )
            else:
                ready.append(outcome)
                self.result.timings["parse"] += outcome.parse_seconds
                self.result.timings["render"] += outcome.render_seconds
        if not ready:
            return
        if self.dry_run:
            self.count(plan_batch(ready, self.claimed, self.overwrite_edits, subject_ids=None))
            return
        with transaction.atomic(), deferred_bumps():
            subject_ids = {p.record.subject_slug: self.subject_for(p.record).pk for p in ready}
            plan = plan_batch(ready, self.claimed, self.overwrite_edits, subject_ids)
            self.apply(plan)
        self.count(plan)

    def count(self, plan):
        self.result.created += len(plan.create)
        self.result.updated += len(plan.update)
        self.result.unchanged += plan.unchanged
        self.result.conflicts.extend(plan.conflicts)
        self.result.relations_resolved += plan.relations_resolved
        if self.dry_run:
            changes = [change for change in plan.changes if change["fields"]]
            # A moved article's old url is planned an update without a preview: counted as a change.
            self.result.changed += len(changes) + len(plan.update) - len(plan.changes)
            self.result.changes.extend(changes[: max(0, PREVIEW_CHANGES - len(self.result.changes))])

    def apply(self, plan: BatchPlan):
        """Write what ``plan`` decided. An update applies only while the article is as planned: an
        admin edit committed since the plan read it turns that update into a conflict, never lost."""
        if plan.create:
            ids = dict(
                bulk.insert_rows(
                    Article,
                    list(plan.create[0][0]),
                    bulk.adapt_rows(values for values, _ in plan.create),
                    ("url", "id"),
                )
            )
            for values, _ in plan.create:
                values["id"] = ids[values["url"]]
        if self.recorder is not None:
            self.recorder.before_updates(plan.update)
        applied = []
        for values, record, edited in sorted(plan.update, key=lambda entry: entry[0]["id"]):
            guard = None if self.overwrite_edits else {"edited": edited}
            if bulk.update_row(Article, values, guard):
                applied.append((values, record))
            else:
                plan.conflicts.append((record.url, record.path))
        plan.update = applied
        if applied:
            updated_ids = [values["id"] for values, _ in applied]
            Relation.objects.filter(source_id__in=updated_ids).delete()
            ArticleKeyword.objects.filter(content_object_id__in=updated_ids).delete()
        written = [(values["id"], record) for values, record in plan.create + applied]
        self.write_keywords(written)
        plan.relations_resolved = self.write_relations(written)
        if self.recorder is not None:
            self.recorder.written(plan)

    def subject_for(self, record):
        subject = self.subjects.get(record.subject_slug)
        if subject is None:
            subject, created = Subject.objects.get_or_create(
                slug=record.subject_slug, defaults={"name": record.subject_name}
            )
            if created:
                self.new_subject_ids.add(subject.pk)
            self.subjects[record.subject_slug] = subject
        return subject

    def write_keywords(self, written):
        self.create_keywords(record for _, record in written)
        bulk.insert_rows(
            ArticleKeyword,
            ["content_object", "tag", "position"],
            sorted(
                (pk, self.keyword_ids[slug], position)
                for pk, record in written
                for position, (slug, _) in enumerate(record.keywords, start=1)
            ),
        )

    def create_keywords(self, records):
        """Find or create the keywords these records name, into ``keyword_ids``."""
        by_slug = {}
        for record in records:
            for slug, name in record.keywords:
                by_slug.setdefault(slug, name)
        unknown = [slug for slug in by_slug if slug not in self.keyword_ids]
        if unknown:
            self.keyword_ids.update(bulk.select_in(Keyword, ("slug", "id"), "slug", unknown))
            missing = {slug: by_slug[slug] for slug in unknown if slug not in self.keyword_ids}
            if missing:
                # A name is taken by another slug only in odd cases ("C++" and "C"); the slug decides.
                taken = {name for (name,) in bulk.select_in(Keyword, ("name",), "name", missing.values())}
                rows = [
                    (slug, f"{name} ({slug})" if name in taken else name) for slug, name in missing.items()
                ]
                self.keyword_ids.update(bulk.insert_rows(Keyword, ["slug", "name"], rows, ("slug", "id")))

    def write_relations(self, written):
        """Write the relations of the written articles; return how many now point at an article (theirs,
        and those written earlier that waited for these articles)."""
        target_urls = {entry.url for _, record in written for entry in record.related}
        targets = dict(bulk.select_in(Article, ("url", "id"), "url", target_urls))
        targets.update(redirect_targets(target_urls - targets.keys()))  # moved targets
        rows = [
            (pk, position, entry.url, entry.title, entry.subject, entry.source_id, targets.get(entry.url))
            for pk, record in written
            for position, entry in enumerate(record.related, start=1)
        ]
        bulk.insert_rows(
            Relation,
            [
                "source",
                "position",
                "target_url",
                "target_title",
                "target_subject",
                "target_source_id",
                "target",
            ],
            rows,
        )
        resolved = sum(row[-1] is not None for row in rows)
        return resolved + bulk.resolve_relations([record.url for _, record in written])

    def finish(self):
        """Resolve relations left waiting (by an interrupted run); name new subjects by their most used
        spelling; count dangling relations."""
        self.result.relations_resolved += bulk.resolve_arrived_relations()
        for subject_id in self.new_subject_ids:
            spellings = (
                Article.objects.filter(subject_id=subject_id)
                .values("source_subject")
                .annotate(n=Count("id"))
                .order_by("-n", "source_subject")
            )
            if spellings:
                Subject.objects.filter(pk=subject_id).update(name=spellings[0]["source_subject"])
        self.result.relations_dangling = Relation.objects.dangling().count()
        if self.result.created or self.result.updated:
            bulk.refresh_planner_statistics()
