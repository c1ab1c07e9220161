"""Two gunicorn instances sharing one PostgreSQL and one Redis (runs when DATABASE_URL and REDIS_URL are set)."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from articles.importing.importer import import_paths
from articles.models import Article

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ARTICLE = (
    "/learn/medicine/questions/how-is-radiotherapy-integrated-with-surgical-approaches-in-cancer-management"
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
        reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL",
    ),
]


class FormFields(HTMLParser):
    """The fields a browser would submit from the first form with method=post (text, checked, selected)."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_form, self.textarea, self.select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.in_form = True
        if not self.in_form or not attrs.get("name"):
            if tag == "option" and self.select and "selected" in attrs:
                self.fields.append((self.select, attrs.get("value", "")))
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self.fields.append((attrs["name"], attrs.get("value", "")))
            elif "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


def start(port, env):
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "qtakes" / "gunicorn.py"), "qtakes.wsgi"],
        cwd=ROOT, env=dict(env, PORT=str(port)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("gunicorn did not start")


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture
def instances(settings):
    import_paths([FIXTURES])
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-only-passphrase")
    database = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_DEBUG="0",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        WEB_CONCURRENCY="1",
        SITE_URL="http://127.0.0.1:8771",
    )
    env.setdefault("DJANGO_SECRET_KEY", "tests-only")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    servers = [start(8771, env), start(8772, env)]
    yield 8771, 8772
    for server in servers:
        server.terminate()
        server.wait()
    connection.close()


def admin_edit(port, article, new_answer):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"

    def submit(path, change):
        page = opener.open(base + path).read().decode()
        form = FormFields()
        form.feed(page)
        fields = [(name, change.get(name, value)) for name, value in form.fields]
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(base + path, data=data, headers={"Referer": base + path})
        return opener.open(request)

    submit("/admin/login/?next=/admin/", {"username": "editor", "password": "a-long-test-only-passphrase"})
    response = submit(f"/admin/articles/article/{article.pk}/change/", {"answer": new_answer})
    body = response.read().decode()
    assert response.status == 200
    assert "errornote" not in body, re.findall(r"errorlist.{0,300}", body, re.DOTALL)


def test_an_edit_through_one_instance_shows_at_once_through_the_other(instances):
    first, second = instances
    article = Article.objects.get(url=ARTICLE)
    for port in instances:  # warm both page caches
        assert "Radiotherapy is integrated" in get(port, ARTICLE)[1]
    admin_edit(first, article, "Edited through the first instance.")
    assert "Edited through the first instance." in Article.objects.get(pk=article.pk).answer_html
    for port in (second, first):
        body = get(port, ARTICLE)[1]
        assert "Edited through the first instance." in body
        assert "Radiotherapy is integrated" not in body


def test_both_instances_serve_under_load_with_zero_errors(instances):
    paths = ["/", "/learn/", "/learn/medicine/", ARTICLE, "/search/?q=cancer", "/sitemap.xml"] * 40

    def fetch(job):
        port, path = job
        try:
            return get(port, path)[0]
        except OSError as error:
            return repr(error)

    jobs = [(port, path) for port in instances for path in paths]
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(fetch, jobs))
    assert statuses == [200] * len(jobs)
