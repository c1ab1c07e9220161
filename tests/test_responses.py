"""Production-grade responses: compressed pages, a cache and ETag that follow the build, dev links that
follow the port `make run` serves."""

import gzip
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.site import build, compression
from tests.pages import (
    BINARY_SEARCH,
    pages_fixture,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def identity(client, path):
    return client.get(path, headers={"Accept-Encoding": "identity"})


@pytest.mark.parametrize("path", ["/", "/learn/", "/learn/computer-science/", BINARY_SEARCH, "/sitemap.xml"])
@pytest.mark.parametrize(
    "accept, encoding, decode",
    [("gzip, deflate, br, zstd", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress)],
)
def test_pages_are_compressed_as_the_client_accepts(client, pages, path, accept, encoding, decode):
    plain = identity(client, path)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(path, headers={"Accept-Encoding": accept})
        assert response["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content) < len(plain.content) / 2
        assert decode(response.content) == plain.content


def test_a_cached_page_is_served_compressed_without_compressing_again(client, pages, monkeypatch):
    client.get(BINARY_SEARCH, headers={"Accept-Encoding": "br"})
    monkeypatch.setattr(compression, "compress", lambda body, encoding: pytest.fail("compressed again"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BINARY_SEARCH, headers={"Accept-Encoding": "br"})
    assert response["Content-Encoding"] == "br" and len(queries) == 1  # the site version only


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("", ""),
        ("identity", ""),
        ("gzip", "gzip"),
        ("br", "br"),
        ("gzip, br", "br"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0.5, gzip;q=0.8", "gzip"),
        ("*", "br"),
        ("*;q=0", ""),
        ("gzip;q=0, *", "br"),
        ("br;q=nonsense, gzip", "gzip"),
    ],
)
def test_negotiation_follows_accept_encoding(rf, accept, expected):
    assert compression.negotiate(rf.get("/", headers={"Accept-Encoding": accept})) == expected


def test_the_admin_is_never_compressed(admin_client):
    response = admin_client.get("/admin/", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and "Content-Encoding" not in response


def test_a_new_build_gives_new_pages_and_etags(client, pages, monkeypatch):
    before = client.get(BINARY_SEARCH)
    assert before["ETag"].startswith('W/"')
    monkeypatch.setattr("articles.site.cache.build_version", lambda: "0123456789ab")
    # The old build's ETag no longer answers 304, and the page is made again rather than taken from
    # the old build's entry.
    with CaptureQueriesContext(connection) as queries:
        after = client.get(BINARY_SEARCH, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"] and len(queries) > 1
    assert client.get(BINARY_SEARCH, headers={"If-None-Match": after["ETag"]}).status_code == 304


def test_the_build_version_follows_templates_and_static_files(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    (tmp_path / "templates").mkdir()
    (tmp_path / "static" / "css").mkdir(parents=True)
    page = tmp_path / "templates" / "base.html"
    style = tmp_path / "static" / "css" / "site.css"
    page.write_text("<p>one</p>")
    style.write_text("p { color: red }")
    settings.DEBUG = False
    build._contents_digest.cache_clear()
    first = build.build_version()
    style.write_text("p { color: blue }")
    build._contents_digest.cache_clear()
    assert build.build_version() != first
    settings.DEBUG = True  # development follows a saved edit without a restart
    before = build.build_version()
    page.write_text("<p>two, longer</p>")
    assert build.build_version() != before
    build._contents_digest.cache_clear()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_links_on_its_port_and_tells_how_to_load_real_content():
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8811", "STAMP=Makefile"],
        cwd=ROOT, capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"},
    ).stdout  # fmt: skip
    runserver = next(line for line in plan.splitlines() if "runserver" in line)
    assert "SITE_URL=http://127.0.0.1:8811 " in runserver and runserver.endswith("127.0.0.1:8811")
    assert "import_articles ../shared/corpus/quicktakes-sample" in plan
