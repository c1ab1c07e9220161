"""The SEO checks' findings, kept for the report and the dashboard: for every article on the site (drafts
and scheduled ones included, removed ones not) a SeoCheck row of keys and a SeoProblem row per problem.

Kept current in two ways. An article saved in the admin is checked at once, with the duplicate groups
its title and description leave or join (``refresh``). Everything else (imports, bulk actions, moves of
other articles that make relations dangle) is caught by ``check_all``, which the report's button and
every admin import queue in the background: at 235,915 articles it takes tens of seconds, which no page
should wait for, so the report says when the last full check ran.
"""

import datetime
import time

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length, Trim
from django.utils import timezone

from ..generation import site_version
from ..models import Article, ArticleKeyword, Relation, SeoCheck, SeoCheckRun, SeoProblem, SeoProblemCount
from . import seo_checks

BATCH = 2000
KEYS = {
    seo_checks.Kind.TITLE_DUPLICATE: "title_key",
    seo_checks.Kind.DESCRIPTION_DUPLICATE: "description_key",
}
FIELDS = ("id", "subject_id", "subject__name", "question", "seo_title", "seo_description")


def on_site(articles):
    return articles.exclude(status=Article.Status.REMOVED)


def article_values(ids):
    """The values the checks read, for the articles ``ids`` still on the site: a dict per article."""
    dangling = Q(target__isnull=True) | Q(target__status=Article.Status.REMOVED)
    relations = {
        row["source"]: row
        for row in Relation.objects.filter(source__in=ids)
        .values("source")
        .annotate(total=Count("pk"), dangling=Count("pk", filter=dangling))
        .order_by()
    }
    keyworded = set(
        ArticleKeyword.objects.filter(content_object__in=ids).values_list("content_object", flat=True)
    )
    rows = (
        on_site(Article.objects.filter(pk__in=ids))
        .annotate(answer_chars=Length(Trim("answer")))
        .values(*FIELDS, "answer_chars")
    )
    for row in rows:
        related = relations.get(row["id"], {})
        yield {
            **row,
            "subject_name": row["subject__name"],
            "has_answer": bool(row["answer_chars"]),
            "has_keywords": row["id"] in keyworded,
            "dangling": related.get("dangling", 0),
            "related": related.get("total", 0),
        }


def findings(ids):
    """(SeoCheck rows, SeoProblem rows but duplicates) of the articles ``ids`` on the site."""
    checks, problems = [], []
    for values in article_values(ids):
        pk, subject = values["id"], values["subject_id"]
        checks.append(
            SeoCheck(
                article_id=pk,
                subject_id=subject,
                title_key=seo_checks.text_key(values["seo_title"]),
                description_key=seo_checks.text_key(values["seo_description"]),
            )
        )
        problems.extend(
            SeoProblem(article_id=pk, subject_id=subject, kind=kind, detail=detail[:200])
            for kind, detail in seo_checks.article_problems(values)
        )
    return checks, problems


def replace_rows(ids, checks, problems, kinds=None):
    """The rows of the articles ``ids`` become ``checks`` and ``problems`` (of ``kinds``, default all)."""
    stale = SeoProblem.objects.filter(article__in=ids)
    if kinds is not None:
        stale = stale.filter(kind__in=kinds)
    stale.delete()
    SeoCheck.objects.filter(article__in=ids).delete()
    SeoCheck.objects.bulk_create(checks, batch_size=500)
    SeoProblem.objects.bulk_create(problems, batch_size=500)


@transaction.atomic
def refresh(ids):
    """Check the articles ``ids`` now, and the duplicate groups they leave or join."""
    ids = list(ids)
    before = list(
        SeoCheck.objects.filter(article__in=ids).values_list("title_key", "description_key", "subject")
    )
    checks, problems = findings(ids)
    own_kinds = [kind for kind in seo_checks.Kind.values if kind not in KEYS]
    replace_rows(ids, checks, problems, own_kinds)
    subjects = {subject for _, _, subject in before} | {check.subject_id for check in checks}
    for position, (kind, field) in enumerate(KEYS.items()):
        keys = {pair[position] for pair in before} | {getattr(check, field) for check in checks}
        SeoProblem.objects.filter(article__in=ids, kind=kind).delete()
        subjects |= sync_duplicates(kind, field, keys - {""}, ids)
    recount(subjects)


def sync_duplicates(kind, field, keys, ids):
    """Make ``kind``'s rows say which articles share one of ``keys`` with another article, after the
    articles ``ids`` were checked again; returns the subjects whose rows changed.

    Only rows that can have changed are touched: the checked articles', and those of groups that became
    or stopped being shared. A group of 29,000 articles with one title costs one index probe a member
    of none of that."""
    if not keys:
        return set()
    sizes = dict(
        SeoCheck.objects.filter(**{f"{field}__in": keys})
        .values_list(field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    alone = [key for key in keys if sizes.get(key, 0) <= 1]
    shared = [key for key in keys if sizes.get(key, 0) > 1]
    # A group no larger than the checked articles plus one may have just become shared: all its members.
    joined = [key for key in shared if sizes[key] <= len(ids) + 1]
    left = list(SeoCheck.objects.filter(**{f"{field}__in": alone}).values_list("article", "subject"))
    SeoProblem.objects.filter(kind=kind, article__in=[pk for pk, _ in left]).delete()
    # Probed per candidate (NOT EXISTS): a NOT IN would first list every flagged article.
    flagged = Exists(SeoProblem.objects.filter(kind=kind, article=OuterRef("article")))
    missing = set()
    # Two queries, not an OR: SQLite reads the whole table for the OR of two indexed conditions.
    for candidates in (
        SeoCheck.objects.filter(**{f"{field}__in": joined}),
        SeoCheck.objects.filter(article__in=ids, **{f"{field}__in": shared}),
    ):
        missing.update(candidates.exclude(flagged).values_list("article_id", "subject_id"))
    SeoProblem.objects.bulk_create(
        [SeoProblem(article_id=pk, subject_id=subject, kind=kind) for pk, subject in missing],
        batch_size=500,
    )
    return {subject for _, subject in left} | {subject for _, subject in missing}


def recount(subjects=None):
    """Count the problems of ``subjects`` (ids; None: every subject) again into SeoProblemCount."""
    problems = SeoProblem.objects.order_by()
    stale = SeoProblemCount.objects.all()
    if subjects is not None:
        subjects = {subject for subject in subjects if subject is not None}
        if not subjects:
            return
        problems = problems.filter(subject__in=subjects)
        stale = stale.filter(subject__in=subjects)
    rows = problems.values_list("subject", "kind").annotate(n=Count("pk"))
    counts = [SeoProblemCount(subject_id=subject, kind=kind, count=n) for subject, kind, n in rows]
    stale.delete()
    SeoProblemCount.objects.bulk_create(counts, batch_size=500)


def counts(subject=None):
    """{kind: number of articles with it}, in one subject or all."""
    rows = SeoProblemCount.objects.order_by()
    if subject is not None:
        rows = rows.filter(subject=subject)
    totals = {}
    for kind, count in rows.values_list("kind", "count"):
        totals[kind] = totals.get(kind, 0) + count
    return totals


def check_all(progress=None):
    """Check every article on the site, in batches (each its own transaction, so imports and edits go
    on meanwhile), then every duplicate group at once. Returns the SeoCheckRun."""
    run = SeoCheckRun.objects.create(generation=site_version())
    started = time.perf_counter()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            replace_rows(batch, *findings(batch))
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    with transaction.atomic():
        for kind, field in KEYS.items():
            all_duplicates(kind, field)
        recount()
    run.finished_at = timezone.now()
    run.seconds = time.perf_counter() - started
    run.articles = SeoCheck.objects.count()
    run.save(update_fields=["finished_at", "seconds", "articles"])
    return run


def all_duplicates(kind, field):
    """``kind``'s rows for every group of articles sharing a key: set-based, in the database."""
    shared = (
        SeoCheck.objects.exclude(**{field: ""})
        .values(field)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values(field)
    )
    SeoProblem.objects.filter(kind=kind).exclude(
        article__in=SeoCheck.objects.filter(**{f"{field}__in": shared}).values("article")
    ).delete()
    missing = (
        SeoCheck.objects.filter(**{f"{field}__in": shared})
        .exclude(article__in=SeoProblem.objects.filter(kind=kind).values("article"))
        .values_list("article_id", "subject_id")
    )
    insert_problems(missing, kind)


def insert_problems(pairs, kind):
    """INSERT ... SELECT: a row of ``kind`` for each (article id, subject id) the queryset selects,
    without bringing a quarter of a million ids through Python."""
    select, params = pairs.query.sql_with_params()
    table = connection.ops.quote_name(SeoProblem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, subject_id, kind, detail) "  # noqa: S608 - names from _meta
            f"SELECT article_id, subject_id, %s, '' FROM ({select}) AS missing",
            [kind, *params],
        )


def last_run():
    return SeoCheckRun.objects.filter(finished_at__isnull=False).first()


def running():
    """The full check under way, if one started in the last hour and has not finished."""
    recent = timezone.now() - datetime.timedelta(hours=1)
    return SeoCheckRun.objects.filter(finished_at__isnull=True, started_at__gte=recent).first()
