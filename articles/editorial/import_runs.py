"""Import runs in the admin: the upload form, a run's page (dry run, progress, outcome), the list of
every run, a run's refusals as a text file, and undo.

Uploading, importing and undoing need the import permission (``articles.add_importrun``); seeing runs,
the view permission. The work itself runs in the background (tasks.py); the run's page refreshes itself
while it goes (a meta refresh: no script under the site's CSP).
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..models import ImportRun, ImportUpload
from . import tasks
from .revisions import line_diff
from .uploads import LimitedUploadHandler, UploadRefused, refuse_oversized, upload_as_zip, upload_limit

IMPORT_PERMISSION = "articles.add_importrun"
STALE = datetime.timedelta(minutes=5)  # a run with no progress for this long was interrupted
REFRESH_SECONDS = 2
IN_PROGRESS = {
    ImportRun.Status.UPLOADED,
    ImportRun.Status.CHECKING,
    ImportRun.Status.QUEUED,
    ImportRun.Status.RUNNING,
    ImportRun.Status.UNDOING,
}
UNDOABLE = {ImportRun.Status.FINISHED, ImportRun.Status.REFUSED, ImportRun.Status.INTERRUPTED}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once (Django's documented pattern): a list of uploaded files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data] or super().clean(
                None
            )
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        widget=MultipleFileInput(attrs={"accept": ".md,.zip"}),
        help_text="One .zip of source files (folders kept), or any number of .md files.",
    )
    overwrite_edits = forms.BooleanField(
        required=False,
        label="Apply the files over articles edited in the admin",
        help_text="Off: an edited article keeps the edit and its changed file is reported as a conflict.",
    )


def run_state(run, now=None):
    """The run's status as an editor should read it: a run that stopped reporting was interrupted."""
    now = now or timezone.now()
    running = run.status in (ImportRun.Status.RUNNING, ImportRun.Status.CHECKING)
    if running and run.heartbeat_at and now - run.heartbeat_at > STALE:
        return f"Interrupted (no progress since {timezone.localtime(run.heartbeat_at):%Y-%m-%d %H:%M})"
    return run.get_status_display()


class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "run_link", "created_at", "who", "origin", "state", "files", "created", "updated", "unchanged",
        "refused_count", "conflict_count", "duration",
    )  # fmt: skip
    list_filter = ("status", "origin", "user", "created_at")
    search_fields = ("label", "files_sha256")
    ordering = ("-created_at", "-id")
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("user").defer("refusals", "preview", "undo_report")
        )

    # -- permissions: seeing runs is viewing; uploading, importing and undoing is the import permission --

    def has_add_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # -- the list --

    @admin.display(description="run", ordering="id")
    def run_link(self, run):
        return format_html(
            '<a href="{}">#{}</a>', reverse("admin:articles_importrun_change", args=[run.pk]), run.pk
        )

    @admin.display(description="who", ordering="user")
    def who(self, run):
        return run.user.get_username() if run.user else "import_articles"

    @admin.display(description="status", ordering="status")
    def state(self, run):
        return run_state(run)

    @admin.display(description="time", ordering="seconds")
    def duration(self, run):
        return f"{run.seconds:.1f} s" if run.finished_at else "–"

    # -- pages --

    def get_urls(self):
        return [
            path("add/", self.admin_site.admin_view(self.upload_view), name="articles_importrun_add"),
            path(
                "<int:run_id>/import/",
                self.admin_site.admin_view(self.import_view),
                name="articles_importrun_import",
            ),
            path(
                "<int:run_id>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="articles_importrun_undo",
            ),
            path(
                "<int:run_id>/refusals.txt",
                self.admin_site.admin_view(self.refusals_view),
                name="articles_importrun_refusals",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = get_object_or_404(ImportRun.objects.select_related("user"), pk=object_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        may_import = request.user.has_perm(IMPORT_PERMISSION)
        changes = [
            {**change, "fields": [field_view(field) for field in change["fields"]]}
            for change in (run.preview or {}).get("changes", [])
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import run #{run.pk}",
            "run": run,
            "state": run_state(run),
            "in_progress": run.status in IN_PROGRESS and not run_state(run).startswith("Interrupted"),
            "refresh": REFRESH_SECONDS,
            "preview": run.preview or {},
            "changes": changes,
            "conflicts": run.conflicts.select_related("article").order_by("pk")[:200],
            "may_import": may_import and run.status == ImportRun.Status.CHECKED,
            "may_undo": may_import and run.status in UNDOABLE and run.revision_id is not None,
            "percent": int(100 * run.done / run.files) if run.files else 0,
        }
        return TemplateResponse(request, "admin/articles/importrun/detail.html", context)

    @csrf_exempt
    def upload_view(self, request):
        """The upload form. CSRF is checked here, after the size limit is in place: the middleware's
        own check would read the whole body first."""
        if request.method == "POST":
            try:
                refuse_oversized(request)
            except UploadRefused as exc:
                return self.render_upload(request, UploadForm(), str(exc), status=413)
            request.upload_handlers.insert(0, LimitedUploadHandler(request))
        return self.upload_protected(request)

    @method_decorator(csrf_protect)
    def upload_protected(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self.render_upload(request, UploadForm())
        try:
            form = UploadForm(request.POST, request.FILES)
            if not form.is_valid():
                return self.render_upload(request, form)
            name, data, count = upload_as_zip(form.cleaned_data["files"])
        except UploadRefused as exc:
            return self.render_upload(request, UploadForm(), str(exc))
        if not count:
            return self.render_upload(request, form, "The upload holds no .md file.")
        run = ImportRun.objects.create(
            origin=ImportRun.Origin.ADMIN,
            status=ImportRun.Status.UPLOADED,
            user=request.user,
            label=name[:300],
            files=count,
            overwrite_edits=form.cleaned_data["overwrite_edits"],
        )
        ImportUpload.objects.create(run=run, name=name[:300], data=data, size=len(data))
        tasks.check_upload.enqueue(run.pk)
        return redirect("admin:articles_importrun_change", run.pk)

    def render_upload(self, request, form, error=None, status=200):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import source files",
            "form": form,
            "error": error,
            "limit_mb": self.upload_limit_mb(),
        }
        return TemplateResponse(request, "admin/articles/importrun/upload.html", context, status=status)

    @staticmethod
    def upload_limit_mb():
        return upload_limit() // (1024 * 1024)

    def import_view(self, request, run_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        run = self.acting_on(request, run_id)
        updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKED).update(
            status=ImportRun.Status.QUEUED, user=request.user
        )
        if updated:  # one click imports once, however many times it is posted
            tasks.import_upload.enqueue(run.pk)
            messages.success(request, "The import is queued: this page follows it.")
        return redirect("admin:articles_importrun_change", run.pk)

    def undo_view(self, request, run_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        run = self.acting_on(request, run_id)
        updated = ImportRun.objects.filter(pk=run.pk, status__in=UNDOABLE, revision__isnull=False).update(
            status=ImportRun.Status.UNDOING
        )
        if updated:
            tasks.undo_import.enqueue(run.pk, request.user.pk)
            messages.success(request, "Undo is queued: this page follows it.")
        return redirect("admin:articles_importrun_change", run.pk)

    def acting_on(self, request, run_id):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(ImportRun, pk=run_id)

    def refusals_view(self, request, run_id):
        run = get_object_or_404(ImportRun, pk=run_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        refusals = run.refusals or []
        lines = [
            f"{r['path']}:{r['line']}: {r['reason']}" if r.get("line") else f"{r['path']}: {r['reason']}"
            for r in refusals
        ]
        response = HttpResponse(
            "\n".join(lines) + ("\n" if lines else ""), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="import-run-{run.pk}-refusals.txt"'
        return response


def field_view(field):
    """A changed field for the dry run's page: the answer diffed by line, other fields before and after."""
    if field["name"] == "answer":
        return {**field, "lines": line_diff(str(field["old"] or ""), str(field["new"] or ""))}
    return field
