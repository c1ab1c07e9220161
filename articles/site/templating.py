"""The Jinja2 environment of the public pages: their filters and the two globals they call.

Jinja2, not the Django template language, because the article page spent two fifths of its time rendering
its template (0.7-0.8 ms, against 0.3 ms in Jinja2, measured with the same context). The admin keeps the
Django template language.
"""

import jinja2
from django.template.defaultfilters import date, pluralize, truncatewords
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from markupsafe import escape

from . import seo
from .dates import format_date
from .teasers import teaser


def environment(**options):
    # A missing value prints as nothing and tests false, and so does an attribute of one (``head.title``
    # on a page without a head), with DEBUG on or off. Unlike the Django template language, calling one,
    # doing arithmetic with one or passing one to pluralize or date raises: the pages never do.
    # The final newline is kept so that pages end as they did in the Django template language.
    options.update(undefined=jinja2.ChainableUndefined, keep_trailing_newline=True)
    env = jinja2.Environment(**options)
    env.globals.update(url=url, static=static)
    env.filters.update(
        date=local_date,
        date_pattern=date_pattern,
        feed_links=feed_links,
        json_ld=seo.json_ld_script,
        keyword_items=keyword_items,
        link_items=link_items,
        meta_tags=meta_tags,
        page_numbers=page_numbers,
        pluralize=pluralize,
        teaser=article_teaser,
        toc_items=toc_items,
        truncatewords=truncatewords,
    )
    return env


def url(name, **kwargs):
    """``{{ url("articles:subject", subject=slug) }}``: ``reverse()`` with keyword arguments."""
    return reverse(name, kwargs=kwargs or None)


def local_date(value, pattern):
    """Django's ``date`` filter in the current time zone, as the Django template language applies it."""
    return date(template_localtime(value), pattern)


def date_pattern(value, pattern):
    """A date in a file's moment.js-style pattern: ``{{ article.date|date_pattern(article.date_format) }}``."""
    return format_date(value, pattern or "MMM DD, YYYY")


# An article's head and its lists run to dozens of tags (an article:tag and a link for each keyword):
# as loops in the template they cost more than the rest of the page. MarkupSafe's escape(), as Jinja2's
# own autoescaping uses, so a page writes every quote one way.
def meta_tags(pairs, attribute):
    """``<meta {attribute}="name" content="content">`` for each (name, content), each on a new line."""
    attribute = escape(attribute)
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'\n<meta {attribute}="{escape(name)}" content="{escape(content)}">' for name, content in pairs
        )
    )


def feed_links(feeds):
    """``<link rel="alternate">`` for each (title, url, type), each on a new line."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'\n<link rel="alternate" type="{escape(kind)}" title="{escape(title)}" href="{escape(href)}">'
            for title, href, kind in feeds
        )
    )


def link_items(links, rel=""):
    """``<li><a href="url">text</a></li>`` for each (url, text), each on a new line in a page's list.

    An article links a dozen keywords and five questions: one filter, not two variables a link.
    """
    rel = f' rel="{escape(rel)}"' if rel else ""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(f'\n      <li><a href="{escape(href)}"{rel}>{escape(text)}</a></li>' for href, text in links)
    )


def article_teaser(article):
    """A listed article's description, or its answer's first sentence where the description is damaged.

    ``answer_head`` comes with the listings that select it (views.listing); without it, a damaged
    description shows nothing rather than stray TeX, and no query is made for the answer.
    """
    return teaser(article.seo_description, getattr(article, "answer_head", ""))


def page_numbers(page, around=1):
    """The page numbers a listing's navigation shows: the first, the last, and those next to the current
    one, with None for each gap (shown as an ellipsis): 1 … 5 [6] 7 … 20. Seven items at most: one
    row on a 320 px phone."""
    last, current = page.paginator.num_pages, page.number
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers, previous = [], 0
    for number in shown:
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def keyword_items(keywords):
    """An article's keywords as list items: a link where the keyword's page has other articles to offer.

    ``keywords`` are (url or "", name); a keyword no other article shares is shown, not linked.
    """
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'\n      <li><a href="{escape(href)}" rel="tag">{escape(name)}</a></li>'
            if href
            else f'\n      <li><span class="tag-alone">{escape(name)}</span></li>'
            for href, name in keywords
        )
    )


def toc_items(entries):
    """A table of contents' items (articles.site.outline.Entry), an entry's children in a nested list.

    An entry's html is the heading's own markup, sanitised at import: kept as it is, so math shows.
    """
    items = []
    for entry in entries:
        children = "".join(
            f'<li><a href="#{escape(child.id)}">{child.html}</a></li>' for child in entry.children
        )
        nested = f'<ol class="toc-sub">{children}</ol>' if children else ""
        items.append(f'\n      <li><a href="#{escape(entry.id)}">{entry.html}</a>{nested}</li>')
    return mark_safe("".join(items))  # noqa: S308 - ids escaped, markup sanitised at import
