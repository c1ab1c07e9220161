"""Finding the source files under the paths given, and a first cheap look at each: its hash and its url."""

import hashlib
import os
import re
import stat
from dataclasses import dataclass

from ..source import SourceError

# Plain, or quoted as YAML allows ('...' or "..."), then perhaps a comment. A site path needs no escapes
# inside the quotes: a backslash, or an unclosed quote, leaves the url to parsing.
URL_VALUE = re.compile(
    rb"""[ \t]*(?:"([^"\s\\]+)"|'([^'\s]+)'|([^"'\s]\S*))(?:[ \t]+\#[^\r\n]*)?[ \t]*\r?$""", re.MULTILINE
)


@dataclass(slots=True)
class ScannedFile:
    path: str
    digest: bytes  # SHA-256 of the bytes: half the memory of its hex form
    url: str | None


class Unreadable(str):
    """A path found under a folder that must not be read, with the reason: the scan refuses it by name.

    A str, so that it travels the import's path lists (and to the workers) like any other path.
    """

    def __new__(cls, path, reason):
        self = super().__new__(cls, path)
        self.reason = reason
        return self

    def __reduce__(self):
        return type(self), (str(self), self.reason)


def find_source_files(paths):
    """Every ``*.md`` under the given files and folders, each real file once, in a stable order.

    Paths are plain strings (or Unreadable): at 200,000 files, Path objects alone held 150 MB.
    """
    found, seen = [], set()
    for raw in paths:
        raw = os.fspath(raw)
        candidates = sorted(walk(raw, is_markdown), key=path_order) if os.path.isdir(raw) else [(raw, None)]
        for candidate, real in candidates:
            # A file named on the command line is read wherever it is: its reader chose it.
            real = real or (candidate if isinstance(candidate, Unreadable) else os.path.realpath(candidate))
            if real not in seen:
                seen.add(real)
                found.append(candidate)
    return found


def find_redirect_files(paths):
    """The redirect files (written by export_articles) under the given files and folders."""
    from .redirects_file import REDIRECTS_FILE  # that module reads what this one finds

    found = []
    for raw in paths:
        raw = os.fspath(raw)
        if os.path.isdir(raw):
            found.extend(path for path, _ in sorted(walk(raw, REDIRECTS_FILE.__eq__), key=path_order))
        elif os.path.basename(raw) == REDIRECTS_FILE:
            found.append(raw)
    return found


def is_markdown(name):
    return name.endswith(".md")


def walk(folder, wanted):
    """(path, real path) of each file under ``folder`` whose name is ``wanted``; (Unreadable, None) for
    each such name that must not be read.

    Symlinked folders are not followed. A symlinked file is read when it leads to a regular file inside
    ``folder``: one leading outside would let a folder of sources read any file on the machine.
    """
    root = os.path.realpath(folder)
    folders = [folder]
    while folders:
        current = folders.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as exc:
            yield Unreadable(current, f"cannot read folder: {exc.strerror or exc}"), None
            continue
        real_folder = os.path.realpath(current)
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    continue
                if not wanted(entry.name):
                    continue
                if not entry.is_symlink():
                    if entry.is_file(follow_symlinks=False):
                        yield entry.path, os.path.join(real_folder, entry.name)
                    else:  # a FIFO would block the reader for ever
                        yield Unreadable(entry.path, "not a regular file"), None
                    continue
                real = os.path.realpath(entry.path, strict=True)  # OSError: a loop, or leads nowhere
            except OSError as exc:
                yield Unreadable(entry.path, f"cannot read file: {exc.strerror or exc}"), None
                continue
            if real != root and not real.startswith(os.path.join(root, "")):
                yield Unreadable(entry.path, f"not read: a symlink to {real}, outside {folder}"), None
            elif os.path.isfile(real):
                yield entry.path, real
            elif not os.path.isdir(real):  # a symlinked folder is not followed, as above
                yield Unreadable(entry.path, "not a regular file"), None


def path_order(found):
    # Orders as Path objects do, part by part ("a/x" before "a-b/x"), without a list of parts per file.
    return found[0].replace(os.sep, "\0")


def read_source_bytes(path, max_bytes):
    """The bytes of the regular file at ``path``; SourceError when it is not one or is over the limit,
    OSError when it cannot be read."""
    if isinstance(path, Unreadable):
        raise SourceError(path, path.reason)
    # Non-blocking: opening a FIFO would otherwise wait for a writer before the check below could run.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(path, "not a regular file")
        if info.st_size > max_bytes:
            raise SourceError(path, f"file is {info.st_size:,} bytes, over the limit of {max_bytes:,}")
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since the check
        raise SourceError(path, f"file is over the limit of {max_bytes:,} bytes")
    return data


def scan_file(path, max_bytes):
    """A ScannedFile (the hash of the file's bytes and its url), or the SourceError saying why not."""
    try:
        data = read_source_bytes(path, max_bytes)
    except SourceError as exc:
        return exc
    except OSError as exc:
        return SourceError(path, f"cannot read file: {exc.strerror or exc}")
    return ScannedFile(path, hashlib.sha256(data).digest(), find_url(data))


def find_url(data):
    """The url a file's bytes declare on a ``url:`` line of the front matter, or None (parsing later
    says what is wrong). Given twice, the last one, as YAML reads it (the file is refused later)."""
    lines = url_lines(data)
    return lines[-1][1] if lines else None


def url_lines(data):
    """(line number, value or None) of each top-level ``url:`` line of the front matter (all of ``data``
    when it has none); None where the value is in a form this look does not read.

    bytes.find, then a match at each hit: a MULTILINE ``^url:`` search tried every position of every
    file, a third of a re-import.
    """
    head = b"\n" + data[: front_matter_end(data)]
    found = []
    position = head.find(b"\nurl:")
    while position != -1:
        after = position + 5
        if after == len(head) or head[after] in b" \t\r\n":  # "url:x" is not the key url
            match = URL_VALUE.match(head, after)
            value = next(url for url in match.groups() if url is not None) if match else None
            line = head.count(b"\n", 0, position + 1)
            found.append((line, value and value.decode("utf-8", "replace")))
        position = head.find(b"\nurl:", after)
    return found


def front_matter_end(data):
    """Where the line closing the front matter (``---``, as parsing finds it) starts, or len(data)."""
    position = data.find(b"\n---")
    while position != -1:
        if data[position + 4 : position + 5] in (b"", b"\n", b"\r"):
            return position
        position = data.find(b"\n---", position + 4)
    return len(data)
