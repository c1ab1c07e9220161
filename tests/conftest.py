"""Fixtures shared by every test module."""

import uuid

import pytest


@pytest.fixture(autouse=True)
def own_page_cache(settings):
    """A cache namespace for each test alone: the page cache is keyed by the database's generation,
    which every rolled-back test repeats (and clearing a shared Redis would hit other test runs)."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }
