"""What the editorial tools keep: old keyword and subject slugs that answer 301, and SEO findings."""

from django.db import models
from django.utils import timezone

from ..source.fields import NAME_LENGTH, SUBJECT_SLUG_LENGTH
from .content import Article, Keyword, Subject


class KeywordRedirect(models.Model):
    """A keyword slug merged into, or renamed to, another keyword: its page answers 301 to the keyword's.

    A keyword created later with the old slug wins: the redirect serves only where no keyword page does.
    """

    old_slug = models.SlugField(max_length=NAME_LENGTH, unique=True, allow_unicode=True)
    keyword = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} -> {self.keyword_id}"


class SubjectRedirect(models.Model):
    """A subject slug merged into, or moved to, another subject: its page answers 301 to the subject's."""

    old_slug = models.SlugField(max_length=SUBJECT_SLUG_LENGTH, unique=True)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} -> {self.subject_id}"


class SeoCheck(models.Model):
    """What the SEO checks compare across articles, one narrow row per article: a key of its SEO title
    and of its description ("" when empty). Duplicates are rows sharing a key, found in an index of this
    table, never by reading the wide article rows."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+", db_index=False)
    title_key = models.CharField(max_length=32, blank=True)
    description_key = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = "SEO check"
        indexes = [
            models.Index(fields=["title_key"], name="seocheck_title"),
            models.Index(fields=["description_key"], name="seocheck_description"),
        ]

    def __str__(self):
        return f"SEO check of article {self.article_id}"


class SeoProblem(models.Model):
    """One problem the SEO checks found on an article (articles.editorial.seo_checks).

    The subject is the article's, kept here so that the report counts and lists a subject's problems
    from this table's index alone.
    """

    class Kind(models.TextChoices):
        TITLE_LONG = "title_long", "Title wider than a search result shows"
        TITLE_DUPLICATE = "title_duplicate", "SEO title shared with other articles"
        DESCRIPTION_MISSING = "description_missing", "No description"
        DESCRIPTION_SHORT = "description_short", "Description too short"
        DESCRIPTION_LONG = "description_long", "Description cut off in search results"
        DESCRIPTION_DAMAGED = "description_damaged", "Damaged description (stray TeX, unbalanced $)"
        DESCRIPTION_DUPLICATE = "description_duplicate", "Description shared with other articles"
        NO_KEYWORDS = "no_keywords", "No keywords"
        DANGLING_RELATED = "dangling_related", "Dangling related articles"
        EMPTY_ANSWER = "empty_answer", "Empty answer"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "SEO problem"
        constraints = [
            models.UniqueConstraint(fields=["article", "kind"], name="seoproblem_unique_kind"),
        ]
        indexes = [
            models.Index(fields=["kind", "article"], name="seoproblem_kind_article"),
            models.Index(fields=["kind", "subject", "article"], name="seoproblem_kind_subject"),
            models.Index(fields=["subject", "kind"], name="seoproblem_subject_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: article {self.article_id}"


class SeoProblemCount(models.Model):
    """How many articles of a subject have a kind of problem: the report's and the dashboard's counts,
    read from a few hundred rows instead of counting a million (seo_store.recount keeps them)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=SeoProblem.Kind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "SEO problem count"
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind"], name="seoproblemcount_unique_kind"),
        ]

    def __str__(self):
        return f"{self.count} × {self.kind} in subject {self.subject_id}"


class SeoCheckRun(models.Model):
    """A check of every article: when, how long, and the content generation it saw."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0.0)
    articles = models.PositiveIntegerField(default=0)
    generation = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = "SEO check run"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"SEO check of {self.started_at:%Y-%m-%d %H:%M}"
