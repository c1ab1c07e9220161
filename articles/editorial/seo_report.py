"""The SEO report at /admin/seo/: the problems the checks found, by kind with counts, filterable by
subject; a kind's articles page by page; the articles sharing one title or description; and the button
that checks every article again in the background.

Fast at any size: counts and pages come from SeoProblem's indexes, a page's 50 articles by key.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from ..generation import site_version
from ..models import Article, SeoCheck, SeoProblem, Subject
from . import seo_checks, seo_store, tasks

PER_PAGE = 50
Kind = SeoProblem.Kind


class Counted:
    """A queryset whose length is known already (the report's counts): the paginator counts no rows."""

    def __init__(self, queryset, count):
        self.queryset, self.total = queryset, count

    def count(self):
        return self.total

    def __getitem__(self, key):
        return self.queryset[key]


def report_link(**params):
    return reverse("admin:seo_report") + "?" + urlencode({k: v for k, v in params.items() if v})


def chosen(request):
    """(subject or None, kind or None, key) the request asks for."""
    slug = request.GET.get("subject", "")
    subject = Subject.objects.filter(slug=slug).first() if slug else None
    kind = request.GET.get("kind", "")
    kind = Kind(kind) if kind in Kind.values else None
    key = request.GET.get("key", "") if kind in seo_store.KEYS else ""
    return subject, kind, key


def kind_rows(counts, subject, kind):
    return [
        {
            "kind": each,
            "count": counts.get(each.value, 0),
            "shown_count": f"{counts.get(each.value, 0):,}",
            "link": report_link(kind=each.value, subject=subject and subject.slug),
            "current": each == kind,
        }
        for each in Kind
    ]


def problem_page(request, problems, counts, kind, key):
    listed = problems.filter(kind=kind)
    total = counts.get(kind.value, 0)
    if key:
        field = seo_store.KEYS[kind]
        listed = listed.filter(article__in=SeoCheck.objects.filter(**{field: key}).values("article"))
        total = listed.count()
    ordered = listed.order_by("-article_id").values_list("article_id", "detail")
    return Paginator(Counted(ordered, total), PER_PAGE).get_page(request.GET.get("page"))


def page_rows(page, kind, subject):
    """The page's articles with what the report shows of each: one query, plus one for group sizes."""
    details = dict(page.object_list)
    articles = (
        Article.objects.filter(pk__in=details)
        .select_related("subject")
        .only(
            "id", "question", "url", "status", "publish_at", "subject__name", "seo_title", "seo_description"
        )
    )
    articles = sorted(articles, key=lambda article: -article.pk)
    field = seo_store.KEYS.get(kind)
    keys, sizes = {}, {}
    if field:
        keys = dict(SeoCheck.objects.filter(article__in=details).values_list("article", field))
        sizes = dict(
            SeoCheck.objects.filter(**{f"{field}__in": set(keys.values())})
            .values_list(field)
            .annotate(n=Count("pk"))
            .order_by()
        )
    rows = []
    for article in articles:
        key = keys.get(article.pk, "")
        rows.append(
            {
                "article": article,
                "change": reverse("admin:articles_article_change", args=[article.pk]),
                "detail": details[article.pk],
                "shown": shown_text(article, kind),
                "shared": f"{sizes[key]:,}" if sizes.get(key, 0) > 1 else "",
                "group": report_link(kind=kind.value, key=key, subject=subject and subject.slug)
                if key
                else "",
            }
        )
    return rows


def page_links(page, kind, key, subject):
    """(number or None for a gap, link) for the page numbers the report shows."""
    if page.paginator.num_pages < 2:
        return []
    return [
        (number, report_link(kind=kind.value, key=key, subject=subject and subject.slug, page=number))
        if isinstance(number, int)
        else (None, "")
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


def shown_text(article, kind):
    """What the report quotes of an article for a kind: its title or its description."""
    if kind in (Kind.TITLE_LONG, Kind.TITLE_DUPLICATE):
        if kind == Kind.TITLE_DUPLICATE:
            return article.seo_title
        return seo_checks.page_title(article.question, article.seo_title, article.subject.name)
    if kind.value.startswith("description_"):
        return article.seo_description
    return ""


def report_view(site, request):
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    subject, kind, key = chosen(request)
    problems = SeoProblem.objects.all()
    if subject:
        problems = problems.filter(subject=subject)
    counts = seo_store.counts(subject)
    page = problem_page(request, problems, counts, kind, key) if kind else None
    last = seo_store.last_run()
    context = {
        **site.each_context(request),
        "title": "SEO report",
        "subtitle": subject.name if subject else "",
        "subjects": Subject.objects.order_by("name").values_list("slug", "name"),
        "subject": subject,
        "kind": kind,
        "key": key,
        "kinds": kind_rows(counts, subject, kind),
        "page": page,
        "rows": page_rows(page, kind, subject) if page else [],
        "pages": page_links(page, kind, key, subject) if page else [],
        "last_run": last,
        "last_run_articles": f"{last.articles:,}" if last else "",
        "total": f"{page.paginator.count:,}" if page else "",
        "running": seo_store.running(),
        "changed_since": bool(last) and last.generation != site_version(),
        "may_check": request.user.has_perm("articles.change_article"),
        "limits": seo_checks.counter_settings(),
    }
    return TemplateResponse(request, "admin/qtakes/seo_report.html", context)


def check_view(site, request):
    """Queue a check of every article (POST); the report says when it is done."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied
    if seo_store.running():
        messages.info(request, "A check of every article is already running.")
    else:
        tasks.check_seo.enqueue()
        messages.success(
            request, "Checking every article in the background: reload this page in a minute for the result."
        )
    return redirect("admin:seo_report")
