"""Changes made on the site: edits, moves that leave redirects, publishing, and the importer's view of them.

The admin calls these services and stays thin; tests and the shell can call them too. Ownership follows
the source format: the file owns the content fields (an admin change to one of them marks the article
``edited``, which a re-import respects), the site owns publishing state and redirects.
"""

from django.db import transaction
from django.db.models import DateTimeField, Exists, F, Max, OuterRef, Value
from django.db.models.functions import Concat, Least
from django.utils import timezone
from django.utils.text import slugify

from .. import rendering
from ..models import Article, ArticleKeyword, Keyword, Redirect, Relation, Subject
from ..places import (
    article_url,
    check_article_url,
    move_place,
    resolve_urls,
    subject_prefix,
    subject_spelling,
)
from ..source import SITE_PATH, SourceError, keyword_slug, split_keywords, subject_to_slug
from ..source.fields import ADMIN_FIELDS

NEW_SLUG_LENGTH = 180  # the longest real file names are 179 characters

# Fields the file owns that the admin edits (the field table's, and the subject): changing one is an
# edit. Relations and keywords too.
EDITABLE_FILE_FIELDS = [*ADMIN_FIELDS, "subject_id"]
# Fields the site owns: changing one is not an edit, but it is a change an export --since must see.
SITE_FIELDS = ["status", "publish_at"]


class MoveRefused(Exception):
    """A url cannot move where asked: it belongs to another article or to another article's redirect."""


# -- urls ----------------------------------------------------------------------------------------


def subject_slug_problem(slug):
    """Why ``slug`` cannot be a subject's slug in a url the importer accepts, or None."""
    # The importer's own rule (SITE_PATH), not a copy of it: a slug it refuses makes unimportable exports.
    match = SITE_PATH.fullmatch(article_url(slug, "a"))
    if not match or match.group(1) != slug:
        return "A subject slug is words of lowercase letters (a-z) and digits joined by single hyphens."
    return None


def article_slug_problem(slug):
    """Why ``slug`` cannot be an article's slug (its file name without .md) the importer accepts, or None."""
    url = article_url("a", slug)
    match = SITE_PATH.fullmatch(url)
    if not match or match.group(2) != slug or ".." in url:
        return (
            "Use lowercase letters (a-z), digits, hyphens, dots and underscores, starting with a letter or "
            "digit, and no “..”."
        )
    return None


def check_subject_slug(subject, new_slug):
    """Why ``subject`` (saved or not) cannot take ``new_slug``, or None."""
    problem = subject_slug_problem(new_slug)
    if problem:
        return problem
    # An unsaved subject (the add form) has no articles or redirects: exclude by key, never by instance.
    if Subject.objects.exclude(pk=subject.pk).filter(slug=new_slug).exists():
        return f"Another subject has the slug {new_slug}."
    name_slug = subject_to_slug(subject.name)
    if name_slug != new_slug:
        # Source files derive the folder from the subject: url == /learn/<slugify(subject)>/... or the
        # importer refuses the exported file.
        return f"The slug must be the name's slug ({name_slug}): rename the subject too."
    prefix = subject_prefix(new_slug)
    articles = Article.objects.filter(url__startswith=prefix)
    redirects = Redirect.objects.filter(old_url__startswith=prefix)
    if subject.pk is not None:
        articles = articles.exclude(subject_id=subject.pk)
        redirects = redirects.exclude(article__subject_id=subject.pk)
    if articles.exists() or redirects.exists():
        return f"Urls under {prefix} are taken by articles or redirects of another subject."
    return None


# -- saving an edit -----------------------------------------------------------------------------


def encode_answer(markdown):
    r"""The answer as the source format writes it: one line, each newline written as ``\n``."""
    return markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


@transaction.atomic
def save_article(article, *, now=None):
    """Save an article changed in the admin (or created there); return the file-owned fields changed.

    Re-renders the answer, keeps ``answer_source`` in the file's encoding, moves the url (leaving a
    redirect) when the subject or slug changed, syncs keywords from ``seo_keywords``, and marks the
    article ``edited`` when a file-owned field changed, so a re-import keeps the edit.
    """
    now = now or timezone.now()
    fields = [*EDITABLE_FILE_FIELDS, *SITE_FIELDS]
    stored = (
        None if article.pk is None else Article.objects.filter(pk=article.pk).values(*fields, "url").get()
    )
    if stored is None:
        fill_new_article(article, now)
    if stored is None or article.answer != stored["answer"]:
        article.answer_source = encode_answer(article.answer)
    article.answer_html = rendering.render_markdown(article.answer)
    place_article(article, stored and stored["url"])
    changed = mark_changes(article, stored, now)
    article.save()
    if stored is None or "seo_keywords" in changed:
        set_keywords(article, article.seo_keywords)
    return changed


def mark_changes(article, stored, now):
    """Mark what an edit changed (``stored``: the row as it was, None for a new article); return the
    file-owned fields that changed."""
    changed = [
        name for name in EDITABLE_FILE_FIELDS if stored is None or getattr(article, name) != stored[name]
    ]
    if changed:
        article.edited = True
        article.content_changed_at = now
    if changed or any(getattr(article, name) != stored[name] for name in SITE_FIELDS):
        article.site_changed_at = now
    return changed


def place_article(article, old_url):
    """Give ``article`` the url its subject and slug make; a move from ``old_url`` leaves a redirect."""
    new_url = article_url(article.subject.slug, article.slug)
    if new_url != old_url:
        problem = check_article_url(new_url, article)
        if problem:
            raise MoveRefused(problem)
        if old_url:
            move_place(article, old_url, new_url)
    article.url = new_url


def fill_new_article(article, now):
    """The source fields an article created in the admin lacks: an id, a file name, the titles."""
    if not article.slug:
        article.slug = slugify(article.question)[:NEW_SLUG_LENGTH].strip("-") or "question"
    if article.source_id is None:
        highest = Article.objects.aggregate(highest=Max("source_id"))["highest"]
        article.source_id = (highest or 0) + 1
    article.title = article.title or article.question
    article.article_title = article.article_title or article.question
    article.source_subject = subject_spelling(article.subject)
    article.seo_title = article.seo_title or f"QuickTakes | {article.source_subject}"
    article.date = article.date or timezone.localdate(now)
    article.file_name = f"{article.slug}.md"
    article.edited = True
    article.content_changed_at = article.site_changed_at = now


def set_keywords(article, text):
    """Make the article's keywords those of ``text`` in its order (comma-separated; one per slug, the
    first spelling wins); return whether they changed."""
    wanted = split_keywords(text, article.url)
    slugs = [slug for slug, _ in wanted]
    current = list(article.keyword_items.order_by("position").values_list("tag__slug", flat=True))
    if current == slugs:
        return False
    keywords = {keyword.slug: keyword for keyword in Keyword.objects.filter(slug__in=slugs)}
    for slug, name in wanted:
        if slug not in keywords:
            if Keyword.objects.filter(name=name).exists():  # another slug has this exact name
                name = f"{name} ({slug})"
            keywords[slug] = Keyword.objects.create(slug=slug, name=name)
    ArticleKeyword.objects.filter(content_object=article).delete()
    ArticleKeyword.objects.bulk_create(
        ArticleKeyword(content_object=article, tag=keywords[slug], position=position)
        for position, slug in enumerate(slugs, start=1)
    )
    return True


def keyword_problem(text):
    """Why ``text`` is not a keyword list the importer would accept as typed, or None."""
    seen = {}
    for raw in text.split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        slug = keyword_slug(name)
        if not slug:
            return f"“{name}” has no letters or digits."
        if slug in seen:
            return f"“{seen[slug]}” and “{name}” are the same keyword; give it once."
        seen[slug] = name
    try:
        split_keywords(text, "")
    except SourceError as exc:
        return exc.reason
    return None


# -- relations -----------------------------------------------------------------------------------


def set_relations(article, entries):
    """Replace the article's related articles with ``entries`` in order; return whether they changed.

    ``entries`` are dicts with ``target_url`` and optionally ``target`` (an Article), ``target_title``,
    ``target_subject``, ``target_source_id``. A target chosen in the admin lends its url and titles.
    """
    rows, seen = [], {article.url}
    for entry in map(relation_entry, entries):
        if entry["target_url"] not in seen:  # each target once, never the article itself
            seen.add(entry["target_url"])
            rows.append(entry)
    before = list(article.relations.order_by("position").values_list("target_url", "target_id"))
    resolved = resolve_urls({row["target_url"] for row in rows if row.get("target") is None})
    after = [(row["target_url"], _target_id(row, resolved)) for row in rows]
    if before == after:
        return False
    article.relations.all().delete()
    Relation.objects.bulk_create(
        Relation(
            source=article,
            position=position,
            target_url=row["target_url"],
            target_title=row.get("target_title") or "",
            target_subject=row.get("target_subject") or "",
            target_source_id=row.get("target_source_id"),
            target_id=_target_id(row, resolved),
        )
        for position, row in enumerate(rows, start=1)
    )
    if [url for url, _ in before] != [url for url, _ in after]:
        now = timezone.now()
        Article.objects.filter(pk=article.pk).update(edited=True, content_changed_at=now, site_changed_at=now)
        article.edited, article.content_changed_at, article.site_changed_at = True, now, now
    return True


def relation_entry(entry):
    """An entry whose ``target`` was chosen in the admin takes the target's url and titles."""
    target = entry.get("target")
    if target is None:
        return entry
    return {
        "target_url": target.url,
        "target_title": target.question,
        "target_subject": subject_spelling(target.subject),
        "target_source_id": target.source_id,
        "target": target,
    }


def _target_id(row, resolved):
    target = row.get("target")
    return target.pk if target is not None else resolved.get(row["target_url"])


# -- publishing ----------------------------------------------------------------------------------


def publish(articles, now=None, on_change=None):
    """Publish now: drafts and removed articles go live; a scheduled time in the future becomes now."""
    now = now or timezone.now()
    changing = articles.exclude(status=Article.Status.PUBLISHED, publish_at__lte=now)
    return _bulk_update(
        changing,
        on_change,
        status=Article.Status.PUBLISHED,
        publish_at=Least("publish_at", Value(now, DateTimeField())),
    )


def unpublish(articles, on_change=None):
    """Back to draft: gone from pages, listings, sitemap and feeds (404); staff can still preview."""
    changing = articles.exclude(status=Article.Status.DRAFT)
    return _bulk_update(changing, on_change, status=Article.Status.DRAFT)


def remove(articles, on_change=None):
    """Removed from the site: its url answers 410 Gone (unless a redirect is set), relations to it dangle."""
    changing = articles.exclude(status=Article.Status.REMOVED)
    return _bulk_update(changing, on_change, status=Article.Status.REMOVED)


def set_no_index(articles, value, now=None, on_change=None):
    """Hide from search engines (or offer again). ``no_index`` is the file's: an edit."""
    changing = articles.exclude(no_index=value)
    return _bulk_update(
        changing, on_change, no_index=value, edited=True, content_changed_at=now or timezone.now()
    )


def _bulk_update(changing, on_change, **values):
    """Update the articles that change; ``on_change(queryset)`` first sees them (for the history)."""
    with transaction.atomic():
        if on_change:
            on_change(changing)
        return changing.update(**values, site_changed_at=timezone.now())


# -- subjects ------------------------------------------------------------------------------------


@transaction.atomic
def save_subject(subject, *, now=None, on_move=None):
    """Save a subject; a new slug moves its articles' urls, each leaving a permanent redirect.

    ``on_move(articles, message)`` sees the moving articles first (for the history). Returns how many moved.
    """
    old_slug = None
    if subject.pk is not None:
        old_slug = Subject.objects.filter(pk=subject.pk).values_list("slug", flat=True).get()
    moved = 0
    if subject.slug != old_slug:
        # A new subject too: a slug the importer refuses would make every file exported under it unimportable.
        problem = check_subject_slug(subject, subject.slug)
        if problem:
            raise MoveRefused(problem)
        if old_slug is not None:
            if on_move:
                message = f"Moved with its subject from /learn/{old_slug}/ to /learn/{subject.slug}/."
                on_move(Article.objects.filter(subject=subject), message)
            moved = move_subject_articles(subject, old_slug, subject.slug, now or timezone.now())
    subject.save()
    return moved


def move_subject_articles(subject, old_slug, new_slug, now):
    """Every article of ``subject`` moves from /learn/<old_slug>/ to /learn/<new_slug>/: set-based."""
    articles = Article.objects.filter(subject=subject)
    old_prefix, new_prefix = subject_prefix(old_slug), subject_prefix(new_slug)
    # Moving back: redirects from the new urls to the same articles would be loops.
    Redirect.objects.filter(
        article__subject=subject, old_url=Concat(Value(new_prefix), F("article__slug"))
    ).delete()
    already = Redirect.objects.filter(old_url=OuterRef("url"))
    leaving = (
        articles.annotate(has_redirect=Exists(already)).filter(has_redirect=False).values_list("pk", "url")
    )
    Redirect.objects.bulk_create(
        [Redirect(old_url=url, article_id=pk) for pk, url in leaving.iterator()], batch_size=500
    )
    spelling = subject.name if subject_to_slug(subject.name) == new_slug else None
    update = {"url": Concat(Value(new_prefix), F("slug")), "edited": True, "content_changed_at": now}
    update["site_changed_at"] = now
    if spelling:
        update["source_subject"] = spelling
    moved = articles.filter(url__startswith=old_prefix).update(**update)
    return moved


# -- what the importer needs ----------------------------------------------------------------------
