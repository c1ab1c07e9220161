"""Public pages. Every article shown or linked comes from ``Article.objects.published()``.

Each page takes a fixed number of queries (tests/test_views.py counts them) and answers conditional
requests: ``conditional_page`` adds an ETag of the body and turns a matching request into a 304.
"""

import datetime
import functools
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Substr
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import RFC3986_SUBDELIMS, http_date
from django.views.decorators.http import conditional_page, require_safe

from ..models import Article, ArticleKeyword, Keyword, Relation, Subject, resolve_path
from ..search import LISTING_FIELDS, find
from ..search.suggest import suggestions
from . import keywords as keyword_groups
from . import seo
from .cards import subject_card_path
from .dates import format_date
from .outline import outline
from .params import page_number, reads_query
from .prepared import prepared

PER_PAGE = 30
MAX_SEARCH_PAGE = 100
LATEST_COUNT = 12
# Enough of the answer for its opening sentence, the teaser of an article whose description is damaged.
ANSWER_HEAD = 2000
RELATED_COUNT = 5
UNSHOWN_FIELDS = ("answer_source", "answer", "source_text", "source_path")
# Values no real parameter takes, standing for the parameters of the prepared queries.
SAMPLE_ID = -7_000_001
SAMPLE_NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC)


def published():
    return Article.objects.published()


def listing(articles):
    """Articles as a listing shows them: newest first, ties by id, without the heavy text fields.

    ``answer_head``, the answer's beginning, stands in for a damaged description (articles.site.teasers).
    """
    return (
        articles.select_related("subject")
        .only(*LISTING_FIELDS)
        .annotate(answer_head=Substr("answer_html", 1, ANSWER_HEAD))
        .order_by("-publish_at", "-id")
    )


def paginate(request, articles):
    """The requested page of a listing; 404 for a bad or empty page number, or an empty listing."""
    paginator = Paginator(articles, PER_PAGE, allow_empty_first_page=False)
    try:
        return paginator.page(page_number(request))
    except InvalidPage:
        raise Http404("No such page") from None


def subjects_with_counts(with_latest=False):
    """Subjects that have published articles, each with ``article_count``: one query.

    ``with_latest`` adds ``latest_id``, the subject's newest published article.
    """
    counts = published().filter(subject=OuterRef("pk")).order_by().values("subject").annotate(n=Count("pk"))
    subjects = Subject.objects.annotate(article_count=Subquery(counts.values("n")))
    if with_latest:
        newest = published().filter(subject=OuterRef("pk")).order_by("-publish_at", "-id").values("pk")[:1]
        subjects = subjects.annotate(latest_id=Subquery(newest))
    # Filtered here, not in SQL: a WHERE on the annotation would run every count twice.
    return [subject for subject in subjects if subject.article_count]


def resolve_article(request, path):
    """The article to show at ``path``, or the response that stands in for it.

    A 301 when the article moved, a 410 when it was removed; Http404 when nothing lives there. Staff
    also see drafts and scheduled articles (a preview). The rule itself is ``models.resolve_path``;
    a published article at the path, what nearly every request finds, comes from one prepared query.
    """
    if found := published_at(url=path, now=timezone.now()):
        return found[0]
    # The source text and the Markdown are never shown: do not load them.
    articles = seo.with_canonical_url(Article.objects.select_related("subject").defer(*UNSHOWN_FIELDS))
    found = resolve_path(path, preview=is_staff(request), queryset=articles)
    if found.article is not None:
        return found.article
    if found.redirect_to:
        return HttpResponsePermanentRedirect(found.redirect_to)
    if found.gone:
        return render(request, "410.html", status=410)
    raise Http404("No article at this address")


@prepared(url="/learn/-/questions/-", now=SAMPLE_NOW)
def published_at(url, now):
    shown = Article.objects.published(now).select_related("subject").defer(*UNSHOWN_FIELDS)
    return seo.with_canonical_url(shown, now).filter(url=url).order_by()[:1]


def is_staff(request):
    # Only a request carrying a session can be staff: anonymous pages never touch the session table.
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff


@require_safe
@conditional_page
def home(request):
    # The newest article of each subject, newest first: one busy subject never fills the whole list.
    subjects = subjects_with_counts(with_latest=True)
    latest = listing(published().filter(pk__in=[subject.latest_id for subject in subjects]))[:LATEST_COUNT]
    head = seo.page_head(
        settings.SITE_NAME,
        "Short, clear answers to questions across dozens of subjects, from medicine to computer science.",
        reverse("articles:home"),
    )
    return render(request, "articles/home.html", {"subjects": subjects, "latest": latest, "head": head})


@require_safe
@conditional_page
def subject_list(request):
    subjects = subjects_with_counts()
    head = seo.page_head(
        "All subjects",
        f"Browse QuickTakes questions and answers in {len(subjects)} subjects.",
        reverse("articles:subjects"),
    )
    return render(request, "articles/subject_list.html", {"subjects": subjects, "head": head})


@reads_query("page")
@require_safe
@conditional_page
def subject_detail(request, subject):
    subject = get_object_or_404(Subject, slug=subject)
    page = paginate(request, listing(published().filter(subject=subject)))
    head = seo.page_head(
        subject.name,
        f"Questions and answers in {subject.name}: {page.paginator.count} QuickTakes, newest first.",
        subject.get_absolute_url(),
        page=page,
        card=subject_card_path(subject),
        feeds=seo.subject_feeds(subject) + seo.site_feeds(),
        breadcrumbs=[("Subjects", reverse("articles:subjects")), (subject.name, subject.get_absolute_url())],
    )
    return render(request, "articles/subject_detail.html", {"subject": subject, "page": page, "head": head})


@reads_query("page")
@require_safe
@conditional_page
def keyword_detail(request, slug):
    """A keyword's articles, under every spelling of it; the page of its shortest spelling is canonical."""
    group, keyword, canonical = keyword_groups.keyword_group(slug)
    articles = published().filter(keyword_items__tag__in=[each.pk for each in group]).distinct()
    page = paginate(request, listing(articles))
    count = page.paginator.count
    head = seo.page_head(
        keyword.name,
        f"{count} QuickTakes question{'s' if count != 1 else ''} about {keyword.name}.",
        canonical.get_absolute_url(),
        page=page,
        noindex=count < seo.KEYWORD_INDEX_MIN,
    )
    context = {
        "keyword": keyword,
        "page": page,
        "head": head,
        "related": [(keyword_path(slug), name) for slug, name in keyword_groups.related_keywords(group)],
    }
    return render(request, "articles/keyword_detail.html", context)


@reads_query("q", "page", "subject", "literal")
@require_safe
@conditional_page
def search_results(request):
    """Ranked results with snippets, counts by subject (``?subject=`` narrows), numbered pages, and the
    corrected query when the words as typed found nothing or little (``?literal=1`` keeps them)."""
    number = page_number(request, last=MAX_SEARCH_PAGE)
    subject = request.GET.get("subject", "")
    results = find(
        request.GET.get("q", ""),
        subject=subject or None,
        offset=(number - 1) * PER_PAGE,
        limit=PER_PAGE,
        literal=request.GET.get("literal") == "1",
    )
    pages = min(MAX_SEARCH_PAGE, -(-results.total // PER_PAGE))
    if (number > 1 and number > pages) or (subject and results.status == "found" and results.subject is None):
        raise Http404("No such page")
    query, literal = results.query, request.GET.get("literal") == "1"
    head = seo.page_head(
        f"Search: {query}" if query else "Search",
        "Search QuickTakes questions and answers.",
        reverse("articles:search"),
        noindex=True,
    )
    head.canonical = ""  # every query is its own page, and none of them is for search engines
    context = {
        "query": query,
        "results": results,
        "number": number,
        "first": (number - 1) * PER_PAGE + 1,
        "subjects": subject_choices(results),
        "pages": page_list(number, pages),
        "page_link": lambda page: search_link(query, subject, literal, page),
        "subject_link": lambda slug: search_link(query, slug, literal),
        "corrected_link": search_link(results.corrected, subject),
        "literal_link": search_link(query, subject, literal=True),
        "head": head,
    }
    return render(request, "articles/search.html", context)


def subject_choices(results):
    """(subject, count, current) to narrow by: the current subject first, where a phone shows it without
    scrolling the row, then the rest by count."""
    current = results.subject.pk if results.subject else None
    choices = [(subject, count, subject.pk == current) for subject, count in results.subjects]
    if current is not None and not any(chosen for _, _, chosen in choices):
        choices.append((results.subject, 0, True))
    return sorted(choices, key=lambda choice: not choice[2])


def search_link(query, subject="", literal=False, page=1):
    """The search page's address (a query string) for a query, subject, literal flag and page."""
    params = [("q", query)] + [("subject", subject)] * bool(subject)
    params += [("literal", "1")] * literal + [("page", str(page))] * (page > 1)
    return "?" + urlencode(params)


def page_list(number, pages, around=2):
    """The page numbers a numbered pagination shows: the first, the last, and those around ``number``;
    None where some are left out. Empty for a single page."""
    listed = []
    for page in sorted({1, pages, *range(max(1, number - around), min(pages, number + around) + 1)}):
        if listed and page - listed[-1] > 1:
            listed.append(None)
        listed.append(page)
    return listed if pages > 1 else []


@reads_query("q")
@require_safe
@conditional_page
def search_suggest(request):
    """Questions for what is typed in a search box (the last word a prefix), as JSON for suggest.js."""
    found = suggestions(request.GET.get("q", ""))
    data = [{"url": url, "question": question, "subject": subject} for url, question, subject in found]
    return JsonResponse({"suggestions": data})


@require_safe
@conditional_page
def article_detail(request, subject, slug):
    article = resolve_article(request, request.path_info)
    if isinstance(article, HttpResponse):
        return article
    keywords = keyword_groups.merged(keywords_of(article=article.pk))
    shared = keyword_groups.shared_keys(article.pk, [slug for _, slug, _ in keywords])
    reading = further_reading(article=article.pk, subject=article.subject_id, now=timezone.now())
    related = [(url, question) for url, question, position in reading if position is not None]
    more = [(url, question) for url, question, position in reading if position is None]
    more = more[: max(0, RELATED_COUNT - len(related))]
    breadcrumbs = seo.article_breadcrumbs(article)
    context = {
        "article": article,
        "posted_on": format_date(article.date, article.date_format),
        "keywords": [(keyword_path(slug) if key in shared else "", name) for key, slug, name in keywords],
        "outline": outline(article.answer_html),
        "related": related,
        "more": more,
        "breadcrumbs": breadcrumbs[:-1],
        "head": seo.article_head(article, [name for _, _, name in keywords], breadcrumbs),
    }
    if not article.is_published:  # a staff preview: never indexed, never kept by a cache
        context["head"].robots = seo.NOINDEX
        response = render(request, "articles/article_detail.html", context)
        patch_cache_control(response, private=True, no_store=True)
        return response
    response = render(request, "articles/article_detail.html", context)
    response["Last-Modified"] = http_date(max(article.content_changed_at, article.publish_at).timestamp())
    return response


def keyword_path(slug):
    """``Keyword.get_absolute_url()`` without a reverse() for each of an article's keywords.

    One reverse() per process, with a marker where the slug goes; the slug is quoted as reverse()
    quotes it (tests/test_views.py compares the two).
    """
    before, after = _keyword_path_around()
    return before + quote(slug, safe=RFC3986_SUBDELIMS + "/~:@") + after


@functools.cache
def _keyword_path_around():
    return reverse("articles:keyword", kwargs={"slug": "keyword-slug"}).split("keyword-slug")


@prepared(article=SAMPLE_ID)
def keywords_of(article):
    """(slug, name) of each of the article's keywords, in the file's order (stored at import)."""
    return (
        Keyword.objects.filter(article_items__content_object=article)
        .order_by("article_items__position", "name")
        .values_list("slug", "name")
    )


@prepared(article=SAMPLE_ID, subject=SAMPLE_ID - 1, now=SAMPLE_NOW)
def further_reading(article, subject, now):
    """The links under an article, in one query whatever their number.

    (url, question, position): first the file's related articles that are published, in the file's
    order (``position`` set), then articles of the same subject sharing the most keywords with it
    (``position`` None), enough to make five. A relation whose target is missing or unpublished
    never comes back.
    """
    relations = Relation.objects.filter(source=article)
    tags = ArticleKeyword.objects.filter(content_object=article).values("tag")
    shared = (
        ArticleKeyword.objects.filter(content_object=OuterRef("pk"), tag__in=tags)
        .order_by()
        .values("content_object")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Ranked apart, on columns the index article_subject_latest holds: a subject's articles sharing a
    # keyword number up to 1,664, and reading each one's status from the row walked SQLite's overflow
    # pages (3.5 ms an article page on the corpus, now 1.2 ms). Five suffice: the page shows five links,
    # relations first, and a peer that is also a relation stands in for one of them.
    peers = (
        Article.objects.published(now)
        .filter(subject=subject, pk__in=ArticleKeyword.objects.filter(tag__in=tags).values("content_object"))
        .exclude(pk=article)
        .annotate(shared=Subquery(shared))
        .order_by("-shared", "-publish_at", "-id")
        .values("pk")[:RELATED_COUNT]
    )
    # One IN over a UNION, not an OR of two: PostgreSQL turns the OR into a scan of the whole table.
    # SQLite takes no LIMIT in a UNION's member, so the peers come through an IN of their own.
    candidates = (
        relations.order_by()
        .values("target")
        .union(Article.objects.filter(pk__in=peers).order_by().values("pk"))
    )
    return (
        Article.objects.published(now)
        .filter(pk__in=candidates)
        .exclude(pk=article)
        .annotate(
            position=Subquery(relations.filter(target=OuterRef("pk")).order_by().values("position")[:1]),
            shared=Subquery(shared),
        )
        .order_by(F("position").asc(nulls_last=True), F("shared").desc(nulls_last=True), "-publish_at", "-id")
        .values_list("url", "question", "position")[: 2 * RELATED_COUNT]
    )


@require_safe
def article_with_slash(request, subject, slug):
    """``/learn/<subject>/questions/<slug>/`` -> 301 to the article's url (which has no slash)."""
    article = resolve_article(request, request.path_info.rstrip("/"))
    if isinstance(article, HttpResponse):
        return article
    return HttpResponsePermanentRedirect(article.get_absolute_url())


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {seo.absolute(reverse('articles:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
