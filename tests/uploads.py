"""Zips of source files for the upload tests, good and hostile, built in memory."""

import io
import stat
import zipfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.sources import source_text


def zip_of(entries, name="sources.zip"):
    """A zip of {entry name: text or bytes}; a ZipInfo key is written as it is."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def symlink_entry(name, target):
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


def sources(*slugs, subject_slug="computer-science", **fields):
    return {f"{subject_slug}/{slug}.md": source_text(slug=slug, **fields) for slug in slugs}


def run_worker():
    """Run every queued background task with `manage.py db_worker`, then return.

    Its checks for stale connections would close the test's own (inside the test's transaction, its
    autocommit looks wrong to them): off here, where the connection is the test's to manage.
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
