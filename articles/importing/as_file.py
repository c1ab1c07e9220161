"""An article as its source file's text: the file it came from, with the site's edits merged in.

An unedited article is exactly the file it came from (``source_text``). An edited one is that file with
the edits merged in: every top-level key whose value did not change keeps its original lines (unknown
keys, duplicate related entries, the ``\\n`` encoding, all of it), and the changed ones are written by the
emitter. An article created in the admin gets the format's keys in the format's order. Publishing state
the site owns travels in a ``publishing`` key, written only when it is not the default.

Beneath both the exporter (which writes these texts to files) and the importer (which compares a changed
file with an edited article's text: the same text is no conflict).
"""

import re
from dataclasses import dataclass, field

import yaml

from ..models import Article
from ..source import RELATED_KEY, SafeLoader, read_related, start_of
from ..source.fields import FIELDS, KEY_ORDER
from .emitter import emit, same

PUBLISHING_KEY = "publishing"
CLOSING = "---\n\n&nbsp;"  # what follows the front matter in every real file
# The file's fields; the format's keys in their order come from the table, and related_articleN, unknown
# keys and publishing come after them.
KEYED_FIELDS = [column for column in FIELDS if column.key]  # where the file keeps each
TOP_KEY = re.compile(r"^(?P<key>[^\s#:'\"][^:]*|'[^']*'|\"[^\"]*\"):(?:[ \t]|$)")
STYLE_LINE = re.compile(r"^(?P<indent> *)(?P<key>[^\s#:][^:]*):(?P<rest>.*)$")
PUBLISHING_LINE = re.compile(r"^publishing:", re.MULTILINE)


# -- a file's layout -----------------------------------------------------------------------------


@dataclass
class Layout:
    """A source file cut into its parts, so unchanged keys can be written back as they were."""

    opening: str  # the first line, '---'
    values: dict  # the parsed front matter
    chunks: dict  # top-level key -> its lines exactly as read
    trailer: str  # blank lines before the closing '---'
    closing: str  # the closing '---' to the end of the file
    newline: str = "\n"
    styles: dict = field(default_factory=dict)

    def render(self, values):
        parts = [self.opening]
        for key, value in values.items():
            raw = self.chunks.get(key)
            if raw is not None and key in self.values and same(self.values[key], value):
                parts.append(raw)
            else:
                parts.append(emit({key: value}, self.styles, self.newline))
        return "".join([*parts, self.trailer, self.closing])


def read_layout(text):
    """The Layout of a source file's text (as ``source_text`` holds it)."""
    lines = text.splitlines(keepends=True)
    end = next(index for index, line in enumerate(lines[1:], start=1) if line.rstrip("\r\n") == "---")
    front = lines[1:end]
    values = yaml.load("".join(front), Loader=SafeLoader) or {}  # noqa: S506 - a safe loader
    trailing = len(front)
    while trailing and not front[trailing - 1].strip():
        trailing -= 1
    chunks, key = {}, None
    for line in front[:trailing]:
        match = TOP_KEY.match(line)
        if match:
            key = match.group("key").strip().strip("'\"")
            chunks[key] = ""
        if key is not None:
            chunks[key] += line
    if list(chunks) != [str(name) for name in values]:
        chunks = {}  # an unusual layout: write every key with the emitter rather than guess
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    return Layout(
        opening=lines[0],
        values=values,
        chunks=chunks,
        trailer="".join(front[trailing:]),
        closing="".join(lines[end:]),
        newline=newline,
        styles=read_styles(front),
    )


def read_styles(front):
    """{key path: "plain" | "folded"} for every scalar written on a key's line or folded below it."""
    styles, parents = {}, []
    for line in front:
        match = STYLE_LINE.match(line.rstrip("\r\n"))
        if not match:
            continue
        indent, key, rest = len(match.group("indent")), match.group("key"), match.group("rest").strip()
        while parents and parents[-1][0] >= indent:
            parents.pop()
        path = (*[name for _, name in parents], key)
        if rest == ">-":
            styles[path] = "folded"
        elif rest:
            styles[path] = "plain"
        else:
            parents.append((indent, key))
    return styles


# -- articles -> files ---------------------------------------------------------------------------


def publishing_values(article):
    """The ``publishing`` key for a state that is not the default, or None."""
    default_time = start_of(article.date)
    if article.status == Article.Status.PUBLISHED and article.publish_at == default_time:
        return None
    state = {"status": str(article.status)}
    if article.publish_at != default_time:
        state["publish_at"] = article.publish_at
    return state


def export_text(article, relations=None):
    """The source file for one article. ``relations`` (in order) are needed only for edited articles."""
    state = publishing_values(article)
    unedited = article.source_text and not article.edited
    if unedited and state is None and not PUBLISHING_LINE.search(article.source_text):
        return article.source_text
    layout = stored_layout(article.source_text)
    if layout is not None and not article.edited:
        values = dict(layout.values)
        set_publishing(values, state)
        return layout.render(values)
    if relations is None:
        relations = list(article.relations.select_related("target__subject").order_by("position"))
    if layout is not None:
        values = merged_values(article, relations, layout.values)
        return layout.render(ordered(values, list(layout.values)))
    values = merged_values(article, relations, {})
    return "---\n" + emit(ordered(values, [])) + CLOSING


def stored_layout(text):
    """The Layout of an article's stored source text; None when it has none, or one the loader now refuses
    (stored before a bound on nesting or aliases): that article is written from its fields alone."""
    if not text:
        return None
    try:
        return read_layout(text)
    except yaml.YAMLError:
        return None


def matches_export(article_id, text):
    """Whether ``text`` is exactly the file export_articles writes for the article now.

    For the importer: such a file over an edited article has caught up with the edits (it is the
    export of them), so applying it is not a conflict.
    """
    article = Article.objects.select_related("subject").filter(pk=article_id).first()
    return article is not None and export_text(article) == text


def merged_values(article, relations, original):
    """The file's values with the article's current content merged in, field by field of the table
    (articles.source.fields): a nested field (``seo.title``) is written when it has a value or the file had
    it; an optional one (``no_index``, ``score``) when it is set, or the file had it."""
    values, nested = dict(original), {}
    for column in KEYED_FIELDS:
        value, top = getattr(article, column.column), column.key[0]
        if len(column.key) == 2:
            mapping = nested.setdefault(
                top, dict(original[top]) if isinstance(original.get(top), dict) else {}
            )
            if value or column.key[1] in mapping or not original:
                mapping[column.key[1]] = value
        elif (
            not column.optional
            or (value is not None and value is not False)
            or top in original
            and value is not None
        ):
            values[top] = value
        else:
            values.pop(top, None)
    values.update(nested)
    merge_related(values, relations, original)
    set_publishing(values, publishing_values(article))
    return values


def merge_related(values, relations, original):
    """Numbered entries for ``relations`` in ``values``, unless they name the file's targets in its order
    (its entries, duplicates and all, are then kept as they were)."""
    original_urls = (
        [entry.url for entry in read_related(original, original.get("url"), "")] if original else []
    )
    if [relation.target_url for relation in relations] != original_urls:
        for key in [key for key in values if RELATED_KEY.match(key)]:
            del values[key]
        for number, relation in enumerate(relations, start=1):
            values[f"related_article{number}"] = related_values(relation)


def related_values(relation):
    target = relation.target
    source_id = target.source_id if target is not None else relation.target_source_id
    entry = {} if source_id is None else {"id": source_id}
    entry["title"] = relation.target_title or (target.question if target is not None else "")
    entry["subject"] = relation.target_subject or (target.source_subject if target is not None else "")
    entry["url"] = target.url if target is not None else relation.target_url
    return entry


def set_publishing(values, state):
    values.pop(PUBLISHING_KEY, None)
    if state:
        values[PUBLISHING_KEY] = state


def rank(key):
    if key in KEY_ORDER:
        return KEY_ORDER.index(key)
    if match := RELATED_KEY.match(key):
        return 100 + int(match.group(1))
    return 10_000 if key == PUBLISHING_KEY else None


def ordered(values, original_keys):
    """``values`` with the original keys in their places and new keys where the format puts them."""
    keys = [key for key in original_keys if key in values]
    for key in sorted((key for key in values if key not in keys), key=lambda k: rank(k) or 0):
        own = rank(key)
        later = (
            []
            if own is None
            else [i for i, other in enumerate(keys) if rank(other) is not None and rank(other) > own]
        )
        keys.insert(later[0] if later else len(keys), key)
    return {key: values[key] for key in keys}
