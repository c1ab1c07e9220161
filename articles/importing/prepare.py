"""Preparing files for the writer: parse, validate and render each, in worker processes.

Workers never touch the database (prepare_file is pure), so the parent's connection stays theirs alone.
"""

import contextlib
import gc
import multiprocessing
import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from .. import rendering
from ..source import SourceError, parse_source

# Batches the workers prepare beyond the one being written. In batches of 500: with one, two full SQLite
# imports took 62 and 64 s for 81 CPU-seconds on 2 cores (the writer and the workers took turns waiting);
# with two, three took 45-56 s. No difference on PostgreSQL.
PREPARED_AHEAD = 2
PARALLEL_THRESHOLD = 200  # below this many files, worker start-up costs more than it saves
# The writer is the import's critical path, yet beside two busy workers on two cores the scheduler gave it
# two thirds of a core. Niced, the workers yield to it and still get every cycle it leaves.
WORKER_NICENESS = 10


@dataclass
class Prepared:
    """A parsed and rendered file, ready to write."""

    record: object
    answer_html: str
    parse_seconds: float = 0.0
    render_seconds: float = 0.0


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
        return Prepared(record, answer_html, parsed - started, rendered - parsed)
    except SourceError as exc:
        return exc
    except OSError as exc:
        return SourceError(path, f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # a renderer bug must refuse one file, not end the run
        return SourceError(path, f"cannot render: {type(exc).__name__}: {exc}")


def prepare_file_args(args):
    return prepare_file(*args)


@contextlib.contextmanager
def worker_pool(workers, files):
    """Worker processes for preparing files, or None when one process is enough.

    Forked before the scan: forked after it, they shared the pages of its 200,000 records, and each
    page this process then touched (a reference count changing) was copied, so the import's memory
    grew by the size of the file list over the run.
    """
    if workers < 2 or files < PARALLEL_THRESHOLD:
        yield None
        return
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    # Frozen, the objects made so far are left alone by the workers' garbage collector, which would
    # otherwise copy the pages they share with this process.
    gc.freeze()
    try:
        niced = {"initializer": os.nice, "initargs": (WORKER_NICENESS,)} if hasattr(os, "nice") else {}
        with context.Pool(workers, **niced) as pool:
            yield pool
    finally:
        gc.unfreeze()


def prepare_batches(batches, pool, max_bytes, chunk):
    """Yield (batch, prepared) pairs; workers prepare the next batches while one is written."""
    if pool is None:
        for batch in batches:
            yield batch, [prepare_file(item.path, max_bytes) for item in batch]
        return
    pending = deque()
    for batch in batches:
        submitted = pool.map_async(prepare_file_args, [(i.path, max_bytes) for i in batch], chunk)
        pending.append((batch, submitted))
        if len(pending) > PREPARED_AHEAD:
            batch, submitted = pending.popleft()
            yield batch, submitted.get()
    while pending:
        batch, submitted = pending.popleft()
        yield batch, submitted.get()
