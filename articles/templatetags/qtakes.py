import html

from django import template
from django.utils.safestring import mark_safe

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


# An article's head and its lists run to dozens of tags (an article:tag and a link for each keyword):
# as loops in the template, or through format_html(), they cost more than the rest of the page.
@register.filter
def meta_tags(pairs, attribute):
    """``<meta {attribute}="name" content="content">`` for each (name, content), each on a new line."""
    attribute = escape(attribute)
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'\n<meta {attribute}="{escape(name)}" content="{escape(content)}">' for name, content in pairs
        )
    )


@register.filter
def feed_links(feeds):
    """``<link rel="alternate">`` for each (title, url, type), each on a new line."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'\n<link rel="alternate" type="{escape(kind)}" title="{escape(title)}" href="{escape(url)}">'
            for title, url, kind in feeds
        )
    )


@register.filter
def link_items(links, rel=""):
    """``<li><a href="url">text</a></li>`` for each (url, text), each on a new line in a page's list.

    An article links a dozen keywords and five questions: one filter, not two variables a link.
    """
    rel = f' rel="{escape(rel)}"' if rel else ""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(f'\n      <li><a href="{escape(url)}"{rel}>{escape(text)}</a></li>' for url, text in links)
    )


def escape(value):
    """Django's conditional_escape(), without its checks for lazy strings (these lists hold none)."""
    return value if hasattr(value, "__html__") else html.escape(str(value))
