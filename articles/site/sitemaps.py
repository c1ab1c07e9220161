"""The sitemap: an index over sections, each split into pages of at most 10,000 urls.

Only what search engines may index is listed: ``indexable()`` articles (canonical copies only, see
articles.seo), subjects, and keyword pages with enough articles to carry no ``noindex``. An
article's ``lastmod`` is when its content last changed, not when it was last imported. Every url is
absolute on SITE_URL.

Articles and keywords are paged by id range, not by OFFSET: page n holds ids ``first + (n-1)*10000``
up to ``first + n*10000 - 1``, where ``first`` is the lowest id listed. A page costs the same
whichever it is, a new article never shifts the pages before it, and each page's ``lastmod`` in the
index says truthfully whether that page changed.
"""

import html

from django.conf import settings
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import conditional_page, require_safe

from ..models import Article, ArticleKeyword, Keyword, Subject
from . import seo
from .params import page_number, reads_query

URLS_PER_PAGE = 10_000


class Section:
    """A sitemap section: ``pages()`` -> [(number, lastmod)], ``urls(number)`` -> [(path, lastmod)]."""

    def pages(self):
        return [(1, None)]

    def last_page(self):
        """A cheap upper bound of the page numbers: beyond it, 404."""
        return 1

    def urls(self, number):
        raise NotImplementedError


class PagesSection(Section):
    def urls(self, number):
        return [(reverse("articles:home"), None), (reverse("articles:subjects"), None)]


class SubjectSection(Section):
    def subjects(self):
        latest = Article.objects.published().filter(subject=OuterRef("pk")).order_by("-publish_at")
        subjects = Subject.objects.annotate(latest=Subquery(latest.values("publish_at")[:1]))
        return subjects.filter(latest__isnull=False).order_by("slug")

    def pages(self):
        latest = max((subject.latest for subject in self.subjects()), default=None)
        return [(1, latest)] if latest else []

    def urls(self, number):
        return [(subject.get_absolute_url(), subject.latest) for subject in self.subjects()]


class IdRangeSection(Section):
    model = None

    def __init__(self):
        self.first = self.first_id()

    def first_id(self):
        return self.model.objects.order_by("id").values_list("id", flat=True).first()

    def bucket(self):
        """The page (from 0) an item's id falls on."""
        return ExpressionWrapper((F("id") - self.first) / URLS_PER_PAGE, output_field=BigIntegerField())

    def in_page(self, number, field="id"):
        """The filter for the items of page ``number``: ids from ``first``, 10,000 to a page."""
        low = self.first + (number - 1) * URLS_PER_PAGE
        return {f"{field}__gte": low, f"{field}__lt": low + URLS_PER_PAGE}

    def last_page(self):
        if self.first is None:
            return 0
        largest = self.model.objects.aggregate(largest=Max("id"))["largest"]
        return (largest - self.first) // URLS_PER_PAGE + 1


class ArticleSection(IdRangeSection):
    model = Article

    def first_id(self):
        return Article.objects.indexable().order_by("id").values_list("id", flat=True).first()

    def pages(self):
        if self.first is None:
            return []
        # A page whose indexable articles are all later copies of twins would come out empty: with
        # twins a few percent of the corpus, no 10,000-id range is.
        buckets = (
            Article.objects.indexable()
            .annotate(bucket=self.bucket())
            .values("bucket")
            .annotate(lastmod=Max("content_changed_at"))
            .order_by("bucket")
        )
        return [(row["bucket"] + 1, row["lastmod"]) for row in buckets]

    def urls(self, number):
        articles = seo.canonical_only(Article.objects.indexable().filter(**self.in_page(number)))
        return list(articles.order_by("id").values_list("url", "content_changed_at"))


class KeywordSection(IdRangeSection):
    """Keyword pages with at least KEYWORD_INDEX_MIN published articles (the others carry noindex)."""

    model = Keyword

    def pages(self):
        # Every range holding keywords: counting articles for all of them here would cost seconds.
        if self.first is None:
            return []
        buckets = Keyword.objects.annotate(bucket=self.bucket()).order_by().values_list("bucket", flat=True)
        buckets = buckets.distinct()
        return [(bucket + 1, None) for bucket in sorted(buckets)]

    def urls(self, number):
        counted = (
            ArticleKeyword.objects.filter(**self.in_page(number, "tag_id"))
            .filter(content_object__in=Article.objects.published())
            .values("tag_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=seo.KEYWORD_INDEX_MIN)
        )
        keywords = Keyword.objects.filter(id__in=counted.values("tag_id")).order_by("id").only("slug")
        return [(keyword.get_absolute_url(), None) for keyword in keywords]


SECTIONS = {
    "pages": PagesSection,
    "subjects": SubjectSection,
    "articles": ArticleSection,
    "keywords": KeywordSection,
}


@require_safe
@conditional_page
def index(request):
    """The sitemap index: one entry per non-empty page of every section."""
    entries = []
    for name, section_class in SECTIONS.items():
        location = seo.absolute(reverse("articles:sitemap-section", kwargs={"section": name}))
        for number, lastmod in section_class().pages():
            url = location if number == 1 else f"{location}?p={number}"
            entries.append({"location": url, "lastmod": lastmod})
    return TemplateResponse(
        request, "sitemaps/index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@reads_query("p")
@require_safe
@conditional_page
def section(request, section):
    if section not in SECTIONS:
        raise Http404("No such sitemap")
    site = SECTIONS[section]()
    number = page_number(request, "p", last=site.last_page())
    urls = site.urls(number)
    response = HttpResponse(urlset_xml(urls), content_type="application/xml")
    lastmods = [lastmod for _, lastmod in urls if lastmod]
    if lastmods and len(lastmods) == len(urls):
        response["Last-Modified"] = http_date(max(lastmods).timestamp())
    return response


def urlset_xml(urls):
    """A sitemap page for [(path, lastmod)]: built here, since a template spent 60 µs a url (0.6 s a page)."""
    zone = timezone.get_current_timezone()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml-stylesheet type="text/xsl" href="{reverse("articles:sitemap-style")}"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path, lastmod in urls:
        stamp = f"<lastmod>{lastmod.astimezone(zone).isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{html.escape(settings.SITE_URL + path)}</loc>{stamp}</url>")
    lines.append("</urlset>")
    return "\n".join(lines)
