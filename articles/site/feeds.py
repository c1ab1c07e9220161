"""RSS and Atom feeds of the latest articles, site-wide and per subject.

Feeds offer what search engines may see: ``indexable()`` articles. The site-wide feed lists each
duplicated question once (its canonical copy); a subject's feed lists that subject's own copies.
Links are absolute on SITE_URL, whatever host the request came in on.

An item's description is the article's SEO description (or, where that is damaged, the answer's first
sentence: articles.site.teasers): plain text, which may well contain ``<`` (a
question about HTML). It goes out as text, never as markup a reader would render: Atom says so
(``type="text"``), and RSS, whose description is HTML by convention, gets it escaped.
"""

import html

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.http import conditional_page

from ..models import Article, Subject
from . import seo
from .teasers import teaser

FEED_SIZE = 30
ANSWER_HEAD = 2000  # the answer's opening, for an item whose description is damaged (articles.site.teasers)
FEED_FIELDS = (
    "url", "question", "seo_description", "author", "publish_at", "content_changed_at", "subject__name",
)  # fmt: skip


# Feeds go out as application/xml: feed readers take it as well as their own types, and browsers then
# show the page their XSL stylesheet makes, where application/rss+xml showed the raw text.
XML = "application/xml; charset=utf-8"


class TextRss(Rss201rev2Feed):
    """RSS 2.0 with plain-text item descriptions, escaped so that a reader's HTML shows the text."""

    content_type = XML

    def add_item_elements(self, handler, item):
        if item["description"] is not None:
            item = {**item, "description": html.escape(item["description"], quote=False)}
        super().add_item_elements(handler, item)


class TextAtom(Atom1Feed):
    """Atom with plain-text summaries: Django's Atom1Feed declares every summary ``type="html"``.

    It names its stylesheets too, as Django's RSS does and its Atom does not.
    """

    content_type = XML

    def write(self, outfile, encoding):
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class LatestRss(Feed):
    feed_type = TextRss
    url_name = "articles:feed-rss"
    description = "The latest QuickTakes: short answers to questions across many subjects."

    def __call__(self, request, *args, **kwargs):
        return conditional_page(super().__call__)(request, *args, **kwargs)

    def stylesheets(self, obj=None):
        # A browser opening the feed shows a page (templates/xsl/feed.xsl); readers ignore it.
        return [Stylesheet(reverse("articles:feed-style"), mimetype="text/xsl")]

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: latest" if obj is None else f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return seo.absolute(reverse("articles:home") if obj is None else obj.get_absolute_url())

    def feed_url(self, obj=None):
        kwargs = {} if obj is None else {"subject": obj.slug}
        return seo.absolute(reverse(self.url_name, kwargs=kwargs))

    def items(self, obj=None):
        articles = Article.objects.indexable()
        articles = seo.canonical_only(articles) if obj is None else articles.filter(subject=obj)
        return (
            articles.select_related("subject")
            .only(*FEED_FIELDS)
            .annotate(answer_head=Substr("answer_html", 1, ANSWER_HEAD))
            .order_by("-publish_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.question

    def item_description(self, item):
        return teaser(item.seo_description, item.answer_head)

    def item_link(self, item):
        return seo.absolute(item.get_absolute_url())

    def item_guid(self, item):
        return seo.absolute(item.get_absolute_url())

    def item_author_name(self, item):
        return item.author

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.content_changed_at, item.publish_at)

    def item_categories(self, item):
        return [item.subject.name]


class LatestAtom(LatestRss):
    feed_type = TextAtom
    url_name = "articles:feed-atom"
    subtitle = LatestRss.description


class SubjectRss(LatestRss):
    url_name = "articles:subject-feed-rss"

    def get_object(self, request, subject):
        return get_object_or_404(Subject, slug=subject)

    def description(self, obj):
        return f"The latest QuickTakes in {obj.name}."


class SubjectAtom(SubjectRss):
    feed_type = TextAtom
    url_name = "articles:subject-feed-atom"

    def subtitle(self, obj):
        return self.description(obj)
