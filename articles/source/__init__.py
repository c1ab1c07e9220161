"""One source file -> one validated record. Pure Python: no ORM, no settings.

The rules follow ../shared/FORMAT.md: the front matter ends at the first line that is exactly
``---``; YAML is parsed with the C safe loader only; the ``\\n`` markers of the answer are decoded
with care for LaTeX commands and C string escapes.
"""

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.text import slugify

from .answer import decode_answer
from .fields import BY_COLUMN, NAME_LENGTH, over_length
from .messages import brief
from .yaml_loader import SafeLoader

__all__ = ["SafeLoader", "SourceError", "SourceRecord", "decode_answer", "parse_source", "read_source"]

DEFAULT_MAX_BYTES = 256 * 1024
REQUIRED_KEYS = (
    "_schema id date title article_title date_format post_on_text seo author question answer "
    "subject file_name url"
).split()
TEXT_KEYS = ("_schema", "title", "article_title", "date_format", "post_on_text", "author", "question")
RELATED_KEY = re.compile(r"^related_article(\d+)$")
SITE_PATH = re.compile(r"^/learn/([a-z0-9]+(?:-[a-z0-9]+)*)/questions/([a-z0-9][a-z0-9._-]*)$")
EARLY_LENGTHS = {
    key: BY_COLUMN[column].max_length for key, column in (("url", "url"), ("file_name", "file_name"))
}
KEYWORD_MAX_LENGTH = NAME_LENGTH
# The site's publishing states (Article.Status), as an exported file's ``publishing`` key names them.
PUBLISHING_STATUSES = ("published", "draft", "removed")


class SourceError(Exception):
    """A file that cannot be imported: names the file, the reason and, where known, the line."""

    def __init__(self, path, reason, line=None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):
        # Workers send refusals back pickled; the default rebuilds from the message alone and fails.
        return type(self), (self.path, self.reason, self.line)


@dataclass
class RelatedEntry:
    url: str
    title: str = ""
    subject: str = ""
    source_id: int | None = None


@dataclass
class SourceRecord:
    path: str
    url: str
    subject_name: str
    subject_slug: str
    slug: str
    file_name: str
    source_id: int
    date: datetime.date
    title: str
    article_title: str
    question: str
    answer_source: str
    answer: str
    date_format: str
    post_on_text: str
    author: str
    seo_title: str
    seo_description: str
    seo_keywords: str
    keywords: list[tuple[str, str]]  # (slug, name)
    score: float | None
    no_index: bool
    schema: str
    related: list[RelatedEntry]
    source_text: str
    file_hash: str
    extra: dict = field(default_factory=dict)
    publishing: tuple | None = None  # (status, publish_at) from an exported file's "publishing" key


def read_source(path, max_bytes=DEFAULT_MAX_BYTES):
    """Read and validate one source file; raise SourceError saying why it cannot be imported."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from None
    return parse_source(data, path)


def parse_source(data: bytes, path="<bytes>"):
    """Validate the bytes of one source file into a SourceRecord."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 (byte {exc.start})") from None
    front_matter = split_front_matter(text, path)
    values = load_yaml(front_matter, path)
    record = build_record(values, path)
    if too_long := over_length(record):
        what, length, limit = too_long
        raise SourceError(path, f"{what} is {length:,} characters, over the limit of {limit:,}")
    record.publishing = publishing_state(record)
    record.source_text = text
    record.file_hash = hashlib.sha256(data).hexdigest()
    return record


def split_front_matter(text, path):
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise SourceError(path, "no front matter: the file must start with a line '---'", line=1)
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") == "---":
            return "".join(lines[1:number])
    raise SourceError(path, "front matter is not closed: no line '---' after the first")


def load_yaml(front_matter, path):
    try:
        values = yaml.load(front_matter, Loader=SafeLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else None  # +1 for '---', +1 one-based
        reason = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        raise SourceError(path, f"YAML error: {shortened(reason)}", line=line) from None
    except yaml.YAMLError as exc:
        raise SourceError(path, f"YAML error: {shortened(str(exc))}") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML builds dates itself: 2024-02-30 raises ValueError, not YAMLError.
        raise SourceError(path, f"YAML value cannot be built: {exc}") from None
    if not isinstance(values, dict):
        raise SourceError(path, "front matter is not a mapping of keys to values")
    return values


def shortened(text, limit=200):
    """A parser's message, which may quote a whole value (a 100 KB tag), cut to a readable length."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def build_record(values, path):
    missing = [key for key in REQUIRED_KEYS if key not in values or values[key] is None]
    if missing:
        raise SourceError(path, f"missing required field(s): {', '.join(missing)}")
    for key in TEXT_KEYS:
        require_text(values, key, path)
    subject = require_text(values, "subject", path).strip()
    file_name = require_text(values, "file_name", path)
    url = require_text(values, "url", path)
    answer_source = require_text(values, "answer", path)
    for key, limit in EARLY_LENGTHS.items():  # before the url rule quotes them
        if len(values[key]) > limit:
            raise SourceError(
                path, f"'{key}' is {len(values[key]):,} characters, over the limit of {limit:,}"
            )

    subject_slug, slug = check_url(url, subject, file_name, path)
    seo = values["seo"]
    if not isinstance(seo, dict):
        raise SourceError(path, f"'seo' must be a mapping, got {type_name(seo)}")
    seo_keywords = optional_text(seo, "page_keywords", path, "seo.page_keywords")

    known = set(REQUIRED_KEYS) | {"score", "no_index"}
    return SourceRecord(
        path=str(path),
        url=url,
        subject_name=subject,
        subject_slug=subject_slug,
        slug=slug,
        file_name=file_name,
        source_id=require_int(values, "id", path),
        date=require_date(values, path),
        title=values["title"],
        article_title=values["article_title"],
        question=values["question"],
        answer_source=answer_source,
        answer=decode_answer(answer_source),
        date_format=values["date_format"],
        post_on_text=values["post_on_text"],
        author=values["author"],
        seo_title=optional_text(seo, "title", path, "seo.title"),
        seo_description=optional_text(seo, "page_description", path, "seo.page_description"),
        seo_keywords=seo_keywords,
        keywords=split_keywords(seo_keywords, path),
        score=optional_number(values, "score", path),
        no_index=optional_bool(values, "no_index", path),
        schema=values["_schema"],
        related=read_related(values, url, path),
        source_text="",
        file_hash="",
        extra={k: v for k, v in values.items() if k not in known and not RELATED_KEY.match(k)},
    )


def article_url(subject_slug, slug):
    """The one url formula: where an article of that subject and slug lives."""
    return f"/learn/{subject_slug}/questions/{slug}"


def check_url(url, subject, file_name, path):
    """The url must be a site path equal to /learn/<slug(subject)>/questions/<file_name minus .md>."""
    match = SITE_PATH.match(url)
    if not match or ".." in url:
        raise SourceError(
            path, f"'url' {brief(url)} is not a site path of the form /learn/<subject>/questions/<slug>"
        )
    if not file_name.endswith(".md"):
        raise SourceError(path, f"'file_name' {brief(file_name)} does not end with .md")
    subject_slug = subject_to_slug(subject)
    if not subject_slug:
        raise SourceError(path, f"'subject' {brief(subject)} has no slug")
    expected = article_url(subject_slug, file_name[:-3])
    if url != expected:
        raise SourceError(
            path, f"'url' {brief(url)} does not match subject and file_name (expected {brief(expected)})"
        )
    return subject_slug, match.group(2)


def read_related(values, own_url, path):
    """The file's related articles in order, each target once, never the file itself."""
    numbered = sorted((int(m.group(1)), key) for key in values if (m := RELATED_KEY.match(key)))
    entries, seen = [], {own_url}
    for _, key in numbered:
        value = values[key]
        if not isinstance(value, dict):
            raise SourceError(path, f"'{key}' must be a mapping, got {type_name(value)}")
        url = value.get("url")
        if not isinstance(url, str) or not SITE_PATH.match(url):
            raise SourceError(path, f"'{key}.url' {brief(url)} is not a site path")
        target_id = value.get("id")
        if target_id is not None and (not isinstance(target_id, int) or isinstance(target_id, bool)):
            raise SourceError(path, f"'{key}.id' must be an integer, got {type_name(target_id)}")
        if url in seen:
            continue
        seen.add(url)
        entries.append(
            RelatedEntry(
                url=url,
                title=optional_text(value, "title", path, f"{key}.title"),
                subject=optional_text(value, "subject", path, f"{key}.subject"),
                source_id=target_id,
            )
        )
    return entries


def split_keywords(text, path):
    """Comma-separated keywords, trimmed, as (slug, name); one per slug, the first spelling wins."""
    keywords, slugs = [], set()
    for raw in text.split(","):
        name = " ".join(raw.split())
        slug = keyword_slug(name)
        if not slug or slug in slugs:
            continue
        for what, value in (("", name), ("'s slug", slug)):  # a slug can be longer: "\ufdfa" -> 18 letters
            if len(value) > KEYWORD_MAX_LENGTH:
                raise SourceError(
                    path,
                    f"keyword {name[:40]!r}{what} is {len(value):,} characters, over the limit of {KEYWORD_MAX_LENGTH}",
                )
        slugs.add(slug)
        keywords.append((slug, name))
    return keywords


# Memoised: a corpus repeats its subjects and keywords thousands of times, and slugify is not cheap.
# Bounded: the long tail of keywords is used once or twice, and a worker's memory must stay flat.
@functools.lru_cache(maxsize=8192)
def keyword_slug(name):
    return slugify(name, allow_unicode=True)


@functools.lru_cache(maxsize=1024)
def subject_to_slug(name):
    return slugify(name)


def require_text(values, key, path):
    value = values.get(key)
    if not isinstance(value, str):
        raise SourceError(path, f"'{key}' must be text, got {type_name(value)}")
    return value


def optional_text(values, key, path, label):
    value = values.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SourceError(path, f"'{label}' must be text, got {type_name(value)}")
    return value


def require_int(values, key, path):
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise SourceError(path, f"'{key}' must be an integer, got {type_name(value)}")
    if not -(2**31) <= value < 2**31:
        raise SourceError(path, f"'{key}' {brief(value)} is out of range")
    return value


def require_date(values, path):
    value = values["date"]
    if isinstance(value, datetime.datetime):
        return value.date()
    if not isinstance(value, datetime.date):
        raise SourceError(path, f"'date' must be a date (YYYY-MM-DD), got {type_name(value)}")
    return value


def optional_number(values, key, path):
    value = values.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceError(path, f"'{key}' must be a number, got {type_name(value)}")
    return float(value)


def optional_bool(values, key, path):
    value = values.get(key, False)
    if not isinstance(value, bool):
        raise SourceError(path, f"'{key}' must be true or false, got {type_name(value)}")
    return value


def type_name(value):
    return {
        str: "text", int: "an integer", float: "a number", bool: "true/false", list: "a list",
        dict: "a mapping", type(None): "nothing",
    }.get(type(value), type(value).__name__)  # fmt: skip


def publishing_state(record):
    """(status, publish_at) from an exported file's ``publishing`` key, or None when it has none.

    A missing ``publish_at`` means the file's date (the default).
    """
    value = record.extra.get("publishing")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SourceError(record.path, "'publishing' must be a mapping with 'status' and 'publish_at'")
    status = value.get("status", PUBLISHING_STATUSES[0])
    if status not in PUBLISHING_STATUSES:
        choices = ", ".join(PUBLISHING_STATUSES)
        raise SourceError(record.path, f"'publishing.status' {brief(status)} is not one of {choices}")
    publish_at = value.get("publish_at", record.date)
    if isinstance(publish_at, datetime.datetime):
        if publish_at.tzinfo is None:
            publish_at = publish_at.replace(tzinfo=datetime.UTC)
    elif isinstance(publish_at, datetime.date):
        publish_at = start_of(publish_at)
    else:
        raise SourceError(
            record.path, f"'publishing.publish_at' must be a date and time, got {brief(publish_at)}"
        )
    return status, publish_at


def start_of(day):
    """The default publish time of a file dated ``day`` (what the importer gives new articles)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
