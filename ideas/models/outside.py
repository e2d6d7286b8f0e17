"""Outside feedback: signals imported from a social-listening, survey or service-desk export.

A signal is never public and never an idea: product managers import them (ideas.outside) so that
themes show how much is said outside the portal about each theme. Its text is masked like every
text on the site before it is stored; its author's handle is kept only as a keyed hash.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ideas.models.themes import ClusteringRun, Theme

SIGNAL_TEXT_MAX_LENGTH = 5_000
SIGNAL_SOURCE_MAX_LENGTH = 80
SIGNAL_URL_MAX_LENGTH = 500


class SignalImport(models.Model):
    """One file imported (or refused): who, which file, the column mapping and the report."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, columns not mapped yet")
        # A large file mapped on the form: the worker imports it (ideas.tasks.signal_upload_run).
        QUEUED = "queued", _("Waiting for the worker")
        IMPORTING = "importing", _("Being imported")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused: nothing imported")

    class Via(models.TextChoices):
        FORM = "form", _("Form")
        COMMAND = "command", _("Command")
        API = "api", _("API")

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    file_name = models.CharField(max_length=255)
    # The uploaded file between the form's two steps (a private directory, SIGNALS_UPLOAD_DIR),
    # deleted once imported or refused.
    stored_name = models.CharField(max_length=100, blank=True)
    encoding = models.CharField(max_length=20, default="utf-8")
    mapping = models.JSONField(default=dict, blank=True)
    skip_rejected = models.BooleanField(default=False)
    rows_read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"row": 12, "reason": "..."}], the first SIGNALS_REPORT_ROWS of each.
    rejected_rows = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)  # why the whole file was refused
    error_field = models.CharField(max_length=20, blank=True)  # the form's field it concerns
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker claimed it (IMPORTING): a claim older than the task's time limit was lost
    # with its worker (ideas.outside.services.signal_uploads_recover).
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name} ({self.state})"

    @property
    def with_the_worker(self) -> bool:
        """Queued for or being imported by the worker: its report asks for itself again."""
        return self.state in (self.State.QUEUED, self.State.IMPORTING)


class Signal(models.Model):
    """One outside post, survey answer or service-desk ticket, masked."""

    batch = models.ForeignKey(SignalImport, on_delete=models.CASCADE, related_name="signals")
    text = models.TextField()  # masked (ideas.pii) before it is stored
    masked_kinds = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=2)
    posted_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=SIGNAL_SOURCE_MAX_LENGTH, db_index=True)
    # HMAC-SHA256 of the handle keyed by SECRET_KEY: distinct authors can be counted, nobody is
    # named. Empty when the file has no author column.
    author_key = models.CharField(max_length=32, blank=True)
    url = models.URLField(max_length=SIGNAL_URL_MAX_LENGTH, blank=True)
    # "u:" + SHA-256 of the normalised URL, else "t:" + SHA-256 of the normalised masked text:
    # the same post is stored once, whichever file brings it.
    dedupe_key = models.CharField(max_length=66, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-posted_at", "-pk"]

    def __str__(self) -> str:
        return f"Signal {self.pk} from {self.source}"


class SignalVector(models.Model):
    """A signal's embedding with the ideas' encoders, computed by the themes run."""

    signal = models.OneToOneField(
        Signal, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    backend = models.CharField(max_length=40)
    data = models.BinaryField()  # float32, L2-normalised, little-endian, as IdeaVector
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.backend} vector of signal {self.signal_id}"


class SignalMembership(models.Model):
    """A signal in a theme of a run (clustered with the ideas, never one of its ideas)."""

    run = models.ForeignKey(
        ClusteringRun, on_delete=models.CASCADE, related_name="signal_memberships"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="signal_memberships")
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="memberships")
    similarity = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "signal"], name="one_theme_per_signal_per_run")
        ]
        indexes = [models.Index(fields=["run", "theme"])]

    def __str__(self) -> str:
        return f"signal {self.signal_id} in theme {self.theme_id} (run {self.run_id})"
