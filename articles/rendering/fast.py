"""The compiled path: the same Markdown through markdown-it's compiled (Rust) port, almost five times faster.

Behind render_markdown (articles.rendering), which takes the reference pipeline wherever this path
declines (render_plain returns None).
"""

import html
import itertools
import re

import markdown_it_pyrs

from .highlight import render_code
from .markup import TABLE_CLOSE, TABLE_OPEN, validate_link
from .tex import INLINE_MATH_DELIMITERS, display_math, find_unescaped, inline_math_at, inline_opener, mathml

# markdown-it-pyrs parses the same CommonMark as markdown-it-py, and a few substitutions on its HTML apply
# the reference pipeline's rules (heading shift, table classes, code highlighting; math, below). The output
# is byte-identical for the 35,418 of 35,915 real answers it takes: all but those with bare links, which
# only gfm_autolink_plugin finds, and 450 of the 4,320 with math, where the finder below is unsure
# (tests/test_rendering.py checks the sample). Anything else takes the full plugin pipeline.
_PLAIN_RULES = [
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
    "table", "strikethrough",
]  # fmt: skip
_PLAIN_MARKDOWN = markdown_it_pyrs.MarkdownIt("zero")
_PLAIN_MARKDOWN.enable_many(_PLAIN_RULES)
_BARE_LINK_MARKERS = ("://", "www.", "@")  # gfm_autolink_plugin's rules are its own
_MATH_OPENERS = ("$", "\\(", "\\[")
# Where the two parsers differ (found by a differential fuzz; no real answer has them): whitespace other than
# spaces and newlines (kept at a paragraph's edges by the Rust port), a delimiter row without pipes (a table
# to it), and an empty list item (after a lazy quote line). An empty quote, which the Rust port closes on a
# line of its own, differs by that newline only and is left to it.
_ASCII_WHITESPACE_BUT_SPACE = ("\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
_WHITESPACE_BUT_SPACE = re.compile(r"[^\S \n]")
_PIPELESS_DELIMITER_ROW = re.compile(r"^[ >]*(?::-|-:)[-: ]*$", re.MULTILINE)
_EMPTY_LIST_ITEM = re.compile(r"^[ >]*(?:[-*+]|\d{1,9}[.)])[ ]*$", re.MULTILINE)
_HREF = re.compile(r'<a href="([^"]*)"')
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
_CELL_ALIGN = re.compile(r'<(th|td) style="text-align:(left|right|center)">')
_CODE_HTML = re.compile(r'<pre><code(?: class="language-([^"]*)")?>(.*?)</code></pre>\n', re.DOTALL)
# Stands in for math on the compiled path: a private-use character, which no parser gives a meaning.
_PLACEHOLDER = "\ue000"
_NEWLINE_BEFORE_BLOCK = re.compile(rf"\n(?=<pre><code|<table>\n|[ ]*<!--{_PLACEHOLDER})")
_BLOCK_TAG_AT_END = re.compile(
    r"(?:</?(?:p|li|ul|ol|blockquote|table|pre|h[1-6])>|<(?:ol|li) [^>]*>|<hr />)$"
)


def render_plain(text: str) -> str | None:
    """The HTML the plugin pipeline would give, from the compiled parser; None where that cannot be
    vouched for (bare links, math the finder below cannot place, images, unsafe links)."""
    if any(marker in text for marker in _BARE_LINK_MARKERS) or _parsers_differ(text):
        return None
    math = []
    parser = _PLAIN_MARKDOWN
    if any(opener in text for opener in _MATH_OPENERS):
        protected = _protect_math(text)
        if protected is None:
            return None
        text, math = protected
        parser = _MATH_MARKDOWN
    out = parser.render(text)
    if _rendered_its_own_way(out, math):
        return None
    out = _apply_rules(out)
    return _restore_math(out, math) if math else out


def _rendered_its_own_way(out: str, math: list) -> bool:
    """Whether the compiled parser's HTML holds what the plugin pipeline renders otherwise: an image, an
    unsafe link, or a math placeholder that may have landed in an indented code block."""
    if "<img" in out or not all(validate_link(html.unescape(href)) for href in _HREF.findall(out)):
        return True
    return bool(math) and "<code" in out


def _apply_rules(out: str) -> str:
    """The compiled parser's HTML with the plugin pipeline's rules applied: headings shifted so the top
    level is h2, table alignment as classes and tables wrapped, code highlighted."""
    levels = [int(level) for closing, level in _HEADING_TAG.findall(out) if not closing]
    if levels and min(levels) != 2:
        shift = 2 - min(levels)
        out = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}>", out)
    out = _CELL_ALIGN.sub(r'<\1 class="align-\2">', out)
    out = _join_hidden_paragraphs(out)
    out = out.replace("<table>\n", TABLE_OPEN).replace("</table>\n", TABLE_CLOSE)
    return _CODE_HTML.sub(lambda m: render_code(html.unescape(m[2]), html.unescape(m[1] or "")), out)


# ---------------------------------------------------------------------------------------------------------
# Math on the compiled path: found where markdown-it-py's inline rule finds it, and stood in for
# ---------------------------------------------------------------------------------------------------------

# markdown-it-py finds inline math while it scans a paragraph left to right. Before its math rule sees a "$"
# or "\", a code span, link, autolink or entity could take it, and the block rules could split the text
# first (a table's cells, a quote's markers, a lazy line). The finder declines answers with any of the
# first four outside math and with tables, follows the scan line by line (escapes included) and the block
# rule for display math on lines of its own, and declines where the block structure decides (a span that
# may close on a later line, a block after a line that may be a lazy continuation, display math in a quote).
# Each span becomes a placeholder the compiled parser keeps as text (its first and last characters are
# punctuation like the delimiters', so emphasis beside math parses the same); each block becomes an HTML
# comment, a block that interrupts a paragraph and ends on its line, as display math does.
_NOT_MATH_SAFE_ANYWHERE = ("~~~", "]:", "<!--", "\0", _PLACEHOLDER)  # read before any math
_NOT_MATH_SAFE_OUTSIDE_MATH = ("`", "<", "&", "](", "|")
_CONTENT_COLUMN = re.compile(r"(?:[ ]*(?:>|[-*+](?=[ ])|\d{1,9}[.)](?=[ ])))*[ ]*")  # quote and list markers
_MATH_BLOCK_OPENER = re.compile(_CONTENT_COLUMN.pattern + r"(?=\$\$|\\\[)")
_TABLE_DELIMITER_ROW = re.compile(r"[ ]*[-:|][-:| ]*")
_MATH_OR_ESCAPE = re.compile(r"[$\\]")
# An HTML block keeps its line's indentation; display math is written without it.
_PLACEHOLDER_HTML = re.compile(
    rf"\${_PLACEHOLDER}(\d+){_PLACEHOLDER}\$|[ ]*<!--{_PLACEHOLDER}(\d+){_PLACEHOLDER}-->\n"
)
_MATH_MARKDOWN = markdown_it_pyrs.MarkdownIt("zero")
_MATH_MARKDOWN.enable_many([*_PLAIN_RULES, "html_block"])


class _Unsure(Exception):
    """Where the math is depends on block structure the finder does not follow."""


def _protect_math(text: str):
    """(text with each math span and block replaced by a placeholder, [(tex, display), ...]), or None when
    the compiled parser could not be trusted to place the math as markdown-it-py does."""
    if any(marker in text for marker in _NOT_MATH_SAFE_ANYWHERE):
        return None
    finder = _MathFinder(text)
    number = 0
    try:
        while number < len(finder.lines):
            number = finder.protect(number)
    except _Unsure:
        return None
    if any(marker in line for line in finder.outside for marker in _NOT_MATH_SAFE_OUTSIDE_MATH):
        return None
    return "\n".join(finder.out), finder.math


class _MathFinder:
    """An answer's lines, with the math found so far replaced by placeholders."""

    def __init__(self, text: str):
        self.text = text
        self.lines = text.split("\n")
        self.starts = list(itertools.accumulate((len(line) + 1 for line in self.lines), initial=0))
        self.out, self.outside, self.math = [], [], []  # outside: what markdown-it-py parses as Markdown
        self.deepest = -1  # the deepest content column among the lines since the last blank one

    def protect(self, number: int) -> int:
        """Protect the math of lines[number], and of the lines a display block there takes; the number
        of the line after them."""
        line = self.lines[number]
        opener = _MATH_BLOCK_OPENER.match(line)
        if opener and self.deepest > opener.end():
            raise _Unsure  # perhaps a lazy continuation line, in a deeper block than it looks
        block = None
        if opener:
            first = line[opener.end() :].rstrip()
            block = display_math(first, _finder_lines_in_block(self.lines, number, opener.end()))
        self.deepest = max(self.deepest, _CONTENT_COLUMN.match(line).end()) if line.strip(" ") else -1
        if "|" in line and number + 1 < len(self.lines) and _is_table_delimiter_row(self.lines[number + 1]):
            raise _Unsure  # a table to markdown-it-py, which splits its cells before finding math
        if block is None:
            start = self.starts[number]
            self.outside.append(_protect_inline(self.text, start, start + len(line), self.math))
            self.out.append(self.outside[-1])
            return number + 1
        tex, used = block
        self.outside.append(line[: opener.end()])
        self.out.append(f"{self.outside[-1]}<!--{_PLACEHOLDER}{len(self.math)}{_PLACEHOLDER}-->")
        self.math.append((tex, True))
        return number + used + 1


def _is_table_delimiter_row(line: str) -> bool:
    cells = line[_CONTENT_COLUMN.match(line).end() :]
    return "-" in cells and _TABLE_DELIMITER_ROW.fullmatch(cells) is not None


def _finder_lines_in_block(lines: list, number: int, column: int):
    """The texts of the lines after lines[number] for display_math, as far as the finder can tell
    they are in the same block; _Unsure where only block parsing could."""
    if ">" in lines[number][:column]:
        # In a blockquote, the next line either has its own ">" or is a lazy line, which markdown-it-py's
        # block rule does not reach.
        raise _Unsure
    for line in lines[number + 1 :]:
        text = line.lstrip(" ").rstrip()  # the indentation markdown-it skips is spaces only
        if text and (len(line) - len(line.lstrip(" ")) < column or text[0] == ">"):
            raise _Unsure
        yield text


def _protect_inline(text: str, start: int, end: int, math: list) -> str:
    """text[start:end], one line, with each inline math span replaced by a placeholder, found as
    markdown-it-py's scan finds them: at each "$" or "\" not taken by an escape."""
    pieces, last, position = [], start, start
    while (found := _MATH_OR_ESCAPE.search(text, position, end)) is not None:
        at = found.start()
        span = inline_math_at(text, at, end)
        if span is None:
            if _closes_on_a_later_line(text, at, end):
                # Whether that is the same paragraph, and what its content is once markdown-it-py has
                # taken the lines' container markers off, only the block structure knows.
                raise _Unsure
            position = at + (2 if text[at] == "\\" else 1)  # markdown-it-py's escape takes the next character
            continue
        _, tex, display, span_end = span
        pieces.append(text[last:at])
        pieces.append(f"${_PLACEHOLDER}{len(math)}{_PLACEHOLDER}$")
        math.append((tex, display))
        last = position = span_end
    pieces.append(text[last:end])
    return "".join(pieces)


def _closes_on_a_later_line(text: str, at: int, end: int) -> bool:
    """Whether text[at] opens math whose first closer comes after the line ending at `end`."""
    opener = inline_opener(text, at)
    if opener is None:
        return False
    closer = INLINE_MATH_DELIMITERS[opener][0]
    after = at + len(opener)
    return (
        find_unescaped(text, closer, after, end) == -1
        and find_unescaped(text, closer, after, len(text)) != -1
    )


def _restore_math(out: str, math: list) -> str | None:
    """The compiled parser's HTML with each placeholder replaced by its MathML; None if one went astray."""
    seen = []

    def placeholder_mathml(match: re.Match) -> str:
        inline, block = match.groups()
        seen.append(int(inline or block))
        tex, display = math[int(inline or block)]
        return mathml(tex, display) + ("\n" if block else "")

    out = _PLACEHOLDER_HTML.sub(placeholder_mathml, out)
    return out if sorted(seen) == list(range(len(math))) else None


def _parsers_differ(text: str) -> bool:
    # Cheap tests first: one regular expression over every answer cost as much as the math path saves.
    if text.isascii():
        if any(character in text for character in _ASCII_WHITESPACE_BUT_SPACE):
            return True
    elif _WHITESPACE_BUT_SPACE.search(text):
        return True
    if (":-" in text or "-:" in text) and _PIPELESS_DELIMITER_ROW.search(text):
        return True
    return ">" in text and _EMPTY_LIST_ITEM.search(text) is not None


def _join_hidden_paragraphs(out: str) -> str:
    """Drop the newline the Rust port writes between a tight list item's text and a code block, a table
    or display math.

    markdown-it-py's renderer adds none there for this module's fence, code, table and math rules; a line
    that ends in inline content (not a block tag) is such a text.
    """
    pieces, last = [], 0
    for match in _NEWLINE_BEFORE_BLOCK.finditer(out):
        line = out[out.rfind("\n", 0, match.start()) + 1 : match.start()]
        if line and not _BLOCK_TAG_AT_END.search(line):
            pieces.append(out[last : match.start()])
            last = match.end()
    pieces.append(out[last:])
    return "".join(pieces)
