from django.conf import settings

from .seo import site_links


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, "links": site_links()}
