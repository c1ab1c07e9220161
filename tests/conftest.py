"""Fixtures shared by every test module."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_page_cache():
    """A rolled-back test leaves the site generation where it found it, so pages cached by one test
    could be served to the next: every test starts with an empty cache."""
    cache.clear()
    yield
