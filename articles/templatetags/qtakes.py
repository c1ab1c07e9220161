from django import template

from .. import seo
from ..rendering import format_date

register = template.Library()


@register.filter
def date_pattern(value, pattern):
    """A date in a file's moment.js-style pattern: ``{{ article.date|date_pattern:article.date_format }}``."""
    return format_date(value, pattern or "MMM DD, YYYY")


@register.filter
def json_ld(data):
    """A JSON-LD ``<script>`` block, escaped so no text inside it can close the element."""
    return seo.json_ld_script(data)
