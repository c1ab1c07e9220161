"""Keywords cleaned up: rename one, merge several into one, delete unused ones.

A keyword lives in two places: the Keyword rows the pages list (ArticleKeyword, in the file's order by
``position``) and each article's ``seo_keywords``, the file's own text, from which every save and every
import makes those rows again. A change here rewrites both, so neither brings the old keyword back: an
article whose text changes is marked edited (a re-import keeps the change, as for any edit), and the
slugs that stop existing answer 301 to the keyword that took their articles (KeywordRedirect).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from ..models import Article, ArticleKeyword, Keyword, KeywordRedirect
from ..source import KEYWORD_MAX_LENGTH, SourceError, keyword_slug, split_keywords

BATCH = 500


class KeywordRefused(Exception):
    """A rename or merge that would break a rule: no slug, too long, or a name another keyword has."""


@dataclass
class Outcome:
    articles: int = 0  # articles whose keywords were rewritten
    redirects: int = 0  # old keyword pages now answering 301


def used():
    return Exists(ArticleKeyword.objects.filter(tag=OuterRef("pk")))


def article_counts(keywords):
    """{keyword id: number of articles} for the given keyword ids: one grouped query."""
    return dict(
        ArticleKeyword.objects.filter(tag__in=keywords)
        .values_list("tag")
        .annotate(n=Count("content_object"))
        .order_by()
    )


def clean_name(name, keyword=None):
    """The name as stored (spaces folded); KeywordRefused when no keyword may take it."""
    name = " ".join(name.split())
    slug = keyword_slug(name)
    if not slug:
        raise KeywordRefused(f"“{name}” has no letters or digits.")
    if len(name) > KEYWORD_MAX_LENGTH or len(slug) > KEYWORD_MAX_LENGTH:
        raise KeywordRefused(f"A keyword has at most {KEYWORD_MAX_LENGTH} characters.")
    others = Keyword.objects.exclude(pk=keyword.pk) if keyword else Keyword.objects.all()
    taken = others.filter(slug=slug).first()
    if taken:
        raise KeywordRefused(f"“{taken.name}” has the same slug ({slug}): merge the two instead.")
    if others.filter(name=name).exists():
        raise KeywordRefused(f"Another keyword is named “{name}”.")
    return name


def rewrite(text, renames):
    """``text`` (comma-separated keywords) with each keyword whose slug is in ``renames`` ({slug: name})
    written as its new name; a keyword that now comes twice stays at its first place."""
    names, seen = [], set()
    for raw in text.split(","):
        name = " ".join(raw.split())
        slug = keyword_slug(name)
        if not slug:
            continue
        if slug in renames:
            name = renames[slug]
            slug = keyword_slug(name)
        if slug not in seen:
            seen.add(slug)
            names.append(name)
    return ", ".join(names)


@transaction.atomic
def rename(keyword, name, *, on_change=None):
    """Give ``keyword`` a new name; a new slug moves its page (the old one answers 301)."""
    name = clean_name(name, keyword)
    old_slug = keyword.slug
    keyword.name, keyword.slug = name, keyword_slug(name)
    keyword.save(update_fields=["name", "slug"])
    outcome = Outcome()
    if keyword.slug != old_slug:
        outcome.redirects = leave_redirects([old_slug], keyword)
    outcome.articles = retext(
        Article.objects.filter(keyword_items__tag=keyword), {old_slug: name}, on_change=on_change
    )
    return outcome


@transaction.atomic
def merge(survivor, others, *, name=None, on_change=None):
    """Merge ``others`` into ``survivor`` (optionally renamed): their articles take the survivor where
    they had any of them, in the same place; their pages answer 301 to the survivor's."""
    others = [keyword for keyword in others if keyword.pk != survivor.pk]
    if not others:
        raise KeywordRefused("Choose at least two keywords to merge.")
    old_slug = survivor.slug
    if name and name != survivor.name:
        survivor.name = clean_name(name, survivor)
        survivor.slug = keyword_slug(survivor.name)
        survivor.save(update_fields=["name", "slug"])
    renames = {keyword.slug: survivor.name for keyword in others}
    renames[old_slug] = survivor.name
    affected = Article.objects.filter(keyword_items__tag__in=[*others, survivor]).distinct()
    articles = retext(affected, renames, on_change=on_change)
    slugs = [keyword.slug for keyword in others] + ([old_slug] if old_slug != survivor.slug else [])
    KeywordRedirect.objects.filter(keyword__in=others).update(keyword=survivor)
    redirects = leave_redirects(slugs, survivor)
    Keyword.objects.filter(pk__in=[keyword.pk for keyword in others]).delete()
    return Outcome(articles=articles, redirects=redirects)


def leave_redirects(old_slugs, keyword):
    """Old slugs answer 301 to ``keyword``'s page; a redirect from its own slug would loop: dropped."""
    KeywordRedirect.objects.filter(old_slug=keyword.slug).delete()
    KeywordRedirect.objects.filter(old_slug__in=old_slugs).delete()
    KeywordRedirect.objects.bulk_create(KeywordRedirect(old_slug=slug, keyword=keyword) for slug in old_slugs)
    return len(old_slugs)


def retext(articles, renames, *, on_change=None):
    """Rewrite the keywords of ``articles`` by ``renames``: their text, then their keyword rows in the
    text's order. Set-based (a keyword can sit on thousands of articles); returns how many changed."""
    rows = list(articles.order_by("pk").values_list("pk", "url", "seo_keywords"))
    changed = [(pk, url, rewrite(text, renames)) for pk, url, text in rows]
    changed = [row for row, (_, _, before) in zip(changed, rows, strict=True) if row[2] != before]
    if not changed:
        return 0
    if on_change:
        on_change(Article.objects.filter(pk__in=[pk for pk, _, _ in changed]))
    now = timezone.now()
    Article.objects.bulk_update(
        [
            Article(pk=pk, seo_keywords=text, edited=True, content_changed_at=now, site_changed_at=now)
            for pk, _, text in changed
        ],
        ["seo_keywords", "edited", "content_changed_at", "site_changed_at"],
        batch_size=BATCH,
    )
    wanted = {pk: keyword_list(text, url) for pk, url, text in changed}
    ids = keyword_ids({slug: name for pairs in wanted.values() for slug, name in pairs})
    ArticleKeyword.objects.filter(content_object__in=list(wanted)).delete()
    ArticleKeyword.objects.bulk_create(
        (
            ArticleKeyword(content_object_id=pk, tag_id=ids[slug], position=position)
            for pk, slugs in wanted.items()
            for position, (slug, _) in enumerate(slugs, start=1)
        ),
        batch_size=BATCH,
    )
    return len(changed)


def keyword_list(text, url):
    try:
        return split_keywords(text, url)
    except SourceError as exc:  # too long: the rename itself was refused before, so this is old data
        raise KeywordRefused(str(exc)) from None


def keyword_ids(names):
    """{slug: keyword id} for ``names`` ({slug: name}); a slug with no keyword (the text and the rows
    disagreed before) gets one, as a save would make it."""
    ids = dict(Keyword.objects.filter(slug__in=names).values_list("slug", "pk"))
    for slug in names.keys() - ids.keys():
        name = names[slug]
        if Keyword.objects.filter(name=name).exists():
            name = f"{name} ({slug})"
        ids[slug] = Keyword.objects.create(slug=slug, name=name).pk
    return ids


def delete_unused(keywords):
    """Delete those of ``keywords`` no article has; returns (deleted, kept because in use)."""
    keywords = keywords.annotate(in_use=used())
    unused = [pk for pk, in_use in keywords.values_list("pk", "in_use") if not in_use]
    kept = keywords.count() - len(unused)
    Keyword.objects.filter(pk__in=unused).delete()
    return len(unused), kept
