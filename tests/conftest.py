"""Fixtures shared by every test module, and the real-Chromium ones the browser tests share."""

import os
import uuid

import pytest
from django.db import connections

from tests.browser import CHROMIUM, LAUNCH_ARGS


@pytest.fixture(autouse=True)
def own_page_cache(settings):
    """A cache namespace for each test alone: the page cache is keyed by the database's generation,
    which every rolled-back test repeats (and clearing a shared Redis would hit other test runs)."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright; the test skips where either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
            browser.close()
        finally:
            # While Playwright's event loop runs, Django keeps the test's connections apart from the ones
            # pytest-django closes; left open, PostgreSQL refused to drop the test database at the end.
            connections.close_all()


@pytest.fixture
def static_through_whitenoise(monkeypatch):
    """Serve /static/ as production does: WhiteNoise, from STATIC_ROOT, with hashed names.

    The live server's own static handler looks files up by their source names and answers 404 for
    the hashed names the manifest storage puts in pages; let every request reach the application.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    monkeypatch.setattr(StaticFilesHandler, "_should_handle", lambda self, path: False)
