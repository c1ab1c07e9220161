"""The SEO checks on the article change form: a search-result preview with the article's checks, kept
live by seo_counters.js; and the findings kept current as articles are saved (seo_store.refresh)."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..models import ArticleKeyword, Relation, SeoCheck
from . import seo_checks, seo_store

# Actions after which articles leave or join the site (and relations to them dangle or not).
SITE_ACTIONS = {"publish", "unpublish", "remove_from_site", "move_to_subject"}


def search_url(url):
    """The address line of a search result: host › learn › subject › questions › slug."""
    host = urlsplit(settings.SITE_URL).netloc
    return " › ".join([host, *[part for part in url.split("/") if part]])


def shared_counts(article):
    """{field: how many other articles share the saved SEO title or description} (0 when alone)."""
    check = SeoCheck.objects.filter(article=article.pk).values("title_key", "description_key").first()
    if not check:
        return {}
    counts = {}
    for field in ("title_key", "description_key"):
        if check[field]:
            counts[field] = SeoCheck.objects.filter(**{field: check[field]}).count() - 1
    return counts


def snippet_context(article):
    subject_name = article.subject.name if article.subject_id else ""
    title = seo_checks.page_title(article.question, article.seo_title, subject_name)
    width = seo_checks.title_width(title)
    description = article.seo_description.strip()
    problems = [kind for kind, _ in seo_checks.description_problems(description)]
    saved = article.pk is not None
    shared = shared_counts(article) if saved else {}
    return {
        "widths": seo_checks.widths_json(),
        "settings": json.dumps(seo_checks.counter_settings()),
        "host": urlsplit(settings.SITE_URL).netloc,
        "site_name": settings.SITE_NAME,
        "address": search_url(article.url) if article.url else search_url("/learn/…"),
        "title": seo_checks.cut_title(title),
        "title_chars": len(title),
        "title_px": width,
        "title_level": seo_checks.title_level(width),
        "description": seo_checks.cut_description(description),
        "description_chars": len(description),
        "description_level": seo_checks.description_level(len(description)),
        "description_damaged": seo_checks.Kind.DESCRIPTION_DAMAGED in problems,
        "limits": seo_checks.counter_settings(),
        "saved": saved,
        "keywords": ArticleKeyword.objects.filter(content_object=article.pk).count() if saved else None,
        "dangling": Relation.objects.dangling().filter(source=article.pk).count() if saved else 0,
        "title_shared": shared.get("title_key", 0),
        "description_shared": shared.get("description_key", 0),
        "empty_answer": saved and not article.answer.strip(),
    }


class SeoMixin:
    """For ArticleAdmin: the ``search_snippet`` read-only field, and the checks kept current on saves."""

    @admin.display(description="search result preview")
    def search_snippet(self, article):
        html = render_to_string("admin/qtakes/seo_snippet.html", snippet_context(article))
        return mark_safe(html)  # noqa: S308 - rendered by a template that escapes every value

    def check_after_save(self, form):
        """Check the saved article now (ArticleAdmin.save_related calls this last)."""
        ids = {form.instance.pk}
        if "status" in form.changed_data:  # relations to it now dangle, or no longer do
            ids.update(Relation.objects.filter(target=form.instance.pk).values_list("source", flat=True))
        seo_store.refresh(ids)

    def response_action(self, request, queryset):
        action = request.POST.get("action", "")
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        response = super().response_action(request, queryset)
        across = request.POST.get("select_across") == "1"
        if action in SITE_ACTIONS and selected and not across:
            ids = [int(pk) for pk in selected if pk.isdigit()]
            sources = Relation.objects.filter(target__in=ids).values_list("source", flat=True)
            seo_store.refresh({*ids, *sources})
        return response
