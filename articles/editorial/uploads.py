"""Uploads of source files in the admin: read safely, kept as one zip, unpacked for the importer.

A zip is checked whole before anything is kept: every entry inside its root, no absolute path, no
symlink, no nested archive, names in UTF-8, no file over the importer's size limit, no compression bomb
(an entry unpacking to far more than it takes, or all of them to more than the limit), each entry read
to its end (a size or CRC that lies is refused). A refusal names the entry; nothing is written. An upload
larger than its limit is refused from its Content-Length, or as it streams in, before it is read whole.
"""

import contextlib
import io
import os
import stat
import tempfile
import threading
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

READ_CHUNK = 64 * 1024
BOMB_FLOOR = 1024 * 1024  # entries smaller than this unpack to too little to matter whatever their ratio
ARCHIVES = (".zip", ".jar", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar")
UTF8_FLAG = 0x800
_cwd_lock = threading.Lock()


class UploadRefused(Exception):
    """An upload that cannot be imported: the message says why, naming the entry at fault."""


def upload_limit():
    return settings.QTAKES_MAX_UPLOAD_BYTES


def refuse_oversized(request):
    """Refuse, from its Content-Length alone, a request larger than an upload may be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > upload_limit():
        raise UploadRefused(too_large(length))


def too_large(size):
    return (
        f"The upload is {size:,} bytes, over the limit of {upload_limit():,} bytes (QTAKES_MAX_UPLOAD_BYTES)."
    )


class LimitedUploadHandler(FileUploadHandler):
    """Counts what streams in and stops past the limit: a request without a (true) Content-Length is
    cut off there, never read whole."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit():
            raise UploadRefused(too_large(self.received) + " (stopped reading there)")
        return raw_data

    def file_complete(self, file_size):
        return None


# -- what an upload holds ------------------------------------------------------------------------


def upload_as_zip(files):
    """(name, zip bytes, number of .md files) for the uploaded files: one zip, or any number of .md files."""
    if len(files) == 1 and files[0].name.lower().endswith(".zip"):
        upload = files[0]
        upload.seek(0)
        data = upload.read()
        count = len(check_zip(io.BytesIO(data)))
        return upload.name, data, count
    buffer, names = io.BytesIO(), set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for upload in files:
            name = PurePosixPath(upload.name.replace("\\", "/")).name
            if not name.endswith(".md"):
                raise UploadRefused(f"{upload.name}: not a .md file (upload .md files, or one .zip of them).")
            if name in names:
                raise UploadRefused(f"{name}: chosen twice.")
            if upload.size > settings.QTAKES_MAX_FILE_BYTES:
                raise UploadRefused(
                    f"{name}: {upload.size:,} bytes, over the limit of {settings.QTAKES_MAX_FILE_BYTES:,}."
                )
            names.add(name)
            archive.writestr(name, upload.read())
    label = files[0].name if len(files) == 1 else f"{len(files)} files"
    return label, buffer.getvalue(), len(names)


def open_zip(source):
    try:
        return zipfile.ZipFile(source)
    except UnicodeDecodeError as exc:
        raise UploadRefused(f"An entry's name is not valid UTF-8 ({exc.object[:60]!r}).") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRefused(f"Not a readable zip file: {exc}.") from None


def check_zip(source):
    """The .md entries of a zip, as (ZipInfo, safe relative name), every entry checked and read; an
    UploadRefused naming the first entry at fault."""
    with open_zip(source) as archive:
        entries = archive.infolist()
        if len(entries) > settings.QTAKES_MAX_UPLOAD_FILES:
            raise UploadRefused(
                f"The zip has {len(entries):,} entries, over the limit of {settings.QTAKES_MAX_UPLOAD_FILES:,}."
            )
        total = sum(info.file_size for info in entries)
        if total > settings.QTAKES_MAX_UNPACKED_BYTES:
            raise UploadRefused(
                f"The zip would unpack to {total:,} bytes, over the limit of {settings.QTAKES_MAX_UNPACKED_BYTES:,}."
            )
        wanted, seen = [], set()
        for info in entries:
            name = safe_name(info)
            if name is None:
                continue
            if name in seen:
                raise UploadRefused(f"{name}: in the zip twice.")
            seen.add(name)
            read_entry(archive, info, name)
            wanted.append((info, name))
        return wanted


def safe_name(info):
    """The entry's relative name when it is a source file to import, None for an entry to skip (folders,
    other files, macOS metadata); UploadRefused for an entry that must not be in an upload at all."""
    raw = entry_name(info)
    parts = refuse_unsafe(info, raw)
    if info.is_dir() or not parts or not parts[-1].endswith(".md"):
        return None
    if parts[0] == "__MACOSX" or parts[-1].startswith("._"):
        return None  # the Finder's metadata beside each file
    if info.file_size > settings.QTAKES_MAX_FILE_BYTES:
        raise UploadRefused(
            f"{raw}: {info.file_size:,} bytes, over the limit of {settings.QTAKES_MAX_FILE_BYTES:,} (QTAKES_MAX_FILE_BYTES)."
        )
    return "/".join(parts)


def entry_name(info):
    """The entry's name as its tool wrote it: many tools write UTF-8 without setting the flag that says
    so, and zipfile then decodes it as cp437."""
    raw = info.orig_filename
    if info.flag_bits & UTF8_FLAG:
        return raw
    try:
        return raw.encode("cp437").decode("utf-8")
    except UnicodeError:
        raise UploadRefused(f"{raw!r}: the entry's name is not UTF-8.") from None


def refuse_unsafe(info, raw):
    """The entry's path parts; UploadRefused for a path outside the root, a link, an archive or a bomb."""
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UploadRefused(f"{raw}: an absolute path; entries must be relative to the zip's root.")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UploadRefused(f"{raw}: leads outside the zip's root (..).")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UploadRefused(f"{raw}: a symbolic link; upload the file itself.")
    if name.lower().endswith(ARCHIVES):
        raise UploadRefused(f"{raw}: an archive inside the zip; put its files in the zip itself.")
    if (
        info.file_size > BOMB_FLOOR
        and info.file_size > info.compress_size * settings.QTAKES_MAX_COMPRESSION_RATIO
    ):
        raise UploadRefused(
            f"{raw}: unpacks to {info.file_size:,} bytes from {info.compress_size:,}, a compression bomb."
        )
    return parts


def read_entry(archive, info, name):
    """An entry's bytes, read no further than its declared size (a lying size or CRC is refused)."""
    try:
        with archive.open(info) as entry:
            data = entry.read(settings.QTAKES_MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UploadRefused(f"{name}: cannot be read from the zip ({exc}).") from None
    if len(data) > settings.QTAKES_MAX_FILE_BYTES:
        raise UploadRefused(f"{name}: over the limit of {settings.QTAKES_MAX_FILE_BYTES:,} bytes.")
    return data


# -- unpacking for the importer ------------------------------------------------------------------


@contextlib.contextmanager
def unpacked(data):
    """Unpack a checked zip into a temporary folder and work there: yields the top-level names, so that
    the importer's paths (and its refusals) read as the zip's own entry names."""
    with (
        tempfile.TemporaryDirectory(prefix="qtakes-upload-") as folder,
        open_zip(io.BytesIO(data)) as archive,
    ):
        for info, name in check_zip(io.BytesIO(data)):
            target = os.path.join(folder, *name.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as file:
                file.write(read_entry(archive, info, name))
        with _cwd_lock:  # the working folder is the process's: one unpacked upload at a time
            previous = os.getcwd()
            os.chdir(folder)
            try:
                yield sorted(os.listdir("."))
            finally:
                os.chdir(previous)
