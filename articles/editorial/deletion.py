"""Two different ends for an article, kept apart in the admin.

"Remove from the site" is a change of status: the url answers 410 Gone, the article stays in the admin
with its history and can be published again; whoever may change articles may do it. "Delete" drops the
row from the database (superusers, or whoever was given the delete permission): the url then answers
404, the redirects to it go with it, and other articles' related links to it dangle. Both confirm first,
and the deletion page says what it will affect.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..models import Article, ImportConflict, Redirect, Relation
from . import editing, seo_store
from .audit import with_revisions


def deletion_impact(articles):
    """What deleting ``articles`` (a queryset) takes with it or breaks elsewhere, in counts."""
    ids = articles.values("pk")
    return {
        "articles": articles.count(),
        "published": articles.filter(pk__in=Article.objects.published().values("pk")).count(),
        "redirects": Redirect.objects.filter(article__in=ids).count(),
        "inbound": Relation.objects.filter(target__in=ids).exclude(source__in=ids).count(),
        "outbound": Relation.objects.filter(source__in=ids).count(),
        "conflicts": ImportConflict.objects.filter(article__in=ids, resolution="").count(),
        "with_files": articles.exclude(source_text="").count(),
    }


@admin.action(permissions=["delete"], description="Delete from the database (not the same as removing)…")
def delete_from_database(model_admin, request, queryset):
    """Django's own deletion, with a confirmation page that says what the deletion affects."""
    response = delete_selected(model_admin, request, queryset)
    if isinstance(response, TemplateResponse):
        response.context_data["impact"] = deletion_impact(queryset)
        response.context_data["remove_action"] = "remove_from_site"
    return response


class DeletionMixin:
    """For ArticleAdmin: "Remove from the site (410)" as a page of its own, and deletion that says what
    it does."""

    delete_selected_confirmation_template = "admin/articles/article/delete_selected_confirmation.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/remove/", view(self.remove_view), name="articles_article_remove"),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                delete_from_database,
                "delete_selected",
                delete_from_database.short_description,
            )
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        articles = (
            Article.objects.filter(pk=object_id) if str(object_id).isdigit() else Article.objects.none()
        )
        extra_context = {**(extra_context or {}), "impact": deletion_impact(articles)}
        if articles and self.has_change_permission(request):
            extra_context["remove_url"] = reverse("admin:articles_article_remove", args=[object_id])
        return super().delete_view(request, object_id, extra_context)

    # The SEO problems of deleted articles go with them: their subjects' counts are counted again.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        seo_store.recount({obj.subject_id})

    def delete_queryset(self, request, queryset):
        subjects = set(queryset.values_list("subject", flat=True))
        super().delete_queryset(request, queryset)
        seo_store.recount(subjects)

    def remove_view(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            message = "Removed from the site."
            with_revisions(
                request,
                message,
                lambda log: editing.remove(Article.objects.filter(pk=article.pk), on_change=log),
            )
            inbound = Relation.objects.filter(target=article).values_list("source", flat=True)
            seo_store.refresh({article.pk, *inbound})
            self.message_user(
                request, f"“{article}” was removed from the site: its url answers 410 Gone.", messages.SUCCESS
            )
            return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Remove from the site?",
            "object": article,
            "original": article,
            "inbound": Relation.objects.filter(target=article).count(),
            "redirects": Redirect.objects.filter(article=article).count(),
            "already": article.status == Article.Status.REMOVED,
        }
        return TemplateResponse(request, "admin/articles/article/remove.html", context)

    def removal_links(self, request, object_id):
        """The change form's links to the two ends, for those allowed each."""
        links = {}
        if self.has_change_permission(request):
            links["remove_url"] = reverse("admin:articles_article_remove", args=[object_id])
        return links
