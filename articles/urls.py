from django.urls import path, register_converter
from django.views.generic import RedirectView

from .site import feeds, health, sitemaps, stylesheets, views
from .site.cards import views as cards
from .site.params import CardKeyConverter, PathPartConverter

app_name = "articles"

# For the parts that are not slugs: ``str`` would let a NUL byte through to the database.
register_converter(PathPartConverter, "part")
register_converter(CardKeyConverter, "cardkey")

urlpatterns = [
    path("", views.home, name="home"),
    path("learn/", views.subject_list, name="subjects"),
    path("learn/<slug:subject>/", views.subject_detail, name="subject"),
    path(
        "learn/<slug:subject>/questions/",
        RedirectView.as_view(pattern_name="articles:subject", permanent=True),
        name="subject-questions",
    ),
    # The article's url has no trailing slash; the slash variant redirects to it.
    path("learn/<slug:subject>/questions/<part:slug>", views.article_detail, name="article"),
    path("learn/<slug:subject>/questions/<part:slug>/", views.article_with_slash),
    path("keywords/<part:slug>/", views.keyword_detail, name="keyword"),
    path("search/", views.search_results, name="search"),
    path("search/suggest", views.search_suggest, name="search-suggest"),
    path("feeds/latest.rss", feeds.LatestRss(), name="feed-rss"),
    path("feeds/latest.atom", feeds.LatestAtom(), name="feed-atom"),
    path("feeds/subjects/<slug:subject>.rss", feeds.SubjectRss(), name="subject-feed-rss"),
    path("feeds/subjects/<slug:subject>.atom", feeds.SubjectAtom(), name="subject-feed-atom"),
    path("feeds/style.xsl", stylesheets.feed_style, name="feed-style"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap.xsl", stylesheets.sitemap_style, name="sitemap-style"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    # Social cards (og:image): the key is a digest of what the card shows (articles.site.cards).
    path("cards/learn/<slug:subject>/<part:slug>/<cardkey:key>.png", cards.article_card, name="article-card"),
    path("cards/subjects/<slug:subject>/<cardkey:key>.png", cards.subject_card, name="subject-card"),
    path("cards/site/<cardkey:key>.png", cards.site_card, name="site-card"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
