"""Subjects, articles and the relations between them.

An article's identity is its ``url`` (source ids are not unique); a subject's is its slug.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

# Lengths measured over the whole corpus (FORMAT.md), with headroom; the source layer refuses longer.
from ..source.fields import (
    NAME_LENGTH,
    SHORT_LENGTH,
    SLUG_LENGTH,
    SUBJECT_SLUG_LENGTH,
    TITLE_LENGTH,
    URL_LENGTH,
)

__all__ = ["NAME_LENGTH", "SHORT_LENGTH", "SLUG_LENGTH", "TITLE_LENGTH", "URL_LENGTH"]


class Keyword(TagBase):
    """A keyword; its slug is its identity. Real keywords run to 139 characters."""

    name = models.CharField(max_length=NAME_LENGTH, unique=True)
    slug = models.SlugField(max_length=NAME_LENGTH, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("articles:keyword", kwargs={"slug": self.slug})


class Subject(models.Model):
    slug = models.SlugField(max_length=SUBJECT_SLUG_LENGTH, unique=True, allow_unicode=False)
    name = models.CharField(max_length=NAME_LENGTH)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:subject", kwargs={"subject": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public sees: published, and its publish time reached."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def indexable(self, now=None):
        """What search engines are offered: published and not ``no_index``."""
        return self.published(now).filter(no_index=False)

    def with_visibility(self, visibility, now=None):
        """Articles in one of the states the admin shows: draft, scheduled, published or removed."""
        now = now or timezone.now()
        published = Q(status=Article.Status.PUBLISHED)
        return self.filter(
            {
                Article.Visibility.DRAFT: Q(status=Article.Status.DRAFT),
                Article.Visibility.SCHEDULED: published & Q(publish_at__gt=now),
                Article.Visibility.PUBLISHED: published & Q(publish_at__lte=now),
                Article.Visibility.REMOVED: Q(status=Article.Status.REMOVED),
            }[visibility]
        )


class Article(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        DRAFT = "draft", "Draft"
        REMOVED = "removed", "Removed"

    class Visibility(models.TextChoices):
        """What the public sees: the status, with "published" split by the publish time."""

        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        REMOVED = "removed", "Removed"

    # Identity and place.
    url = models.CharField(max_length=URL_LENGTH, unique=True)
    # Indexed through article_subject_latest, which starts with the subject.
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="articles", db_index=False)
    slug = models.CharField(max_length=SLUG_LENGTH, help_text="The url's last part: file_name without .md.")
    source_subject = models.CharField(max_length=NAME_LENGTH, help_text="The subject as the file spells it.")

    # Content, as the file has it (the file owns these fields).
    source_id = models.IntegerField("source id", help_text="The file's id: not unique, may be negative.")
    date = models.DateField()
    title = models.CharField(max_length=TITLE_LENGTH)
    article_title = models.CharField(max_length=TITLE_LENGTH)
    question = models.CharField(max_length=TITLE_LENGTH)
    answer_source = models.TextField(help_text="The answer as written in the file (\\n encoded).")
    answer = models.TextField(help_text="The answer's Markdown.")
    answer_html = models.TextField(editable=False, help_text="Rendered from the Markdown on import or save.")
    date_format = models.CharField(max_length=SHORT_LENGTH, default="MMM DD, YYYY")
    post_on_text = models.CharField(max_length=NAME_LENGTH, default="Posted on")
    author = models.CharField(max_length=NAME_LENGTH, default="QuickTakes")
    seo_title = models.CharField("SEO title", max_length=TITLE_LENGTH, blank=True)
    seo_description = models.TextField("SEO description", blank=True)
    seo_keywords = models.TextField("SEO keywords", blank=True)
    score = models.FloatField(null=True, blank=True)
    no_index = models.BooleanField(default=False, help_text="Hide from search engines.")
    schema = models.CharField(max_length=SHORT_LENGTH, default="default")
    keywords = TaggableManager(
        through="ArticleKeyword", blank=True, help_text="Comma-separated; one keyword per slug."
    )

    # Source: where it came from, exactly as read.
    file_name = models.CharField(max_length=SLUG_LENGTH + 3)
    source_path = models.CharField(max_length=1000, blank=True)
    source_text = models.TextField(blank=True, help_text="The whole source file as read.")
    file_hash = models.CharField(max_length=64, blank=True)
    importer_version = models.CharField(max_length=20, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    content_changed_at = models.DateTimeField(default=timezone.now, help_text="Sitemap lastmod.")
    edited = models.BooleanField(default=False, help_text="Changed in the admin since the last import.")
    site_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Last change made on the site: edit, move, publishing.",
    )

    # Publishing: the site owns these fields.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    publish_at = models.DateTimeField(default=timezone.now)  # indexed through article_latest

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        indexes = [
            # status before publish_at: on SQLite status sits after the long text columns, and reading
            # it from the row costs overflow pages; in the index, counting a subject's articles is cheap.
            models.Index(fields=["subject", "status", "-publish_at", "-id"], name="article_subject_latest"),
            models.Index(fields=["-publish_at", "-id"], name="article_latest"),
            # Twins (one question under several urls, see articles.seo): found and ranked in the index.
            models.Index(
                fields=["source_id", "question", "status", "no_index", "publish_at"], name="article_twins"
            ),
            models.Index(fields=["date"], name="article_date"),
            # Draft, scheduled, published, removed: the admin's filters and counts, off the wide table;
            # with no_index and lastmod too, the sitemap index reads nothing else (1.6 s -> 0.1 s at 235k).
            models.Index(
                fields=["status", "publish_at", "date", "no_index", "content_changed_at"],
                name="article_visibility_lastmod",
            ),
            # What a re-import compares, off the wide table: reading file_hash from the row walked the
            # overflow pages of the text stored before it (0.25 s of a corpus re-import warm, 1.8 s cold).
            models.Index(
                fields=["importer_version", "edited", "url", "file_hash"], name="article_import_state"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subject", "slug"], name="article_unique_subject_slug"),
            models.CheckConstraint(condition=Q(url__startswith="/learn/"), name="article_url_is_site_path"),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return self.url

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def visibility(self):
        if self.status == self.Status.PUBLISHED:
            return (
                self.Visibility.SCHEDULED if self.publish_at > timezone.now() else self.Visibility.PUBLISHED
            )
        return self.Visibility(self.status)


class ArticleKeyword(TaggedItemBase):
    content_object = models.ForeignKey(  # indexed through articlekeyword_unique
        "Article", on_delete=models.CASCADE, related_name="keyword_items", db_index=False
    )
    tag = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="article_items")
    # The keyword's place in the file's ``seo.page_keywords``, from 1: pages list keywords in the file's
    # order without splitting the text again on every request.
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="articlekeyword_unique"),
        ]


class RelationQuerySet(models.QuerySet):
    def dangling(self):
        """Relations with no article to show: nothing at the url, or an article removed from the site."""
        removed = Article.objects.filter(status=Article.Status.REMOVED).values("pk")
        return self.filter(Q(target__isnull=True) | Q(target__in=removed))


class Relation(models.Model):
    """One distinct related-article target of a file, in the file's order."""

    source = models.ForeignKey(  # indexed through relation_unique_target
        Article, on_delete=models.CASCADE, related_name="relations", db_index=False
    )
    position = models.PositiveSmallIntegerField()
    target_url = models.CharField(max_length=URL_LENGTH, db_index=True)
    target_title = models.CharField(max_length=TITLE_LENGTH, blank=True)
    target_subject = models.CharField(max_length=NAME_LENGTH, blank=True)
    target_source_id = models.IntegerField(null=True, blank=True)
    target = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_relations"
    )

    objects = RelationQuerySet.as_manager()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target_url"], name="relation_unique_target"),
            models.UniqueConstraint(fields=["source", "position"], name="relation_unique_position"),
        ]

    def __str__(self):
        return self.target_url

    @property
    def is_dangling(self):
        """No article to show: nothing at the url, or the article was removed (loads the target)."""
        return self.target_id is None or self.target.status == Article.Status.REMOVED


class Redirect(models.Model):
    """A permanent redirect left behind when an article's url moves."""

    old_url = models.CharField(max_length=URL_LENGTH, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_url"]

    def __str__(self):
        return f"{self.old_url} -> {self.article.url}"


@dataclass
class Resolution:
    """What lives at a path: an article to show, a url to redirect to (301), or a removed article (410)."""

    article: Article | None = None
    redirect_to: str | None = None
    gone: bool = False


def resolve_path(path, *, preview=False, queryset=None):
    """The one rule for what a public path shows; ``preview`` (staff) also shows drafts and scheduled.

    An article at the path wins unless it was removed; then a redirect from the path (to an article the
    visitor may see); then a removed article answers Gone. Nothing found: an empty Resolution (404).
    ``queryset`` lets a view choose the fields and joins of the article it shows.
    """
    articles = queryset if queryset is not None else Article.objects.select_related("subject")
    article = articles.filter(url=path).exclude(status=Article.Status.REMOVED).first()
    if article is not None and (preview or article.is_published):
        return Resolution(article=article)
    if article is None:
        visible = Article.objects.exclude(status=Article.Status.REMOVED)
        if not preview:
            visible = Article.objects.published()
        moved = Redirect.objects.filter(old_url=path, article__in=visible).values_list(
            "article__url", flat=True
        )
        if redirect_to := moved.first():
            return Resolution(redirect_to=redirect_to)
        if Article.objects.filter(url=path, status=Article.Status.REMOVED).exists():
            return Resolution(gone=True)
    return Resolution()
