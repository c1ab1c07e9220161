"""Keywords in the admin (/admin/articles/keyword/): each with its article count, searchable and
filterable by use; renamed on its own page; several merged into one (an action, then a page to choose
the keyword that stays); unused ones deleted. The work is keywords.py's.

Renaming and merging rewrite articles' keywords: they need the right to change keywords and articles.
Deleting needs the right to delete keywords, and touches unused ones only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..models import Article, ArticleKeyword, Keyword
from ..source import keyword_slug
from . import keywords
from .audit import with_revisions

MAX_MERGED = 50
SHOWN_ARTICLES = 20


def counted():
    count = (
        ArticleKeyword.objects.filter(tag=OuterRef("pk"))
        .order_by()
        .values("tag")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


class UsageFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("none", "No article"), ("one", "One article"), ("several", "Several articles")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(article_count=0)
        if value == "one":
            return queryset.filter(article_count=1)
        if value == "several":
            return queryset.filter(article_count__gt=1)
        return queryset


class KeywordForm(forms.ModelForm):
    class Meta:
        model = Keyword
        fields = ["name"]
        help_texts = {
            "name": "Renaming rewrites the keyword in every article that has it (they count as edited). "
            "A name with a new slug moves the keyword's page; the old address answers 301.",
        }

    def clean_name(self):
        try:
            return keywords.clean_name(self.cleaned_data["name"], self.instance if self.instance.pk else None)
        except keywords.KeywordRefused as exc:
            raise ValidationError(str(exc)) from None


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Keyword.objects.none(), widget=forms.RadioSelect, label="Keep", empty_label=None
    )
    name = forms.CharField(
        required=False,
        max_length=keywords.KEYWORD_MAX_LENGTH,
        label="Name it",
        help_text="Blank: the kept keyword's name.",
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        counts = {each.pk: each.article_count for each in choices}
        self.fields["survivor"].queryset = Keyword.objects.filter(pk__in=counts).order_by("name")
        self.fields["survivor"].label_from_instance = lambda each: f"{each.name} ({counts[each.pk]} articles)"
        self.fields["survivor"].initial = choices[0].pk


class KeywordAdmin(admin.ModelAdmin):
    form = KeywordForm
    list_display = ("name", "slug", "article_count", "page_link")
    list_filter = (UsageFilter,)
    search_fields = ("name", "slug")
    search_help_text = "Searches names and slugs."
    ordering = ("name",)
    list_per_page = 100
    show_full_result_count = False
    actions = ("merge_selected", "delete_unused")
    fields = ("name", "slug", "article_count", "page_link", "former_slugs", "some_articles")
    readonly_fields = ("slug", "article_count", "page_link", "former_slugs", "some_articles")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=counted())

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a used keyword is merged, never deleted from its articles
        return actions

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not ArticleKeyword.objects.filter(tag=obj).exists())

    def has_merge_permission(self, request):
        return request.user.has_perms(["articles.change_keyword", "articles.change_article"])

    def has_change_permission(self, request, obj=None):
        # A rename rewrites the articles' keywords too.
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "articles.change_article"
        )

    # -- columns --

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, keyword):
        return keyword.article_count

    @admin.display(description="page")
    def page_link(self, keyword):
        if not keyword.pk:
            return "–"
        return format_html('<a href="{}">{}</a>', keyword.get_absolute_url(), keyword.get_absolute_url())

    @admin.display(description="former addresses (301 here)")
    def former_slugs(self, keyword):
        slugs = list(keyword.redirects.values_list("old_slug", flat=True)) if keyword.pk else []
        if not slugs:
            return "None"
        return format_html_join(", ", "<code>{}</code>", ((f"/keywords/{slug}/",) for slug in slugs))

    @admin.display(description="articles with it")
    def some_articles(self, keyword):
        if not keyword.pk:
            return "–"
        articles = Article.objects.filter(keyword_items__tag=keyword).only("id", "question")[:SHOWN_ARTICLES]
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((reverse("admin:articles_article_change", args=[each.pk]), each.question) for each in articles),
        )
        more = keyword.article_count - SHOWN_ARTICLES
        tail = format_html("<li>… and {} more</li>", more) if more > 0 else ""
        return format_html('<ul class="qt-plain-list">{}{}</ul>', items, tail)

    # -- saving: a rename --

    def save_model(self, request, obj, form, change):
        if not change:
            obj.slug = keyword_slug(obj.name)
            obj.save()
            return
        stored = Keyword.objects.get(pk=obj.pk)
        message = f"Keyword “{stored.name}” renamed to “{obj.name}”."
        outcome = with_revisions(
            request, message, lambda log: keywords.rename(stored, obj.name, on_change=log)
        )
        obj.slug = stored.slug
        self.message_user(request, describe(outcome, "Renamed"), messages.SUCCESS)

    # -- actions --

    @admin.action(permissions=["merge"], description="Merge the selected keywords into one…")
    def merge_selected(self, request, queryset):
        choices = list(queryset.order_by("-article_count", "name")[: MAX_MERGED + 1])
        if not 2 <= len(choices) <= MAX_MERGED:
            self.message_user(request, f"Choose from 2 to {MAX_MERGED} keywords to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "merge" in request.POST else None, choices=choices)
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            message = f"Keywords merged into “{form.cleaned_data['name'] or survivor.name}”."
            try:
                outcome = with_revisions(
                    request,
                    message,
                    lambda log: keywords.merge(
                        survivor, choices, name=form.cleaned_data["name"], on_change=log
                    ),
                )
            except keywords.KeywordRefused as exc:
                form.add_error("name", str(exc))
            else:
                self.message_user(request, describe(outcome, "Merged"), messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge keywords",
            "opts": self.opts,
            "form": form,
            "keywords": choices,
            "affected": sum(each.article_count for each in choices),
            "action": "merge_selected",
        }
        return TemplateResponse(request, "admin/articles/keyword/merge.html", context)

    @admin.action(permissions=["delete"], description="Delete the selected keywords that no article has")
    def delete_unused(self, request, queryset):
        deleted, kept = keywords.delete_unused(queryset)
        text = f"Deleted {deleted} unused keyword(s)."
        if kept:
            text += f" Kept {kept} that articles have: merge them instead."
        self.message_user(request, text, messages.SUCCESS if deleted else messages.WARNING)


def describe(outcome, verb):
    text = f"{verb}: the keywords of {outcome.articles} article(s) were rewritten (they count as edited)."
    if outcome.redirects:
        text += f" {outcome.redirects} former keyword page(s) now answer 301 to the kept one."
    return text
