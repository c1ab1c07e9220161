"""The admin's side of subjects.py: merging subjects (an action on subjects), and moving articles to
another subject (an action on articles).

Both move articles' urls: they need the right to change articles (and, to merge, subjects).
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from ..models import Subject
from . import subjects
from .audit import with_revisions
from .editing import MoveRefused


class TargetForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Subject.objects.none(), label="Into", empty_label="Choose a subject"
    )

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = subjects.subjects_by_name().exclude(
            pk__in=[each.pk for each in exclude]
        )


def intermediate_page(model_admin, request, template, **context):
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, **context}
    return TemplateResponse(request, template, context)


class SubjectMergeMixin:
    """For SubjectAdmin: the merge action."""

    actions = ("merge_into",)

    def has_merge_permission(self, request):
        return request.user.has_perms(["articles.change_subject", "articles.change_article"])

    @admin.action(permissions=["merge"], description="Merge into another subject…")
    def merge_into(self, request, queryset):
        sources = list(queryset.order_by("name"))
        submitted = "merge" in request.POST or "check" in request.POST
        form = TargetForm(request.POST if submitted else None, exclude=sources)
        summaries, target = [], None
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            summaries = [subjects.merge_summary(source, target) for source in sources]
            if "merge" in request.POST and not any(summary["clashes"] for summary in summaries):
                moved = self.merge_all(request, sources, target)
                if moved is not None:
                    return None
        return intermediate_page(
            self,
            request,
            "admin/articles/subject/merge.html",
            title="Merge subjects",
            form=form,
            sources=sources,
            target=target,
            summaries=summaries,
            action="merge_into",
        )

    def merge_all(self, request, sources, target):
        moved = 0
        for source in sources:
            message = f"Moved with its subject “{source.name}”, merged into “{target.name}”."
            try:
                moved += with_revisions(
                    request, message, lambda log, source=source: subjects.merge(source, target, on_move=log)
                )
            except MoveRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
        names = ", ".join(source.name for source in sources)
        self.message_user(
            request,
            f"Merged {names} into {target.name}: {moved} article(s) moved, each old url answering 301.",
            messages.SUCCESS,
        )
        return moved


class MoveToSubjectMixin:
    """For ArticleAdmin: the bulk "move to subject" action."""

    @admin.action(permissions=["change"], description="Move to another subject (old urls answer 301)…")
    def move_to_subject(self, request, queryset):
        form = TargetForm(request.POST if "move" in request.POST else None)
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            try:
                moved = with_revisions(
                    request,
                    f"Moved to the subject “{target.name}”.",
                    lambda log: subjects.move_articles(queryset, target, on_move=log),
                )
            except MoveRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                f"Moved {moved} article(s) to {target.name}, each old url answering 301.",
                messages.SUCCESS,
            )
            return None
        selected = list(queryset.select_related("subject").only("id", "question", "subject__name")[:200])
        return intermediate_page(
            self,
            request,
            "admin/articles/article/move.html",
            title="Move articles to another subject",
            form=form,
            articles=selected,
            count=queryset.count(),
            action="move_to_subject",
            select_across=request.POST.get("select_across", "0"),
            selected_ids=request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        )
