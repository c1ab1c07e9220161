"""Shared pieces of the benchmarks: where the corpus is, a fresh database, peak memory of a process tree."""

import argparse
import contextlib
import json
import os
import re
import resource
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FULL_TAR = CORPUS / "quicktakes-full.tar.xz"
SAMPLE = CORPUS / "quicktakes-sample"
UNPACKED = Path(tempfile.gettempdir()) / "qtakes-bench-corpus"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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


def baseline(files):
    """Seconds to read the files and parse their front matter with yaml.CSafeLoader in one process: the
    yardstick issue 5 sets the import against."""
    started = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        front = text.split("\n---\n", 1)[0].removeprefix("---\n")
        yaml.load(front, Loader=yaml.CSafeLoader)
    return time.perf_counter() - started


def production_env(database_url, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuv",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        **extra,
    )
    return env


def fresh_database(database_url, scratch, name="bench"):
    """(url, env) of an empty, migrated database: ``database_url`` emptied first, or, when it is None, a
    new SQLite file in the folder ``scratch``."""
    url = database_url or f"sqlite:///{scratch}/{name}.sqlite3"
    env = production_env(url)
    if database_url:
        manage(["flush", "--noinput"], env, check=False)
    manage(["migrate", "--noinput", "-v0"], env)
    return url, env


def corpus_arguments(description):
    """The arguments of the benches that read the real corpus (``--sample`` and ``--database-url``), and
    the corpus they name: (args, corpus folder), the folder None when ../shared/corpus is absent."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sample", action="store_true", help="the 3,231-file sample instead of all files")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    corpus = SAMPLE if args.sample else full_corpus()
    return args, corpus if corpus is not None and corpus.exists() else None


def manage(args, env, check=True):
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=check,
                          capture_output=True, text=True)  # fmt: skip


def tree_memory_kb(pid):
    """(RSS, PSS) of a process and all its descendants, in KiB.

    Summed RSS counts a page shared by forked workers once per process; PSS splits it among them, so
    the tree's PSS is the memory it really holds.
    """
    rss = pss = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss, pss


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu(name):
    """{pid: CPU seconds} of the running processes called ``name`` (the database server's, say)."""
    seconds = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                command, fields = stat.read().rsplit(")", 1)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if command.split("(", 1)[1] == name:
            user, system = fields.split()[11:13]
            seconds[pid] = (int(user) + int(system)) / CLOCK_TICKS
    return seconds


def run_measured(command, env, samples=None, server=None):
    """Run a command; return a Measured run (time, peak memory, output, CPU of the whole tree).

    With ``samples`` (a list), also append (seconds since start, tree PSS in MiB) as the run goes. With
    ``server`` (a process name, such as "postgres"), also count the CPU those processes spent meanwhile:
    the database server's share of the work, which the tree's own figure leaves out.
    """
    started, cpu = time.perf_counter(), children_cpu()
    server_used = ServerCpu(server) if server else None
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peaks = [0, 0]

    def watch():
        while process.poll() is None:
            rss, pss = tree_memory_kb(process.pid)
            peaks[:] = max(peaks[0], rss), max(peaks[1], pss)
            if samples is not None:
                samples.append((time.perf_counter() - started, pss / 1024))
            if server_used:
                server_used.sample()
            # Each sample reads smaps_rollup, about 13 ms of kernel time: sampled at 20 Hz, the watcher
            # took a fifth of a core from the run it measured.
            time.sleep(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output = process.communicate()[0]
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{command} failed:\n{output}")
    return Measured(
        time.perf_counter() - started,
        peaks[0] / 1024,
        peaks[1] / 1024,
        output,
        children_cpu() - cpu,
        server_used.total() if server_used else 0.0,
    )


class ServerCpu:
    """CPU seconds a server's processes (by name) spent since this was made, from samples: a backend
    that starts and exits between two samples is missed, and one that exits counts up to its last."""

    def __init__(self, name):
        self.name = name
        self.start = server_cpu(name)
        self.seen = dict(self.start)

    def sample(self):
        self.seen.update(server_cpu(self.name))

    def total(self):
        self.sample()
        return sum(seconds - self.start.get(pid, 0) for pid, seconds in self.seen.items())


@contextlib.contextmanager
def sampled_server_cpu(name, every=0.5):
    """A ServerCpu for ``name`` sampled every ``every`` seconds while the block runs."""
    used, done = ServerCpu(name), threading.Event()

    def watch():
        while not done.wait(every):
            used.sample()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield used
    finally:
        done.set()
        watcher.join()


@dataclass
class Measured:
    seconds: float
    peak_rss: float  # MiB, summed over the processes
    peak_pss: float  # MiB
    output: str
    cpu: float  # seconds, all processes of the tree
    server_cpu: float = 0.0  # seconds, the named server's processes (0 when none was named)

    def floor(self, cores=None):
        """The least time this much CPU could take on this machine's cores, perfectly shared."""
        return (self.cpu + self.server_cpu) / (cores or os.cpu_count() or 1)

    def line(self, prefix):
        """The last line of the output that starts with ``prefix``."""
        return [line for line in self.output.splitlines() if line.startswith(prefix)][-1]


PORT = 8765
QUERY_COUNT_SCRIPT = """
import json, os
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, counts = Client(), {}
for path in json.loads(os.environ["QTAKES_BENCH_PATHS"]):
    client.get(path, HTTP_HOST="localhost")  # the first request of a process compiles what it keeps
    with CaptureQueriesContext(connection) as queries:
        client.get(path, HTTP_HOST="localhost")
    counts[path] = len(queries)
print(json.dumps(counts))
"""


def query_counts(env, paths):
    """{path: queries one request takes}, with the page cache off."""
    env = dict(env, PAGE_CACHE="off", QTAKES_BENCH_PATHS=json.dumps(list(paths)))
    return json.loads(manage(["shell", "--no-imports", "-c", QUERY_COUNT_SCRIPT], env).stdout)


def start_gunicorn(env, port=PORT):
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "qtakes" / "gunicorn.py"), "qtakes.wsgi"],
        cwd=ROOT, env=dict(env, PORT=str(port)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def wrk(path, duration, connections, port=PORT):
    """(requests/s, p50 ms, p99 ms, non-2xx responses) for ``path`` under wrk."""
    output = subprocess.run(
        ["wrk", f"-c{connections}", f"-t{min(2, connections)}", f"-d{duration}s", "--latency",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True,
    )  # fmt: skip
    if output.returncode != 0:
        raise SystemExit(f"wrk failed for {path}:\n{output.stdout}{output.stderr}")
    output = output.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latencies = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if len(latencies) < 2:
        raise SystemExit(f"wrk output not understood for {path}:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, to_ms(latencies["50"]), to_ms(latencies["99"]), int(errors.group(1)) if errors else 0


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
