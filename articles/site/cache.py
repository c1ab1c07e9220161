"""A page cache that is never stale, on every worker and every instance.

A page's cache key and ETag carry the site's content generation (articles.generation): any change of
content, or a scheduled article coming due, gives every page a new key. They also carry the build's
version (articles.site.build): a deploy that changes only a template, a stylesheet or the code gives
new ones too. The key holds the path and the query parameters the page declares it reads
(articles.site.params), nothing else: any other parameter shares the page's entry, and the view never
sees it. It holds the encoding the page is sent in (articles.site.compression, inside this cache), so a
page is compressed once per encoding.

The cache is an optimisation. When it fails (Redis down, or accepting and never answering) pages are
served uncached, and the cache is left alone for a while rather than waited on by every request.
"""

import functools
import hashlib
import logging
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

from ..generation import site_version
from .build import build_version
from .compression import negotiate
from .params import query_params

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 3600
RETRY_SECONDS = 10  # after a failure, pages skip the cache this long before trying it again
UNCACHED_PREFIXES = ("/admin/", "/static/", "/cards/", "/healthz", "/readyz")


def is_cacheable_request(request):
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES  # staff may preview drafts
    )


def is_cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def page_query(request):
    """The query string of the parameters the request's page reads, in a fixed order; None: no page.

    The request's GET then holds those parameters alone, so the view cannot answer differently for a
    parameter its cache key leaves out.
    """
    names = params_at(request.path_info)
    if names is None:
        return None
    pairs = [
        (name, value) for name in sorted(names & request.GET.keys()) for value in request.GET.getlist(name)
    ]
    query = urlencode(pairs)
    request.GET = QueryDict(query)
    return query


@functools.lru_cache(maxsize=1024)
def params_at(path):
    """The query parameters the page at ``path`` reads; None where no page is.

    Memoised: resolving costs 15 µs a request, and a cache hit should cost little more than /healthz.
    """
    try:
        return query_params(resolve(path).func)
    except Resolver404:
        return None


class FailSafeCache:
    """The page cache's calls to the cache backend: a failure answers "nothing cached" and is logged.

    After a failure the backend is left alone for RETRY_SECONDS: otherwise, with Redis hanging, every
    page would wait out the client's timeouts twice (get, then set).
    """

    def __init__(self):
        self.resume_at = 0.0

    def get(self, key):
        return self._call("get", key)

    def set(self, key, value, timeout):
        self._call("set", key, value, timeout)

    def _call(self, method, *args):
        if time.monotonic() < self.resume_at:
            return None
        try:
            return getattr(cache, method)(*args)
        except Exception as error:  # each backend raises its own (redis: ConnectionError, TimeoutError)
            self.resume_at = time.monotonic() + RETRY_SECONDS
            logger.warning(
                "Page cache unavailable, serving pages uncached for %d s: %r", RETRY_SECONDS, error
            )
            return None


class PageCacheMiddleware:
    """Serve public pages from the cache keyed by site version; answer conditional GETs with 304."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = FailSafeCache()

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        version = f"{build_version()}.{site_version()}"
        # Weak: one page goes out in several encodings, the same content in different bytes.
        etag = f'W/"{version}"'
        if matches(request.META.get("HTTP_IF_NONE_MATCH", ""), version):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        query = page_query(request)
        if query is None:  # no page lives here: the 404 is not kept
            return self.get_response(request)
        path_hash = hashlib.sha1(f"{request.path}?{query}".encode(), usedforsecurity=False).hexdigest()
        key = f"page:{version}:{negotiate(request) or 'identity'}:{path_hash}"
        cached = self.cache.get(key)
        if cached is None:
            response = self.get_response(request)
            if not is_cacheable_response(response):
                return response
            # The version stands for the body's own ETag; headers are kept as a hit will send them.
            del response["ETag"]
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            self.cache.set(key, (response.content, list(response.items())), CACHE_SECONDS)
        else:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
        response["ETag"] = etag
        return response


def matches(if_none_match, version):
    """True when an If-None-Match header names ``version``'s ETag (weak comparison, as for a GET)."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return f'"{version}"' in tags


def cache_problem():
    """None when the page cache keeps and returns a value (or is off), else what is wrong (for /readyz)."""
    if not settings.PAGE_CACHE:
        return None
    token = uuid.uuid4().hex
    try:
        cache.set(f"readyz:{token}", token, 10)
        if cache.get(f"readyz:{token}") != token:
            return "not keeping values"
    except Exception as error:  # the backend's own exceptions, as above
        logger.warning("Readiness: the page cache is down: %r", error)
        return f"down ({type(error).__name__})"
    return None
