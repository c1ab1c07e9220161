from django.conf import settings

from .seo import site_links


def site(request):
    # For the Jinja2 pages these names win over a view's own context (the Django template language lets
    # the view win): no view may use them for anything else.
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, "links": site_links()}
