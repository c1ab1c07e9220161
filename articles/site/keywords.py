"""Keywords that lead somewhere: spellings of one keyword shown as one, links only to pages worth a visit.

A keyword is its slug (case and spacing already fold into it: "Machine Learning", "machine learning").
Singular and plural still make two ("derivative", "derivatives"): ``spelling_key`` folds them, and a
keyword page lists the articles of every spelling it finds. Three quarters of the keywords sit on a
single article, so an article links a keyword only when its page offers at least one other article.
The names stay the file's, in the file's order: a merged keyword shows its first spelling.
"""

import re

from django.db.models import Count, Exists, OuterRef
from django.http import Http404

from ..models import Article, ArticleKeyword, Keyword

RELATED_KEYWORDS = 12
_SIBILANT_ES = re.compile(r"(ss|sh|ch|x|z)es$")
# Words whose final "s" is not a plural's: "analysis", "status", "virus", "glass", "physics".
_NOT_PLURAL = re.compile(r"(ss|us|is|ics|ous|as)$")


def singular(word):
    """The singular of an English word's regular plural; other words come back unchanged."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and _SIBILANT_ES.search(word):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not _NOT_PLURAL.search(word):
        return word[:-1]
    return word


def spelling_key(slug):
    """What the spellings of one keyword share: its slug with the last word made singular."""
    head, _, last = slug.rpartition("-")
    return f"{head}-{singular(last)}" if head else singular(last)


def spellings(slug):
    """The slugs another spelling of this keyword could have: singular, plurals, the slug itself."""
    key = spelling_key(slug)
    variants = {slug, key, f"{key}s", f"{key}es"}
    if key.endswith("y"):
        variants.add(f"{key[:-1]}ies")
    return variants


def merged(keywords):
    """[(slug, name)] in the file's order -> [(key, slug, name)], one per keyword however spelt."""
    seen = {}
    for slug, name in keywords:
        seen.setdefault(spelling_key(slug), (slug, name))
    return [(key, slug, name) for key, (slug, name) in seen.items()]


def shared_keys(article_id, slugs):
    """The spelling keys of ``slugs`` that some other published article carries, however spelt: one query."""
    slugs = set().union(*(spellings(slug) for slug in slugs)) if slugs else set()
    if not slugs:
        return set()
    others = ArticleKeyword.objects.filter(
        tag=OuterRef("pk"), content_object__in=Article.objects.published().exclude(pk=article_id)
    )
    found = Keyword.objects.filter(slug__in=slugs).filter(Exists(others)).values_list("slug", flat=True)
    return {spelling_key(slug) for slug in found}


def keyword_group(slug):
    """(every stored spelling, the keyword at ``slug``, the spelling whose page is canonical): one query.

    Http404 when no keyword has that slug. The canonical page is the shortest slug (the singular,
    where it exists), so every spelling's page points search engines to one address.
    """
    group = list(Keyword.objects.filter(slug__in=spellings(slug)).order_by("id"))
    keyword = next((each for each in group if each.slug == slug), None)
    if keyword is None:
        raise Http404("No such keyword")
    canonical = min(group, key=lambda each: (len(each.slug), each.slug))
    return group, keyword, canonical


def related_keywords(group):
    """Keywords that most often share an article with the group, merged by spelling.

    A keyword counts only from two shared articles up: its page then lists at least two, so the link
    leads somewhere. [(slug, name)], the most shared first.
    """
    ids = [keyword.id for keyword in group]
    keys = {spelling_key(keyword.slug) for keyword in group}
    articles = ArticleKeyword.objects.filter(
        tag__in=ids, content_object__in=Article.objects.published()
    ).values("content_object")
    rows = (
        ArticleKeyword.objects.filter(content_object__in=articles)
        .exclude(tag__in=ids)
        .values("tag__slug", "tag__name")
        .annotate(n=Count("content_object", distinct=True))
        .filter(n__gte=2)
        .order_by("-n", "tag__name")[: 3 * RELATED_KEYWORDS]
    )
    related = {}
    for row in rows:
        key = spelling_key(row["tag__slug"])
        if key not in keys:
            related.setdefault(key, (row["tag__slug"], row["tag__name"]))
    return list(related.values())[:RELATED_KEYWORDS]
