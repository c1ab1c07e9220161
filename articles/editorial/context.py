"""A context processor for the public (Jinja2) pages: the staff banner (banner.py) for
templates/includes/staff_banner.html. The site does not import the editorial tools; settings name this."""

from . import banner


def staff_banner(request):
    found = banner.staff_banner(request)
    return {"staff_banner": found} if found else {}
