"""A result's snippet: about 160 characters of the answer where the matched words are, marked.

Built from the answer's Markdown as plain text: emphasis, headings, list markers, links and tags are
dropped; inline math and code are kept whole or left out, never cut (a cut ``$\\frac{a}{b}$`` shows as
noise); display math and fenced code are left out. The window is the one holding the most distinct
matched words, started a little before the first of them. Everything is escaped; only ``<mark>`` is
added. A few regular expressions over the whole text, in C: a page makes thirty of these.
"""

import bisect
import itertools
import re
from collections import Counter

from markupsafe import Markup, escape

LENGTH = 160
LEAD = 40  # characters of context kept before the first matched word
ATOMIC_MAX = 60  # longer math or code is left out of a snippet rather than shown in part
ELLIPSIS = "…"
REGION = 480  # characters of a long answer converted to plain text around its best match
MAX_HITS = 60

LEFT_OUT = re.compile(
    r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$|\$\$.*?\$\$|\\\[.*?\\\]", re.MULTILINE | re.DOTALL
)  # fenced code, display math
ATOMIC = re.compile(r"`[^`\n]+`|\$[^$\n]+\$|\\\(.*?\\\)")
MARKUP = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"<[^>\n]*>"), " "),  # tags
    (
        re.compile(r"^[ \t]*(?:#{1,6}|[-*+]|\d+[.)]|>)[ \t]+", re.MULTILINE),
        "",
    ),  # headings, list items, quotes
    (re.compile(r"\*\*|__|~~|(?<!\w)\*|\*(?!\w)"), ""),  # emphasis
    (re.compile(r"^[ \t]*\|?[ \t:|-]+\|[ \t:|-]*$", re.MULTILINE), " "),  # table delimiter rows
    (re.compile(r"\|"), " "),
    (re.compile(r"\s+"), " "),
]
SENTENCE_END = re.compile(r"[.?!:]\s")


def plain(answer, around=None):
    """(text, spans): the answer as one line of plain text, and the [start, end) of each math or code
    span in it, which a snippet never cuts. With ``around`` (a position in the answer), only the whole
    lines within REGION characters of it: the rest of a long answer is never shown, so not converted."""
    text = LEFT_OUT.sub(" ", answer)
    if around is not None and len(text) > 2 * REGION:
        text = text[_cut(text, around - REGION // 3) : _cut(text, around + REGION)]
    out, spans, size, position = [], [], 0, 0
    for atomic in ATOMIC.finditer(text):
        before = _plain(text[position : atomic.start()])
        span = " ".join(atomic.group().split())
        if len(span) > ATOMIC_MAX:
            span = ELLIPSIS
        out += [before, span]
        size += len(before)
        spans.append((size, size + len(span)))
        size += len(span)
        position = atomic.end()
    out.append(_plain(text[position:]))
    return "".join(out), spans


def _cut(text, position):
    """A place near ``position`` to cut the raw answer: a space outside any math or code span (such a
    span never runs past its line)."""
    if position <= 0 or position >= len(text):
        return max(0, min(position, len(text)))
    line = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    for atomic in ATOMIC.finditer(text, line, end if end >= 0 else len(text)):
        if atomic.start() < position < atomic.end():
            return atomic.start()
    space = text.rfind(" ", line, position)
    return space if space >= 0 else line


def _plain(text):
    for pattern, replacement in MARKUP:
        text = pattern.sub(replacement, text)
    return text


def words_pattern(words):
    """A pattern finding any of ``words`` as a whole token (lowercase text)."""
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_+#])(?:{alternatives})(?![^\W_+#])")


def snippet(answer, pattern):
    """The snippet of ``answer`` with the words ``pattern`` (from ``words_pattern``) finds, as safe HTML."""
    answer = answer or ""
    around = None
    if pattern and len(answer) > 2 * REGION:  # where the matched words are, found in the raw text
        around = _best_hit(list(itertools.islice(pattern.finditer(answer.lower()), MAX_HITS)))
    text, spans = plain(answer, around)
    text = text.strip()
    if not text:
        return Markup("")
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters lowercase to two ("İ"): offsets would not hold
        lowered = text
    found = itertools.islice(pattern.finditer(lowered), MAX_HITS) if pattern else ()
    hits = [hit for hit in found if _inside(spans, hit.start()) is None]
    start = _start(text, spans, _best_hit(hits))
    end = _end(text, spans, start + LENGTH)
    before = ELLIPSIS if start > 0 else ""
    after = ELLIPSIS if end < len(text) and not text[:end].endswith((".", "!", "?")) else ""
    return Markup(before) + _marked(text, hits, start, end).strip() + Markup(after)


def _marked(text, hits, start, end):
    """``text[start:end]`` escaped, the hits inside it in ``<mark>``."""
    out, position = [], start
    for hit in hits:
        if start <= hit.start() and hit.end() <= end:
            out += [
                escape(text[position : hit.start()]),
                Markup("<mark>"),
                escape(text[hit.start() : hit.end()]),
                Markup("</mark>"),
            ]
            position = hit.end()
    out.append(escape(text[position:end]))
    return Markup("").join(out)


def _best_hit(hits):
    """Where the window with the most distinct matched words begins (0 without a match): a window
    slides over the hits, counting each word inside it."""
    best, best_score, inside, last = 0, (0, 0), Counter(), 0
    for first, hit in enumerate(hits):
        while last < len(hits) and hits[last].end() <= hit.start() + LENGTH - LEAD:
            inside[hits[last].group()] += 1
            last += 1
        score = (len(inside), last - first)
        if score > best_score:
            best, best_score = hit.start(), score
        inside[hit.group()] -= 1
        if not inside[hit.group()]:
            del inside[hit.group()]
    return best


def _start(text, spans, hit):
    """A start at most LEAD characters before ``hit``: after a sentence's end or at a word, never in a
    math or code span."""
    if hit <= LEAD:
        return 0
    sentence = [m.end() for m in SENTENCE_END.finditer(text, hit - LEAD, hit)]
    start = sentence[-1] if sentence else text.find(" ", hit - LEAD, hit) + 1 or hit
    inside = _inside(spans, start)
    return spans[inside][0] if inside is not None else start


def _end(text, spans, end):
    """An end at most at ``end``: at a word's end, never in a math or code span."""
    if end >= len(text):
        return len(text)
    inside = _inside(spans, end)
    if inside is not None:
        end = spans[inside][0]
    space = text.rfind(" ", 0, end + 1)
    return space if space > 0 else end


def _inside(spans, position):
    """The index of the span holding ``position`` (past its first character), or None."""
    index = bisect.bisect_right(spans, (position, float("inf"))) - 1
    if index >= 0 and spans[index][0] < position < spans[index][1]:
        return index
    return None
