"""XSL stylesheets that turn the feeds and the sitemap into pages a person can read in a browser.

Served from templates (not static files) so that the pages they make link the site's stylesheet by its
hashed name. What they make has no inline script or style, so the site's CSP holds on it too.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

XSL = "text/xsl; charset=utf-8"  # the type browsers expect of an XSLT stylesheet


@require_safe
def feed_style(request):
    return render(request, "xsl/feed.xsl", content_type=XSL)


@require_safe
def sitemap_style(request):
    return render(request, "xsl/sitemap.xsl", content_type=XSL)
