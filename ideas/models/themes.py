"""Themes: groups of similar ideas found by the clustering worker.

A run computes everything in memory and publishes in one transaction: readers always see the
themes of the latest *published* run, so a run that fails or is killed changes nothing visible.
"""

from typing import TypeVar

import numpy as np
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ideas.models.ideas import Idea


class IdeaVector(models.Model):
    """An idea's text embedding, computed once when the idea is written (by the worker)."""

    idea = models.OneToOneField(
        Idea, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    backend = models.CharField(max_length=40)
    # float32, L2-normalised, little-endian: the default 1,280 dimensions take 5 KB.
    data = models.BinaryField()
    # The title alone, same backend and format (5 KB more): a typed title is compared with both,
    # because a long body dilutes the title in `data` (issue #14). Empty until computed: the
    # worker writes both, a themes run fills those missing (ideas.themes.embedding.vectors_for).
    title_data = models.BinaryField(default=b"", blank=True)
    # Hash of the embedded text, so an edited idea is embedded again and an unchanged one is not.
    text_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=2, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.backend} vector of idea {self.idea_id}"

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.data), dtype="<f4")

    def title_array(self) -> np.ndarray | None:
        return np.frombuffer(bytes(self.title_data), dtype="<f4") if self.title_data else None


class RunState(models.TextChoices):
    RUNNING = "running", _("Running")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    FAILED = "failed", _("Failed")


class ClusteringRun(models.Model):
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.RUNNING)
    trigger = models.CharField(max_length=20)  # nightly, new_ideas, manual, startup
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    # Written every THEMES_RUN_HEARTBEAT_SECONDS while the run's worker is alive: a running run
    # whose heartbeat is older than THEMES_RUN_STALE_SECONDS lost its worker (ideas.themes.runs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    backend = models.CharField(max_length=40, blank=True)
    parameters = models.JSONField(default=dict)
    idea_count = models.PositiveIntegerField(default=0)
    theme_count = models.PositiveIntegerField(default=0)
    themed_count = models.PositiveIntegerField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The Celery task that runs it: a redelivered task (its worker died) takes its run over.
    task_id = models.CharField(max_length=64, blank=True)
    # Clusters of signals without any idea (ideas.outside.clustering.outside_only_clusters),
    # largest first, written when the run is published and emptied when it is superseded:
    # [{"size": 5, "sources": {"X": 3}, "names": {"fr": "..."}, "terms": {"fr": [...]},
    #   "examples": [signal ids, most central first]}] (docs/signals.md, "Outside only").
    outside_clusters = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "published_at"
        constraints = [
            # At most one run at a time, enforced by the database for any number of workers.
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="running"), name="one_running_run"
            )
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.state})"

    @property
    def themed_share(self) -> float:
        return self.themed_count / self.idea_count if self.idea_count else 0.0


T = TypeVar("T")


def in_reader_language(english: T, french: T) -> T:
    """The value in the reader's language (Django's active one), else the other one when that
    is empty: a name or key terms the engine wrote in one language only."""
    if (get_language() or "").startswith("fr"):
        return french or english
    return english or french


class ThemeStatus(models.TextChoices):
    # A context of their own: in French a theme is masculine, an idea feminine.
    NEW = "new", pgettext_lazy("theme status", "New")
    INVESTIGATING = "investigating", pgettext_lazy("theme status", "Investigating")
    ON_ROADMAP = "on_roadmap", pgettext_lazy("theme status", "On the roadmap")
    DECLINED = "declined", pgettext_lazy("theme status", "Declined")


class Theme(models.Model):
    """A theme keeps its id, name, note and status from run to run while its ideas overlap."""

    # Written by the engine (ideas.clustering.labels) at each run: a short name taken from the
    # ideas written in each language, and key terms as written. `label` and `terms` are those of
    # the language most of the theme's ideas are in.
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("name in English"), max_length=200, blank=True)
    label_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    terms_en = models.JSONField(default=list, blank=True)
    terms_fr = models.JSONField(default=list, blank=True)
    # Written by product managers: wins over the engine's name, in every language.
    name = models.CharField(_("name"), max_length=120, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=5_000)
    status = models.CharField(
        _("status"), max_length=20, choices=ThemeStatus.choices, default=ThemeStatus.NEW
    )
    terms = models.JSONField(default=list)
    representative_idea = models.ForeignKey(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The engine's view of the theme in the published run, used to place new ideas.
    centroid = models.BinaryField(null=True, blank=True)
    threshold = models.FloatField(default=1.0)
    size = models.PositiveIntegerField(default=0)
    map_x = models.FloatField(default=0.0)
    map_y = models.FloatField(default=0.0)
    # Outside signals (ideas.outside) the published run put in this theme: how many, and how
    # many per source ({"Service desk": 12, "X": 3}).
    signal_count = models.PositiveIntegerField(default=0)
    signal_sources = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=False, db_index=True)
    first_run = models.ForeignKey(ClusteringRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(ClusteringRun, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-size"]
        permissions = [("manage_themes", "Can review, annotate, export and re-run themes")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The product managers' name if they gave one, else the engine's in the reader's
        language (Django's active language), else in the other one."""
        return self.name or self.engine_label

    @property
    def engine_label(self) -> str:
        """The engine's name in the reader's language, else the other; `label` for themes of
        runs older than the names in two languages."""
        return in_reader_language(self.label_en, self.label_fr) or self.label

    @property
    def key_terms(self) -> list[str]:
        return in_reader_language(self.terms_en, self.terms_fr) or self.terms

    def centroid_array(self) -> np.ndarray | None:
        return None if self.centroid is None else np.frombuffer(bytes(self.centroid), dtype="<f4")


class ThemeMembership(models.Model):
    run = models.ForeignKey(ClusteringRun, on_delete=models.CASCADE, related_name="memberships")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="memberships")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="theme_memberships")
    similarity = models.FloatField()
    # True when the idea joined between runs (nearest theme), not in a full run.
    incremental = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "idea"], name="one_theme_per_idea_per_run")
        ]
        indexes = [models.Index(fields=["run", "theme"])]

    def __str__(self) -> str:
        return f"idea {self.idea_id} in theme {self.theme_id} (run {self.run_id})"


class ThemeEvent(models.Model):
    """What a run did to a theme: continued, created, merged into another, split off, retired."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        CONTINUED = "continued", _("Continued")
        MERGED = "merged", _("Merged into another theme")
        SPLIT = "split", _("Split off another theme")
        RETIRED = "retired", _("Retired")

    run = models.ForeignKey(ClusteringRun, on_delete=models.CASCADE, related_name="events")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    other = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overlap = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind}: theme {self.theme_id} in run {self.run_id}"


# The bounds of the granularity a person may ask for: one theme is no grouping, and beyond a
# few hundred a dashboard is no longer read (and the search's resolution bound is reached).
TARGET_THEMES_MIN = 2
TARGET_THEMES_MAX = 300


class ThemeSettings(models.Model):
    """How the site's themes are found, set on the dashboard by product managers: one row
    (pk 1) per site, read by the next full run. No row means the defaults."""

    SINGLETON = 1

    # None: "Automatic", the engine's own resolution. A number: the themes the person expects
    # (issue #14: the engine cannot tell finer intents from sub-topics on its own).
    target_themes = models.PositiveSmallIntegerField(
        _("expected number of themes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(TARGET_THEMES_MIN), MaxValueValidator(TARGET_THEMES_MAX)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("theme settings")
        verbose_name_plural = _("theme settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_themes__isnull=True)
                | models.Q(
                    target_themes__gte=TARGET_THEMES_MIN, target_themes__lte=TARGET_THEMES_MAX
                ),
                name="theme_settings_target_in_bounds",
            )
        ]

    def __str__(self) -> str:
        return f"themes: {self.target_themes or 'automatic'}"

    @classmethod
    def current(cls) -> "ThemeSettings":
        """The site's settings, unsaved defaults when none were ever set (no write on read)."""
        return cls.objects.filter(pk=cls.SINGLETON).first() or cls(pk=cls.SINGLETON)
