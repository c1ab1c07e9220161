"""What search engines and link previews read: the head of every page, built from plain data.

Views build a ``Head`` with ``page_head`` or ``article_head``; ``templates/base.html`` prints it.
The canonical-link policy for questions that exist in several subjects lives here too.
"""

import functools
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..models import Article, Subject
from . import cards
from .teasers import is_damaged, teaser

# A keyword page listing fewer published articles than this is thin content: noindex, no sitemap entry.
KEYWORD_INDEX_MIN = 3
NOINDEX = "noindex"

# json_script's escaping: "</script>" or "<!--" in an article can never end the block early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass
class Head:
    title: str
    description: str = ""
    canonical: str = ""
    robots: str = ""
    keywords: str = ""
    og: list = field(default_factory=list)  # (property, content)
    twitter: list = field(default_factory=list)  # (name, content)
    json_ld: list = field(default_factory=list)  # dicts, printed by the json_ld filter
    feeds: tuple = ()  # (title, absolute url, mime type)
    prev: str = ""
    next: str = ""


def absolute(path):
    """An absolute url on the public site (SITE_URL), for canonical links, sitemaps and feeds."""
    return settings.SITE_URL + path


def json_ld_script(data):
    """A ``<script type="application/ld+json">`` block, escaped like Django's json_script."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


@functools.cache
def site_feeds():
    """The site-wide feeds, as (title, absolute url, mime type): the same for every page."""
    name = settings.SITE_NAME
    return (
        (f"{name}: latest (RSS)", absolute(reverse("articles:feed-rss")), "application/rss+xml"),
        (f"{name}: latest (Atom)", absolute(reverse("articles:feed-atom")), "application/atom+xml"),
    )


def subject_feeds(subject):
    return _subject_feeds(subject.slug, subject.name)


@functools.lru_cache(maxsize=1024)  # a few dozen subjects, each page of one asks for its feeds
def _subject_feeds(slug, subject_name):
    kwargs = {"subject": slug}
    name = f"{settings.SITE_NAME}: {subject_name}"
    return (
        (
            f"{name} (RSS)",
            absolute(reverse("articles:subject-feed-rss", kwargs=kwargs)),
            "application/rss+xml",
        ),
        (
            f"{name} (Atom)",
            absolute(reverse("articles:subject-feed-atom", kwargs=kwargs)),
            "application/atom+xml",
        ),
    )


def page_head(title, description, path, *, noindex=False, feeds=None, page=None, breadcrumbs=(), card=None):
    """The head of a listing or other non-article page. ``page`` (a Paginator page) adds prev/next.

    ``card`` is the path of the page's social card; the site's own card when none is given.
    """
    canonical = absolute(path + (f"?page={page.number}" if page and page.number > 1 else ""))
    full_title = f"{title} | {settings.SITE_NAME}" if title != settings.SITE_NAME else title
    head = Head(
        title=full_title + (f" (page {page.number})" if page and page.number > 1 else ""),
        description=description,
        canonical=canonical,
        robots=NOINDEX if noindex else "",
        feeds=site_feeds() if feeds is None else feeds,
        og=[
            ("og:type", "website"),
            ("og:title", title),
            ("og:description", description),
            ("og:url", canonical),
            ("og:site_name", settings.SITE_NAME),
            ("og:locale", "en_US"),
        ],
        twitter=[("twitter:title", title), ("twitter:description", description)],
    )
    with_card(head, card or cards.site_card_path(), title)
    if page and page.has_previous():
        number = page.previous_page_number()
        head.prev = absolute(path + (f"?page={number}" if number > 1 else ""))
    if page and page.has_next():
        head.next = absolute(f"{path}?page={page.next_page_number()}")
    if breadcrumbs:
        head.json_ld.append(breadcrumb_list(breadcrumbs))
    return head


def article_head(article, keywords, breadcrumbs):
    """The head of an article page: title, description, canonical, Open Graph, Twitter, JSON-LD.

    ``keywords`` are names; ``article.canonical_url`` comes from ``with_canonical_url()``;
    ``breadcrumbs`` from ``article_breadcrumbs()``, which the page shows too.
    """
    canonical = absolute(canonical_path(article))
    subject = article.subject
    title = f"{article.question} | {article.seo_title or f'{settings.SITE_NAME} | {subject.name}'}"
    description = teaser(article.seo_description, article.answer_html)
    tags = list(keywords)
    published = article.publish_at.isoformat()
    modified = max(article.content_changed_at, article.publish_at).isoformat()
    head = Head(
        title=title,
        description=description,
        canonical=canonical,
        robots=NOINDEX if article.no_index else "",
        keywords=", ".join(
            part.strip() for part in article.seo_keywords.split(",") if part.strip() and not is_damaged(part)
        ),
        feeds=subject_feeds(subject) + site_feeds(),
        og=[
            ("og:type", "article"),
            ("og:title", article.question),
            ("og:description", description),
            ("og:url", canonical),
            ("og:site_name", settings.SITE_NAME),
            ("og:locale", "en_US"),
            ("article:published_time", published),
            ("article:modified_time", modified),
            ("article:section", subject.name),
            *[("article:tag", tag) for tag in tags],
        ],
        twitter=[("twitter:title", article.question), ("twitter:description", description)],
    )
    image = with_card(head, cards.article_card_path(article), article.question)
    head.json_ld = [
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": article.question,
            "description": description,
            "datePublished": published,
            "dateModified": modified,
            "author": author(article.author),
            "publisher": publisher(),
            "keywords": tags,
            "articleSection": subject.name,
            "inLanguage": "en",
            "url": canonical,
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "image": {"@type": "ImageObject", "url": image, "width": cards.WIDTH, "height": cards.HEIGHT},
        },
        breadcrumb_list(breadcrumbs),
    ]
    return head


def with_card(head, path, alt):
    """Add a social card to ``head``: Open Graph's image with its size and text, a large Twitter card.

    Returns the card's absolute url.
    """
    image = absolute(path)
    head.og += [
        ("og:image", image),
        ("og:image:type", "image/png"),
        ("og:image:width", str(cards.WIDTH)),
        ("og:image:height", str(cards.HEIGHT)),
        ("og:image:alt", alt),
    ]
    head.twitter = [
        ("twitter:card", "summary_large_image"),
        *head.twitter,
        ("twitter:image", image),
        ("twitter:image:alt", alt),
    ]
    return image


def article_breadcrumbs(article):
    """(name, path) pairs from the site down to the article; the page shows the same trail."""
    return [
        ("Subjects", site_links()["subjects"]),
        (article.subject.name, subject_path(article.subject.slug)),
        (article.question, canonical_path(article)),
    ]


@functools.cache
def site_links():
    """The addresses every page links to, fixed for the life of the process: found once.

    A reverse() or a static() costs tens of microseconds, and a page asks for a dozen of them.
    """
    return {
        "home": reverse("articles:home"),
        "subjects": reverse("articles:subjects"),
        "search": reverse("articles:search"),
        "feed_rss": reverse("articles:feed-rss"),
        "feed_atom": reverse("articles:feed-atom"),
        "favicon": static("img/favicon.svg"),
        "logo": static("img/logo.png"),
        "site_css": static("css/site.css"),
        "answer_css": static("css/answer.css"),
        "code_css": static("css/code.css"),
        "math_js": static("js/math.js"),
        "code_js": static("js/code-blocks.js"),
    }


@functools.lru_cache(maxsize=1024)  # a few dozen subjects
def subject_path(slug):
    return Subject(slug=slug).get_absolute_url()


def breadcrumb_list(crumbs):
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(path)}
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def author(name):
    if name == settings.SITE_NAME:
        return {"@type": "Organization", "name": name, "url": absolute("/")}
    return {"@type": "Person", "name": name}


def publisher():
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": absolute(site_links()["logo"])},
    }


# -- Canonical links for questions that exist in several subjects -------------------------------------
#
# 2,402 questions were copied into two or three subjects: same source id, same question, same answer,
# each copy with its own url, related list and SEO text. Pages that differ only in their sidebar are
# duplicates to a search engine, so one copy is canonical for all: the first one published (earliest
# publish_at, then the first imported: lowest id) among the copies search engines may index. Adding a
# copy later never moves the canonical link. A no_index copy points to itself (it is not indexed anyway).
# The sitemap and the site-wide feed list canonical copies only; each copy stays reachable, listed in
# its subject and subject feed, and searchable.


def _indexable_twins(now=None):
    """The indexable copies of the outer article's question (the article itself included)."""
    return Article.objects.indexable(now).filter(
        source_id=OuterRef("source_id"), question=OuterRef("question")
    )


def with_canonical_url(articles, now=None):
    """Annotate ``canonical_url``: the url of the copy this article's twins all point to."""
    first = _indexable_twins(now).order_by("publish_at", "id").values("url")[:1]
    return articles.annotate(canonical_url=Subquery(first))


def canonical_path(article):
    if article.no_index:
        return article.url
    return getattr(article, "canonical_url", None) or article.url


def canonical_only(articles):
    """Drop the copies whose canonical link points to an earlier twin."""
    earlier = _indexable_twins().filter(
        Q(publish_at__lt=OuterRef("publish_at")) | Q(publish_at=OuterRef("publish_at"), id__lt=OuterRef("id"))
    )
    return articles.exclude(Exists(earlier))
