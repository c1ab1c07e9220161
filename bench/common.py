"""Shared pieces of the benchmarks: where the corpus is, a fresh database, peak memory of a process tree."""

import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FULL_TAR = CORPUS / "quicktakes-full.tar.xz"
SAMPLE = CORPUS / "quicktakes-sample"
UNPACKED = Path(tempfile.gettempdir()) / "qtakes-bench-corpus"


def full_corpus():
    """The 35,915 real files, unpacked once outside the repository; None when the corpus is absent."""
    target = UNPACKED / "content" / "learn"
    if target.exists():
        return target
    if not FULL_TAR.exists():
        return None
    print(f"unpacking {FULL_TAR} to {UNPACKED} ...", flush=True)
    UNPACKED.mkdir(parents=True, exist_ok=True)
    with tarfile.open(FULL_TAR) as archive:
        archive.extractall(UNPACKED, filter="data")
    return target


def production_env(database_url, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        **extra,
    )
    return env


def manage(args, env, check=True):
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=check,
                          capture_output=True, text=True)  # fmt: skip


def tree_rss_kb(pid):
    """Resident memory of a process and all its descendants, in KiB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command, env):
    """Run a command; return (seconds, peak tree RSS in MiB, stdout, CPU seconds of the whole tree)."""
    started, cpu = time.perf_counter(), children_cpu()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def watch():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(process.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output = process.communicate()[0]
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{command} failed:\n{output}")
    return time.perf_counter() - started, peak[0] / 1024, output, children_cpu() - cpu
