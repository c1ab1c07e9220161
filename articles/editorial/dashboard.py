"""The admin's front page: what the site holds and what the team did, as charts (charts.py).

Every figure comes from an index or a small table, never from reading the wide article rows: articles
by subject from article_subject_latest, by month from article_visibility_lastmod (grouped by day, then
by month here), imports from the import runs, edits from the admin's revisions, SEO problems from the
checks' own table (seo_store.py). About 0.1 s at 235,915 articles (bench/NOTES.md).
"""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from ..models import Article, ImportRun, SeoProblem, Subject
from . import charts, seo_store

TOP_SUBJECTS = 12
WEEKS = 26
MONTHS = 36
# Short enough for a chart's label column.
KIND_LABELS = {
    SeoProblem.Kind.TITLE_LONG: "Title too wide",
    SeoProblem.Kind.TITLE_DUPLICATE: "Shared SEO title",
    SeoProblem.Kind.DESCRIPTION_MISSING: "No description",
    SeoProblem.Kind.DESCRIPTION_SHORT: "Description too short",
    SeoProblem.Kind.DESCRIPTION_LONG: "Description too long",
    SeoProblem.Kind.DESCRIPTION_DAMAGED: "Damaged description",
    SeoProblem.Kind.DESCRIPTION_DUPLICATE: "Shared description",
    SeoProblem.Kind.NO_KEYWORDS: "No keywords",
    SeoProblem.Kind.DANGLING_RELATED: "Dangling related links",
    SeoProblem.Kind.EMPTY_ANSWER: "Empty answer",
}


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


def recent_weeks(today, weeks=WEEKS):
    first = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    return [first + datetime.timedelta(weeks=number) for number in range(weeks)]


def start_of(day):
    """The first moment of ``day`` in the current time zone: compared as is, the column's index serves."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def on_site():
    return Article.objects.exclude(status=Article.Status.REMOVED).order_by()


def by_subject():
    counts = dict(on_site().values_list("subject").annotate(n=Count("pk")))
    changelist = reverse("admin:articles_article_changelist")
    rows = sorted(
        (
            (name, counts.get(pk, 0), f"{changelist}?subject__id__exact={pk}")
            for pk, name in Subject.objects.values_list("pk", "name")
        ),
        key=lambda row: (-row[1], row[0]),
    )
    rest = rows[TOP_SUBJECTS:]
    note = f"{sum(counts.values()):,} articles on the site (drafts and scheduled included)"
    if rest:
        note += f"; {len(rest)} more subjects hold {sum(row[1] for row in rest):,} of them."
    return charts.Chart(
        f"Articles by subject: the {min(TOP_SUBJECTS, len(rows))} largest",
        charts.bars("Articles by subject", rows[:TOP_SUBJECTS]),
        rows=[row[:2] for row in rows],
        note=note,
    )


def by_month():
    """Articles by the month of their date (the file's "Posted on"), from the first month to the last."""
    months = {}
    # Every article by day (the covering index article_date), less the removed ones (a few, through
    # article_visibility_lastmod): filtering the first by status would read every row.
    every = Article.objects.order_by().values_list("date").annotate(n=Count("pk"))
    removed = (
        Article.objects.order_by()
        .filter(status=Article.Status.REMOVED)
        .values_list("date")
        .annotate(n=Count("pk"))
    )
    for rows, sign in ((every, 1), (removed, -1)):
        for day, count in rows:
            key = (day.year, day.month)
            months[key] = months.get(key, 0) + sign * count
    points = []
    if months:
        year, month = min(months)
        last = max(months)
        while (year, month) <= last:
            points.append((datetime.date(year, month, 1).strftime("%b %Y"), (months.get((year, month), 0),)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    points = points[-MONTHS:]
    every = max(1, len(points) // 8)
    return charts.Chart(
        "Articles by month",
        charts.columns("Articles by month", points, every=every),
        rows=[(label, values[0]) for label, values in points],
        headers=("month", "articles"),
    )


def imports_by_week(today):
    weeks = recent_weeks(today)
    totals = {week: [0, 0] for week in weeks}
    runs = ImportRun.objects.filter(dry_run=False, created_at__gte=start_of(weeks[0])).values_list(
        "created_at", "created", "updated"
    )
    for created_at, created, updated in runs:
        week = week_start(timezone.localdate(created_at))
        if week in totals:
            totals[week][0] += created
            totals[week][1] += updated
    points = [(week.strftime("%d %b"), tuple(totals[week])) for week in weeks]
    series = ("created", "updated")
    return charts.Chart(
        "Imports by week",
        charts.columns("Imports by week: articles created and updated", points, series=series, every=4),
        rows=[(label, *values) for label, values in points],
        headers=("week of", *series),
        legend=charts.legend(series),
    )


def edits_by_week(today):
    """Articles changed in the admin each week: saves, bulk actions, moves, restores (not imports)."""
    weeks = recent_weeks(today)
    totals = dict.fromkeys(weeks, 0)
    revisions = (
        Revision.objects.filter(date_created__gte=start_of(weeks[0]), import_run__isnull=True)
        .annotate(n=Count("version"))
        .values_list("date_created", "n")
    )
    for created, count in revisions:
        week = week_start(timezone.localdate(created))
        if week in totals:
            totals[week] += count
    points = [(week.strftime("%d %b"), (totals[week],)) for week in weeks]
    total = sum(totals.values())
    return charts.Chart(
        "Edits by week",
        charts.columns("Edits by week: articles changed in the admin", points, series=("edits",), every=4),
        rows=[(label, values[0]) for label, values in points],
        headers=("week of", "articles changed"),
        note=f"{total:,} article changes in {WEEKS} weeks."
        if total
        else f"No article changed in the admin in {WEEKS} weeks.",
    )


def seo_problems():
    counts = seo_store.counts()
    report = reverse("admin:seo_report")
    rows = [
        (label, counts.get(kind.value, 0), f"{report}?kind={kind.value}")
        for kind, label in KIND_LABELS.items()
    ]
    run = seo_store.last_run()
    note = (
        f"Last full check {timezone.localtime(run.finished_at):%d %b %Y %H:%M}."
        if run
        else "No full check has run yet: start one from the SEO report."
    )
    return charts.Chart(
        "SEO problems by kind",
        charts.bars("SEO problems by kind", rows, css="chart-bars chart-problems"),
        rows=[row[:2] for row in rows],
        headers=("problem", "articles"),
        note=note,
    )


def build(today=None):
    """The dashboard's charts, in the order the page shows them."""
    today = today or timezone.localdate()
    return [by_subject(), by_month(), seo_problems(), imports_by_week(today), edits_by_week(today)]
