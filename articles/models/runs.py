"""What an import run keeps: the run itself, its upload, each article's state before it, its conflicts."""

from django.db import models
from django.utils import timezone

from ..source.fields import URL_LENGTH
from .content import Article


class ImportRun(models.Model):
    """One import, from the admin or from ``import_articles``: who, when, what, what came of it.

    An admin run starts as an upload: a dry run reports what the files would do, then the import runs
    in the background. The run's revision holds a version of every article it created or changed; its
    ``ImportRunChange`` rows tell the changed ones (and their state before) from the created ones.
    """

    class Origin(models.TextChoices):
        ADMIN = "admin", "Admin upload"
        COMMAND = "command", "import_articles"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Dry run queued"
        CHECKING = "checking", "Dry run running"
        CHECKED = "checked", "Dry run done: ready to import"
        QUEUED = "queued", "Import queued"
        RUNNING = "running", "Importing"
        FINISHED = "finished", "Finished"
        REFUSED = "refused", "Finished with refusals"
        INTERRUPTED = "interrupted", "Interrupted"
        FAILED = "failed", "Failed"
        UNDOING = "undoing", "Undo running"
        UNDONE = "undone", "Undone"

    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.COMMAND)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    dry_run = models.BooleanField(default=False, help_text="A command's --dry-run: nothing was written.")
    overwrite_edits = models.BooleanField(default=False)
    user = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="import_runs"
    )
    label = models.CharField(max_length=300, blank=True, help_text="The upload's name, or the paths given.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last progress reported.")
    seconds = models.FloatField(default=0.0)
    files = models.PositiveIntegerField(default=0)
    files_sha256 = models.CharField("SHA-256 of the files", max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField("refused", default=0)
    conflict_count = models.PositiveIntegerField("conflicts", default=0)
    refusals = models.JSONField(default=list, blank=True)  # [{"path", "reason", "line"}]
    preview = models.JSONField(default=dict, blank=True)  # the dry run: counts, changed files' field diffs
    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="import_run"
    )
    message = models.TextField(blank=True, help_text="What went wrong, or what undo reported.")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undo_report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Import run #{self.pk}"


class ImportUpload(models.Model):
    """The files of an admin upload, as one zip, kept in the database until the run is imported: the
    worker that imports them may run on another machine than the one that took the upload."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="upload")
    name = models.CharField(max_length=300)
    data = models.BinaryField()
    size = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return self.name


class ImportRunChange(models.Model):
    """An article an import run updated, with the columns the run changed as they were before: undo
    writes them back. Created articles need none: undo removes them."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    article_id = models.BigIntegerField()
    before = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "article_id"], name="importrunchange_unique_article")
        ]

    def __str__(self):
        return f"Article {self.article_id} in run #{self.run_id}"


class ImportConflict(models.Model):
    """A changed file an import kept off an article edited in the admin, with the file's text, until an
    editor keeps the edit or takes the file."""

    class Resolution(models.TextChoices):
        OPEN = "", "Open"
        KEPT = "kept", "Kept the edit"
        TAKEN = "taken", "Took the file"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="conflicts")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="import_conflicts")
    url = models.CharField(max_length=URL_LENGTH)
    path = models.CharField(max_length=1000)
    source_text = models.TextField()
    resolution = models.CharField(max_length=5, choices=Resolution.choices, default="", blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["article", "resolution"], name="importconflict_open")]

    def __str__(self):
        return f"Conflict on {self.url}"
