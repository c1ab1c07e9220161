"""Hostile uploads: each refused with a message naming the entry, and nothing written."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, ImportRun
from tests.sources import source_text
from tests.uploads import run_worker, sources, symlink_entry, zip_of

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_importrun_add")


def refused(client, files, status=200):
    response = client.post(ADD, {"files": files})
    assert response.status_code == status
    assert not ImportRun.objects.exists() and not Article.objects.exists()
    return response.content.decode()


def raw_zip(write):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        write(archive)
    return SimpleUploadedFile("sources.zip", buffer.getvalue())


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("../outside.md", "../outside.md: leads outside the zip&#x27;s root"),
        ("a/../../outside.md", "leads outside the zip&#x27;s root"),
        ("/etc/passwd.md", "/etc/passwd.md: an absolute path"),
        ("C:/Users/a.md", "C:/Users/a.md: an absolute path"),
        ("inner/more.zip", "inner/more.zip: an archive inside the zip"),
    ],
)
def test_entries_that_must_not_be_in_an_upload_are_refused_by_name(admin_client, entry, message):
    page = refused(admin_client, zip_of({**sources("a"), entry: source_text(slug="x")}))
    assert message in page


def test_a_symlink_is_refused(admin_client):
    def write(archive):
        archive.writestr("computer-science/a.md", source_text(slug="a"))
        archive.writestr(*symlink_entry("computer-science/b.md", "/etc/passwd"))

    assert "computer-science/b.md: a symbolic link" in refused(admin_client, raw_zip(write))


def test_a_name_that_is_not_utf8_is_refused(admin_client):
    def write(archive):
        archive.writestr(zipfile.ZipInfo("zq9.md"), b"stored as is")

    # The name in the local header and in the central directory, made Latin-1 (not UTF-8).
    data = raw_zip(write).read().replace(b"zq9.md", b"\xe9q9.md")
    page = refused(admin_client, SimpleUploadedFile("sources.zip", data))
    assert "the entry&#x27;s name is not UTF-8" in page


def test_a_compression_bomb_is_refused(admin_client):
    page = refused(admin_client, zip_of({**sources("a"), "bomb.txt": b"\0" * (8 * 1024 * 1024)}))
    assert "bomb.txt: unpacks to 8,388,608 bytes" in page and "compression bomb" in page


def test_a_zip_unpacking_over_the_limit_is_refused(admin_client, settings):
    settings.QTAKES_MAX_UNPACKED_BYTES = 2_000
    page = refused(admin_client, zip_of(sources("a", "b", "c", "d")))
    assert "would unpack to" in page and "over the limit of 2,000" in page


def test_a_file_over_the_size_limit_is_refused_by_name(admin_client, settings):
    settings.QTAKES_MAX_FILE_BYTES = 500
    assert "computer-science/a.md: " in refused(admin_client, zip_of(sources("a")))


def test_an_upload_over_the_limit_is_refused_before_it_is_read(admin_client, settings):
    settings.QTAKES_MAX_UPLOAD_BYTES = 1000
    page = refused(admin_client, zip_of(sources("a", "b")), status=413)
    assert "over the limit of 1,000 bytes" in page


def test_an_upload_without_a_true_length_is_cut_off_as_it_streams(admin_client, settings):
    from articles.editorial.uploads import LimitedUploadHandler, UploadRefused

    settings.QTAKES_MAX_UPLOAD_BYTES = 1000
    handler = LimitedUploadHandler()
    handler.receive_data_chunk(b"x" * 900, 0)
    with pytest.raises(UploadRefused, match="stopped reading there"):
        handler.receive_data_chunk(b"x" * 900, 900)


def test_not_a_zip_is_refused(admin_client):
    assert "Not a readable zip file" in refused(admin_client, SimpleUploadedFile("x.zip", b"PK not really"))


def test_md_files_upload_and_other_files_are_refused(admin_client):
    files = [
        SimpleUploadedFile("a.md", source_text(slug="a").encode()),
        SimpleUploadedFile("notes.txt", b"hi"),
    ]
    assert "notes.txt: not a .md file" in refused(admin_client, files)


def test_several_md_files_are_one_upload(admin_client):
    files = [SimpleUploadedFile(f"{slug}.md", source_text(slug=slug).encode()) for slug in ("a", "b")]
    response = admin_client.post(ADD, {"files": files})
    assert response.status_code == 302
    run_worker()
    assert ImportRun.objects.get().preview["new"] == 2


def test_folders_and_finder_metadata_are_skipped(admin_client):
    files = {**sources("a"), "__MACOSX/computer-science/._a.md": b"\0\5\26\7", "README.txt": "notes"}
    assert admin_client.post(ADD, {"files": zip_of(files)}).status_code == 302
    run_worker()
    run = ImportRun.objects.get()
    assert (run.preview["new"], run.preview["refused"]) == (1, 0)
