from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.page_cache import PublicContentQuerySet

TITLE_MAX_LENGTH = 140
BODY_MAX_LENGTH = 10_000


class Category(models.Model):
    """A product area, e.g. Cards or Mobile app. Names are stored in both site languages."""

    slug = models.SlugField(unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_fr = models.CharField(_("name (French)"), max_length=80)
    description_en = models.CharField(_("description (English)"), max_length=240, blank=True)
    description_fr = models.CharField(_("description (French)"), max_length=240, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    premoderated = models.BooleanField(
        _("pre-moderated"),
        default=False,
        help_text=_("New ideas in this category wait for a moderator before they are public."),
    )

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if (get_language() or "").startswith("fr") else self.name_en

    @property
    def description(self) -> str:
        return (
            self.description_fr if (get_language() or "").startswith("fr") else self.description_en
        )


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class Status(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


# The workflow: forward along New → Under review → Planned → In progress → Done (steps may be
# skipped), Declined from any open status, and the few ways back that staff need in practice.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.UNDER_REVIEW, Status.PLANNED, Status.DECLINED}),
    Status.UNDER_REVIEW: frozenset({Status.PLANNED, Status.IN_PROGRESS, Status.DECLINED}),
    Status.PLANNED: frozenset({Status.IN_PROGRESS, Status.UNDER_REVIEW, Status.DECLINED}),
    Status.IN_PROGRESS: frozenset({Status.DONE, Status.PLANNED, Status.DECLINED}),
    Status.DONE: frozenset({Status.IN_PROGRESS}),
    Status.DECLINED: frozenset({Status.UNDER_REVIEW}),
}


def public_q(prefix: str = "") -> Q:
    """What makes an idea public: not hidden, not waiting for a moderator, not merged away.

    `prefix` reaches it through a relation, e.g. `public_q("idea__")` on status changes.
    """
    return Q(
        **{
            f"{prefix}hidden_at__isnull": True,
            f"{prefix}pending_at__isnull": True,
            f"{prefix}merged_into__isnull": True,
        }
    )


class IdeaQuerySet(PublicContentQuerySet["Idea"]):
    # The vote's and comment's UPDATEs and the trending refresh: cached pages may show these
    # up to PAGE_CACHE_SECONDS old (config.page_cache).
    page_cache_quiet_fields = frozenset({"vote_count", "comment_count", "trending_score"})

    def public(self) -> "IdeaQuerySet":
        return self.filter(public_q())


class Idea(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(
        _("description"),
        max_length=BODY_MAX_LENGTH,
        # TextField's max_length only reaches forms; the validator makes full_clean() check it.
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
        help_text=_("Markdown: **bold**, *italics*, lists and links."),
    )
    body_html = models.TextField(editable=False, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="ideas")
    campaign = models.ForeignKey(
        "ideas.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("campaign"),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    created_at = models.DateTimeField(auto_now_add=True)  # indexed by idea_new below
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised counts, kept exact by the services with F() updates in the same transaction.
    vote_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    # Stored so the trending list is an index scan (ideas/ranking.py): moved with the counts in
    # the same UPDATE, and recomputed for every idea by the worker as time passes.
    trending_score = models.FloatField(default=0.0, editable=False)
    # Hidden by a moderator: only its author and moderators still see it (ideas.selectors).
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Pre-moderation: set while the idea waits for a moderator; only its author and moderators
    # see it meanwhile (ideas.selectors).
    pending_at = models.DateTimeField(null=True, blank=True)
    # Merged by a moderator into another idea: its page redirects there, lists leave it out.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_ideas",
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        permissions = [
            ("change_idea_status", "Can change an idea's status with an official response")
        ]
        # The three sorts (ideas.selectors.LIST_ORDERINGS) read these backwards, each with the
        # pk as the last key so keyset pagination (ideas/pagination.py) has a total order.
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["category", "-created_at"]),
            models.Index(fields=["trending_score", "id"], name="idea_trending"),
            models.Index(fields=["vote_count", "created_at", "id"], name="idea_top"),
            models.Index(fields=["created_at", "id"], name="idea_new"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", kwargs={"pk": self.pk})

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_pending(self) -> bool:
        return self.pending_at is not None


class Vote(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)
    # A keyed hash of the voter's network (IPv4 /24, IPv6 /48), never the address itself: enough
    # for the vote-ring detector to see many accounts voting from one network.
    network = models.CharField(max_length=16, blank=True, default="")
    # Discounted by a moderator as part of a vote ring: kept, but not counted in vote_count.
    discounted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "idea"], name="one_vote_per_user_per_idea")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.idea}"


class StatusChangeQuerySet(PublicContentQuerySet["StatusChange"]):
    page_cache_quiet_fields = frozenset({"notified_at"})


class StatusChange(models.Model):
    """An official, public staff answer that moves an idea through the workflow."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    response = models.TextField(
        _("official response"),
        max_length=BODY_MAX_LENGTH,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
    )
    response_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the worker once the author has been told, so a retried task sends nothing twice.
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        # The home page's latest official answers read the newest first and stop at five.
        indexes = [models.Index(fields=["-created_at"], name="statuschange_newest")]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"
