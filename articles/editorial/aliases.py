"""Pages of merged or renamed keywords and subjects answer 301 to the page that took their place.

A merge deletes the keyword or subject, so its page answers 404 in the site's views; where a
KeywordRedirect or SubjectRedirect names the slug, that 404 becomes a permanent redirect (the query
string kept). Only 404s of those routes are looked at, so a keyword or subject created again under an
old slug simply has its page back. Never cached: the page cache keeps 200s only.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from ..models import KeywordRedirect, SubjectRedirect

# route name -> (its slug argument, the redirect model, the new slug's path on that model)
ROUTES = {
    "articles:keyword": ("slug", KeywordRedirect, "keyword__slug"),
    "articles:subject": ("subject", SubjectRedirect, "subject__slug"),
    "articles:subject-feed-rss": ("subject", SubjectRedirect, "subject__slug"),
    "articles:subject-feed-atom": ("subject", SubjectRedirect, "subject__slug"),
}


def moved_to(match):
    """The address a 404 at this route answers 301 to, or None."""
    route = ROUTES.get(match.view_name) if match else None
    if route is None:
        return None
    argument, model, new_slug = route
    slug = match.kwargs.get(argument)
    target = model.objects.filter(old_slug=slug).values_list(new_slug, flat=True).first()
    if target is None or target == slug:
        return None
    return reverse(match.view_name, kwargs={**match.kwargs, argument: target})


class OldSlugRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        location = moved_to(getattr(request, "resolver_match", None))
        if location is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
