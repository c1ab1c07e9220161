"""Serve under load while a full-corpus import writes: every response must be a success.

    python bench/load_during_import.py [--database-url URL]

Imports fixtures/, starts gunicorn (debug off, page cache on: every batch the import commits changes the
site version, so pages are re-rendered all through the run), starts importing the full corpus, and drives
wrk at several pages until the import ends. Prints requests served, non-2xx responses, socket errors and
any "database is locked" in gunicorn's log.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PORT, ROOT, fresh_database, full_corpus, manage, start_gunicorn  # noqa: E402

PAGES = [
    "/",
    "/learn/",
    "/learn/medicine/",
    "/learn/medicine/questions/how-is-radiotherapy-integrated-with-surgical-approaches-in-cancer-management",
    "/search/?q=cancer",
    "/sitemap.xml",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    args = parser.parse_args()
    corpus = full_corpus()
    if corpus is None or not shutil.which("wrk"):
        print("load-during-import bench skipped: needs ../shared/corpus and wrk")
        return
    with tempfile.TemporaryDirectory() as scratch:
        _, env = fresh_database(args.database_url, scratch)
        manage(["collectstatic", "--noinput", "-v0"], env)
        manage(["import_articles", str(ROOT / "fixtures"), "-v0"], env)
        log = Path(scratch) / "gunicorn.log"
        server = start_gunicorn(dict(env, GUNICORN_CMD_ARGS=f"--error-logfile {log}"))
        started = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "import_articles", str(corpus), "-v1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        served = non_2xx = socket_errors = 0
        try:
            while importer.poll() is None:
                for page in PAGES:
                    output = subprocess.run(
                        ["wrk", "-c8", "-t2", "-d2s", f"http://127.0.0.1:{PORT}{page}"],
                        capture_output=True, text=True,
                    ).stdout  # fmt: skip
                    served += int(re.search(r"(\d+) requests in", output).group(1))
                    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
                        non_2xx += int(match.group(1))
                    if match := re.search(
                        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
                    ):
                        socket_errors += sum(map(int, match.groups()))
        finally:
            server.terminate()
            server.wait()
        import_output = importer.communicate()[0]
        locked = log.read_text().count("database is locked") if log.exists() else 0
    print(f"import: {time.perf_counter() - started:.0f} s, exit {importer.returncode}")
    print("   " + import_output.strip().splitlines()[-1])
    print(f"served {served:,} requests during the import: non-2xx {non_2xx}, socket errors {socket_errors}, "
          f"'database is locked' in the log {locked}")  # fmt: skip


if __name__ == "__main__":
    main()
