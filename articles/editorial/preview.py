"""Previews that save nothing: the whole article page as the public will see it, from the change form's
unsaved values, and the answer alone, rendered as the editor types.

The page is the site's own Jinja2 template with the site's styles, built from the same pieces as the
public view (articles.site: the head, the outline, the keyword links, further reading); the article is
the form's instance, never saved. It is shown in frames at phone and desktop width, each frame's
document given inline (``srcdoc``), so no url ever serves an unsaved article. The answer's live preview
posts the Markdown to ``render-answer/`` and gets the sanitised HTML back, rendered as on import.

Everything here answers under /admin/, POST only, with ``Cache-Control: private, no-store``: the page
cache never sees these pages (articles.site.cache skips /admin/ and every request with a session).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from .. import rendering
from ..models import Article, Keyword
from ..places import article_url
from ..site import keywords as keyword_groups
from ..site import seo
from ..site.dates import format_date
from ..site.outline import outline
from ..site.views import RELATED_COUNT, further_reading
from ..source import SourceError, split_keywords
from . import editing

MAX_RELATIONS = 50
FRAME_WIDTHS = (("desktop", "Desktop", 1280), ("phone", "Phone", 390))
# The frame's links open outside it: the public pages refuse to be framed (frame-ancestors 'none').
FRAME_BASE = '<base target="_blank">'


def draft_of(form):
    """The form's unsaved article, completed as a save would complete it (url, rendered answer)."""
    article = form.save(commit=False)
    article.slug = article.slug or slugify(article.question)[: editing.NEW_SLUG_LENGTH].strip("-")
    article.url = article_url(article.subject.slug, article.slug)
    article.answer_html = rendering.render_markdown(article.answer)
    article.title = article.title or article.question
    article.date = article.date or timezone.localdate()
    article.content_changed_at = timezone.now()
    return article


def posted_entries(data):
    """(target id or "", url) of each related-article row the form posts, in the rows' order."""
    entries = []
    total = min(int(data.get("relations-TOTAL_FORMS") or 0), MAX_RELATIONS)
    for index in range(total):
        prefix = f"relations-{index}-"
        if data.get(prefix + "DELETE"):
            continue
        position = data.get(prefix + "position", "")
        order = int(position) if position.isdigit() else 10_000
        target = data.get(prefix + "target", "")
        entries.append(
            (order, index, target if target.isdigit() else "", data.get(prefix + "target_url", "").strip())
        )
    return [(target, url) for _, _, target, url in sorted(entries)]


def posted_relations(data, article):
    """(url, question) of the published articles the form's related-articles inline lists, in order."""
    entries = posted_entries(data)
    pks = [target for target, _ in entries if target]
    urls = [url for target, url in entries if not target and url]
    found = (
        Article.objects.published()
        .filter(Q(pk__in=pks) | Q(url__in=urls))
        .values_list("pk", "url", "question")
    )
    by_key = {str(pk): (url, question) for pk, url, question in found}
    by_key.update({url: (url, question) for _, url, question in found})
    related, seen = [], {article.url}
    for target, url in entries:
        link = by_key.get(target or url)
        if link and link[0] not in seen:
            seen.add(link[0])
            related.append(link)
    return related


def keyword_links(article):
    """(link or "", name) for the draft's keywords, linked where the keyword's page offers others."""
    try:
        pairs = split_keywords(article.seo_keywords, article.url)
    except SourceError:
        pairs = []
    merged = keyword_groups.merged(pairs)
    shared = keyword_groups.shared_keys(article.pk or 0, [slug for _, slug, _ in merged])
    return [
        (Keyword(slug=slug).get_absolute_url() if key in shared else "", name) for key, slug, name in merged
    ]


def page_context(article, data):
    """The article page's context, as articles.site.views.article_detail builds it, for a draft."""
    keywords = keyword_links(article)
    related = posted_relations(data, article)
    more = []
    if article.pk:
        reading = further_reading(article=article.pk, subject=article.subject_id, now=timezone.now())
        linked = {url for url, _ in related}
        more = [
            (url, question) for url, question, position in reading if position is None and url not in linked
        ]
    breadcrumbs = seo.article_breadcrumbs(article)
    saved_pk = article.pk
    article.pk = saved_pk or 0  # the head may link things by id (a social card): a new draft has none
    try:
        head = seo.article_head(article, [name for _, name in keywords], breadcrumbs)
    finally:
        article.pk = saved_pk
    head.robots = seo.NOINDEX
    return {
        "article": article,
        "posted_on": format_date(article.date, article.date_format),
        "keywords": keywords,
        "outline": outline(article.answer_html),
        "related": related,
        "more": more[: max(0, RELATED_COUNT - len(related))],
        "breadcrumbs": breadcrumbs[:-1],
        "head": head,
    }


def page_document(request, article, data):
    """The public article page's HTML for the draft, ready to be a frame's ``srcdoc``."""
    request.qtakes_preview = True  # for the staff banner (articles.editorial.context): "not saved"
    html = render_to_string("articles/article_detail.html", page_context(article, data), request=request)
    return html.replace("<head>", "<head>\n" + FRAME_BASE, 1)


def answer_document(answer_html):
    """The answer alone in the site's styles, for the live preview's frame (answer_preview.js builds
    the same shell)."""
    return render_to_string("admin/qtakes/answer_frame.html", {"answer_html": answer_html})


class PreviewMixin:
    """For ArticleAdmin: the page preview of unsaved changes, and the answer's live preview endpoint."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("preview/", view(self.preview_view), name="articles_article_preview_new"),
            path("<int:object_id>/preview/", view(self.preview_view), name="articles_article_preview"),
            path("render-answer/", view(self.render_answer_view), name="articles_article_render_answer"),
            *super().get_urls(),
        ]

    def may_edit(self, request, article=None):
        if article is not None and article.pk:
            return self.has_change_permission(request, article)
        return self.has_add_permission(request) or self.has_change_permission(request)

    @method_decorator(never_cache)
    def preview_view(self, request, object_id=None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id) if object_id else Article()
        if not self.may_edit(request, article):
            raise PermissionDenied
        form_class = self.get_form(request, article if object_id else None, change=bool(object_id))
        form = form_class(request.POST, request.FILES, instance=article)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Preview (not saved)",
            "original": article if object_id else None,
            "original_label": str(article),  # before the form writes the edit into the instance
            "errors": [],
            "frames": [],
        }
        if form.is_valid():
            draft = draft_of(form)
            document = page_document(request, draft, request.POST)
            context["draft"] = draft
            context["frames"] = [
                {"name": name, "label": label, "width": width, "document": document}
                for name, label, width in FRAME_WIDTHS
            ]
        else:
            context["errors"] = [
                (form.fields[name].label if name in form.fields else "", message)
                for name, messages in form.errors.items()
                for message in messages
            ]
        return TemplateResponse(request, "admin/qtakes/preview.html", context)

    @method_decorator(never_cache)
    def render_answer_view(self, request):
        """POST ``answer`` (Markdown) -> {"html": sanitised HTML} or {"error": why it cannot render}."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.may_edit(request):
            raise PermissionDenied
        answer = request.POST.get("answer", "").replace("\r\n", "\n")
        try:
            html = rendering.render_markdown(answer)
        except rendering.RenderRefused as exc:
            return JsonResponse({"error": str(exc)}, status=422)
        return JsonResponse({"html": outline(html).html})

    def preview_links(self, object_id=None):
        """The urls the change form's scripts and buttons use."""
        name = "admin:articles_article_preview" if object_id else "admin:articles_article_preview_new"
        return {
            "preview_url": reverse(name, args=[object_id] if object_id else []),
            "render_answer_url": reverse("admin:articles_article_render_answer"),
        }
