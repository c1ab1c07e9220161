"""An answer's outline: ids on its headings and, for an answer with three or more, a table of contents.

The stored HTML (articles/rendering, sanitised at import) has headings without ids; the page adds
them as it shows the answer, so a reader can link to a section and the contents can point to one.
Only the headings the renderer writes are touched: ``<hN>`` with no attributes, h2 to h6.
"""

import html
import re
from dataclasses import dataclass, field

from django.utils.text import slugify

MIN_HEADINGS = 3
HEADING = re.compile(r"<h([2-6])>(.*?)</h\1>", re.DOTALL)
TAG = re.compile(r"<[^>]*>")
LINK_TAG = re.compile(r"</?a\b[^>]*>")
# Ids the page itself uses: a heading never takes one of them.
PAGE_IDS = frozenset({"main", "article-title", "toc-title", "keywords-title", "related-title", "more-title"})


@dataclass
class Entry:
    id: str
    html: str  # the heading's own (sanitised) markup, links removed: math and code show as in the answer
    children: list = field(default_factory=list)


@dataclass
class Outline:
    html: str
    contents: list  # Entry for each top-level heading, its next-level headings as children; [] if short


def outline(answer_html):
    """The answer with an id on each heading, and its table of contents when it has enough headings."""
    headings = HEADING.findall(answer_html)
    if len(headings) < MIN_HEADINGS:
        return Outline(answer_html, [])
    ids = unique_ids(inner for _, inner in headings)
    remaining = iter(ids)
    named = HEADING.sub(
        lambda match: f'<h{match[1]} id="{next(remaining)}">{match[2]}</h{match[1]}>', answer_html
    )
    return Outline(named, contents(headings, ids))


def unique_ids(inners):
    """A readable id for each heading (from its text), unique on the page."""
    taken = set(PAGE_IDS)
    ids = []
    for number, inner in enumerate(inners, start=1):
        base = slugify(html.unescape(TAG.sub(" ", inner)))[:60].strip("-") or f"section-{number}"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate)
        ids.append(candidate)
    return ids


def contents(headings, ids):
    """The top two levels the answer uses, nested: an h3 under the h2 before it."""
    levels = sorted({int(level) for level, _ in headings})
    top, sub = levels[0], levels[1] if len(levels) > 1 else None
    entries = []
    for (level, inner), heading_id in zip(headings, ids, strict=True):
        entry = Entry(heading_id, LINK_TAG.sub("", inner))
        if int(level) == top or not entries and int(level) == sub:
            entries.append(entry)
        elif int(level) == sub:
            entries[-1].children.append(entry)
    return entries
