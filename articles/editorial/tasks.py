"""The background work of an admin upload: its dry run, its import, and undoing a run.

Run by Django's tasks framework (the django-tasks backport, queued in the database): ``manage.py
db_worker`` runs them, so a request never waits for an import. Each task finds its run by id and leaves
its outcome on it; the run's page shows the progress.
"""

from django.contrib.auth import get_user_model
from django_tasks import task

from ..importing.importer import import_paths
from ..importing.locks import ImportBusy
from ..models import ImportRun
from . import seo_store, undo
from .uploads import UploadRefused, unpacked


@task()
def check_upload(run_id):
    """The dry run of an upload: what importing it would do, nothing written."""
    run_import(run_id, dry_run=True)


@task()
def import_upload(run_id):
    run_import(run_id, dry_run=False)


def run_import(run_id, dry_run):
    run = ImportRun.objects.select_related("upload").get(pk=run_id)
    try:
        with unpacked(run.upload.data) as paths:
            import_paths(
                paths, dry_run=dry_run, overwrite_edits=run.overwrite_edits, run=run, label=run.label
            )
    except (ImportBusy, UploadRefused) as exc:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.FAILED, message=str(exc))
        return
    if not dry_run:
        run.upload.delete()  # imported: the articles keep the files' text
        check_seo.enqueue()  # the imported articles' SEO problems, for the report and the dashboard


@task()
def undo_import(run_id, user_id):
    run = ImportRun.objects.get(pk=run_id)
    user = get_user_model().objects.filter(pk=user_id).first()
    undo.undo_run(run, user)


@task()
def check_seo():
    """Check every article's SEO (seo_store.check_all): after an import, or from the report's button."""
    seo_store.check_all()
