"""Webhooks: endpoints admins register, and one delivery per endpoint and event with its
attempts (community/webhooks/, docs/webhooks.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.webhooks.catalog import EndpointRole


class WebhookEndpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    role = models.CharField(
        _("speaks for"), max_length=20, choices=EndpointRole.choices, default=EndpointRole.VISITOR
    )
    # `whsec_...` encrypted with FIELD_ENCRYPTION_KEYS (accounts.encryption); shown once.
    secret = models.TextField(editable=False)
    # The secret before the last rotation, encrypted the same way, signing alongside the new one
    # until `previous_secret_until` (WEBHOOK_SECRET_OVERLAP_HOURS), so a receiver can switch
    # without refusing a message; then the sweep clears it (community.webhooks.services).
    previous_secret = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Failed attempts since the last success, and since when (disabling, docs/webhooks.md).
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class WebhookDelivery(models.Model):
    """One message to one endpoint. `source` names what caused it (an outbox event, and the
    theme for the events of a themes run, or a test), unique per endpoint: a consumer that runs
    twice creates one delivery. Retried with backoff until `WEBHOOK_RETRY_HOURS` after its first
    attempt (`window_started_at`)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=40)
    source = models.CharField(max_length=80)
    message_id = models.CharField(max_length=40, unique=True)
    payload = models.JSONField(default=dict)
    # What the payload is about, re-checked before each attempt (taken down meanwhile: cancelled).
    subject_type = models.CharField(max_length=20, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    window_started_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "source"], name="webhook_delivery_once")
        ]
        indexes = [
            # The sweep's read: what waits, by due time (a few rows whatever the table's size).
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(state__in=["pending", "sending"]),
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → endpoint {self.endpoint_id} ({self.state})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.TextField(blank=True)
    manual = models.BooleanField(default=False)  # a resend or test asked by an admin

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"attempt on delivery {self.delivery_id}: {self.status_code or self.error}"


class WebhookTrendingTheme(models.Model):
    """Themes trending at the last published run, as told to webhooks: `theme.trending` goes
    out when a theme joins this set, and a theme that left it may trend again later."""

    theme = models.OneToOneField("ideas.Theme", on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"theme {self.theme_id} trending since {self.since:%Y-%m-%d}"
