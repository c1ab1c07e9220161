"""Finding the source files under the paths given, and a first cheap look at each: its hash and its url."""

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..source import SourceError
from .redirects_file import REDIRECTS_FILE

# Plain, or quoted as YAML allows ('...' or "..."): a site path needs no escapes inside the quotes.
URL_LINE = re.compile(rb"""url:[ \t]*(?:"([^"\s]+)"|'([^'\s]+)'|(\S+))[ \t]*\r?$""", re.MULTILINE)


@dataclass(slots=True)
class ScannedFile:
    path: str
    digest: bytes  # SHA-256 of the bytes: half the memory of its hex form
    url: str | None


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
            found.extend(sorted(path.rglob(REDIRECTS_FILE)))
        elif path.name == REDIRECTS_FILE:
            found.append(path)
    return found
