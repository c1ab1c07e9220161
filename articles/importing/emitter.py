"""The front matter's emitter: values -> YAML lines in the source format's own style.

Keys in order, ``>-`` folded scalars for the long text fields, ``seo`` nested by 2 spaces and
``related_articleN`` by 4; a value a style cannot hold exactly falls back to a safe one.
"""

import datetime
import math
import re

import yaml
from django.utils import timezone

from ..source import RELATED_KEY, SafeLoader

# Long text written as ">-" folded scalars unless the file wrote them plain.
FOLDED_PATHS = {
    ("title",), ("article_title",), ("question",), ("answer",), ("seo", "page_description"),
    ("seo", "page_keywords"),
}  # fmt: skip


def emit(values, styles=None, newline="\n"):
    """Front matter lines for ``values`` (a dict in key order), in the format's style.

    ``styles`` maps key paths (``("seo", "page_description")``) to ``"plain"`` or ``"folded"``, as a
    file wrote them; a value the asked style cannot hold exactly falls back to a safe one.
    """
    lines = []
    for key, value in values.items():
        lines += emit_entry(key, value, 0, (key,), styles or {})
    return "".join(line + newline for line in lines)


def emit_entry(key, value, indent, path, styles):
    pad = " " * indent
    name = emit_key(key)
    if isinstance(value, dict):
        if not value:
            return [f"{pad}{name}: {{}}"]
        child = indent + (2 if indent == 0 and key == "seo" else 4)
        lines = [f"{pad}{name}:"]
        for sub_key, sub_value in value.items():
            lines += emit_entry(sub_key, sub_value, child, (*path, sub_key), styles)
        return lines
    if isinstance(value, list):
        if not value:
            return [f"{pad}{name}: []"]
        dumped = yaml.safe_dump(
            value, allow_unicode=True, sort_keys=False, width=math.inf, default_flow_style=False
        )
        return [f"{pad}{name}:"] + [f"{pad}  {line}" for line in dumped.splitlines()]
    style, text = emit_scalar(value, styles.get(path) or default_style(path))
    if style == "folded":
        return [f"{pad}{name}: >-", " " * folded_indent(indent) + text]
    return [f"{pad}{name}: {text}"]


def default_style(path):
    related_title = len(path) == 2 and RELATED_KEY.match(str(path[0])) and path[1] == "title"
    return "folded" if path in FOLDED_PATHS or related_title else "plain"


def folded_indent(indent):
    # As the files have it: top-level and seo text at 4 spaces, related_articleN's title at 8.
    return 4 if indent <= 2 else indent + 4


def emit_key(key):
    key = str(key)
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else quoted(key)


def emit_scalar(value, style="plain"):
    """(style, text) for one scalar: ``True``, ``-1.0``, ``2024-12-25``, plain or folded text, or quoted."""
    if not isinstance(value, str):
        return "plain", emit_plain(value)
    value = str(value)  # a str subclass (a TextChoices member) is written as its text
    for candidate in (style, "folded" if style == "plain" else "plain"):
        if candidate == "folded" and fits_folded(value):
            return "folded", value
        if candidate == "plain" and fits_plain(value):
            return "plain", value
    return "quoted", quoted(value)


def emit_plain(value):
    """The plain text of a scalar that is not text: ``null``, ``True``, ``7``, ``-1.0``, ``2024-12-25``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
            return value.replace(tzinfo=None).isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        text = repr(value)
        return text if loads_back(value, text) else dumped(value)
    return dumped(value)


def fits_plain(value):
    return bool(value) and value == value.strip() and "\n" not in value and loads_back(value, value)


def fits_folded(value):
    return (
        bool(value)
        and value[0] not in " \t"
        and not any(char in value for char in "\r\n\x85\u2028\u2029")
        and loads_back(value, f">-\n    {value}")
    )


def loads_back(value, text):
    try:
        loaded = yaml.load(f"k: {text}\n", Loader=SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and same(loaded.get("k"), value)


def quoted(value):
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=math.inf).rstrip("\n")


def dumped(value):
    return yaml.safe_dump(value, allow_unicode=True, width=math.inf).removesuffix("\n...\n").rstrip("\n")


def same(a, b):
    """Equal values of the same types (so ``True`` is not ``1`` and a date is not a datetime)."""
    if a is b:
        return True  # a value kept as the file had it: no walk through it (a long list, or aliases)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b
