"""An article's revisions in the admin: its history, a field-level diff between any two revisions (the
answer diffed by line), and restoring any revision.

The revisions are django-reversion's (kept by history.py). Restoring goes through the editing services,
as an editor's save would: a restored slug or subject moves the url and leaves a redirect, keywords and
related articles follow, and the restore is itself a revision.
"""

import difflib

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.dateparse import parse_datetime

from .. import history
from ..models import Article, Subject
from . import editing

CONTEXT_LINES = 3
LABELS = {"seo_title": "SEO title", "seo_description": "SEO description", "seo_keywords": "Keywords"}


def line_diff(old, new):
    """The lines of ``new`` against ``old``: [(kind, text)], kind "-", "+", " " or "…" (skipped lines)."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows = []
    groups = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_grouped_opcodes(
        CONTEXT_LINES
    )
    for number, group in enumerate(groups):
        if number or group[0][1] > 0:
            rows.append(("…", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend((" ", line) for line in old_lines[i1:i2])
                continue
            rows.extend(("-", line) for line in old_lines[i1:i2])
            rows.extend(("+", line) for line in new_lines[j1:j2])
    return rows


def label(name):
    return LABELS.get(name, name.replace("_", " "))


def shown(name, value, subjects):
    if name == "subject":
        return subjects.get(value, value)
    if name == history.RELATED:
        return "\n".join(value or []) or "(none)"
    return "" if value is None else str(value)


def field_diffs(old, new):
    """[{name, label, old, new, lines}] for each field that differs between two snapshots."""
    names = [*history.REVISION_FIELDS, history.RELATED]
    subject_ids = {fields.get("subject") for fields in (old, new)}
    subjects = dict(Subject.objects.filter(pk__in=subject_ids - {None}).values_list("pk", "name"))
    diffs = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        entry = {
            "name": name,
            "label": label(name),
            "old": shown(name, before, subjects),
            "new": shown(name, after, subjects),
        }
        if name in ("answer", history.RELATED, "seo_description"):
            entry["lines"] = line_diff(entry["old"], entry["new"])
        diffs.append(entry)
    return diffs


def restore(article, fields, user=None, comment=None):
    """Make ``article`` what a revision's ``fields`` say, through the editing services; return the
    revision the restore keeps."""
    for name in history.REVISION_FIELDS:
        if name in ("url", "subject", "publish_at", "answer_html"):
            continue
        field = Article._meta.get_field(name)
        setattr(article, field.attname, field.to_python(fields[name]))
    article.subject = Subject.objects.get(pk=fields["subject"])
    article.publish_at = (
        parse_datetime(fields["publish_at"])
        if isinstance(fields["publish_at"], str)
        else fields["publish_at"]
    )
    editing.save_article(article)
    editing.set_relations(article, [{"target_url": url} for url in fields.get(history.RELATED, [])])
    return history.record([article.pk], comment or "Restored an earlier revision.", user)


class RevisionsMixin:
    """For ArticleAdmin: the history page lists revisions; compare and restore pages beside it."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/history/compare/", view(self.compare_view), name="articles_article_compare"
            ),
            path(
                "<int:object_id>/history/<int:version_id>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def history_context(self, request, article, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": article,
            "original": article,
            "may_restore": self.has_change_permission(request, article),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        article = get_object_or_404(Article.objects.only("id", "question", "url"), pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = list(
            history.versions_of(article.pk).only(
                "pk", "revision__date_created", "revision__comment", "revision__user__username"
            )[:500]
        )
        log = (
            LogEntry.objects.filter(
                object_id=str(article.pk), content_type=get_content_type_for_model(article)
            )
            .select_related("user")
            .order_by("-action_time")[:200]
        )
        context = self.history_context(
            request, article, title=f"History: {article}", versions=versions, log=log
        )
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def compare_view(self, request, object_id):
        article = get_object_or_404(Article.objects.only("id", "question", "url"), pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = history.versions_of(article.pk)
        try:
            chosen = sorted(int(request.GET[key]) for key in ("from", "to"))
        except (KeyError, ValueError):
            raise Http404("Choose two revisions.") from None
        old, new = (get_object_or_404(versions, pk=pk) for pk in chosen)
        diffs = field_diffs(history.fields_of(old), history.fields_of(new))
        context = self.history_context(
            request, article, title=f"Changes: {article}", old=old, new=new, diffs=diffs
        )
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(history.versions_of(article.pk), pk=version_id)
        when = version.revision.date_created
        try:
            restore(
                article,
                history.fields_of(version),
                request.user,
                f"Restored the revision of {when:%Y-%m-%d %H:%M}.",
            )
        except editing.MoveRefused as exc:
            messages.error(request, f"Not restored: {exc}")
            return redirect("admin:articles_article_history", article.pk)
        messages.success(request, f"Restored the revision of {when:%Y-%m-%d %H:%M} (kept as a new revision).")
        return redirect("admin:articles_article_history", article.pk)
