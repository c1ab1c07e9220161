"""Conflicts in the admin: an article edited here whose file has changed since. Both versions side by
side, field by field; the editor keeps theirs or takes the file's.

Keeping the edit makes the changed file the article's source (its text and hash), so importing that file
again is no conflict, and an export still writes the edit over it. Taking the file imports it over the
edit, as ``import_articles --overwrite-edits`` would: a run of its own, with its revision.
"""

import hashlib
import os
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from .. import history
from ..importing.importer import import_paths
from ..models import Article, ImportConflict, ImportRun, Subject
from ..source import SourceError, parse_source
from ..source.fields import FIELDS
from .revisions import field_diffs


def open_conflict(article_id):
    return (
        ImportConflict.objects.filter(article_id=article_id, resolution=ImportConflict.Resolution.OPEN)
        .order_by("-pk")
        .first()
    )


def open_conflict_ids(article_ids):
    return set(
        ImportConflict.objects.filter(
            article_id__in=article_ids, resolution=ImportConflict.Resolution.OPEN
        ).values_list("article_id", flat=True)
    )


def file_snapshot(conflict, article):
    """The conflicting file's fields, as a revision would hold them."""
    record = parse_source(conflict.source_text.encode("utf-8"), conflict.path)
    subject = Subject.objects.filter(slug=record.subject_slug).first()
    values = {field.column: getattr(record, field.attribute) for field in FIELDS}
    values.update(
        url=record.url,
        subject=subject.pk if subject else None,
        status=article.status,
        publish_at=article.publish_at,
    )
    values = {name: values.get(name) for name in history.REVISION_FIELDS}
    return history.snapshot(values, [entry.url for entry in record.related])


def resolve(conflict, user, resolution):
    conflict.resolution, conflict.resolved_at, conflict.resolved_by = resolution, timezone.now(), user
    conflict.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    # Older conflicts of the same article are settled by this choice too.
    ImportConflict.objects.filter(article_id=conflict.article_id, resolution="").update(
        resolution=resolution, resolved_at=conflict.resolved_at, resolved_by=user
    )


@transaction.atomic
def keep_mine(conflict, user):
    text = conflict.source_text
    Article.objects.filter(pk=conflict.article_id).update(
        source_text=text,
        source_path=conflict.path,
        file_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        site_changed_at=timezone.now(),
    )
    resolve(conflict, user, ImportConflict.Resolution.KEPT)


def take_file(conflict, user):
    """Import the conflicting file over the edit; return the run."""
    name = os.path.basename(conflict.path) or "article.md"
    with tempfile.TemporaryDirectory(prefix="qtakes-conflict-") as folder:
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as file:
            file.write(conflict.source_text)
        run = ImportRun.objects.create(
            origin=ImportRun.Origin.ADMIN,
            user=user,
            overwrite_edits=True,
            label=f"Conflict on {conflict.url}: took the file",
        )
        result = import_paths([path], overwrite_edits=True, run=run, label=run.label)
    if result.ok:
        resolve(conflict, user, ImportConflict.Resolution.TAKEN)
    return run, result


class ConflictsMixin:
    """For ArticleAdmin: the conflict page and its two choices."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/conflict/", view(self.conflict_view), name="articles_article_conflict"),
            *super().get_urls(),
        ]

    def conflict_view(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        conflict = open_conflict(article.pk)
        if conflict is None:
            messages.info(request, "No open conflict on this article.")
            return redirect("admin:articles_article_change", article.pk)
        if request.method == "POST":
            return self.resolve_conflict(request, article, conflict)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET", "POST"])
        mine = history.current_snapshots([article.pk])[article.pk]
        try:
            diffs, problem = field_diffs(file_snapshot(conflict, article), mine), None
        except SourceError as exc:
            diffs, problem = [], str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": article,
            "original": article,
            "title": f"Conflict: {article}",
            "conflict": conflict,
            "diffs": diffs,
            "problem": problem,
            "may_resolve": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/conflict.html", context)

    def resolve_conflict(self, request, article, conflict):
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.POST.get("choice") == "mine":
            keep_mine(conflict, request.user)
            messages.success(request, "Kept your edit; the file's changes were set aside.")
        elif request.POST.get("choice") == "file":
            run, result = take_file(conflict, request.user)
            if result.ok:
                messages.success(request, f"Took the file's version (import run #{run.pk}).")
            else:
                reasons = "; ".join(str(error) for error in result.refused) or "interrupted"
                messages.error(request, f"The file could not be imported: {reasons}")
        return redirect("admin:articles_article_change", article.pk)
