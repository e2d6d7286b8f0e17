"""Each endpoint hears only what its role sees on the site: a visitor's endpoint only public
posts, never an email address; staff roles their own pages' content (waiting posts for
moderators, themes for product managers, complaints for the complaints team)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from community.complaints.services import complaint_open
from community.models import DeliveryState, WebhookDelivery
from community.moderation.services import content_hide
from community.webhooks import delivery, services
from community.webhooks.catalog import EndpointRole
from config.outbox.events import record
from ideas.events import ThemeRunPublished
from ideas.models import ClusteringRun, RunState, Theme, ThemeEvent, ThemeMembership
from ideas.services import idea_create
from tests.factories import IdeaFactory, UserFactory


def _everything_sent(receiver) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(r.body.decode() for r in receiver.received)


def test_a_waiting_idea_reaches_moderators_endpoints_only(
    make_endpoint, receiver, category, settings, deliver_to_webhooks
):
    settings.RUCHE_PREMODERATE_FIRST_POST = True
    visitor = make_endpoint(role=EndpointRole.VISITOR, events=["idea.created"])
    moderators = make_endpoint(role=EndpointRole.MODERATOR, events=["idea.created"])
    newcomer = UserFactory(email="newcomer@example.com", display_name="Nina")
    idea = idea_create(
        author=newcomer, title="Cashback", body="On groceries", category=category, language="en"
    )
    assert idea.pending_at is not None
    deliver_to_webhooks()
    assert not WebhookDelivery.objects.filter(endpoint=visitor).exists()
    (sent,) = WebhookDelivery.objects.filter(endpoint=moderators)
    assert sent.payload["data"]["idea"]["visibility"] == "pending"


def test_no_email_address_is_ever_sent(
    make_endpoint, receiver, alice, bob, category, deliver_to_webhooks
):
    alice.profile_public = False
    alice.save(update_fields=["profile_public"])
    make_endpoint(role=EndpointRole.ADMIN, events=["idea.created", "idea.published"])
    idea = idea_create(
        author=alice, title="Cashback", body="On groceries", category=category, language="en"
    )
    deliver_to_webhooks()
    sent = _everything_sent(receiver)
    assert len(receiver.received) == 2
    assert "@example.com" not in sent
    assert '"email"' not in sent
    author = receiver.received[0].json()["data"]["idea"]["author"]
    assert author == {"name": "Alice", "organisation": "", "staff": False, "profile": None}
    assert idea.title in sent


def test_a_post_taken_down_before_it_went_out_is_not_sent(make_endpoint, receiver, idea, moderator):
    make_endpoint(role=EndpointRole.VISITOR, events=["idea.published"])
    (made,) = services.deliveries_create(
        event_type="idea.published",
        source="t",
        build=lambda role: {"idea": {"id": idea.pk, "title": idea.title}},
        subject_type="idea",
        subject_id=idea.pk,
    )
    content_hide(actor=moderator, idea=idea, reason="spam")
    assert delivery.delivery_send(delivery_id=made.pk) is None
    made.refresh_from_db()
    assert made.state == DeliveryState.CANCELLED
    assert receiver.received == []


def test_complaints_reach_the_complaints_teams_endpoints_without_email(
    make_endpoint, receiver, alice, deliver_to_webhooks
):
    make_endpoint(role=EndpointRole.MODERATOR, events=["complaint.opened"])
    case = complaint_open(
        member=alice, subject="Charged twice", body="I was charged twice.", language="en"
    )
    deliver_to_webhooks()
    (message,) = receiver.received
    complaint = message.json()["data"]["complaint"]
    assert complaint["reference"] == case.reference
    assert complaint["member"]["name"] == "Alice"
    assert "@example.com" not in message.body.decode()


@pytest.mark.parametrize(
    ("role", "event"),
    [
        (EndpointRole.VISITOR, "complaint.opened"),
        (EndpointRole.VISITOR, "theme.created"),
        (EndpointRole.PRODUCT_MANAGER, "complaint.opened"),
        (EndpointRole.MODERATOR, "theme.trending"),
    ],
)
def test_an_endpoint_cannot_subscribe_to_what_its_role_does_not_see(admin_user, role, event):
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(
            actor=admin_user, url="https://127.0.0.1/", events=[event], role=role
        )
    assert "does not see these" in str(refused.value.message_dict["events"])


def _publish(ideas, theme=None):  # type: ignore[no-untyped-def]
    """A published run holding `ideas` in one theme: new, or `theme` continued."""
    run = ClusteringRun.objects.create(
        trigger="manual", state=RunState.PUBLISHED, published_at=timezone.now()
    )
    kind = ThemeEvent.Kind.CONTINUED if theme else ThemeEvent.Kind.CREATED
    theme = theme or Theme.objects.create(
        label="cashback", label_en="Cashback", first_run=run, last_run=run, size=len(ideas),
        is_active=True,
    )  # fmt: skip
    ThemeMembership.objects.bulk_create(
        ThemeMembership(run=run, theme=theme, idea=idea, similarity=0.9) for idea in ideas
    )
    ThemeEvent.objects.create(run=run, theme=theme, kind=kind)
    with transaction.atomic():
        record(ThemeRunPublished(run_id=run.pk))
    return theme


def test_a_new_and_trending_theme_reach_product_managers_once(
    make_endpoint, receiver, alice, category, deliver_to_webhooks
):
    make_endpoint(role=EndpointRole.PRODUCT_MANAGER, events=["theme.created", "theme.trending"])
    ideas = [IdeaFactory(author=alice, category=category) for _ in range(3)]  # today: trending
    theme = _publish(ideas)
    deliver_to_webhooks()
    deliver_to_webhooks()
    types = sorted(r.json()["type"] for r in receiver.received)
    assert types == ["theme.created", "theme.trending"]
    data = receiver.received[0].json()["data"]["theme"]
    assert data["id"] == theme.pk
    assert data["names"]["en"] == "Cashback"

    # Still trending at the next run: not told again.
    _publish(ideas, theme)
    deliver_to_webhooks()
    assert len(receiver.received) == 2


def test_registration_refuses_private_addresses_and_plain_http(admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    settings.WEBHOOK_ALLOW_HTTP = False
    for url, why in (
        ("https://127.0.0.1:9001/", "private, loopback"),
        ("https://10.0.0.7/", "private, loopback"),
        ("http://hooks.example.com/", "must use https"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.endpoint_create(
                actor=admin_user, url=url, events=["idea.created"], role=EndpointRole.VISITOR
            )
        assert why in json.dumps(refused.value.message_dict["url"])
