"""Keywords are shown in the file's order, stored at import and kept by admin edits."""

import re
from html import unescape

import pytest
from django.utils.text import slugify

from articles.editorial import editing
from articles.importing.importer import import_paths
from articles.models import Article
from tests.sources import write_source

pytestmark = pytest.mark.django_db


def shown_keywords(client, url):
    """The slugs of the keywords under an article, linked or not (a keyword no other article shares is
    shown without a link)."""
    html = client.get(url).content.decode()
    names = re.findall(r'<li><(?:a href="/keywords/[^"]+" rel="tag"|span class="tag-alone")>([^<]+)<', html)
    return [slugify(unescape(name)) for name in names]


def test_an_article_lists_its_keywords_in_the_files_order(client, tmp_path):
    write_source(tmp_path, slug="a", keywords="zeta, Alpha, mid term, alpha")  # "alpha" again: once
    import_paths([tmp_path])
    url = Article.objects.get().url
    assert shown_keywords(client, url) == ["zeta", "alpha", "mid-term"]


def test_an_admin_edit_that_reorders_keywords_shows_the_new_order(client, tmp_path):
    write_source(tmp_path, slug="a", keywords="zeta, alpha")
    import_paths([tmp_path])
    article = Article.objects.select_related("subject").get()
    article.seo_keywords = "alpha, zeta"
    editing.save_article(article)
    assert shown_keywords(client, article.url) == ["alpha", "zeta"]
