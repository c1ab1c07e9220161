"""Preparing files for the writer: parse, validate and render each, in worker processes.

Workers never touch the database (prepare_file is pure), so the parent's connection stays theirs alone.
The import's own process never parses or renders: a crash there (a segfault in C code) takes one worker
with it, the file it was preparing is refused by name, and every other file imports.
"""

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from .. import rendering
from ..source import SourceError, parse_source
from .discovery import read_source_bytes, url_lines

# Batches the workers prepare beyond the one being written. In batches of 500: with one, two full SQLite
# imports took 62 and 64 s for 81 CPU-seconds on 2 cores (the writer and the workers took turns waiting);
# with two, three took 45-56 s. No difference on PostgreSQL.
PREPARED_AHEAD = 2
PARALLEL_THRESHOLD = 200  # below this many files, one worker: more would cost more to start than they save
# The writer is the import's critical path, yet beside two busy workers on two cores the scheduler gave it
# two thirds of a core. Niced, the workers yield to it and still get every cycle it leaves.
WORKER_NICENESS = 10
PR_SET_PDEATHSIG = 1  # linux/prctl.h


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
        data = read_source_bytes(path, max_bytes)
        started = time.process_time()
        record = parse_source(data, path)
        declared = url_lines(data)
        if len(declared) > 1:
            # YAML keeps the last and the scan claims it; a file naming two urls is refused whatever it meant.
            lines = " and ".join(str(line) for line, _ in declared[:2])
            raise SourceError(path, f"'url' is given twice (lines {lines})", line=declared[1][0])
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


def prepare_chunk(paths, max_bytes):
    return [prepare_file(path, max_bytes) for path in paths]


def start_worker(parent):
    """Each worker's first step: yield the CPU to the writer, and die with the import's process."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    # Ctrl-C is the import's to handle: it keeps whole batches, then stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        # Else a SIGKILLed import left its workers running (reading, rendering) for seconds.
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if os.getppid() != parent:  # the import died before the request above took effect
        os._exit(1)


@contextlib.contextmanager
def worker_pool(workers, files):
    """Worker processes for preparing files (and scanning them, when there are many), or None when there
    are no files.

    Forked before the scan: forked after it, they shared the pages of its 200,000 records, and each
    page this process then touched (a reference count changing) was copied, so the import's memory
    grew by the size of the file list over the run.
    """
    if not files:
        yield None
        return
    parallel = workers >= 2 and files >= PARALLEL_THRESHOLD
    # Frozen, the objects made so far are left alone by the workers' garbage collector, which would
    # otherwise copy the pages they share with this process.
    gc.freeze()
    pool = Workers(workers, parallel)
    try:
        yield pool
    except BaseException:
        pool.close(kill=True)  # Ctrl-C, an error: the chunks in hand are not wanted
        raise
    else:
        pool.close()
    finally:
        gc.unfreeze()


def prepare_batches(batches, pool, max_bytes, chunk):
    """Yield (batch, prepared) pairs; workers prepare the next batches while one is written."""
    if pool is None:
        for batch in batches:
            yield batch, [prepare_file(item.path, max_bytes) for item in batch]
        return
    if not pool.parallel:
        for batch in batches:
            yield batch, [pool.alone.prepare(item.path, max_bytes) for item in batch]
        return
    pending = deque()
    for batch in batches:
        pending.append((batch, pool.submit_batch([item.path for item in batch], max_bytes, chunk)))
        if len(pending) > PREPARED_AHEAD:
            batch, submitted = pending.popleft()
            yield batch, pool.collect(submitted, max_bytes)
    while pending:
        batch, submitted = pending.popleft()
        yield batch, pool.collect(submitted, max_bytes)


class Workers:
    """The import's worker processes: a pool, and a worker of its own for a file suspected of killing one.

    A worker that dies (a crash in C code, a SIGKILL) breaks the pool and fails everything it was given.
    Those files are prepared again one at a time by the lone worker, so the one that kills it is refused
    by name; the next batches go to a new pool.
    """

    def __init__(self, count, parallel):
        self.count = count
        self.parallel = parallel  # else the lone worker prepares every file, and the scan is done here
        self.context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self.executor = None
        if parallel:
            self.executor = self.new_executor()
            self.executor.submit(int)  # starts the workers now, before the scan (see worker_pool)
        self.alone = LoneWorker(self.context)

    def new_executor(self):
        return ProcessPoolExecutor(
            self.count, mp_context=self.context, initializer=start_worker, initargs=(os.getpid(),)
        )

    def imap(self, function, items, chunk):
        """``function`` of each item, in order, as Pool.imap. In this process when the pool breaks (or the
        run is small): it must be safe here, as the scan's reading and hashing is."""
        items = list(items)
        done = 0
        if self.parallel and self.executor is not None:
            try:
                for outcome in self.executor.map(function, items, chunksize=chunk):
                    yield outcome
                    done += 1
            except BrokenProcessPool:
                self.retire(self.executor)
        yield from map(function, items[done:])

    def submit_batch(self, paths, max_bytes, chunk):
        """(pool, [(chunk of paths, future of their outcomes)]) for one batch."""
        try:
            if self.executor is None:
                self.executor = self.new_executor()
            executor = self.executor
            return executor, [
                (part, executor.submit(prepare_chunk, part, max_bytes))
                for part in (paths[i : i + chunk] for i in range(0, len(paths), chunk))
            ]
        except BrokenProcessPool:  # broken since the last batch was collected
            self.retire(self.executor)
            return self.submit_batch(paths, max_bytes, chunk)

    def collect(self, submitted, max_bytes):
        """The outcomes of a submitted batch, in order; the files of a chunk lost with its worker are
        prepared again one at a time."""
        executor, chunks = submitted
        prepared = []
        for part, future in chunks:
            try:
                prepared.extend(future.result())
            except BrokenProcessPool:
                self.retire(executor)
                prepared.extend(self.alone.prepare(path, max_bytes) for path in part)
        return prepared

    def retire(self, executor):
        """Shut a broken pool down (its threads gone, so the next fork is from this thread alone)."""
        executor.shutdown(wait=True, cancel_futures=True)
        if executor is self.executor:
            self.executor = None

    def close(self, kill=False):
        if self.executor is not None:
            if kill:
                # Python 3.14 has terminate_workers(); before it the processes are only in _processes.
                if hasattr(self.executor, "terminate_workers"):
                    self.executor.terminate_workers()
                else:
                    for process in list((getattr(self.executor, "_processes", None) or {}).values()):
                        process.kill()
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        self.alone.close()


class LoneWorker:
    """A worker preparing one file at a time, started when first needed and again after each death, so
    that a death names the file that caused it, and the signal."""

    def __init__(self, context):
        self.context = context
        self.process = self.connection = None

    def prepare(self, path, max_bytes):
        if self.process is None:
            self.connection, theirs = self.context.Pipe()
            self.process = self.context.Process(
                target=serve_alone, args=(theirs, self.connection, os.getpid()), daemon=True
            )
            self.process.start()
            theirs.close()  # each end open in one process only: either's exit reads as the pipe's end
        try:
            self.connection.send((path, max_bytes))
            return self.connection.recv()
        except (EOFError, OSError):
            code = self.close(wait=True)
        how = f"signal {-code}" if code < 0 else f"exit status {code}"
        return SourceError(path, f"the worker preparing this file died ({how})")

    def close(self, wait=False):
        """Stop the worker: it ends when the pipe closes. Its exit code, when ``wait``: else it is reaped
        later (when multiprocessing next starts a process, or at exit), saving a small import the 20-60 ms
        a forked process of a large one takes to exit."""
        if self.process is None:
            return None
        self.connection.close()
        if wait:
            self.process.join()
        code = self.process.exitcode
        self.process = self.connection = None
        return code


def serve_alone(connection, other_end, parent):
    other_end.close()
    start_worker(parent)
    with contextlib.suppress(EOFError):
        while True:
            connection.send(prepare_file(*connection.recv()))
