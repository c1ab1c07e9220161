"""Where articles live: the url rule (/learn/<subject>/questions/<slug>), and moves that leave redirects.

Beneath both the editorial tools and the importer: an admin move writes a redirect here, and a re-import
of a file that still names the old url finds the moved article here.
"""

from .models import URL_LENGTH, Article, Redirect, Subject
from .source import SITE_PATH, article_url, subject_to_slug

__all__ = ["article_url", "check_article_url", "move_place", "resolve_urls", "subject_prefix"]


def subject_prefix(subject_slug):
    return article_url(subject_slug, "")


def check_article_url(url, article=None):
    """Why ``url`` cannot be ``article``'s url, or None: malformed, too long, or taken by another."""
    if not SITE_PATH.match(url) or ".." in url:
        return f"{url} is not a site path of the form /learn/<subject>/questions/<slug>."
    if len(url) > URL_LENGTH:
        return f"The url would be {len(url)} characters long, over the limit of {URL_LENGTH}."
    others = Article.objects.exclude(pk=article.pk) if article and article.pk else Article.objects.all()
    taken = others.filter(url=url).first()
    if taken:
        return f"Another article already lives at {url}: “{taken}”."
    redirect = Redirect.objects.filter(old_url=url).select_related("article").first()
    if redirect and (article is None or redirect.article_id != article.pk):
        return f"{url} redirects to “{redirect.article}”; delete that redirect first to reuse the url."
    return None


def subject_spelling(subject):
    """How a file names ``subject``: its name when that gives its slug, else a spelling its files use."""
    if subject_to_slug(subject.name) == subject.slug:
        return subject.name
    spelling = (
        Article.objects.filter(subject=subject)
        .values_list("source_subject", flat=True)
        .order_by("pk")
        .first()
    )
    return spelling or subject.name


def move_place(article, old_url, new_url):
    """Point the article at its new place and leave a permanent redirect from the old url.

    Redirects point at the article, not at a url, so older redirects follow it (no chains); a redirect
    from the new url (moving back) is dropped, so no loop is ever stored.
    """
    article.file_name = f"{article.slug}.md"
    article.source_subject = subject_spelling(article.subject)
    Redirect.objects.filter(old_url=new_url, article=article).delete()
    Redirect.objects.get_or_create(old_url=old_url, defaults={"article": article})


def resolve_urls(urls):
    """{url: article id} for the urls an article lives at or moved from (a redirect's old url)."""
    urls = set(urls)
    found = dict(Article.objects.filter(url__in=urls).values_list("url", "id"))
    found.update(redirect_targets(urls - set(found)))
    return found


def redirect_targets(urls):
    """{old url: article id} for the given urls that are redirects (the articles moved elsewhere)."""
    urls = list(urls)
    if not urls:
        return {}
    return dict(Redirect.objects.filter(old_url__in=urls).values_list("old_url", "article_id"))


def moved_articles(urls, fields=("id", "url", "file_hash", "edited", "content_changed_at")):
    """{old url: Article} for the given urls that an admin move turned into redirects.

    The importer looks these up for files whose url is not an article: such a file updates the article
    it moved to (subject to the conflict rule) and never recreates the old url.
    """
    pairs = redirect_targets(urls)
    articles = Article.objects.only(*fields).in_bulk(set(pairs.values()))
    return {old_url: articles[article_id] for old_url, article_id in pairs.items()}


def moved_file_hashes(**article_filters):
    """{old url: file hash} for redirects to the articles matching ``article_filters``: lets the importer
    skip an unchanged moved file.

    From the redirects (a few) to their articles by key: a join or an ``article__in`` subquery had SQLite
    read every article row, 0.2 s of a re-import of the corpus with no redirects at all.
    """
    moved = dict(Redirect.objects.order_by().values_list("old_url", "article_id"))
    if not moved:
        return {}
    articles = Article.objects.filter(pk__in=set(moved.values()), **article_filters)
    hashes = dict(articles.values_list("id", "file_hash"))
    return {old_url: hashes[article_id] for old_url, article_id in moved.items() if article_id in hashes}


def moved_place(url):
    """The place fields of an article that moved to ``url``, by field name, for the importer to write
    over the file's: the move stands when the file (still naming the old url) is applied.

    The article stays ``edited``: its file names the old url, so an export must merge the new place.
    """
    subject_slug, slug = SITE_PATH.match(url).groups()
    subject = Subject.objects.get(slug=subject_slug)
    return {
        "subject": subject.pk,
        "slug": slug,
        "file_name": f"{slug}.md",
        "source_subject": subject_spelling(subject),
        "edited": True,
    }
