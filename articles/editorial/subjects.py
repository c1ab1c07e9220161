"""Subjects merged, and articles moved to another subject: every url that moves leaves a 301.

An article's url is /learn/<subject>/questions/<slug>, so a move changes it: each moving article leaves
a redirect from its old url (places.move_place's rule, set-based here: a subject has thousands of
articles), redirects that pointed at it keep pointing at it, and related links follow, since a relation
points at its article. A subject merged into another is deleted; its own page answers 301 to the other's
(SubjectRedirect). A move into a subject that already has an article with the same slug is refused,
naming the clashes: there is one url for both.
"""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Concat
from django.utils import timezone

from ..models import Article, Redirect, SeoCheck, SeoProblem, Subject, SubjectRedirect
from ..places import subject_prefix, subject_spelling
from . import seo_store
from .editing import MoveRefused

SHOWN_CLASHES = 5
CHUNK = 500


def clashes(articles, target):
    """[(moving article, what holds its new url)] for the articles that cannot move to ``target``."""
    moving = articles.select_related(None).exclude(subject=target)
    found = []
    twins = Article.objects.filter(subject=target, slug=OuterRef("slug"))
    for article in moving.filter(Exists(twins)).only("id", "question", "slug")[:SHOWN_CLASHES]:
        found.append((article, f"“{Article.objects.get(subject=target, slug=article.slug)}”"))
    prefix = subject_prefix(target.slug)
    rows = list(moving.values_list("pk", "slug"))
    for start in range(0, len(rows), CHUNK):
        chunk = {prefix + slug: pk for pk, slug in rows[start : start + CHUNK]}
        held = Redirect.objects.filter(old_url__in=chunk).exclude(article_id__in=chunk.values())
        for redirect in held.select_related("article")[:SHOWN_CLASHES]:
            found.append(
                (Article.objects.get(pk=chunk[redirect.old_url]), f"a redirect to “{redirect.article}”")
            )
    return found


def refusal(found, target):
    listed = "; ".join(f"“{article}” ({holder} is there)" for article, holder in found[:SHOWN_CLASHES])
    return (
        f"Nothing moved: {target.name} already has the url some articles would take. {listed}. "
        "Change their slugs, or remove the copies, first."
    )


@transaction.atomic
def move_articles(articles, target, *, now=None, on_move=None):
    """Move ``articles`` to the subject ``target``; returns how many moved. MoveRefused on a clash."""
    found = clashes(articles, target)
    if found:
        raise MoveRefused(refusal(found, target))
    now = now or timezone.now()
    moving = articles.select_related(None).exclude(subject=target)
    if on_move:
        on_move(moving)
    rows = list(moving.values_list("pk", "url", "slug"))
    ids = [pk for pk, _, _ in rows]
    subjects = set(moving.values_list("subject", flat=True).distinct()) | {target.pk}
    prefix = subject_prefix(target.slug)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        # Moving back: a redirect from the new url to the same article would be a loop.
        for pk, _, slug in chunk:
            Redirect.objects.filter(old_url=prefix + slug, article_id=pk).delete()
        existing = set(
            Redirect.objects.filter(old_url__in=[url for _, url, _ in chunk]).values_list(
                "old_url", flat=True
            )
        )
        Redirect.objects.bulk_create(
            [Redirect(old_url=url, article_id=pk) for pk, url, _ in chunk if url not in existing]
        )
    Article.objects.filter(pk__in=ids).update(
        subject=target,
        url=Concat(Value(prefix), F("slug")),
        source_subject=subject_spelling(target),
        edited=True,
        content_changed_at=now,
        site_changed_at=now,
    )
    SeoCheck.objects.filter(article__in=ids).update(subject=target)
    SeoProblem.objects.filter(article__in=ids).update(subject=target)
    seo_store.recount(subjects)
    return len(ids)


@transaction.atomic
def merge(source, target, *, on_move=None):
    """Merge the subject ``source`` into ``target``: its articles move, then it is deleted and its page
    answers 301 to the target's. Returns how many articles moved."""
    if source.pk == target.pk:
        raise MoveRefused("A subject cannot be merged into itself.")
    moved = move_articles(Article.objects.filter(subject=source), target, on_move=on_move)
    SubjectRedirect.objects.filter(subject=source).update(subject=target)
    leave_redirect(source.slug, target)
    source.delete()
    return moved


def leave_redirect(old_slug, subject):
    """The page of ``old_slug`` answers 301 to ``subject``'s; none from the subject's own slug (a loop)."""
    SubjectRedirect.objects.filter(old_slug=subject.slug).delete()
    SubjectRedirect.objects.update_or_create(old_slug=old_slug, defaults={"subject": subject})


def merge_summary(source, target):
    """What merging ``source`` into ``target`` would do, for the confirmation page."""
    articles = Article.objects.filter(subject=source)
    return {
        "source": source,
        "target": target,
        "count": articles.count(),
        "from_prefix": subject_prefix(source.slug),
        "to_prefix": subject_prefix(target.slug),
        "clashes": clashes(articles, target),
    }


def subjects_by_name():
    return Subject.objects.order_by("name")
