"""Imports from the admin: upload, dry run, import in the background, the list of runs, undo; and the
runs import_articles records."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.urls import reverse

from articles.editorial import editing
from articles.importing.importer import import_paths
from articles.models import Article, ImportRun, ImportUpload
from tests.sources import write_source
from tests.uploads import run_worker, sources, zip_of

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_importrun_add")
LIST = reverse("admin:articles_importrun_changelist")


def detail(run):
    return reverse("admin:articles_importrun_change", args=[run.pk])


def upload(client, files, **data):
    response = client.post(ADD, {"files": files, **data})
    run = ImportRun.objects.order_by("-pk").first()
    return response, run


def upload_and_check(client, files):
    response, run = upload(client, files)
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == detail(run)
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED, run.message
    return run


def import_run(client, run):
    response = client.post(reverse("admin:articles_importrun_import", args=[run.pk]))
    assert response.status_code == 302
    run_worker()
    run.refresh_from_db()
    return run


def test_an_upload_is_checked_then_imported_in_the_background(admin_client):
    run = upload_and_check(admin_client, zip_of(sources("a", "b", "c")))
    assert Article.objects.count() == 0  # a dry run writes nothing
    assert (run.preview["new"], run.preview["changed"], run.preview["refused"]) == (3, 0, 0)
    page = admin_client.get(detail(run)).content.decode()
    assert "Import these files" in page and "Dry run done" in page

    run = import_run(admin_client, run)
    assert run.status == ImportRun.Status.FINISHED
    assert (run.created, run.updated, run.unchanged, run.files) == (3, 0, 0, 3)
    assert run.user.username == "admin" and run.origin == ImportRun.Origin.ADMIN
    assert len(run.files_sha256) == 64
    assert Article.objects.get(slug="a").source_path == "computer-science/a.md"  # the zip's own names
    assert not ImportUpload.objects.exists()  # imported: the upload is not kept
    listing = admin_client.get(LIST).content.decode()
    assert f"#{run.pk}" in listing and "Finished" in listing


def test_importing_twice_imports_once(admin_client):
    run = upload_and_check(admin_client, zip_of(sources("a")))
    admin_client.post(reverse("admin:articles_importrun_import", args=[run.pk]))
    admin_client.post(reverse("admin:articles_importrun_import", args=[run.pk]))
    run_worker()
    assert Article.objects.count() == 1
    run.refresh_from_db()
    assert run.created == 1


def test_uploading_the_same_files_again_changes_nothing(admin_client):
    import_run(admin_client, upload_and_check(admin_client, zip_of(sources("a", "b"))))
    before = list(Article.objects.values_list("pk", "imported_at"))
    again = upload_and_check(admin_client, zip_of(sources("a", "b")))
    assert (again.preview["new"], again.preview["changed"], again.preview["unchanged"]) == (0, 0, 2)
    again = import_run(admin_client, again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Article.objects.values_list("pk", "imported_at")) == before


def test_the_dry_run_shows_each_changed_field_and_the_answer_by_line(admin_client):
    import_run(admin_client, upload_and_check(admin_client, zip_of(sources("a", "b"))))
    changed = sources(
        "a", question="What is a test, really?", answer=r"A test checks behaviour.\n\nNew line."
    )
    run = upload_and_check(admin_client, zip_of({**changed, **sources("b"), **sources("c")}))
    assert (run.preview["new"], run.preview["changed"], run.preview["unchanged"]) == (1, 1, 1)
    fields = {field["name"] for field in run.preview["changes"][0]["fields"]}
    assert {"question", "answer", "title"} <= fields
    page = admin_client.get(detail(run)).content.decode()
    assert "What is a test, really?" in page
    assert 'qt-line-ins"><span class="qt-mark">+</span>New line.' in page


def test_refusals_are_listed_and_download_as_text(admin_client):
    files = {**sources("a"), "computer-science/broken.md": "---\ntitle: [unclosed\n---\n"}
    run = import_run(admin_client, upload_and_check(admin_client, zip_of(files)))
    assert run.status == ImportRun.Status.REFUSED and run.refused_count == 1
    response = admin_client.get(reverse("admin:articles_importrun_refusals", args=[run.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("computer-science/broken.md")


def test_undo_removes_created_articles_and_restores_changed_ones(admin_client):
    import_run(admin_client, upload_and_check(admin_client, zip_of(sources("a", "b"))))
    first_a = Article.objects.get(slug="a")
    changed = sources("a", question="What is a test, now?")
    run = import_run(admin_client, upload_and_check(admin_client, zip_of({**changed, **sources("b", "c")})))
    assert (run.created, run.updated) == (1, 1)
    assert Article.objects.get(slug="a").question == "What is a test, now?"

    admin_client.post(reverse("admin:articles_importrun_undo", args=[run.pk]))
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UNDONE
    assert (run.undo_report["removed"], run.undo_report["restored"]) == (1, 1)
    a = Article.objects.get(slug="a")
    assert (a.question, a.file_hash, a.source_text) == (
        first_a.question,
        first_a.file_hash,
        first_a.source_text,
    )
    assert not Article.objects.filter(slug="c").exists()
    # Importing the same files again does what the undone run did.
    again = import_run(admin_client, upload_and_check(admin_client, zip_of({**changed, **sources("b", "c")})))
    assert (again.created, again.updated) == (1, 1)


def test_undo_leaves_an_article_edited_since_and_reports_it(admin_client):
    run = import_run(admin_client, upload_and_check(admin_client, zip_of(sources("a", "b"))))
    a = Article.objects.get(slug="a")
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[a.pk]),
        {**_form(a), "question": "Edited after the import?", "relations-TOTAL_FORMS": "0",
         "relations-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    admin_client.post(reverse("admin:articles_importrun_undo", args=[run.pk]))
    run_worker()
    run.refresh_from_db()
    assert run.undo_report["removed"] == 1 and run.undo_report["kept_count"] == 1
    assert Article.objects.get().question == "Edited after the import?"
    assert "Edited after the import?" in admin_client.get(detail(run)).content.decode()


def _form(article):
    from tests.test_admin import form_data

    return form_data(article)


def test_import_articles_records_its_run(tmp_path):
    write_source(tmp_path, slug="a")
    (tmp_path / "bad.md").write_text("no front matter", encoding="utf-8")
    with pytest.raises(Exception, match="refused"):
        call_command("import_articles", str(tmp_path), verbosity=0)
    run = ImportRun.objects.get()
    assert (run.origin, run.user, run.status, run.created, run.refused_count) == (
        ImportRun.Origin.COMMAND, None, ImportRun.Status.REFUSED, 1, 1,
    )  # fmt: skip
    assert run.refusals[0]["path"].endswith("bad.md")
    assert run.finished_at and run.seconds > 0


def test_a_dry_run_of_the_command_writes_no_run(tmp_path):
    write_source(tmp_path, slug="a")
    call_command("import_articles", str(tmp_path), dry_run=True, verbosity=0)
    assert not ImportRun.objects.exists()


def test_an_interrupted_run_says_so(admin_client, tmp_path):
    write_source(tmp_path, slug="a")
    import_paths([tmp_path])
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, heartbeat_at="2020-01-01T00:00Z"
    )
    assert "Interrupted (no progress since 2020-01-01" in admin_client.get(LIST).content.decode()


def test_conflicts_keep_the_files_text_for_the_admin(admin_client, tmp_path):
    write_source(tmp_path, slug="a")
    import_paths([tmp_path])
    article = Article.objects.get()
    article.question = "Edited in the admin?"
    editing.save_article(article)
    write_source(tmp_path, slug="a", question="Changed in the file?")
    result = import_paths([tmp_path])
    assert len(result.conflicts) == 1
    conflict = ImportRun.objects.order_by("-pk").first().conflicts.get()
    assert "Changed in the file?" in conflict.source_text and conflict.article_id == article.pk
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'id="conflict-note"' in page
    listing = admin_client.get(
        reverse("admin:articles_article_changelist") + "?conflict=open"
    ).content.decode()
    assert "File changed" in listing


def test_keep_mine_and_the_same_file_no_longer_conflicts(admin_client, tmp_path):
    write_source(tmp_path, slug="a")
    import_paths([tmp_path])
    article = Article.objects.get()
    article.question = "Edited in the admin?"
    editing.save_article(article)
    write_source(tmp_path, slug="a", question="Changed in the file?")
    import_paths([tmp_path])
    page = admin_client.get(reverse("admin:articles_article_conflict", args=[article.pk])).content.decode()
    assert "Changed in the file?" in page and "Edited in the admin?" in page
    admin_client.post(reverse("admin:articles_article_conflict", args=[article.pk]), {"choice": "mine"})
    assert Article.objects.get().question == "Edited in the admin?"
    assert import_paths([tmp_path]).conflicts == []


def test_take_the_files_version(admin_client, tmp_path):
    write_source(tmp_path, slug="a")
    import_paths([tmp_path])
    article = Article.objects.get()
    article.question = "Edited in the admin?"
    editing.save_article(article)
    write_source(tmp_path, slug="a", question="Changed in the file?")
    import_paths([tmp_path])
    admin_client.post(reverse("admin:articles_article_conflict", args=[article.pk]), {"choice": "file"})
    article = Article.objects.get()
    assert (article.question, article.edited) == ("Changed in the file?", False)


# -- who may ---------------------------------------------------------------------------------------


def staff(client, *codenames):
    user = User.objects.create_user("-".join(codenames) or "staff", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )
    client.force_login(user)
    return client


def test_staff_without_the_import_permission_cannot_upload(client):
    staff(client, "view_importrun", "view_article", "change_article")
    assert client.get(ADD).status_code == 403
    response, run = upload(client, zip_of(sources("a")))
    assert response.status_code == 403 and run is None
    assert "Add import run" not in client.get(LIST).content.decode()


def test_staff_without_the_import_permission_cannot_import_or_undo(admin_client, client):
    run = import_run(admin_client, upload_and_check(admin_client, zip_of(sources("a"))))
    staff(client, "view_importrun")
    assert client.get(detail(run)).status_code == 200
    assert client.post(reverse("admin:articles_importrun_undo", args=[run.pk])).status_code == 403
    run_worker()
    assert Article.objects.count() == 1


def test_staff_with_the_import_permission_upload_and_undo(client):
    staff(client, "add_importrun", "view_importrun")
    run = import_run(client, upload_and_check(client, zip_of(sources("a"))))
    assert run.created == 1
    client.post(reverse("admin:articles_importrun_undo", args=[run.pk]))
    run_worker()
    assert Article.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.post(ADD, {"files": zip_of(sources("a"))})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ImportRun.objects.exists()


def test_the_upload_needs_the_csrf_token(admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(ADD, {"files": zip_of(sources("a"))})
    assert response.status_code == 403
    assert not ImportRun.objects.exists()
    run = ImportRun.objects.create(status=ImportRun.Status.CHECKED)
    assert client.post(reverse("admin:articles_importrun_import", args=[run.pk])).status_code == 403
