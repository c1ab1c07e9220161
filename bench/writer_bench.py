"""The import's writer alone: every file prepared first, then only the writes timed, against the parse
baseline measured in the same run.

    python bench/writer_bench.py [--sample] [--database-url URL]

An import cannot finish sooner than its writer: batches go into the database one transaction after
another (on PostgreSQL two at once). This bench prepares every file (parse, check, render) on both
cores and holds the results in memory, then feeds them to the importer's own write loop
(``Importer.write_prepared``) on an idle machine: the least time any import of these files can take
on this database, however fast parsing and rendering become. Prints the preparation too, and the
baseline before and after. Skips with a message when ../shared/corpus is absent.
"""

import contextlib
import gc
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT,
    baseline,
    corpus_arguments,
    fresh_database,
    sampled_server_cpu,
)


def prepare_all(prepare_module, paths, max_bytes):
    """Every file prepared on both cores, as the import's workers do; (results, seconds, CPU seconds)."""
    started, cpu = time.perf_counter(), os.times()
    gc.disable()  # as during an import: collections would re-walk every result received so far
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            prepared = pool.map(prepare_module.prepare_file_args, [(path, max_bytes) for path in paths], 64)
    finally:
        gc.enable()
    gc.freeze()  # held until the end: no collection during the writes walks them either
    after = os.times()  # the workers' CPU counts once they are reaped, on leaving the pool
    used = (after.children_user - cpu.children_user) + (after.children_system - cpu.children_system)
    return (
        prepared,
        time.perf_counter() - started,
        used + (after.user - cpu.user) + (after.system - cpu.system),
    )


def main():
    args, corpus = corpus_arguments(__doc__)
    if corpus is None:
        print("writer bench skipped: ../shared/corpus is not here")
        return
    files = sorted(corpus.rglob("*.md"))
    with tempfile.TemporaryDirectory() as scratch:
        database_url, env = fresh_database(args.database_url, scratch)
        os.environ.update(env, DJANGO_SETTINGS_MODULE="qtakes.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from articles.importing import importer, prepare

        for path in files:  # read once, untimed: no timed run reads a file from the disk
            path.read_bytes()
        before = baseline(files)
        writer = importer.Importer(workers=1)
        writer.tune_connection()
        scanned = writer.scan([str(path) for path in files])  # what the import's scan leaves: claimed urls
        prepared, prepare_seconds, prepare_cpu = prepare_all(
            prepare, [item.path for item in scanned], writer.max_bytes
        )
        pairs = list(zip(writer.batches_of(scanned), writer.batches_of(prepared), strict=True))
        server = "postgres" if database_url.startswith("postgres") else None
        with sampled_server_cpu(server) if server else contextlib.nullcontext() as server_used:
            started, cpu = time.perf_counter(), time.process_time()
            writer.write_prepared(iter(pairs), len(pairs), 0, len(scanned))
            writer.finish()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            server_seconds = server_used.total() if server else 0.0
        after = baseline(files)
    base = (before + after) / 2
    result = writer.result
    print(f"files: {len(files):,}  database: {database_url.split(':')[0]}")
    print(
        f"baseline parse (CSafeLoader, 1 process): {base:6.1f} s  ({before:.1f} s before, {after:.1f} s after)"
    )
    print(f"prepared on both cores, held in memory:  {prepare_seconds:6.1f} s  = {prepare_seconds / base:.2f}x "
          f"baseline, CPU {prepare_cpu:.1f} s")  # fmt: skip
    print(f"the writer alone (nothing else running): {seconds:6.1f} s  = {seconds / base:.2f}x baseline, "
          f"CPU {cpu:.1f} s in this process" + (f" + {server_seconds:.1f} s in PostgreSQL's" if server else ""))  # fmt: skip
    print(f"   created {result.created:,}, relations resolved {result.relations_resolved:,}, "
          f"dangling {result.relations_dangling:,}, refused {len(result.refused)}")  # fmt: skip


if __name__ == "__main__":
    main()
