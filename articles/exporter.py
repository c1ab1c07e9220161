"""Database -> source files, the importer's mirror image.

An unedited article is written as exactly the file it came from (``source_text``). An edited one is that
file with the edits merged in: every top-level key whose value did not change keeps its original lines
(unknown keys, duplicate related entries, the ``\\n`` encoding, all of it), and the changed ones are
written by a small emitter that knows the format's style: keys in order, ``>-`` folded scalars for the
long text fields, ``seo`` nested by 2 spaces and ``related_articleN`` by 4. An article created in the
admin gets the format's keys in the format's order.

Publishing state the site owns travels in a ``publishing`` key, written only when it is not the default
(published at the start of the file's date), and redirects in ``_redirects.yaml``: importing an export
into an empty database reproduces the site.
"""

import datetime
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .editing import resolve_urls, start_of
from .models import Article, Redirect, Relation
from .source import RELATED_KEY, SITE_PATH, SafeLoader, read_related

REDIRECTS_FILE = "_redirects.yaml"
PUBLISHING_KEY = "publishing"
CLOSING = "---\n\n&nbsp;"  # what follows the front matter in every real file
# The format's keys in the format's order; related_articleN, unknown keys and publishing come after.
KEY_ORDER = [
    "_schema", "id", "date", "title", "article_title", "date_format", "post_on_text", "seo", "author",
    "question", "no_index", "answer", "subject", "file_name", "url", "score",
]  # fmt: skip
# Long text written as ">-" folded scalars unless the file wrote them plain.
FOLDED_PATHS = {
    ("title",), ("article_title",), ("question",), ("answer",), ("seo", "page_description"),
    ("seo", "page_keywords"),
}  # fmt: skip
TOP_KEY = re.compile(r"^(?P<key>[^\s#:'\"][^:]*|'[^']*'|\"[^\"]*\"):(?:[ \t]|$)")
STYLE_LINE = re.compile(r"^(?P<indent> *)(?P<key>[^\s#:][^:]*):(?P<rest>.*)$")
PUBLISHING_LINE = re.compile(r"^publishing:", re.MULTILINE)


# -- the emitter ---------------------------------------------------------------------------------


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
    if value is None:
        return "plain", "null"
    if isinstance(value, bool):
        return "plain", "True" if value else "False"
    if isinstance(value, int):
        return "plain", str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
            return "plain", value.replace(tzinfo=None).isoformat() + "Z"
        return "plain", value.isoformat()
    if isinstance(value, datetime.date):
        return "plain", value.isoformat()
    if isinstance(value, float):
        text = repr(value)
        return "plain", text if loads_back(value, text) else dumped(value)
    if not isinstance(value, str):
        return "plain", dumped(value)
    value = str(value)  # a str subclass (a TextChoices member) is written as its text
    for candidate in (style, "folded" if style == "plain" else "plain"):
        if candidate == "folded" and fits_folded(value):
            return "folded", value
        if candidate == "plain" and fits_plain(value):
            return "plain", value
    return "quoted", quoted(value)


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
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


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
    if article.source_text and not article.edited:
        if state is None and not PUBLISHING_LINE.search(article.source_text):
            return article.source_text
        layout = read_layout(article.source_text)
        values = dict(layout.values)
        set_publishing(values, state)
        return layout.render(values)
    if relations is None:
        relations = list(article.relations.select_related("target__subject").order_by("position"))
    if article.source_text:
        layout = read_layout(article.source_text)
        values = merged_values(article, relations, layout.values)
        return layout.render(ordered(values, list(layout.values)))
    values = merged_values(article, relations, {})
    return "---\n" + emit(ordered(values, [])) + CLOSING


def matches_export(article_id, text):
    """Whether ``text`` is exactly the file export_articles writes for the article now.

    For the importer: such a file over an edited article has caught up with the edits (it is the
    export of them), so applying it is not a conflict.
    """
    article = Article.objects.select_related("subject").filter(pk=article_id).first()
    return article is not None and export_text(article) == text


def merged_values(article, relations, original):
    """The file's values with the article's current content merged in."""
    values = dict(original)
    seo = dict(original.get("seo") or {}) if isinstance(original.get("seo"), dict) else {}
    for key, value in (
        ("title", article.seo_title),
        ("page_description", article.seo_description),
        ("page_keywords", article.seo_keywords),
    ):
        if value or key in seo or not original:
            seo[key] = value
    values.update(
        {
            "_schema": article.schema,
            "id": article.source_id,
            "date": article.date,
            "title": article.title,
            "article_title": article.article_title,
            "date_format": article.date_format,
            "post_on_text": article.post_on_text,
            "seo": seo,
            "author": article.author,
            "question": article.question,
            "answer": article.answer_source,
            "subject": article.source_subject,
            "file_name": article.file_name,
            "url": article.url,
        }
    )
    if article.no_index or "no_index" in original:
        values["no_index"] = article.no_index
    if article.score is not None:
        values["score"] = article.score
    else:
        values.pop("score", None)
    original_urls = (
        [entry.url for entry in read_related(original, original.get("url"), "")] if original else []
    )
    if [relation.target_url for relation in relations] != original_urls:
        for key in [key for key in values if RELATED_KEY.match(key)]:
            del values[key]
        for number, relation in enumerate(relations, start=1):
            values[f"related_article{number}"] = related_values(relation)
    set_publishing(values, publishing_values(article))
    return values


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


@dataclass
class ExportResult:
    articles: int = 0
    edited: int = 0
    redirects: int = 0
    refused: list = field(default_factory=list)  # (url, reason)
    paths: list = field(default_factory=list)


def export_articles(directory, *, subjects=None, since=None, chunk_size=1000):
    """Write every article (or those of ``subjects`` / changed by an import or on the site ``since``).

    Each article goes to ``<directory>/<subject-slug>/<file_name>``; all redirects go to
    ``<directory>/_redirects.yaml`` whatever the filters, so that file is always complete.
    """
    directory = Path(directory)
    result = ExportResult()
    articles = Article.objects.select_related("subject").order_by("pk")
    if subjects:
        articles = articles.filter(subject__slug__in=subjects)
    if since:  # a new file, an edit, a move or a publishing change
        articles = articles.filter(Q(content_changed_at__gte=since) | Q(site_changed_at__gte=since))
    batch = []
    for article in articles.iterator(chunk_size=chunk_size):
        batch.append(article)
        if len(batch) >= chunk_size:
            write_batch(directory, batch, result)
            batch = []
    write_batch(directory, batch, result)
    result.redirects = write_redirects(directory / REDIRECTS_FILE)
    return result


def write_batch(directory, articles, result):
    edited_ids = [article.pk for article in articles if article.edited or not article.source_text]
    relations = {}
    for relation in (
        Relation.objects.filter(source_id__in=edited_ids)
        .select_related("target")
        .order_by("source", "position")
    ):
        relations.setdefault(relation.source_id, []).append(relation)
    for article in articles:
        path = directory / article.subject.slug / article.file_name
        if Path(article.file_name).name != article.file_name or not article.file_name.endswith(".md"):
            result.refused.append((article.url, f"file name {article.file_name!r} is not a plain *.md name"))
            continue
        text = export_text(article, relations.get(article.pk, []))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        result.articles += 1
        result.edited += article.edited or not article.source_text
        result.paths.append(path)


# -- redirects -----------------------------------------------------------------------------------


def redirects_text():
    lines = ["# Permanent redirects left by moves: old url: the url of the article it moved to."]
    for old_url, url in Redirect.objects.order_by("old_url").values_list("old_url", "article__url"):
        lines.append(f"{emit_scalar(old_url)[1]}: {emit_scalar(url)[1]}")
    return "\n".join(lines) + "\n"


def write_redirects(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = redirects_text()
    path.write_text(text, encoding="utf-8")
    return text.count("\n") - 1


@dataclass
class RedirectImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    relations_resolved: int = 0
    refused: list = field(default_factory=list)  # messages naming the old url and the reason


def import_redirects(path):
    """Read a ``_redirects.yaml`` written by export_articles into Redirect rows; run after the articles.

    Each entry maps an old url to the url of an article (or to an old url of one: it is followed). A
    redirect is refused when its old url is a live article's or would point at itself; relations still
    naming an old url resolve to the article it now leads to.
    """
    path = Path(path)
    result = RedirectImport()
    try:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        result.refused.append(f"cannot read redirects: {exc}")
        return result
    if not isinstance(entries, dict):
        result.refused.append("expected a mapping of old url: url")
        return result
    targets = resolve_urls({url for url in entries.values() if isinstance(url, str)})
    live = set(
        Article.objects.filter(url__in=[key for key in entries if isinstance(key, str)])
        .exclude(status=Article.Status.REMOVED)
        .values_list("url", flat=True)
    )
    existing = dict(Redirect.objects.filter(old_url__in=list(entries)).values_list("old_url", "article_id"))
    with transaction.atomic():
        for old_url, url in entries.items():
            problem = redirect_problem(old_url, url, targets, live)
            if problem:
                result.refused.append(f"{old_url}: {problem}")
                continue
            article_id = targets[url]
            if old_url not in existing:
                Redirect.objects.create(old_url=old_url, article_id=article_id)
                result.created += 1
            elif existing[old_url] != article_id:
                Redirect.objects.filter(old_url=old_url).update(article_id=article_id)
                result.updated += 1
            else:
                result.unchanged += 1
        for old_url, article_id in Redirect.objects.filter(old_url__in=list(entries)).values_list(
            "old_url", "article"
        ):
            result.relations_resolved += Relation.objects.filter(
                target__isnull=True, target_url=old_url
            ).update(target_id=article_id)
    return result


def redirect_problem(old_url, url, targets, live):
    if not isinstance(old_url, str) or not old_url.startswith("/") or ".." in old_url:
        return "the old url is not a site path"
    if not isinstance(url, str) or not SITE_PATH.match(url):
        return f"{url!r} is not an article url"
    if url not in targets:
        return f"no article at {url}"
    if old_url in live or old_url == url:
        return "an article lives at the old url"
    return None
