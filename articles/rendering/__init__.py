"""Markdown -> safe HTML for article answers (math, code, sanitising).

Everything here is pure Python with no Django dependency, so the importer, the admin and the tests can
all call it. `render_markdown` runs once per article at import time; its output is stored.
"""

import functools
import html
import itertools
import re
from xml.etree.ElementTree import tostring

import markdown_it_pyrs
import nh3
from latex2mathml.converter import convert_to_element
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# Bump whenever the HTML produced for the same Markdown changes, so stored HTML can be re-rendered.
RENDERER_VERSION = "2"

# ---------------------------------------------------------------------------------------------------------
# Math
# ---------------------------------------------------------------------------------------------------------

# Opener -> (closer, display). Inside a paragraph, any of them may open math anywhere on a line.
_INLINE_MATH_DELIMITERS = {"$$": ("$$", True), "\\[": ("\\]", True), "\\(": ("\\)", False), "$": ("$", False)}
# Block-level display math: an opening line starting with the delimiter, a closing line ending with it.
_BLOCK_MATH_DELIMITERS = {"$$": "$$", "\\[": "\\]"}


# latex2mathml's own convert() unescapes its whole output, which turned \text{<a href=...>} into markup.
# It writes symbols as character references in element text; only those are restored after escaping.
_CHAR_REFERENCE = re.compile(r"&amp;(#x[0-9a-fA-F]+;|#[0-9]+;)")

# Gaps in latex2mathml that answers hit: `\arg`, the `aligned` environment, and mhchem's `\ce{...}`.
_ARG = re.compile(r"\\arg(?![a-zA-Z])")
_ALIGNED = re.compile(r"\\(begin|end)\{aligned\}")
_CE = re.compile(r"\\ce\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_CE_PIECE = re.compile(
    r"(?P<arrow><=>|<->|->|<-)"
    r"|(?P<script>[\^_](?:\{[^{}]*\}|[-+]|\d+[-+]?))"
    r"|(?P<count>(?<=[A-Za-z)\]])\d+)"
    r"|(?P<charge>(?<=[A-Za-z0-9)\]])[-+](?=\s|$|\())"
    r"|(?P<symbol>[A-Za-z()\[\]]+)"
)
_CE_ARROWS = {
    "<=>": r"\rightleftharpoons",
    "<->": r"\leftrightarrow",
    "->": r"\rightarrow",
    "<-": r"\leftarrow",
}


@functools.lru_cache(maxsize=4096)
def _mathml(tex: str, display: bool) -> str:
    """MathML for `tex`, or the escaped source when latex2mathml cannot convert it."""
    try:
        element = convert_to_element(_prepare_tex(tex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many types (and RecursionError) on malformed input
        return f'<code class="math-error">{escapeHtml(tex.strip())}</code>'
    return _CHAR_REFERENCE.sub(r"&\1", tostring(element, encoding="unicode"))


def _prepare_tex(tex: str) -> str:
    if "\\" not in tex:
        return tex
    tex = _ARG.sub(r"\\operatorname{arg}", tex)
    tex = _ALIGNED.sub(r"\\\1{align*}", tex)
    return _CE.sub(_expand_ce, tex)


def _expand_ce(match: re.Match) -> str:
    """A small subset of mhchem: upright symbols, subscript counts, charges and reaction arrows."""

    def piece(part: re.Match) -> str:
        kind, text = part.lastgroup, part.group()
        if kind == "arrow":
            return f" {_CE_ARROWS[text]} "
        if kind == "script":
            return text if text[1] == "{" else f"{text[0]}{{{text[1:]}}}"
        if kind == "count":
            return f"_{{{text}}}"
        if kind == "charge":
            return f"^{{{text}}}"
        return f"\\text{{{text}}}"

    body = _CE_PIECE.sub(piece, match.group(1).strip())
    # A leading script (an isotope's mass number) needs an empty base.
    return "{" + ("{}" if body[:1] in "^_" else "") + body + "}"


def _find_unescaped(src: str, needle: str, start: int, end: int) -> int:
    """Index of the first `needle` in src[start:end] not preceded by an odd run of backslashes, or -1."""
    pos = src.find(needle, start, end)
    while pos != -1:
        backslashes = 0
        while pos - backslashes - 1 >= start and src[pos - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return pos
        pos = src.find(needle, pos + 1, end)
    return -1


def _is_money(content: str, after: str) -> bool:
    """Whether a `$...$` candidate is really two prices, as in "$5 and $10" or "$5 (or $x$)".

    The corpus writes inline math both tight (`$x$`) and padded (`$ x $`), so the pandoc rule (no space
    inside the dollars) would lose hundreds of formulas. Prices still give themselves away: the closing
    `$` starts another amount (a digit follows), or the padding is lopsided ("$5 and $").
    """
    if after.isdigit():
        return True
    return content[0].isspace() != content[-1].isspace()


def _inline_opener(src: str, start: int) -> str | None:
    """The math delimiter opening at src[start]: "$$", "\\(" and "\\[" before "$"."""
    opener = src[start : start + 2]
    if opener in _INLINE_MATH_DELIMITERS:
        return opener
    return "$" if opener[:1] == "$" else None


def _inline_math_at(src: str, start: int, limit: int):
    """The math span opening at src[start] and closing before `limit`: (opener, content, display, end), or None."""
    opener = _inline_opener(src, start)
    if opener is None:
        return None
    closer, display = _INLINE_MATH_DELIMITERS[opener]
    close = _find_unescaped(src, closer, start + len(opener), limit)
    if close == -1:
        return None
    content = src[start + len(opener) : close]
    if not content.strip():
        return None
    end = close + len(closer)
    if opener == "$" and _is_money(content, src[end : end + 1]):
        return None
    return opener, content, display, end


def _math_inline(state, silent: bool) -> bool:
    """Inline rule for `$...$`, `$$...$$`, `\\(...\\)` and `\\[...\\]` inside a paragraph."""
    span = _inline_math_at(state.src, state.pos, state.posMax)
    if span is None:
        return False
    opener, content, display, end = span
    if not silent:
        token = state.push("math_display" if display else "math_inline", "math", 0)
        token.content = content
        token.markup = opener
    state.pos = end
    return True


def _math_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule for display math whose delimiters open and close lines; it may interrupt a paragraph."""
    if state.is_code_block(start_line):
        return False
    first = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]].rstrip()
    block = _display_math(first, _lines_in_block(state, start_line, end_line))
    if block is None:
        return False
    if silent:
        return True
    tex, used = block
    state.line = start_line + used + 1
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = tex
    token.markup = first[:2]
    token.map = [start_line, state.line]
    return True


def _lines_in_block(state, start_line: int, end_line: int):
    """The texts of the lines after start_line, up to a dedent out of the enclosing container."""
    for line in range(start_line + 1, end_line):
        if state.sCount[line] < state.blkIndent:
            return
        yield state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].rstrip()


def _display_math(first: str, following):
    """(tex, lines it takes after the first) of the display math opening `first` (a line's text), with
    `following` the texts of the lines after it in its block; or None when `first` is a paragraph line.

    Closed on the first line, it is a block only when nothing follows the closer ("$$a$$ and $$b$$" is
    not). Otherwise a blank line or the block's end stops the search: LaTeX forbids blank lines in math,
    and an unclosed `$$` must not swallow the rest of the answer.
    """
    closer = _BLOCK_MATH_DELIMITERS.get(first[:2])
    if closer is None:
        return None
    rest = first[2:]
    if closer in rest:
        if rest.find(closer) != len(rest) - len(closer):
            return None
        found, used = [rest[: -len(closer)]], 0
    else:
        found, used = [rest], None
        for count, text in enumerate(following, start=1):
            if not text or (closer in text and not text.endswith(closer)):
                return None
            if text.endswith(closer):
                found.append(text[: -len(closer)])
                used = count
                break
            found.append(text)
        if used is None:
            return None
    tex = "\n".join(found)
    return (tex, used) if tex.strip() else None


def _render_math_inline(self, tokens, idx, options, env) -> str:
    return _mathml(tokens[idx].content, False)


def _render_math_display(self, tokens, idx, options, env) -> str:
    return _mathml(tokens[idx].content, True)


def _render_math_block(self, tokens, idx, options, env) -> str:
    return _mathml(tokens[idx].content, True) + "\n"


# ---------------------------------------------------------------------------------------------------------
# Code
# ---------------------------------------------------------------------------------------------------------

_CODE_CSS_CLASS = "highlight"
_TOKEN_CLASS_PREFIX = "hl-"
_FORMATTER = HtmlFormatter(nowrap=True, classprefix=_TOKEN_CLASS_PREFIX)
# Fence names the corpus uses that Pygments does not know under that name.
_LANGUAGE_ALIASES = {"cmd": "batch"}
_LANGUAGE_CHARS = re.compile(r"[^a-z0-9_+#.-]")
# Whitespace tokens get no colour in either theme; unwrapping them trims code HTML by about a sixth.
_WHITESPACE_SPAN = re.compile(rf'<span class="{_TOKEN_CLASS_PREFIX}w">([^<]*)</span>')


@functools.lru_cache(maxsize=256)
def _lexer(language: str):
    try:
        return get_lexer_by_name(_LANGUAGE_ALIASES.get(language, language))
    except ClassNotFound:
        return None


def _render_code(code: str, info: str) -> str:
    words = unescapeAll(info).split()
    language = _LANGUAGE_CHARS.sub("", words[0].lower()) if words else ""
    lexer = _lexer(language) if language else None
    body = _WHITESPACE_SPAN.sub(r"\1", highlight(code, lexer, _FORMATTER)) if lexer else escapeHtml(code)
    code_class = f' class="language-{language}"' if language else ""
    # tabindex: a horizontally scrolling block must be reachable from the keyboard.
    return f'<pre class="{_CODE_CSS_CLASS}" tabindex="0"><code{code_class}>{body}</code></pre>\n'


def _render_fence(self, tokens, idx, options, env) -> str:
    return _render_code(tokens[idx].content, tokens[idx].info)


def _render_code_block(self, tokens, idx, options, env) -> str:
    return _render_code(tokens[idx].content, "")


def highlight_css() -> str:
    """CSS for the highlighted code blocks: a light theme, and a dark one under prefers-color-scheme."""
    # Both styles keep every token colour at WCAG AA contrast (4.5:1) or better on their background.
    light = _style_rules("default")
    dark = _style_rules("github-dark")
    # The reset stops light-theme bold/italic leaking into dark tokens that do not set them.
    reset = (
        f'.{_CODE_CSS_CLASS} [class^="{_TOKEN_CLASS_PREFIX}"] {{ font-weight: normal; font-style: normal }}'
    )
    indented = "\n".join("  " + line for line in [reset, *dark.splitlines()])
    header = "/* Generated by articles.rendering.highlight_css(): edit that, not this file. */"
    return f"{header}\n{light}\n\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"


def _style_rules(style: str) -> str:
    # Not get_style_defs(): it also emits unscoped `pre` and line-number rules that would leak site-wide.
    formatter = HtmlFormatter(style=style, classprefix=_TOKEN_CLASS_PREFIX)
    selector = f".{_CODE_CSS_CLASS}"
    rules = formatter.get_background_style_defs(selector) + formatter.get_token_style_defs(selector)
    return "\n".join(rules)


# ---------------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------------

_SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def _validate_link(url: str) -> bool:
    """Allow relative links and the safe schemes only; anything else stays literal text."""
    match = _SCHEME.match(url)
    return match is None or match.group(1).lower() in _SAFE_SCHEMES


def _adjust_tokens(state) -> None:
    """Shift headings so the answer's top level is h2 (the page's h1 is the question, and heading
    order must not skip a level), and turn table alignment styles into classes."""
    levels = [int(t.tag[1]) for t in state.tokens if t.type == "heading_open"]
    shift = 2 - min(levels) if levels else 0
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
        elif token.type in ("th_open", "td_open") and "style" in token.attrs:
            align = str(token.attrs.pop("style")).partition(":")[2]
            token.attrSet("class", f"align-{align}")


_TABLE_OPEN = '<div class="table-wrap" tabindex="0"><table>\n'
_TABLE_CLOSE = "</table></div>\n"


def _render_table_open(self, tokens, idx, options, env) -> str:
    return _TABLE_OPEN


def _render_table_close(self, tokens, idx, options, env) -> str:
    return _TABLE_CLOSE


def _render_image(self, tokens, idx, options, env) -> str:
    # Answers carry no images; a stray one becomes a link so no third-party fetch happens on page load.
    token = tokens[idx]
    alt = escapeHtml(self.renderInlineAsText(token.children, options, env))
    return f'<a href="{escapeHtml(str(token.attrGet("src")))}">{alt}</a>'


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.use(gfm_autolink_plugin)
    md.validateLink = _validate_link
    # Before "escape" so that \( and \[ are math, not escaped punctuation.
    md.inline.ruler.before("escape", "math_inline", _math_inline)
    md.block.ruler.before(
        "fence", "math_block", _math_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.core.ruler.push("adjust_tokens", _adjust_tokens)
    renderers = {
        "math_inline": _render_math_inline,
        "math_display": _render_math_display,
        "math_block": _render_math_block,
        "fence": _render_fence,
        "code_block": _render_code_block,
        "table_open": _render_table_open,
        "table_close": _render_table_close,
        "image": _render_image,
    }
    for name, function in renderers.items():
        md.add_render_rule(name, function)
    return md


_MARKDOWN = _build_markdown()

# ---------------------------------------------------------------------------------------------------------
# The compiled path: the same Markdown through markdown-it's compiled (Rust) port, almost five times faster
# ---------------------------------------------------------------------------------------------------------

# markdown-it-pyrs parses the same CommonMark as markdown-it-py, and a few substitutions on its HTML apply
# this module's rules (heading shift, table classes, code highlighting; math, below). The output is
# byte-identical for the 35,418 of 35,915 real answers it takes: all but those with bare links, which only
# gfm_autolink_plugin finds, and 450 of the 4,320 with math, where the finder below is unsure
# (tests/test_rendering.py checks the sample). Anything else takes the full plugin pipeline above.
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


def _render_plain(text: str) -> str | None:
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
    if "<img" in out or not all(_validate_link(html.unescape(href)) for href in _HREF.findall(out)):
        return None
    if math and "<code" in out:
        return None  # a placeholder may have landed in an indented code block
    levels = [int(level) for closing, level in _HEADING_TAG.findall(out) if not closing]
    if levels and min(levels) != 2:
        shift = 2 - min(levels)
        out = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}>", out)
    out = _CELL_ALIGN.sub(r'<\1 class="align-\2">', out)
    out = _join_hidden_paragraphs(out)
    out = out.replace("<table>\n", _TABLE_OPEN).replace("</table>\n", _TABLE_CLOSE)
    out = _CODE_HTML.sub(lambda m: _render_code(html.unescape(m[2]), html.unescape(m[1] or "")), out)
    return _restore_math(out, math) if math else out


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
    lines = text.split("\n")
    out, outside, math = [], [], []  # outside: what markdown-it-py parses as Markdown (math left out)
    deepest = -1  # the deepest content column among the lines since the last blank one
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    number = 0
    try:
        while number < len(lines):
            line = lines[number]
            opener = _MATH_BLOCK_OPENER.match(line)
            if opener and deepest > opener.end():
                raise _Unsure  # perhaps a lazy continuation line, in a deeper block than it looks
            block = None
            if opener:
                first = line[opener.end() :].rstrip()
                block = _display_math(first, _finder_lines_in_block(lines, number, opener.end()))
            deepest = max(deepest, _CONTENT_COLUMN.match(line).end()) if line.strip(" ") else -1
            if "|" in line and number + 1 < len(lines) and _is_table_delimiter_row(lines[number + 1]):
                raise _Unsure  # a table to markdown-it-py, which splits its cells before finding math
            if block is None:
                outside.append(_protect_inline(text, starts[number], starts[number] + len(line), math))
                out.append(outside[-1])
            else:
                tex, used = block
                outside.append(line[: opener.end()])
                out.append(f"{outside[-1]}<!--{_PLACEHOLDER}{len(math)}{_PLACEHOLDER}-->")
                math.append((tex, True))
                number += used
            number += 1
    except _Unsure:
        return None
    if any(marker in line for line in outside for marker in _NOT_MATH_SAFE_OUTSIDE_MATH):
        return None
    return "\n".join(out), math


def _is_table_delimiter_row(line: str) -> bool:
    cells = line[_CONTENT_COLUMN.match(line).end() :]
    return "-" in cells and _TABLE_DELIMITER_ROW.fullmatch(cells) is not None


def _finder_lines_in_block(lines: list, number: int, column: int):
    """The texts of the lines after lines[number] for _display_math, as far as the finder can tell
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
        span = _inline_math_at(text, at, end)
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
    opener = _inline_opener(text, at)
    if opener is None:
        return False
    closer = _INLINE_MATH_DELIMITERS[opener][0]
    after = at + len(opener)
    return (
        _find_unescaped(text, closer, after, end) == -1
        and _find_unescaped(text, closer, after, len(text)) != -1
    )


def _restore_math(out: str, math: list) -> str | None:
    """The compiled parser's HTML with each placeholder replaced by its MathML; None if one went astray."""
    seen = []

    def mathml(match: re.Match) -> str:
        inline, block = match.groups()
        seen.append(int(inline or block))
        tex, display = math[int(inline or block)]
        return _mathml(tex, display) + ("\n" if block else "")

    out = _PLACEHOLDER_HTML.sub(mathml, out)
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


# ---------------------------------------------------------------------------------------------------------
# Sanitising
# ---------------------------------------------------------------------------------------------------------

_HTML_TAGS = {
    "a", "blockquote", "br", "code", "del", "div", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "s", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_MATHML_TAGS = {
    "math", "annotation", "semantics", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo",
    "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle",
    "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none",
}  # fmt: skip
# No href: old Firefox honoured it on any MathML element.
_MATHML_ATTRIBUTES = {
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "columnspan", "depth",
    "display", "displaystyle", "encoding", "fence", "form", "frame", "framespacing", "height", "largeop",
    "linethickness", "lspace", "mathbackground", "mathcolor", "mathsize", "mathvariant", "maxsize",
    "minsize", "movablelimits", "notation", "rowalign", "rowlines", "rowspacing", "rowspan", "rspace",
    "linebreak", "scriptlevel", "separator", "stretchy", "symmetric", "voffset", "width", "xmlns",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "pre": {"class", "tabindex"},
    "div": {"class", "tabindex"},
    "code": {"class"},
    "span": {"class"},
    "th": {"class"},
    "td": {"class"},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS},
}
_CLEANER = nh3.Cleaner(
    tags=_HTML_TAGS | _MATHML_TAGS,
    attributes=_ATTRIBUTES,
    url_schemes=_SAFE_SCHEMES,
    link_rel="nofollow noopener",
)


def render_markdown(text: str) -> str:
    """Sanitised HTML for an article answer written in Markdown with TeX math."""
    plain = _render_plain(text)
    return _CLEANER.clean(_MARKDOWN.render(text) if plain is None else plain)
