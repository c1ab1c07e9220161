"""When the cache or the database fails: pages go on without the cache, and /readyz names what is down
while /healthz (liveness) keeps answering."""

import socket
import time

import pytest
from django.db import OperationalError, connection

from tests.pages import (
    BINARY_SEARCH,
    pages_fixture,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/learn/",
    "/learn/computer-science/",
    BINARY_SEARCH,
    "/keywords/algorithms/",
    "/search/?q=binary",
    "/feeds/latest.atom",
    "/sitemap.xml",
    "/sitemap-articles.xml",
]
TIMEOUT = 0.5  # the client's socket timeouts in these tests (settings.py's, in production)


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def silent_port():
    """A port that accepts connections (the kernel completes them) and never answers a byte."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock.getsockname()[1]


def redis_at(settings, port):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        }
    }  # changing CACHES makes Django drop its cache connections (django.test.signals)


@pytest.mark.parametrize("port", ["closed_port", "silent_port"])
def test_pages_are_served_uncached_when_the_cache_is_down(client, pages, settings, caplog, request, port):
    redis_at(settings, request.getfixturevalue(port))
    started = time.monotonic()
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    # One wait on the cache at most: after a failure the pages leave it alone for a while.
    assert time.monotonic() - started < 2 * TIMEOUT + 1.5
    assert "Page cache unavailable" in caplog.text


@pytest.mark.parametrize("port", ["closed_port", "silent_port"])
def test_readiness_names_the_cache_when_it_is_down(client, db, settings, request, port):
    redis_at(settings, request.getfixturevalue(port))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "cache: down" in response.content.decode()
    assert "database: ok" in response.content.decode()
    assert client.get("/healthz").status_code == 200


def test_readiness_answers_200_when_everything_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: ok\n"
    assert response["Cache-Control"] == "no-store"


def refuse(execute, sql, params, many, context):
    raise OperationalError("unable to open database file")


def test_readiness_names_the_database_when_it_is_down(client, db):
    with connection.execute_wrapper(refuse):
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200
    assert response.status_code == 503
    assert "database: down (OperationalError)" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_readiness_names_a_read_only_database(client):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL can be made read-only for one session; SQLite's is a file's permission")
    with connection.cursor() as cursor:
        cursor.execute("SET default_transaction_read_only = on")
    try:
        response = client.get("/readyz")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = off")
    assert response.status_code == 503
    assert "database: read-only" in response.content.decode()
