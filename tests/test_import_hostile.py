"""Hostile import folders: symlinks that loop or lead out, files that are not files, redirects files that
are not redirects, a url given twice. Each is refused by name; everything else imports."""

import contextlib
import io
import os
import threading

import pytest
from django.core.management import CommandError, call_command

from articles.importing.discovery import find_url
from articles.importing.importer import import_paths
from articles.models import Article, Redirect
from tests.sources import source_text, write_source

pytestmark = pytest.mark.django_db

A = "/learn/computer-science/questions/a"


def refusals(result):
    return {str(error.path): error.reason for error in result.refused}


def run_command(*paths):
    """(CommandError or None, stderr) of import_articles on ``paths``."""
    stderr = io.StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=io.StringIO(), stderr=stderr)
    except CommandError as exc:
        return exc, stderr.getvalue()
    return None, stderr.getvalue()


# -- symlinks and other files that are not plain files -----------------------------------------------


def test_a_symlink_loop_is_refused_by_name_and_the_rest_imported(tmp_path):
    write_source(tmp_path, slug="a")
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ping.md").symlink_to(tmp_path / "sub" / "pong.md")
    (tmp_path / "sub" / "pong.md").symlink_to(tmp_path / "sub" / "ping.md")
    error, stderr = run_command(tmp_path)
    assert "3 file(s) refused" in str(error)
    for name in ("loop.md", "sub/ping.md", "sub/pong.md"):
        assert f"refused {tmp_path / name}: cannot read file: Too many levels of symbolic links" in stderr
    assert list(Article.objects.values_list("url", flat=True)) == [A]


def test_a_symlink_leading_nowhere_is_refused_by_name(tmp_path):
    write_source(tmp_path, slug="a")
    (tmp_path / "gone.md").symlink_to(tmp_path / "deleted.md")
    result = import_paths([tmp_path])
    assert refusals(result) == {str(tmp_path / "gone.md"): "cannot read file: No such file or directory"}
    assert result.created == 1


def test_a_symlink_out_of_the_folder_is_refused_unread(tmp_path):
    outside = write_source(tmp_path / "elsewhere", slug="b")  # a valid source: read, it would import
    folder = tmp_path / "import"
    write_source(folder, slug="a")
    (folder / "b.md").symlink_to(outside)
    (folder / "deeper").mkdir()
    (folder / "deeper" / "passwd.md").symlink_to("/etc/passwd")
    result = import_paths([folder])
    assert refusals(result) == {
        str(folder / "b.md"): f"not read: a symlink to {outside}, outside {folder}",
        str(folder / "deeper" / "passwd.md"): f"not read: a symlink to /etc/passwd, outside {folder}",
    }
    assert list(Article.objects.values_list("url", flat=True)) == [A]


def test_symlinks_inside_the_folder_are_followed_and_a_file_given_by_name_is_read(tmp_path):
    folder = tmp_path / "import"
    target = write_source(folder / "real", slug="a")
    (folder / "link.md").symlink_to(target)  # the same file twice: once
    (folder / "relative.md").symlink_to("real/a.md")
    outside = write_source(tmp_path / "elsewhere", slug="b")
    result = import_paths([folder, outside])  # named on the command line: the reader chose it
    assert (result.files, result.created, result.refused) == (2, 2, [])


def test_a_symlinked_import_folder_is_its_target(tmp_path):
    write_source(tmp_path / "real", slug="a")
    (tmp_path / "real" / "b.md").symlink_to(tmp_path / "real" / "a.md")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    result = import_paths([tmp_path / "alias"])
    assert (result.created, result.refused) == (1, [])


def test_a_fifo_named_md_is_refused_without_waiting_for_a_writer(tmp_path):
    write_source(tmp_path, slug="a")
    fifos = [tmp_path / "pipe.md", tmp_path / "named.md"]
    for fifo in fifos:
        os.mkfifo(fifo)
    done = threading.Event()

    def free_blocked_readers():  # a reader blocked on a FIFO gets its end after a while: a failure, not a hang
        while not done.wait(10):
            for fifo in fifos:
                with contextlib.suppress(OSError):  # no reader there
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    threading.Thread(target=free_blocked_readers, daemon=True).start()
    try:
        result = import_paths([tmp_path, tmp_path / "named.md"])
    finally:
        done.set()
    assert refusals(result) == {str(fifo): "not a regular file" for fifo in fifos}
    assert result.created == 1


def test_a_redirects_file_symlinked_from_outside_is_refused_unread(tmp_path):
    write_source(tmp_path / "import", slug="a")
    outside = tmp_path / "elsewhere" / "_redirects.yaml"
    outside.parent.mkdir()
    outside.write_text(f"/old: {A}\n")
    (tmp_path / "import" / "_redirects.yaml").symlink_to(outside)
    result = import_paths([tmp_path / "import"])
    assert refusals(result) == {
        str(
            tmp_path / "import" / "_redirects.yaml"
        ): f"not read: a symlink to {outside}, outside {tmp_path / 'import'}"
    }
    assert not Redirect.objects.exists()


# -- _redirects.yaml holding what is not a redirect ------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        (
            "/old: 2024-02-30\n",
            "cannot read redirects: a value YAML cannot build: day is out of range for month",
        ),
        (
            "2024-02-30: /x\n",
            "cannot read redirects: a value YAML cannot build: day is out of range for month",
        ),
        ("/old: 2024-02-03\n", "/old: datetime.date(2024, 2, 3) is not an article url"),
        ("2024-02-03: " + A + "\n", "datetime.date(2024, 2, 3): the old url is not a site path"),
        ("12: " + A + "\n", "12: the old url is not a site path"),
        ("/old: [1, 2]\n", "/old: [1, 2] is not an article url"),
        ("/old: {a: b}\n", "/old: {'a': 'b'} is not an article url"),
        ("/old:\n", "/old: None is not an article url"),
        ('"/a\\0b": ' + A + "\n", "'/a\\x00b': the old url is not a site path"),
        ("/" + "x" * 400 + ": " + A + "\n", "/" + "x" * 400 + ": the old url is not a site path"),
        ("/old: .inf\n", "/old: inf is not an article url"),
    ],
)
def test_a_redirects_entry_that_is_not_one_is_refused_after_the_articles(tmp_path, entries, reason):
    write_source(tmp_path, slug="a")
    (tmp_path / "_redirects.yaml").write_text(f"/kept: {A}\n{entries}")
    result = import_paths([tmp_path])
    assert refusals(result) == {str(tmp_path / "_redirects.yaml"): reason}
    assert result.created == 1
    kept = [] if reason.startswith("cannot read") else ["/kept"]  # the file unreadable: none of it
    assert list(Redirect.objects.values_list("old_url", flat=True)) == kept


# -- a url given twice ----------------------------------------------------------------------------


def with_url_lines(path, *urls):
    """Rewrite the file at ``path`` with one ``url:`` line per url, where its own was."""
    text = path.read_text()
    own = next(line for line in text.splitlines() if line.startswith("url:"))
    path.write_text(text.replace(own, "\n".join(f"url: {url}" for url in urls)))
    return path


@pytest.mark.parametrize("order", ["own url first", "own url last"])
def test_two_files_claiming_one_url_are_both_refused_when_one_gives_it_twice(tmp_path, order):
    write_source(tmp_path / "x", slug="a", question="First?")
    twice = write_source(tmp_path / "y", slug="a", question="Second?")
    other = "/learn/computer-science/questions/other"
    with_url_lines(twice, *((A, A) if order == "own url last" else (other, A)))
    result = import_paths([tmp_path / "x", tmp_path / "y"])
    reasons = refusals(result)
    assert set(reasons) == {str(tmp_path / "x" / "a.md"), str(tmp_path / "y" / "a.md")}
    assert str(tmp_path / "y" / "a.md") in reasons[str(tmp_path / "x" / "a.md")]
    assert str(tmp_path / "x" / "a.md") in reasons[str(tmp_path / "y" / "a.md")]
    assert not Article.objects.exists()


def test_a_file_giving_its_url_twice_is_refused_by_name(tmp_path):
    write_source(tmp_path, slug="b")
    twice = with_url_lines(write_source(tmp_path, slug="a"), "/learn/computer-science/questions/elsewhere", A)
    result = import_paths([tmp_path])
    [refused] = result.refused
    assert (refused.path, refused.reason) == (str(twice), "'url' is given twice (lines 24 and 25)")
    assert result.created == 1


@pytest.mark.parametrize(
    ("data", "url"),
    [
        (b"---\nurl: /learn/a/questions/b\nurl: /learn/a/questions/c\n---\n", "/learn/a/questions/c"),
        (b"---\nurl: /learn/a/questions/b\n---\nurl: /learn/a/questions/c\n", "/learn/a/questions/b"),
        (b"---\r\nurl: /learn/a/questions/b\r\n---\r\nurl: /x\r\n", "/learn/a/questions/b"),
        (b"---\nurl: /learn/a/questions/b # a comment\n---\n", "/learn/a/questions/b"),
        (b"---\nurl: /learn/a/questions/b\nurl: two words\n---\n", None),
        (b"---\nurl:/learn/a/questions/b\n---\n", None),
        (b'---\nurl: "/learn/a\\x2Fquestions/b"\n---\n', None),
    ],
)
def test_the_scan_reads_the_url_yaml_reads(data, url):
    assert find_url(data) == url


def test_a_body_line_like_a_url_is_not_the_url(tmp_path):
    write_source(tmp_path, slug="a")
    (tmp_path / "b.md").write_text(source_text(slug="b") + f"\nurl: {A}\n")
    result = import_paths([tmp_path])
    assert (result.created, result.refused) == (2, [])
