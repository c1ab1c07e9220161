"""The build's version: a digest of the code, templates and static files this process serves.

The page cache's key and ETag carry it beside the content generation, so a deploy that changes only a
template, a stylesheet or a view makes new pages at once, and an ETag from the old build never answers
304. Every instance of one build computes the same digest (contents, not file times), so they share
the cache; two builds running side by side during a rolling deploy keep apart.

With DEBUG on, it follows edits as they are saved (file sizes and times, checked at each request), as
the development server's Jinja2 templates do.
"""

import functools
import hashlib
import os
from pathlib import Path

from django.conf import settings

PARTS = ("templates", "static", "articles", "qtakes")
SUFFIXES = (".py", ".html", ".xml", ".xsl", ".css", ".js", ".svg", ".png", ".woff2", ".txt")


def build_version():
    """A short hex digest of the files that make the pages."""
    if settings.DEBUG:
        return _digest(tuple(_stat(path) for path in _files()))
    return _contents_digest()


@functools.cache
def _contents_digest():
    digest = hashlib.sha256()
    for path in _files():
        digest.update(str(path.relative_to(settings.BASE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _files():
    root = Path(settings.BASE_DIR)
    found = []
    for part in PARTS:
        for folder, dirs, names in os.walk(root / part):
            dirs[:] = sorted(name for name in dirs if name != "__pycache__")
            found.extend(Path(folder) / name for name in sorted(names) if name.endswith(SUFFIXES))
    return found


def _stat(path):
    try:
        stat = path.stat()
    except FileNotFoundError:  # removed while we looked
        return (str(path), 0, 0)
    return (str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _digest(stats):
    return hashlib.sha256(repr(stats).encode()).hexdigest()[:12]
