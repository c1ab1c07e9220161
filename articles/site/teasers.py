"""What a listing, a meta description and a link preview say about an article: its SEO description, or,
where that came damaged from upstream, the answer's opening sentence as plain text.

Some descriptions lost their TeX on the way (``ext{R}^n$, linear combination...``: a ``\\t`` read as a
tab, an unbalanced ``$``). The file's value is kept as it is; only what the pages show falls back.
"""

import html
import re
from html.parser import HTMLParser

MAX_TEASER = 300
# A dollar before a digit is money ("$5 million"), not math.
_MONEY = re.compile(r"\$\d")
_TEX_REMNANT = re.compile(r"\\[A-Za-z]|[{}]|[_^]\{|\$[^$]*[\\^_{}][^$]*\$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"“])")
_SUPERSCRIPTS = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")


def is_damaged(text):
    """True for a description carrying TeX remnants: a command, a brace, an unbalanced ``$``."""
    text = _MONEY.sub("", text)
    return text.count("$") % 2 == 1 or bool(_TEX_REMNANT.search(text))


def teaser(description, answer_html):
    """The description, or when it is damaged (or empty) the answer's first sentence; "" if neither."""
    if description and not is_damaged(description):
        return description
    return first_sentence(answer_html or "")


def first_sentence(answer_html):
    """The first sentence of the answer's first paragraph, as plain text (math as plain characters)."""
    start = answer_html.find("<p>")
    if start < 0:
        return ""
    end = answer_html.find("</p>", start)
    text = plain_text(answer_html[start + 3 : end if end >= 0 else None])
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) > MAX_TEASER:
        sentence = sentence[:MAX_TEASER].rsplit(" ", 1)[0] + "…"
    return sentence


def plain_text(fragment):
    """Text of an HTML fragment; MathML scripts as Unicode super- and subscripts where they exist."""
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.root.text()).split())


class _Node:
    def __init__(self, tag):
        self.tag = tag
        self.children = []

    def text(self):
        elements = [child for child in self.children if not isinstance(child, str)]
        if self.tag in _LAYOUTS and len(elements) == 2:
            return _LAYOUTS[self.tag](*(element.text() for element in elements))
        inner = "".join(child if isinstance(child, str) else child.text() for child in self.children)
        return f"√({inner})" if self.tag == "msqrt" else inner


def _script(base, script, table, marker):
    """``base`` with ``script`` raised or lowered in Unicode where every character has a small form;
    else in TeX's notation (x^n, x_ij)."""
    if script and all(ord(char) in table for char in script):
        return base + script.translate(table)
    return f"{base}{marker}{script}"


def _grouped(part):
    """A fraction's part as a line of text reads it: in parentheses unless it is one symbol or number."""
    return part if len(part) <= 1 or part.isdigit() else f"({part})"


_LAYOUTS = {
    "msup": lambda base, script: _script(base, script, _SUPERSCRIPTS, "^"),
    "msub": lambda base, script: _script(base, script, _SUBSCRIPTS, "_"),
    "mfrac": lambda top, bottom: f"{_grouped(top)}/{_grouped(bottom)}",
}


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag)
        self.stack[-1].children.append(node)
        if tag not in ("br", "hr"):
            self.stack.append(node)

    def handle_endtag(self, tag):
        if len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(html.unescape(data))
