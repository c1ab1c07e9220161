"""``_redirects.yaml``: the redirects an export writes beside its files, and reading them back on import."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from ..models import Article, Redirect, Relation
from ..places import resolve_urls
from ..source import SITE_PATH, SafeLoader
from ..source.messages import brief
from .discovery import Unreadable
from .emitter import emit_scalar

REDIRECTS_FILE = "_redirects.yaml"
OLD_URL_LENGTH = Redirect._meta.get_field("old_url").max_length


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
    naming an old url resolve to the article it now leads to. Anything else in the file (a date, a
    number, a list) is refused by name before the database is asked about any entry.
    """
    if isinstance(path, Unreadable):  # a symlink leading out of the folder given, say
        return RedirectImport(refused=[path.reason])
    path = Path(path)
    result = RedirectImport()
    try:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        result.refused.append(f"cannot read redirects: {exc}")
        return result
    except (ValueError, OverflowError) as exc:  # PyYAML builds dates itself: 2024-02-30 is a ValueError
        result.refused.append(f"cannot read redirects: a value YAML cannot build: {exc}")
        return result
    if not isinstance(entries, dict):
        result.refused.append("expected a mapping of old url: url")
        return result
    with transaction.atomic():
        import_entries(well_formed(entries, result), result)
    return result


def well_formed(entries, result):
    """The entries that are an old url and an article url, as text; the others refused by name."""
    kept = {}
    for old_url, url in entries.items():
        problem = entry_problem(old_url, url)
        if problem:
            shown = old_url if isinstance(old_url, str) and old_url.isprintable() else brief(old_url)
            result.refused.append(f"{shown}: {problem}")
        else:
            kept[old_url] = url
    return kept


def entry_problem(old_url, url):
    if (
        not isinstance(old_url, str)
        or not old_url.startswith("/")
        or ".." in old_url
        or len(old_url) > OLD_URL_LENGTH
        or not old_url.isprintable()  # control characters, NUL among them (PostgreSQL refuses it)
        or " " in old_url
    ):
        return "the old url is not a site path"
    if not isinstance(url, str) or not SITE_PATH.match(url):
        return f"{brief(url)} is not an article url"
    return None


def import_entries(entries, result):
    """Write well-formed ``entries`` as redirects, counting into ``result``."""
    targets = resolve_urls(set(entries.values()))
    live = set(
        Article.objects.filter(url__in=list(entries))
        .exclude(status=Article.Status.REMOVED)
        .values_list("url", flat=True)
    )
    existing = dict(Redirect.objects.filter(old_url__in=list(entries)).values_list("old_url", "article_id"))
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
        result.relations_resolved += Relation.objects.filter(target__isnull=True, target_url=old_url).update(
            target_id=article_id
        )


def redirect_problem(old_url, url, targets, live):
    if url not in targets:
        return f"no article at {url}"
    if old_url in live or old_url == url:
        return "an article lives at the old url"
    return None
