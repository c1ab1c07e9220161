"""Security headers Django does not set itself."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The feeds and the sitemap, which a browser turns into a page with their XSL stylesheet: the same
# policy, except that the browser's own additions to that page may carry style and event attributes
# (Chromium adds a banner about XSLT's deprecation; blocked, it covered the page, unstyled and stuck).
# Nothing of ours there has either: the stylesheets write text and links only, never markup from
# content, and <script> elements stay forbidden.
XML_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY + (
    "; style-src-attr 'unsafe-inline'; script-src-attr 'unsafe-inline'"
)
XML_TYPES = ("application/xml", "text/xml")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_xml = response.get("Content-Type", "").startswith(XML_TYPES)
        policy = XML_CONTENT_SECURITY_POLICY if is_xml else CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
