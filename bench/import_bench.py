"""Import throughput on the real corpus, against a parse-only baseline measured in the same run.

    python bench/import_bench.py [--sample] [--database-url URL]

With --database-url, the same files are also imported into a fresh SQLite file, and the ratio printed.

Prints: the baseline (read + split + yaml.CSafeLoader, one process; the mean of a run just before the
import and one just after), a dry run (every file parsed, checked and rendered on both cores, nothing
written), the first import into an empty database (with where the time went and the peak memory of the
whole process tree), and a re-import of the same unchanged files. When `hugo` is installed, the
yardstick issue 5 names: Hugo building the same files (bench/hugo), to memory and to disk, against a
baseline run after it. Skips with a message when ../shared/corpus is absent.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT,
    baseline,
    corpus_arguments,
    fresh_database,
    run_measured,
)


def hugo_yardstick(corpus, files, before):
    """Print Hugo building the corpus with bench/hugo, to memory and to disk, against the mean of the
    baseline run after the import (``before``) and one run after the builds. Without hugo, say so."""
    hugo = shutil.which("hugo")
    if hugo is None:
        print("hugo: not installed (apt-get install hugo), so no yardstick build")
        return
    builds = {}
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        shutil.copytree(ROOT / "bench" / "hugo", site)
        for label, extra in (("rendered to memory", ["--renderToMemory"]), ("written to disk", [])):
            command = [hugo, "--quiet", "--source", str(site), "--contentDir", str(corpus), *extra]
            builds[label] = run_measured(command, dict(os.environ))
    after = baseline(files)
    base = (before + after) / 2
    print(f"hugo, the same files (bench/hugo), against a baseline of {base:.1f} s "
          f"({before:.1f} s after the import, {after:.1f} s after the builds):")  # fmt: skip
    for label, build in builds.items():
        print(f"   {label + ':':<19} {build.seconds:6.1f} s = {build.seconds / base:.2f}x baseline, "
              f"CPU {build.cpu:.1f} s, peak memory {build.peak_rss:.0f} MiB RSS")  # fmt: skip


def main():
    args, corpus = corpus_arguments(__doc__)
    if corpus is None:
        print("import bench skipped: ../shared/corpus is not here")
        return
    files = sorted(corpus.rglob("*.md"))
    with tempfile.TemporaryDirectory() as scratch:
        database_url, env = fresh_database(args.database_url, scratch)
        command = [sys.executable, str(ROOT / "manage.py"), "import_articles", str(corpus), "-v2"]
        server = "postgres" if database_url.startswith("postgres") else None  # SQLite works in-process
        # The baseline on both sides of the import: this machine's speed drifts within minutes. The files
        # are read once first, untimed, so that no timed run reads one from the disk.
        for path in files:
            path.read_bytes()
        before = baseline(files)
        dry = run_measured([*command, "--dry-run"], env, server=server)  # on the empty database: all prepared
        first = run_measured(command, env, server=server)
        after = baseline(files)
        base = (before + after) / 2
        again = run_measured(command, env)
        if args.database_url:  # the yardstick for other databases: SQLite in the same run
            _, sqlite_env = fresh_database(None, scratch)
            sqlite = run_measured(command, sqlite_env)

    print(f"files: {len(files):,}  database: {database_url.split(':')[0]}")
    print(f"baseline parse (CSafeLoader, 1 process): {base:6.1f} s  ({len(files) / base:,.0f} files/s; "
          f"{before:.1f} s before the import, {after:.1f} s after)")  # fmt: skip
    print(f"dry run (parse, check, render; no writes): {dry.seconds:4.1f} s  = {dry.seconds / base:.2f}x baseline, "
          f"CPU {dry.cpu:.1f} s in all processes")  # fmt: skip
    print(f"first import:                            {first.seconds:6.1f} s  = {first.seconds / base:.2f}x baseline, "
          f"CPU {first.cpu:.1f} s in all processes")  # fmt: skip
    # The least time each run's CPU could take on this machine: what a perfect schedule would leave.
    cores = os.cpu_count() or 1
    print(f"   floors on {cores} cores, each run's CPU perfectly shared: dry run {dry.floor():.1f} s = "
          f"{dry.floor() / base:.2f}x baseline; first import {first.floor():.1f} s = {first.floor() / base:.2f}x"
          + (f" ({first.cpu:.1f} s in the import's processes + {first.server_cpu:.1f} s in PostgreSQL's)"
             if server else ""))  # fmt: skip
    print(f"   peak memory of the process tree: {first.peak_pss:.0f} MiB PSS "
          f"({first.peak_rss:.0f} MiB RSS summed, shared pages counted per process)")  # fmt: skip
    print("   " + first.line("time in"))
    print("   " + first.line("Imported"))
    if args.database_url:
        print(f"first import into SQLite, same run:      {sqlite.seconds:6.1f} s: "
              f"{database_url.split(':')[0]} takes {first.seconds / sqlite.seconds:.2f}x as long; "
              f"its floor alone is {first.floor() / sqlite.seconds:.2f}x SQLite's time")  # fmt: skip
    print(f"re-import (unchanged):                   {again.seconds:6.1f} s  = "
          f"{first.seconds / again.seconds:.1f}x faster than first, peak memory {again.peak_pss:.0f} MiB PSS")  # fmt: skip

    hugo_yardstick(corpus, files, after)


if __name__ == "__main__":
    main()
