"""Webhooks are one more consumer of the outbox's events (docs/architecture.md, "Events"): each
consumer makes one delivery per subscribed endpoint, keyed by the outbox event's id, so running
it twice makes nothing more; the worker sends them (community.webhooks.services).

Loaded by community.consumers (CommunityConfig.ready)."""

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from django.urls import reverse

from accounts.roles import MANAGE_WEBHOOKS, staff_role_of, users_with_permission
from community.events import CommentPosted, ComplaintOpened, WebhookEndpointDisabled
from community.models import (
    Comment,
    ComplaintCase,
    NotificationKind,
    WebhookEndpoint,
    WebhookTrendingTheme,
)
from community.notifications.services import Message, notify_admins
from community.webhooks import catalog, payloads
from community.webhooks.services import Builder, deliveries_create
from config.outbox.events import current_event_id, subscribe
from ideas.events import IdeaMerged, IdeaPublished, IdeaSubmitted, StatusChanged, ThemeRunPublished
from ideas.models import Idea, StatusChange, ThemeEvent
from ideas.themes import selectors as theme_selectors

T = TypeVar("T")


def _source(*parts: object) -> str:
    """The key of a delivery's cause: the outbox event (and a part of it), unique per endpoint."""
    return ":".join(["outbox", str(current_event_id()), *map(str, parts)])


def _for_every_role(data: payloads.Payload) -> Builder:
    """Themes and complaints: the event type's permission already chose the roles."""
    return lambda role: data


def _idea(idea_id: int) -> Idea | None:
    return (
        Idea.objects.select_related("author", "category")
        .prefetch_related(staff_role_of("author"))
        .filter(pk=idea_id)
        .first()
    )


def _deliver(
    event_type: str,
    load: Callable[[], T],
    payload: Callable[[T, str], Any],
    **about: Any,
) -> None:
    """Deliveries of `event_type`, the row read by `load` once and only if some endpoint wants
    the event: with none registered (most sites), a consumer costs the endpoints' query alone."""
    row = cache(load)
    deliveries_create(
        event_type=event_type, source=_source(), build=lambda role: payload(row(), role), **about
    )


@subscribe(IdeaSubmitted)
def webhook_idea_created(event: IdeaSubmitted) -> None:
    _deliver(
        catalog.IDEA_CREATED,
        lambda: _idea(event.idea_id),
        payloads.idea_payload,
        subject_type="idea",
        subject_id=event.idea_id,
    )


@subscribe(IdeaPublished)
def webhook_idea_published(event: IdeaPublished) -> None:
    _deliver(
        catalog.IDEA_PUBLISHED,
        lambda: _idea(event.idea_id),
        payloads.idea_payload,
        subject_type="idea",
        subject_id=event.idea_id,
    )


@subscribe(StatusChanged)
def webhook_status_changed(event: StatusChanged) -> None:
    _deliver(
        catalog.IDEA_STATUS_CHANGED,
        lambda: (
            StatusChange.objects.select_related("idea__author", "idea__category", "changed_by")
            .filter(pk=event.status_change_id)
            .first()
        ),
        payloads.status_change_payload,
        subject_type="idea",
        subject_id=event.idea_id,
    )


@subscribe(IdeaMerged)
def webhook_idea_merged(event: IdeaMerged) -> None:
    _deliver(
        catalog.IDEA_MERGED,
        lambda: (_idea(event.duplicate_id), _idea(event.into_id)),
        lambda pair, role: payloads.merged_payload(pair[0], pair[1], role),
        subject_type="idea",
        subject_id=event.into_id,
    )


@subscribe(CommentPosted)
def webhook_comment_posted(event: CommentPosted) -> None:
    _deliver(
        catalog.COMMENT_POSTED,
        lambda: (
            Comment.objects.select_related("idea", "author")
            .prefetch_related(staff_role_of("author"))
            .filter(pk=event.comment_id)
            .first()
        ),
        payloads.comment_payload,
        subject_type="comment",
        subject_id=event.comment_id,
    )


@subscribe(ComplaintOpened)
def webhook_complaint_opened(event: ComplaintOpened) -> None:
    case = ComplaintCase.objects.select_related("member").filter(pk=event.case_id).first()
    if case is None:
        return
    deliveries_create(
        event_type=catalog.COMPLAINT_OPENED,
        source=_source(),
        build=_for_every_role(payloads.complaint_payload(case)),
        subject_type="complaint",
        subject_id=case.pk,
    )


@subscribe(ThemeRunPublished)
def webhook_themes_of_the_run(event: ThemeRunPublished) -> None:
    """`theme.created` for each theme the run created (or split off another), `theme.trending`
    for each theme that trends now and did not at the previous run (WebhookTrendingTheme keeps
    which did; the consumer runs once per event, so the set moves once per run). With no endpoint
    wanting `theme.trending` the set is left as it is: an endpoint registered later hears of the
    themes trending at the next run."""
    created = (
        ThemeEvent.objects.filter(
            run_id=event.run_id, kind__in=[ThemeEvent.Kind.CREATED, ThemeEvent.Kind.SPLIT]
        )
        .select_related("theme")
        .order_by("pk")
    )
    for row in created:
        deliveries_create(
            event_type=catalog.THEME_CREATED,
            source=_source(catalog.THEME_CREATED, row.theme_id),
            build=_for_every_role(payloads.theme_payload(row.theme)),
            subject_type="theme",
            subject_id=row.theme_id,
        )
    wanted = any(
        catalog.THEME_TRENDING in endpoint.events
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).only("events")
    )
    if not wanted:  # the dashboard's figures are not worth computing for nobody
        return
    _run, summaries = theme_selectors.theme_summaries(top_ideas=0)
    trending = {s.theme.pk: s for s in summaries if s.trend.is_trending}
    WebhookTrendingTheme.objects.exclude(theme_id__in=list(trending)).delete()
    known = set(WebhookTrendingTheme.objects.values_list("theme_id", flat=True))
    for theme_id, summary in trending.items():
        if theme_id in known:
            continue
        WebhookTrendingTheme.objects.create(theme_id=theme_id)
        deliveries_create(
            event_type=catalog.THEME_TRENDING,
            source=_source(catalog.THEME_TRENDING, theme_id),
            build=_for_every_role(payloads.theme_payload(summary.theme, summary.trend)),
            subject_type="theme",
            subject_id=theme_id,
        )


@subscribe(WebhookEndpointDisabled)
def tell_admins_of_the_disabled_endpoint(event: WebhookEndpointDisabled) -> None:
    endpoint = WebhookEndpoint.objects.filter(pk=event.endpoint_id).first()
    if endpoint is None or endpoint.disabled_at is None:
        return

    notify_admins(
        recipients=users_with_permission(MANAGE_WEBHOOKS),
        kind=NotificationKind.WEBHOOK_DISABLED,
        event=f"webhook_disabled:{endpoint.pk}:{endpoint.disabled_at:%Y%m%d%H%M%S}",
        message=Message("webhook_disabled", {"url": endpoint.url[:120]}),
        body=endpoint.disabled_reason,
        url=reverse("webhooks:detail", kwargs={"pk": endpoint.pk}),
    )
