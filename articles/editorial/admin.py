"""The content team's admin. Thin: forms validate, articles.editing does the work, Django logs history."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from taggit.models import Tag

from .. import history, search
from ..models import Article, ImportConflict, ImportRun, Keyword, Redirect, Relation, Subject
from . import access, editing, subjects
from .audit import log_bulk, with_revisions
from .conflicts import ConflictsMixin, open_conflict, open_conflict_ids
from .deletion import DeletionMixin
from .forms import ArticleForm, RedirectForm, RelationForm, RelationFormSet, SubjectForm
from .import_runs import ImportRunAdmin
from .keyword_admin import KeywordAdmin
from .preview import PreviewMixin
from .revisions import RevisionsMixin
from .seo_admin import SeoMixin
from .subject_admin import MoveToSubjectMixin, SubjectMergeMixin

# taggit's own Tag model is unused: keywords are articles.Keyword, edited on each article as text.
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)

# Heavy text the changelist never shows: not loaded for its rows.
HEAVY_FIELDS = ("answer", "answer_source", "answer_html", "source_text", "seo_description", "seo_keywords")


def search_filter(term, *, words=True):
    """Articles matching an editor's search: a url (or an old url), part of a question, or (``words``)
    every word in the question, answer or keywords through the full-text index of migration 0002.
    """
    if term.startswith(("/", "http://", "https://")):
        path = urlsplit(term).path.rstrip("/") or "/"
        return Q(url=path) | Q(pk__in=Redirect.objects.filter(old_url=path).values("article"))
    found = Q(question__icontains=term)
    terms = search.search_terms(term)
    if not words or not terms:
        return found
    return found | search.matches(terms)


def add_relation_counts(articles):
    """Set ``related_count`` and ``dangling_count`` on a page of articles: one grouped query."""
    dangling = Q(target__isnull=True) | Q(target__status=Article.Status.REMOVED)
    counts = {
        row["source"]: row
        for row in Relation.objects.filter(source__in=[article.pk for article in articles])
        .values("source")
        .annotate(total=Count("pk"), dangling=Count("pk", filter=dangling))
        .order_by()
    }
    for article in articles:
        row = counts.get(article.pk, {})
        article.related_count, article.dangling_count = row.get("total", 0), row.get("dangling", 0)
    return articles


def client_address(request):
    """The address django-axes counts failed logins by (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR``, unless settings name the header trusted proxies fill (``TRUSTED_PROXY_HEADER``): then
    the address the outermost of ``TRUSTED_PROXY_COUNT`` proxies saw, counted from the right, since the
    entries left of it are whatever the client chose to send. A header short of that falls back.
    """
    remote = request.META.get("REMOTE_ADDR")
    header = settings.TRUSTED_PROXY_HEADER
    if not header:
        return remote
    entries = [entry.strip() for entry in request.META.get(header, "").split(",")]
    if len(entries) < settings.TRUSTED_PROXY_COUNT:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-settings.TRUSTED_PROXY_COUNT]))
    except ValueError:
        return remote


class VisibilityFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return Article.Visibility.choices

    def queryset(self, request, queryset):
        if self.value() in Article.Visibility.values:
            return queryset.with_visibility(self.value())
        return queryset


class DanglingFilter(admin.SimpleListFilter):
    title = "dangling relations"
    parameter_name = "dangling"

    def lookups(self, request, model_admin):
        return [("yes", "Has dangling relations"), ("no", "None dangling")]

    def queryset(self, request, queryset):
        # A subquery run once (a few hundred rows), not a per-article EXISTS over 36,000 articles.
        dangling = Q(pk__in=Relation.objects.dangling().values("source"))
        if self.value() == "yes":
            return queryset.filter(dangling)
        if self.value() == "no":
            return queryset.exclude(dangling)
        return queryset


class ConflictFilter(admin.SimpleListFilter):
    title = "import conflict"
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return [("open", "File changed since the edit")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(pk__in=ImportConflict.objects.filter(resolution="").values("article"))
        return queryset


class RelationInline(admin.TabularInline):
    model = Relation
    fk_name = "source"
    form = RelationForm
    formset = RelationFormSet
    fields = ("position", "target", "target_url", "state")
    readonly_fields = ("state",)
    autocomplete_fields = ("target",)
    ordering = ("position",)
    extra = 1
    verbose_name = "related article"
    verbose_name_plural = "related articles, in order"

    # Related articles are the article's content (its file lists them): whoever may change the article may
    # change them, and no one else, whatever the Relation model's own permissions say.
    def has_view_permission(self, request, obj=None):
        return self.admin_site.get_model_admin(Article).has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.get_model_admin(Article).has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "target":  # pick an article; editing or deleting it belongs to its own page
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_delete_related = False
        return field

    @admin.display(description="state")
    def state(self, relation):
        if relation.pk is None:
            return "–"
        if relation.target_id is None:
            return format_html("<strong>Dangling</strong>: no article at {}", relation.target_url)
        target = relation.target
        if target.status == Article.Status.REMOVED:
            return format_html("<strong>Dangling</strong>: “{}” was removed from the site", target.question)
        link = reverse("admin:articles_article_change", args=[target.pk])
        return format_html('<a href="{}">{}</a> ({})', link, target.question, target.visibility.label.lower())


class ArticleChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*HEAVY_FIELDS)

    def get_results(self, request):
        super().get_results(request)
        # Counted for the page shown only: an annotation would count for every row an OFFSET skips.
        self.result_list = add_relation_counts(list(self.result_list))
        conflicting = open_conflict_ids([article.pk for article in self.result_list])
        for article in self.result_list:
            article.has_conflict = article.pk in conflicting


@admin.register(Article)
class ArticleAdmin(
    SeoMixin,
    PreviewMixin,
    DeletionMixin,
    MoveToSubjectMixin,
    RevisionsMixin,
    ConflictsMixin,
    admin.ModelAdmin,
):
    form = ArticleForm
    inlines = [RelationInline]
    list_display = (
        "question", "subject", "date", "visibility_label", "related_count", "dangling_count", "no_index", "edited",
        "conflict",
    )  # fmt: skip
    list_filter = ("subject", VisibilityFilter, "date", "no_index", DanglingFilter, "edited", ConflictFilter)
    list_select_related = ("subject",)
    search_fields = ("question", "answer", "seo_keywords")
    search_help_text = "Searches questions, answers and keywords."
    date_hierarchy = "date"
    ordering = ("-publish_at", "-id")
    list_per_page = 50
    show_full_result_count = False
    autocomplete_fields = ("subject",)
    actions = (
        "publish",
        "unpublish",
        "hide_from_search_engines",
        "offer_to_search_engines",
        "move_to_subject",
        "remove_from_site",
    )
    readonly_fields = (
        "search_snippet", "visibility_label", "url_link", "file_name", "source_id", "source_path", "file_hash",
        "imported_at", "importer_version", "edited", "front_matter",
    )  # fmt: skip
    fieldsets = (
        (
            "Content",
            {"fields": ("question", "answer", "subject", "slug", "title", "article_title")},
        ),
        ("SEO", {"fields": ("search_snippet", "seo_title", "seo_description", "seo_keywords", "no_index")}),
        ("Publishing", {"fields": ("status", "publish_at", "date", "visibility_label", "url_link")}),
        (
            "Source",
            {
                "fields": (
                    "file_name",
                    "source_id",
                    "source_path",
                    "file_hash",
                    "imported_at",
                    "importer_version",
                    "edited",
                    "front_matter",
                ),  # fmt: skip
                "description": "Where the article came from, as read. Edits to content fields mark it edited: "
                "a re-import keeps them and reports a conflict (import_articles --overwrite-edits applies the file).",
            },
        ),
    )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # Choosing a related article: by its question or url, not by every answer that mentions it.
        words = request.path != reverse("admin:autocomplete")
        return queryset.filter(search_filter(term, words=words)), False

    # -- columns and read-only fields --

    @admin.display(description="visibility", ordering="status")
    def visibility_label(self, article):
        if article.pk is None:
            return "–"
        return article.visibility.label

    @admin.display(description="related")
    def related_count(self, article):
        return article.related_count

    @admin.display(description="dangling")
    def dangling_count(self, article):
        return article.dangling_count

    @admin.display(description="conflict")
    def conflict(self, article):
        if not article.has_conflict:
            return ""
        link = reverse("admin:articles_article_conflict", args=[article.pk])
        return format_html('<a href="{}">File changed</a>', link)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conflict = open_conflict(object_id) if str(object_id).isdigit() else None
        extra_context = {**(extra_context or {}), "open_conflict": conflict}
        if str(object_id).isdigit():
            extra_context.update(self.preview_links(object_id), **self.removal_links(request, object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {**(extra_context or {}), **self.preview_links()})

    @admin.display(description="url")
    def url_link(self, article):
        if not article.url:
            return "Set on save: /learn/<subject>/questions/<slug>."
        return format_html('<a href="{}">{}</a>', article.url, article.url)

    @admin.display(description="front matter of the file")
    def front_matter(self, article):
        if not article.source_text:
            return "Created in the admin: no source file yet (export_articles writes one)."
        lines = article.source_text.splitlines()
        end = next((i for i, line in enumerate(lines[1:], start=1) if line == "---"), len(lines))
        return format_html("<pre>{}</pre>", "\n".join(lines[1:end]))

    # -- saving --

    def save_model(self, request, obj, form, change):
        editing.save_article(obj)

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:
            if isinstance(formset, RelationFormSet):
                formset.save(commit=False)  # records what changed, for the history message
                editing.set_relations(form.instance, formset.entries())
            else:
                self.save_formset(request, form, formset, change)
        changed = ", ".join(form.changed_data) or "nothing"
        comment = f"Changed in the admin: {changed}." if change else "Created in the admin."
        history.record([form.instance.pk], comment, request.user)
        self.check_after_save(form)

    # -- bulk actions --
    # Each changes the articles it is given: offered to, and run for, only those who may change articles
    # (Django filters the choices and refuses a POSTed action that is not among them). Removing is a
    # change of status, which the change form offers the same users, not a deletion.

    @admin.action(
        permissions=["change"], description="Publish now (drafts, scheduled and removed articles go live)"
    )
    def publish(self, request, queryset):
        count = with_revisions(request, "Published.", lambda log: editing.publish(queryset, on_change=log))
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Unpublish (back to draft)")
    def unpublish(self, request, queryset):
        count = with_revisions(
            request, "Unpublished.", lambda log: editing.unpublish(queryset, on_change=log)
        )
        self.message_user(request, f"Unpublished {count} article(s): they are drafts now.", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Hide from search engines (no_index)")
    def hide_from_search_engines(self, request, queryset):
        count = with_revisions(
            request,
            "Hidden from search engines.",
            lambda log: editing.set_no_index(queryset, True, on_change=log),
        )
        self.message_user(request, f"Hid {count} article(s) from search engines.", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Offer to search engines again")
    def offer_to_search_engines(self, request, queryset):
        count = with_revisions(
            request,
            "Offered to search engines.",
            lambda log: editing.set_no_index(queryset, False, on_change=log),
        )
        self.message_user(request, f"Offered {count} article(s) to search engines.", messages.SUCCESS)

    @admin.action(
        permissions=["change"], description="Remove from the site (410 Gone unless a redirect is set)"
    )
    def remove_from_site(self, request, queryset):
        count = with_revisions(request, "Removed.", lambda log: editing.remove(queryset, on_change=log))
        self.message_user(request, f"Removed {count} article(s) from the site.", messages.SUCCESS)


@admin.register(Subject)
class SubjectAdmin(SubjectMergeMixin, admin.ModelAdmin):
    form = SubjectForm
    list_display = ("name", "slug", "article_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)

    # A new slug moves every article of the subject: only for those who may change articles.
    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.admin_site.get_model_admin(Article).has_change_permission(request):
            return ("slug",)
        return ()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if "slug" in self.get_readonly_fields(request, obj) else self.prepopulated_fields

    def get_queryset(self, request):
        counted = (
            Article.objects.filter(subject=OuterRef("pk"))
            .order_by()
            .values("subject")
            .annotate(n=Count("pk"))
        )
        return (
            super()
            .get_queryset(request)
            .annotate(article_count=Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0))
        )

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, subject):
        return subject.article_count

    def save_model(self, request, obj, form, change):
        moving = []
        old_slug = (
            Subject.objects.filter(pk=obj.pk).values_list("slug", flat=True).first() if change else None
        )
        moved = editing.save_subject(
            obj,
            on_move=lambda articles, message: moving.append((log_bulk(request, articles, message), message)),
        )
        for ids, message in moving:
            history.record(ids, message, request.user)
        if old_slug and old_slug != obj.slug:
            subjects.leave_redirect(old_slug, obj)  # the subject's own page answers 301 too
        if moved:
            self.message_user(
                request,
                f"Moved {moved} article(s) to /learn/{obj.slug}/, each with a permanent redirect.",
                messages.SUCCESS,
            )


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    form = RedirectForm
    list_display = ("old_url", "target_url", "article", "created_at")
    list_select_related = ("article",)
    search_fields = ("old_url", "article__url", "article__question")
    autocomplete_fields = ("article",)
    ordering = ("old_url",)
    show_full_result_count = False

    @admin.display(description="redirects to", ordering="article__url")
    def target_url(self, redirect):
        return redirect.article.url


admin.site.register(ImportRun, ImportRunAdmin)
admin.site.register(Keyword, KeywordAdmin)
access.register(admin.site)
