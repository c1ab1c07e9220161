"""How deep an answer nests quotes and lists, measured before any parser sees it.

The compiled parser (markdown-it-pyrs) recurses once per level: a few tens of thousands of levels, which
fit in a 120 KB answer, overflow the stack, and a segmentation fault ends the whole worker or web process
with no exception to catch. The sanitiser's time grows with the square of the HTML's depth (60,000 quotes:
35 s). Real answers nest at most 10 levels by the measure below, code indentation included.
"""

import re

MAX_NESTING = 32

# A line's run of quote and list markers with the blanks around them, after a line break (the text is
# searched with one put before it). A container is opened only by a marker on its first line, so a line
# without one is no deeper than a line before it.
_CONTAINER_PREFIX = re.compile(r"\n((?:[^\S\n]*(?:>|(?:[-*+]|\d{1,9}[.)])(?!\S)))+[^\S\n]*)")
# A prefix of n characters nests at most 2n levels (a tab is up to 4 columns): a text with no longer run of
# the characters prefixes are made of needs no measuring. That is nearly every answer, and measuring each
# one cost a twentieth of rendering's time.
_LONG_PREFIX = re.compile(rf"\n(?:(?!\n)[\s>*+.)\d-]){{{MAX_NESTING // 2 + 1}}}")
_MARKER = re.compile(r"[>*+.)-]")  # one per marker: digits come with "." or ")"
_PADDED_MARKER = re.compile(r"[>*+.)-]\s")
_NOT_BLANK = re.compile(r"\S")


class RenderRefused(ValueError):
    """An answer that is not rendered; the message says why, in words for an editor."""


def nesting_depth(text: str) -> int:
    """An upper bound on how deep any line of ``text`` nests block quotes and lists.

    A line's depth is at most its markers, plus the levels its indentation continues: each list item a
    line stays in takes at least two columns of it (a marker and a space), a quote takes its own ">". The
    one space a marker is followed by belongs to that marker, not to an indentation.
    """
    return max(map(_prefix_depth, _CONTAINER_PREFIX.findall(_lines(text))), default=0)


def _lines(text: str) -> str:
    # Both parsers end lines at "\r" as at "\n" (and at nothing else: not at "\x0b", "\x85" or "\u2028").
    return "\n" + (text.replace("\r", "\n") if "\r" in text else text)


def _prefix_depth(prefix: str) -> int:
    blanks = _NOT_BLANK.sub("", prefix)
    columns = len(blanks) + 3 * blanks.count("\t")  # a tab: up to 4 columns
    return len(_MARKER.findall(prefix)) + (columns - len(_PADDED_MARKER.findall(prefix))) // 2


def check_nesting(text: str) -> None:
    """Raise RenderRefused when ``text`` may nest quotes and lists deeper than MAX_NESTING."""
    if not _LONG_PREFIX.search(_lines(text)):
        return
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise RenderRefused(
            f"answer nests quotes and lists {depth:,} levels deep, over the limit of {MAX_NESTING}"
        )
