"""TeX math in answers: where markdown-it-py's rules find it, and its MathML.

The rules here are the reference pipeline's (articles.rendering); the compiled path (fast.py) finds math
with the same helpers, so both place it alike.
"""

import functools
import re
from xml.etree.ElementTree import tostring

from latex2mathml.converter import convert_to_element
from markdown_it.common.utils import escapeHtml

# Opener -> (closer, display). Inside a paragraph, any of them may open math anywhere on a line.
INLINE_MATH_DELIMITERS = {"$$": ("$$", True), "\\[": ("\\]", True), "\\(": ("\\)", False), "$": ("$", False)}
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
def mathml(tex: str, display: bool) -> str:
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


def find_unescaped(src: str, needle: str, start: int, end: int) -> int:
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


def inline_opener(src: str, start: int) -> str | None:
    """The math delimiter opening at src[start]: "$$", "\\(" and "\\[" before "$"."""
    opener = src[start : start + 2]
    if opener in INLINE_MATH_DELIMITERS:
        return opener
    return "$" if opener[:1] == "$" else None


def inline_math_at(src: str, start: int, limit: int):
    """The math span opening at src[start] and closing before `limit`: (opener, content, display, end), or None."""
    opener = inline_opener(src, start)
    if opener is None:
        return None
    closer, display = INLINE_MATH_DELIMITERS[opener]
    close = find_unescaped(src, closer, start + len(opener), limit)
    if close == -1:
        return None
    content = src[start + len(opener) : close]
    if not content.strip():
        return None
    end = close + len(closer)
    if opener == "$" and _is_money(content, src[end : end + 1]):
        return None
    return opener, content, display, end


def math_inline(state, silent: bool) -> bool:
    """Inline rule for `$...$`, `$$...$$`, `\\(...\\)` and `\\[...\\]` inside a paragraph."""
    span = inline_math_at(state.src, state.pos, state.posMax)
    if span is None:
        return False
    opener, content, display, end = span
    if not silent:
        token = state.push("math_display" if display else "math_inline", "math", 0)
        token.content = content
        token.markup = opener
    state.pos = end
    return True


def math_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule for display math whose delimiters open and close lines; it may interrupt a paragraph."""
    if state.is_code_block(start_line):
        return False
    first = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]].rstrip()
    block = display_math(first, _lines_in_block(state, start_line, end_line))
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


def display_math(first: str, following):
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


def render_math_inline(self, tokens, idx, options, env) -> str:
    return mathml(tokens[idx].content, False)


def render_math_display(self, tokens, idx, options, env) -> str:
    return mathml(tokens[idx].content, True)


def render_math_block(self, tokens, idx, options, env) -> str:
    return mathml(tokens[idx].content, True) + "\n"
