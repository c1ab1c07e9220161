"""Production settings: the documented variables pass Django's deploy check; weak ones stop start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parent.parent


def documented():
    """The variables .env.example documents, with a real secret in place of its placeholder."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {**pairs, "DJANGO_SECRET_KEY": get_random_secret_key()}


def manage(*args, **variables):
    """Run manage.py with only these qtakes variables set (none inherited from the test run)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "SITE_"))}
    env.update(variables, DJANGO_SETTINGS_MODULE="qtakes.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_documented_production_variables_pass_the_deploy_check():
    variables = documented()
    assert variables["DJANGO_DEBUG"] == "0" and variables["DJANGO_BEHIND_TLS_PROXY"] == "1"
    result = manage("check", "--deploy", "--fail-level", "WARNING", **variables)
    assert result.returncode == 0, result.stderr + result.stdout


HTTP_PROBE = """
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
security = SecurityMiddleware(lambda request: None)
for path in ("/learn/", "/healthz"):
    response = security.process_request(RequestFactory().get(path, HTTP_HOST="qtakes.example"))
    print(path, response and response.status_code, response and response["Location"])
"""


def test_behind_tls_plain_http_is_redirected_but_the_health_check_is_not():
    result = manage("shell", "-c", HTTP_PROBE, **documented())
    assert result.stdout.splitlines()[-2:] == [
        "/learn/ 301 https://qtakes.example/learn/",
        "/healthz None None",
    ]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", "short-but-set", "DJANGO_SECRET_KEY is too weak"),
        ("DJANGO_SECRET_KEY", "ab" * 40, "DJANGO_SECRET_KEY is too weak"),  # long, two characters
        ("DJANGO_SECRET_KEY", "django-insecure-" + "k7#q" * 13, "DJANGO_SECRET_KEY is too weak"),
        ("DJANGO_SECRET_KEY", "", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_ALLOWED_HOSTS", "*", "DJANGO_ALLOWED_HOSTS must name the site's hosts"),
        ("DJANGO_ALLOWED_HOSTS", "qtakes.example, *", "DJANGO_ALLOWED_HOSTS must name the site's hosts"),
        ("DJANGO_ALLOWED_HOSTS", "", "DJANGO_ALLOWED_HOSTS must be set"),
    ],
)
def test_production_refuses_a_weak_secret_or_any_host(variable, value, message):
    result = manage("check", **{**documented(), variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr, result.stderr


def test_development_needs_no_secret_nor_hosts():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
