"""Source files -> database: upsert by url in batches, resolve relations, return a result.

Flow: scan (read bytes, hash, find the url) -> prepare in worker processes (parse, validate,
render) -> write each batch in one transaction (on PostgreSQL, two batches at once on two connections).
A batch is all or nothing, so an interrupted import leaves whole articles only, and running it again
finishes the job.
"""

import contextlib
import datetime
import functools
import gc
import hashlib
import multiprocessing
import os
import re
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from . import cache, editing, exporter, locks, rendering
from .models import Article, ArticleKeyword, Keyword, Relation, Subject
from .source import SourceError, parse_source

IMPORTER_VERSION = f"1.{rendering.RENDERER_VERSION}"
# Files per transaction. A commit writes every index leaf its batch dirtied, and at scale the random-keyed
# indexes (urls, relation targets, keyword ids) have a leaf per few rows: 200,000 files after the corpus
# took 267 s in batches of 500 and 236 s in batches of 1,000; the corpus alone, 35 s either way.
BATCH_SIZE = 1000
SQLITE_CACHE_KIB = 64 * 1024
SQLITE_ANALYSIS_ROWS = 1000
SQLITE_CHECKPOINT_PAGES = 16 * 1024  # 64 MiB of WAL at the default page size (SQLite's default: 1000)
# Batches the workers prepare beyond the one being written. In batches of 500: with one, two full SQLite
# imports took 62 and 64 s for 81 CPU-seconds on 2 cores (the writer and the workers took turns waiting);
# with two, three took 45-56 s. No difference on PostgreSQL.
PREPARED_AHEAD = 2
PARALLEL_THRESHOLD = 200  # below this many files, worker start-up costs more than it saves
# The writer is the import's critical path, yet beside two busy workers on two cores the scheduler gave it
# two thirds of a core. Niced, the workers yield to it and still get every cycle it leaves.
WORKER_NICENESS = 10
# PostgreSQL writes this many batches at once, each in a thread and on a connection of its own. One
# transaction runs on one server backend: written one after another, the batches kept the server on one
# core (0.8-0.95 of it) while the machine stood idle for a fifth of the import. SQLite takes one writer.
CONCURRENT_BATCHES = 2
# Planner statistics are refreshed during an import at 1,000 new articles, then each time it has
# created four times as many: three refreshes for the full corpus, a second each at most.
STATISTICS_FIRST = 1000
STATISTICS_GROWTH = 4
SCAN_CHUNK = 256  # files a worker scans per task
INSERT_CHUNK_PARAMS = 8000  # values per INSERT: under SQLite's and PostgreSQL's parameter limits
# Plain, or quoted as YAML allows ('...' or "..."): a site path needs no escapes inside the quotes.
URL_LINE = re.compile(rb"""url:[ \t]*(?:"([^"\s]+)"|'([^'\s]+)'|(\S+))[ \t]*\r?$""", re.MULTILINE)


# Columns pages filter, join and sort on (PostgreSQL); the table sizes come with any of them.
ANALYZED_COLUMNS = (
    (Article, ["status", "publish_at", "no_index", "subject", "source_id", "date", "url"]),
    (Relation, ["source", "target", "target_url"]),
    (ArticleKeyword, ["content_object", "tag"]),
    (Keyword, ["slug", "name"]),
)


@dataclass
class ImportResult:
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list = field(default_factory=list)  # SourceError
    conflicts: list = field(default_factory=list)  # (url, path)
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

    def add(self, batch):
        """Count what writing one batch did (a BatchOutcome)."""
        self.created += batch.created
        self.updated += batch.updated
        self.unchanged += batch.unchanged
        self.conflicts.extend(batch.conflicts)
        self.relations_resolved += batch.relations_resolved


@dataclass
class BatchOutcome:
    """What writing one batch did: kept apart from the ImportResult while a writer thread works."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list = field(default_factory=list)  # (url, path)
    relations_resolved: int = 0


@dataclass(slots=True)
class ScannedFile:
    path: str
    digest: bytes  # SHA-256 of the bytes: half the memory of its hex form
    url: str | None


@dataclass
class Prepared:
    """A parsed and rendered file, ready to write."""

    record: object
    answer_html: str
    publishing: tuple | None = None  # (status, publish_at) from an exported file's "publishing" key
    parse_seconds: float = 0.0
    render_seconds: float = 0.0


def find_source_files(paths):
    """Every ``*.md`` under the given files and folders, each real file once, in a stable order.

    Paths are plain strings: at 200,000 files, Path objects alone held 150 MB.
    """
    found, seen = [], set()
    for raw in paths:
        raw = os.fspath(raw)
        candidates = sorted(walk_markdown(raw), key=path_order) if os.path.isdir(raw) else [(raw, None)]
        for candidate, real in candidates:
            if os.path.isdir(candidate):
                continue
            real = real or os.path.realpath(candidate)
            if real not in seen:
                seen.add(real)
                found.append(candidate)
    return found


def scan_file(path, max_bytes):
    """A ScannedFile (the hash of the file's bytes and its url), or the SourceError saying why not."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            return SourceError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        return SourceError(path, f"cannot read file: {exc.strerror or exc}")
    return ScannedFile(path, hashlib.sha256(data).digest(), find_url(data))


def find_url(data):
    """The url a file's bytes declare on a line of its own, or None (parsing later says what is wrong).

    bytes.find, then a match at each hit: a MULTILINE ``^url:`` search tried every position of every
    file, a third of a re-import.
    """
    data = b"\n" + data
    position = data.find(b"\nurl:")
    while position != -1:
        match = URL_LINE.match(data, position + 1)
        if match:
            return next(url for url in match.groups() if url is not None).decode("utf-8", "replace")
        position = data.find(b"\nurl:", position + 1)
    return None


def walk_markdown(folder):
    """(path, real path) of each ``*.md`` file under ``folder``; symlinked folders are not followed."""
    folders = [folder]
    while folders:
        current = folders.pop()
        real_folder = os.path.realpath(current)
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.endswith(".md") and entry.is_file():
                    linked = entry.is_symlink()
                    yield (
                        entry.path,
                        os.path.realpath(entry.path) if linked else os.path.join(real_folder, entry.name),
                    )


def path_order(found):
    # Orders as Path objects do, part by part ("a/x" before "a-b/x"), without a list of parts per file.
    return found[0].replace(os.sep, "\0")


def find_redirect_files(paths):
    """The redirect files (written by export_articles) under the given files and folders."""
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(path.rglob(exporter.REDIRECTS_FILE)))
        elif path.name == exporter.REDIRECTS_FILE:
            found.append(path)
    return found


def import_paths(paths, **options):
    importer = Importer(**options)
    result = importer.run(find_source_files(paths))
    if result.interrupted or importer.dry_run:
        return result
    for path in find_redirect_files(paths):
        redirects = exporter.import_redirects(path)
        result.redirects += redirects.created + redirects.updated
        result.relations_resolved += redirects.relations_resolved
        result.refused.extend(SourceError(path, reason) for reason in redirects.refused)
    if result.redirects:
        result.relations_dangling = Relation.objects.dangling().count()
    return result


class Importer:
    def __init__(self, *, dry_run=False, overwrite_edits=False, batch_size=BATCH_SIZE, workers=None,
                 progress=None, max_bytes=None):  # fmt: skip
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
        self.writers = None  # BatchWriters while batches are written at once

    def run(self, paths):
        started = time.perf_counter()
        self.result.files = len(paths)
        try:
            with locks.import_lock():
                self._run(paths)
        except KeyboardInterrupt:
            self.result.interrupted = True
        self.result.seconds = time.perf_counter() - started
        return self.result

    def _run(self, paths):
        self.tune_connection()
        with self.worker_pool(len(paths)) as pool:
            clock = time.perf_counter()
            scanned = self.scan(paths, pool)
            todo = self.skip_unchanged(scanned)
            self.result.timings["scan"] += time.perf_counter() - clock
            self.write_all(todo, pool, done=len(scanned) - len(todo), total=len(paths))
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

    def write_all(self, todo, pool, done, total):
        batches = self.batches_of(todo)
        self.write_prepared(self.prepare_batches(batches, pool), len(batches), done, total)

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
            with self.concurrent_writers(batches):
                for batch, prepared in pairs:
                    clock = time.perf_counter()
                    self.write_batch(batch, prepared)
                    self.result.timings["write"] += time.perf_counter() - clock
                    done += len(batch)
                    self.progress(done, total)
                    reset_queries()  # with DEBUG on, Django would keep every statement of the run in memory
                    if not self.dry_run and self.result.created >= self.statistics_due:
                        # A page served during a long import is planned for the tables as they now are.
                        refresh_planner_statistics()
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
        current = {
            "importer_version": IMPORTER_VERSION,
            **({"edited": False} if self.overwrite_edits else {}),
        }
        stored = dict(Article.objects.filter(**current).values_list("url", "file_hash"))
        stored.update(editing.moved_file_hashes(**current))  # their files still name the old url
        todo = []
        for item in scanned:
            if item.url and stored.get(item.url) == item.digest.hex():
                self.result.unchanged += 1
            else:
                todo.append(item)
        return todo

    # -- prepare ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def worker_pool(self, files):
        """Worker processes for preparing files, or None when one process is enough.

        Forked before the scan: forked after it, they shared the pages of its 200,000 records, and each
        page this process then touched (a reference count changing) was copied, so the import's memory
        grew by the size of the file list over the run.
        """
        if self.workers < 2 or files < PARALLEL_THRESHOLD:
            yield None
            return
        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        # Frozen, the objects made so far are left alone by the workers' garbage collector, which would
        # otherwise copy the pages they share with this process.
        gc.freeze()
        try:
            # Workers never touch the database (prepare_file is pure), so the parent's connection stays.
            niced = {"initializer": os.nice, "initargs": (WORKER_NICENESS,)} if hasattr(os, "nice") else {}
            with context.Pool(self.workers, **niced) as pool:
                yield pool
        finally:
            gc.unfreeze()

    def prepare_batches(self, batches, pool):
        """Yield (batch, prepared) pairs; workers prepare the next batches while one is written."""
        if pool is None:
            for batch in batches:
                yield batch, [prepare_file(item.path, self.max_bytes) for item in batch]
            return
        chunk = max(1, self.batch_size // (self.workers * 4))
        pending = deque()
        for batch in batches:
            submitted = pool.map_async(prepare_file_args, [(i.path, self.max_bytes) for i in batch], chunk)
            pending.append((batch, submitted))
            if len(pending) > PREPARED_AHEAD:
                batch, submitted = pending.popleft()
                yield batch, submitted.get()
        while pending:
            batch, submitted = pending.popleft()
            yield batch, submitted.get()

    # -- write --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def concurrent_writers(self, batches):
        """On PostgreSQL, the batches written inside go to ``self.writers``; elsewhere, to this thread.

        Never inside a transaction of the caller's: the writers' connections would commit what it
        could no longer roll back.
        """
        if connection.vendor != "postgresql" or self.dry_run or batches < 2 or connection.in_atomic_block:
            yield
            return
        self.writers = BatchWriters(CONCURRENT_BATCHES, self.result)
        try:
            yield
        finally:
            self.writers, writers = None, self.writers
            writers.wait()

    def write_batch(self, batch, prepared):
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
            urls = [p.record.url for p in ready]
            existing = set(Article.objects.filter(url__in=urls).values_list("url", flat=True))
            existing |= set(editing.redirect_targets(urls))  # moved: an update, not a creation
            self.result.updated += sum(p.record.url in existing for p in ready)
            self.result.created += sum(p.record.url not in existing for p in ready)
            return
        if self.writers is None:
            self.result.add(self.write_ready(ready))
            return
        # The rows batches share are committed first, here: two writers creating one keyword would
        # each wait for the other's commit.
        with transaction.atomic(), cache.deferred_bumps():
            for prepared in ready:
                self.subject_for(prepared.record)
            self.create_keywords(prepared.record for prepared in ready)
        self.writers.submit(self.write_ready, ready)

    def write_ready(self, ready):
        """Write one batch of prepared files in one transaction; return its BatchOutcome."""
        with transaction.atomic(), cache.deferred_bumps():
            return self._write(ready)

    def _write(self, ready):
        outcome = BatchOutcome()
        now = timezone.now()
        existing = {
            url: (pk, file_hash, edited)
            for pk, url, file_hash, edited in select_in(
                Article, ("id", "url", "file_hash", "edited"), "url", [p.record.url for p in ready]
            )
        }
        # A file naming a url an admin move left behind updates the moved article, never recreates it.
        moved = editing.moved_articles([p.record.url for p in ready if p.record.url not in existing])
        to_create, to_update = [], []
        for prepared in ready:
            record = prepared.record
            values = file_values(record, prepared.answer_html, self.subject_for(record).pk, now)
            if record.url in moved:
                article = moved[record.url]
                if article.url in self.claimed:  # the file at the new url, in this run, speaks for it
                    outcome.unchanged += 1
                    continue
                existing[record.url] = (article.pk, article.file_hash, article.edited)
                values.update(editing.moved_place(article.url))
            if record.url not in existing:
                status, published = prepared.publishing or (Article.Status.PUBLISHED, start_of(record.date))
                values.update(url=record.url, status=status, publish_at=published)
                values["content_changed_at"] = start_of(record.date)
                to_create.append((values, record))
                continue
            pk, file_hash, edited = existing[record.url]
            if edited and not self.overwrite_edits and not exporter.matches_export(pk, record.source_text):
                outcome.conflicts.append((record.url, record.path))
                continue
            if file_hash == record.file_hash:
                del values["content_changed_at"]  # re-rendered or re-applied, not changed
            values["id"] = pk
            to_update.append((values, record))

        if to_create:
            ids = dict(
                insert_rows(
                    Article, list(to_create[0][0]), adapt_rows(v for v, _ in to_create), ("url", "id")
                )
            )
            for values, _ in to_create:
                values["id"] = ids[values["url"]]
        for values, _ in to_update:
            update_row(Article, values)
        if to_update:
            updated_ids = [values["id"] for values, _ in to_update]
            Relation.objects.filter(source_id__in=updated_ids).delete()
            ArticleKeyword.objects.filter(content_object_id__in=updated_ids).delete()
        written = [(values["id"], record) for values, record in to_create + to_update]
        self.write_keywords(written)
        outcome.relations_resolved = self.write_relations(written)
        outcome.created, outcome.updated = len(to_create), len(to_update)
        return outcome

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
        insert_rows(
            ArticleKeyword,
            ["content_object", "tag"],
            sorted({(pk, self.keyword_ids[slug]) for pk, record in written for slug, _ in record.keywords}),
        )

    def create_keywords(self, records):
        """Find or create the keywords these records name, into ``keyword_ids``."""
        by_slug = {}
        for record in records:
            for slug, name in record.keywords:
                by_slug.setdefault(slug, name)
        unknown = [slug for slug in by_slug if slug not in self.keyword_ids]
        if unknown:
            self.keyword_ids.update(select_in(Keyword, ("slug", "id"), "slug", unknown))
            missing = {slug: by_slug[slug] for slug in unknown if slug not in self.keyword_ids}
            if missing:
                # A name is taken by another slug only in odd cases ("C++" and "C"); the slug decides.
                taken = {name for (name,) in select_in(Keyword, ("name",), "name", missing.values())}
                rows = [
                    (slug, f"{name} ({slug})" if name in taken else name) for slug, name in missing.items()
                ]
                self.keyword_ids.update(insert_rows(Keyword, ["slug", "name"], rows, ("slug", "id")))

    def write_relations(self, written):
        target_urls = {entry.url for _, record in written for entry in record.related}
        targets = dict(select_in(Article, ("url", "id"), "url", target_urls))
        targets.update(editing.redirect_targets(target_urls - targets.keys()))  # moved targets
        rows = [
            (pk, position, entry.url, entry.title, entry.subject, entry.source_id, targets.get(entry.url))
            for pk, record in written
            for position, entry in enumerate(record.related, start=1)
        ]
        insert_rows(
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
        if self.writers is not None:
            # Two writers updating each other's waiting relations could deadlock: finish() does it.
            return resolved
        # With the relations written earlier (this run or before) that waited for these articles.
        return resolved + resolve_relations([record.url for _, record in written])

    def finish(self):
        """Resolve what batches written at once could not; name new subjects; count dangling relations."""
        # Relations written before their article by batches written at once (in this run, or in one
        # interrupted) are resolved here, together.
        self.result.relations_resolved += resolve_arrived_relations()
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
            refresh_planner_statistics()


class BatchWriters:
    """Up to ``count`` batches written at once, each in a thread of its own.

    Django gives each thread its own connection; a writer closes it after its batch.
    """

    def __init__(self, count, result):
        self.count, self.result = count, result
        self.executor = ThreadPoolExecutor(count, thread_name_prefix="qtakes-writer")
        self.in_flight = deque()

    def submit(self, write, ready):
        while len(self.in_flight) >= self.count:
            # Taken off only once counted: a Ctrl-C while waiting leaves it for wait() to count.
            outcome = self.in_flight[0].result()
            self.in_flight.popleft()
            self.result.add(outcome)
        self.in_flight.append(self.executor.submit(on_own_connection, write, ready))

    def wait(self):
        """Count every batch in flight once written, then raise the first failure, if any."""
        failure = None
        while self.in_flight:
            batch = self.in_flight[0]
            try:
                outcome = batch.result()
            except BaseException as exc:  # noqa: BLE001 - raised below, once every batch has ended
                failure = failure or exc
                if not batch.done():  # a Ctrl-C while waiting: the batch is still being written whole
                    continue
            else:
                self.result.add(outcome)
            self.in_flight.popleft()
        self.executor.shutdown()
        if failure is not None:
            raise failure


def on_own_connection(write, ready):
    try:
        return write(ready)
    finally:
        connection.close()


def refresh_planner_statistics():
    """Planner statistics for the tables an import fills.

    SQLite without them picks the wrong index for the twins and sitemap queries (seconds instead of
    milliseconds at 200,000 articles). Sampled: an exact ANALYZE reads every index (3.5 s at that size); a
    thousand rows per index take milliseconds.

    PostgreSQL without them plans for the table it last analyzed: after the first import into an empty
    table, search filtered every row through ``to_tsvector`` instead of using its index (19 s a search,
    until autovacuum came round). Named columns: a whole-table ANALYZE also recomputes the search index's
    expression for its sample (20 s); these take a quarter of a second.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_ROWS}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            for model, columns in ANALYZED_COLUMNS:
                cursor.execute(f"ANALYZE {table_name(model)} ({column_names(model, columns)})")


def insert_rows(model, field_names, rows, returning=None, chunk=INSERT_CHUNK_PARAMS):
    """Insert plain tuples, far cheaper than bulk_create's per-object work; with ``returning`` (field
    names), return those columns of the new rows. SQLite: multi-row INSERTs, three times faster than
    executemany. PostgreSQL: COPY.
    """
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return copy_rows(model, field_names, rows, returning)
    head = f"INSERT INTO {table_name(model)} ({column_names(model, field_names)}) VALUES "
    placeholder = "(" + ", ".join([param_marker()] * len(field_names)) + ")"
    tail = f" RETURNING {column_names(model, returning)}" if returning else ""
    with connection.cursor() as cursor:
        returned = []
        for part in power_of_two_parts(rows, chunk // len(field_names)):
            sql = head + ", ".join([placeholder] * len(part)) + tail
            cursor.execute(sql, [value for row in part for value in row])
            if returning:
                returned.extend(cursor.fetchall())
        return returned


def copy_rows(model, field_names, rows, returning=None):
    """COPY rows into a PostgreSQL table, ids drawn from its sequence first when ``returning`` asks.

    Multi-row INSERTs made the client quote every value into the statement text and split that text
    again per statement; COPY took a full import's keyword and relation rows in a third of the time.
    """
    if returning:
        field_names = ["id", *field_names]
        rows = [(pk, *row) for pk, row in zip(next_ids(model, len(rows)), rows, strict=True)]
    sql = f"COPY {table_name(model)} ({column_names(model, field_names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    if not returning:
        return []
    positions = [field_names.index(name) for name in returning]
    return [tuple(row[i] for i in positions) for row in rows]


def next_ids(model, count):
    """``count`` new primary keys from a PostgreSQL table's own sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def select_in(model, field_names, key, values, chunk=INSERT_CHUNK_PARAMS):
    """Rows of ``field_names`` whose ``key`` is one of ``values``, in raw SQL: for the thousands of
    keywords a batch names, the ORM's per-value preparation cost more than the query itself."""
    head = f"SELECT {column_names(model, field_names)} FROM {table_name(model)} WHERE {column_names(model, [key])} IN "
    rows = []
    with connection.cursor() as cursor:
        for sql, part in in_list_statements(head, values, chunk):
            cursor.execute(sql, part)
            rows.extend(cursor.fetchall())
    return rows


def in_list_statements(head, values, chunk=INSERT_CHUNK_PARAMS):
    """(sql, params) pairs: ``head`` closed by an IN list, for each power-of-two part of ``values``."""
    for part in power_of_two_parts(list(values), chunk):
        yield head + "(" + ", ".join([param_marker()] * len(part)) + ")", part


def param_marker():
    """The parameter marker for bulk statements: SQLite's own "?" there, since Django's SQLite cursor
    rewrites each "%s" into one with a regular expression (thousands per statement, a twentieth of the
    writer's time). Not while queries are logged (debug on, or a test counting them): the log's copy of
    a statement is built by formatting its "%s" markers."""
    return "?" if connection.vendor == "sqlite" and not connection.queries_logged else "%s"


def power_of_two_parts(items, largest):
    """``items`` cut into runs whose lengths are powers of two, none longer than ``largest``.

    Statements then come in a dozen lengths per table. SQLite's statement cache (128 per connection)
    kept one new program per batch instead, up to a megabyte each for a multi-row INSERT: 45 MiB of the
    main process's growth over the full corpus.
    """
    largest = 1 << (max(1, largest).bit_length() - 1)
    start = 0
    while start < len(items):
        size = min(largest, 1 << ((len(items) - start).bit_length() - 1))
        yield items[start : start + size]
        start += size


def table_name(model):
    return connection.ops.quote_name(model._meta.db_table)


def column_names(model, field_names):
    return ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in field_names)


def resolve_arrived_relations():
    """Point every waiting relation whose url now names an article at it; return how many."""
    arrived = Relation.objects.filter(target__isnull=True, target_url__in=Article.objects.values("url"))
    if not arrived.exists():  # PostgreSQL's triggers bump the page cache even for an UPDATE of no row
        return 0
    return arrived.update(
        target=Subquery(Article.objects.filter(url=OuterRef("target_url")).values("pk")[:1])
    )


def resolve_relations(urls):
    """Point waiting relations at the articles that now exist at these urls; return how many."""
    relation = table_name(Relation)
    target_id = column_names(Relation, ["target"])
    target_url = column_names(Relation, ["target_url"])
    found = f"SELECT {column_names(Article, ['id'])} FROM {table_name(Article)} WHERE {column_names(Article, ['url'])}"
    head = (
        f"UPDATE {relation} SET {target_id} = ({found} = {relation}.{target_url}) "
        f"WHERE {target_id} IS NULL AND {target_url} IN "
    )
    resolved = 0
    with connection.cursor() as cursor:
        for sql, part in in_list_statements(head, urls):
            cursor.execute(sql, part)
            resolved += cursor.rowcount
    return resolved


def file_values(record, answer_html, subject_id, now):
    """The column values a source file owns, by field name."""
    return {
        "subject": subject_id,
        "slug": record.slug,
        "source_subject": record.subject_name,
        "source_id": record.source_id,
        "date": record.date,
        "title": record.title,
        "article_title": record.article_title,
        "question": record.question,
        "answer_source": record.answer_source,
        "answer": record.answer,
        "answer_html": answer_html,
        "date_format": record.date_format,
        "post_on_text": record.post_on_text,
        "author": record.author,
        "seo_title": record.seo_title,
        "seo_description": record.seo_description,
        "seo_keywords": record.seo_keywords,
        "score": record.score,
        "no_index": record.no_index,
        "schema": record.schema,
        "file_name": record.file_name,
        "source_path": record.path,
        "source_text": record.source_text,
        "file_hash": record.file_hash,
        "importer_version": IMPORTER_VERSION,
        "imported_at": now,
        "content_changed_at": now,
        "edited": False,
    }


def adapt(values, adapted=None):
    """Values in the database's own terms (dates and times as the backend stores them).

    ``adapted`` memoises conversions across rows: an import's rows share a few dozen dates.
    """
    adapted = {} if adapted is None else adapted
    row = []
    for value in values.values():
        if isinstance(value, datetime.date):  # datetimes too
            if value not in adapted:
                adapted[value] = adapt_date(value)
            value = adapted[value]
        row.append(value)
    return tuple(row)


def adapt_rows(rows):
    adapted = {}
    return [adapt(values, adapted) for values in rows]


def adapt_date(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


def update_row(model, values):
    """UPDATE one row by id from a {field name: value} mapping."""
    names = [name for name in values if name != "id"]
    assignments = ", ".join(f"{column_names(model, [name])} = %s" for name in names)
    sql = f"UPDATE {table_name(model)} SET {assignments} WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*adapt({name: values[name] for name in names}), values["id"]])


def start_of(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def prepare_file(path, max_bytes):
    """Parse, validate and render one file: a Prepared, or the SourceError saying why not."""
    try:
        data = Path(path).read_bytes()
        if len(data) > max_bytes:
            raise SourceError(path, f"file is {len(data):,} bytes, over the limit of {max_bytes:,}")
        started = time.process_time()
        record = parse_source(data, path)
        parsed = time.process_time()
        answer_html = rendering.render_markdown(record.answer)
        rendered = time.process_time()
        return Prepared(
            record, answer_html, editing.publishing_state(record), parsed - started, rendered - parsed
        )
    except SourceError as exc:
        return exc
    except OSError as exc:
        return SourceError(path, f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # a renderer bug must refuse one file, not end the run
        return SourceError(path, f"cannot render: {type(exc).__name__}: {exc}")


def prepare_file_args(args):
    return prepare_file(*args)


def rerender_all(batch_size=BATCH_SIZE):
    """Render every stored answer again (after a renderer upgrade); return (count, seconds)."""
    started, count = time.perf_counter(), 0
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        articles = list(Article.objects.filter(pk__in=ids[start : start + batch_size]).only("pk", "answer"))
        for article in articles:
            article.answer_html = rendering.render_markdown(article.answer)
        with transaction.atomic(), cache.deferred_bumps():
            Article.objects.bulk_update(articles, ["answer_html"], batch_size=250)
        count += len(articles)
    return count, time.perf_counter() - started
