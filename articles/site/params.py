"""What a public page may read from its request: path parts and query parameters, strictly parsed.

Every page declares the query parameters it reads (``reads_query``): the page cache keys a page by those
alone and hides every other parameter from the view, so ``?utm_source=...`` or a random ``?x=`` shares
the page's one cache entry and can never change what is served. A page number is ASCII digits without
a leading zero, or a 404: ``int()`` would take ``'９'`` (full-width) and ``'٣'``, and ``isdigit()`` takes
``'²'``, which ``int()`` then refuses.
"""

import re

from django.http import Http404

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")  # an explicit class: \d would match every script's digits


def reads_query(*names):
    """Declare the query parameters a view reads; the page cache keys the page by these alone."""

    def declare(view):
        view.query_params = frozenset(names)
        return view

    return declare


def query_params(view):
    """The query parameters ``view`` declared (none unless it did)."""
    return getattr(view, "query_params", frozenset())


def page_number(request, name="page", last=None):
    """The page number the request asks for, 1 when absent or empty; Http404 for anything else.

    ``last`` (when given) is the largest number a page may have.
    """
    value = request.GET.get(name, "")
    if not value:
        return 1
    if not PAGE_NUMBER.fullmatch(value):
        raise Http404("No such page")
    number = int(value)
    if last is not None and number > last:
        raise Http404("No such page")
    return number


class PathPartConverter:
    """A path part as ``str`` takes it, without control characters (PostgreSQL refuses NUL in text).

    No slug, keyword or redirect address has one, so such a path matches no page: a 404.
    """

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class CardKeyConverter:
    """A social card's key: 20 lowercase hex digits (articles.site.cards.card_key)."""

    regex = "[0-9a-f]{20}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
