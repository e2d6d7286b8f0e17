from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from community.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def endpoints() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.select_related("created_by").order_by("pk")


def endpoint_get(*, pk: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, pk=pk)


def deliveries_of(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The delivery log, newest first (the attempts are on each delivery's page)."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")


def delivery_get(*, pk: int) -> WebhookDelivery:
    return get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)


def attempts_of(*, delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return delivery.attempt_log.order_by("-started_at", "-pk")
