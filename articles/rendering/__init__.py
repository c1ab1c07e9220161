"""Markdown -> safe HTML for article answers (math, code, sanitising).

Everything here is pure Python with no Django dependency, so the importer, the admin and the tests can
all call it. `render_markdown` runs once per article at import time; its output is stored.

This module is the reference pipeline: markdown-it-py with plugins for math (tex.py), code (highlight.py)
and bare links. The compiled path (fast.py) gives the same HTML for most answers, five times faster; an
answer nested too deep for either parser is refused first (nesting.py).
"""

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from .fast import render_plain
from .highlight import highlight_css, render_code_block, render_fence
from .markup import SAFE_SCHEMES, TABLE_CLOSE, TABLE_OPEN, validate_link
from .nesting import MAX_NESTING, RenderRefused, check_nesting
from .tex import math_block, math_inline, render_math_block, render_math_display, render_math_inline

__all__ = [
    "MAX_NESTING",
    "RENDERER_VERSION",
    "RenderRefused",
    "check_nesting",
    "highlight_css",
    "render_markdown",
]

# Bump whenever the HTML produced for the same Markdown changes, so stored HTML can be re-rendered.
RENDERER_VERSION = "2"

# ---------------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------------


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


def _render_table_open(self, tokens, idx, options, env) -> str:
    return TABLE_OPEN


def _render_table_close(self, tokens, idx, options, env) -> str:
    return TABLE_CLOSE


def _render_image(self, tokens, idx, options, env) -> str:
    # Answers carry no images; a stray one becomes a link so no third-party fetch happens on page load.
    token = tokens[idx]
    alt = escapeHtml(self.renderInlineAsText(token.children, options, env))
    return f'<a href="{escapeHtml(str(token.attrGet("src")))}">{alt}</a>'


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.use(gfm_autolink_plugin)
    md.validateLink = validate_link
    # Before "escape" so that \( and \[ are math, not escaped punctuation.
    md.inline.ruler.before("escape", "math_inline", math_inline)
    md.block.ruler.before(
        "fence", "math_block", math_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.core.ruler.push("adjust_tokens", _adjust_tokens)
    renderers = {
        "math_inline": render_math_inline,
        "math_display": render_math_display,
        "math_block": render_math_block,
        "fence": render_fence,
        "code_block": render_code_block,
        "table_open": _render_table_open,
        "table_close": _render_table_close,
        "image": _render_image,
    }
    for name, function in renderers.items():
        md.add_render_rule(name, function)
    return md


_MARKDOWN = _build_markdown()


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
    url_schemes=SAFE_SCHEMES,
    link_rel="nofollow noopener",
)


def render_markdown(text: str) -> str:
    """Sanitised HTML for an article answer written in Markdown with TeX math.

    Raises RenderRefused (a ValueError) for an answer nested deeper than MAX_NESTING quotes and lists.
    """
    check_nesting(text)
    plain = render_plain(text)
    return _CLEANER.clean(_MARKDOWN.render(text) if plain is None else plain)
