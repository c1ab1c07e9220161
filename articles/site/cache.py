"""A page cache that is never stale, on every worker and every instance.

A page's cache key and ETag carry the site's content generation (articles.generation): any change of
content, or a scheduled article coming due, gives every page a new key.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from ..generation import site_version

CACHE_SECONDS = 24 * 3600
UNCACHED_PREFIXES = ("/admin/", "/static/", "/healthz")


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


class PageCacheMiddleware:
    """Serve public pages from the cache keyed by site version; answer conditional GETs with 304."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        version = site_version()
        etag = f'"{version}"'
        if etag in [tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        path_hash = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
        key = f"page:{version}:{path_hash}"
        cached = cache.get(key)
        if cached is None:
            response = self.get_response(request)
            if not is_cacheable_response(response):
                return response
            # The version stands for the body's own ETag; headers are kept as a hit will send them.
            del response["ETag"]
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            cache.set(key, (response.content, list(response.items())), CACHE_SECONDS)
        else:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
        response["ETag"] = etag
        return response
