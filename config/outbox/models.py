"""An event row per state change, and a delivery row per event and consumer that has run."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxEvent(models.Model):
    """One state change others care about (config.outbox.events), written in the transaction
    that made it. `delivered_at` is set once every consumer has run."""

    name = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A consumer that failed: how often, when to try again (the sweep waits), and why.
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            # The sweep and the backlog metric read only what is waiting, oldest first.
            models.Index(
                fields=["created_at"],
                name="outbox_waiting",
                condition=Q(delivered_at__isnull=True),
            ),
            models.Index(fields=["delivered_at"], name="outbox_delivered"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class OutboxDelivery(models.Model):
    """A consumer has run for an event. Inserted in the consumer's own transaction, so its
    effects and this mark commit together; the unique key makes a second delivery skip it."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(max_length=150)
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="outbox_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.consumer} ← {self.event_id}"
