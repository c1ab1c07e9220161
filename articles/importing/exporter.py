"""Database -> source files, the importer's mirror image: importing an export into an empty database
reproduces the site.

Each article is written as its file's text (articles.importing.as_file); redirects go to
``_redirects.yaml`` beside them.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q

from ..models import Article, Relation
from .as_file import export_text
from .redirects_file import REDIRECTS_FILE, write_redirects


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
