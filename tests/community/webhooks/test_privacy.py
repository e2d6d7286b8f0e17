"""Webhook deliveries and personal data: erasing an account masks the member in stored payloads
(or, with their posts, deletes what carried them); deliveries follow the retention schedule."""

import json
from datetime import timedelta

from django.utils import timezone

from accounts.privacy import account_delete
from accounts.retention_schedule import RULES
from community.comments.services import comment_create
from community.models import DeliveryState, WebhookDelivery
from community.retention.purge import retention_counts, retention_purge
from community.webhooks import services
from community.webhooks.catalog import EndpointRole
from ideas.services import idea_change_status, idea_create
from tests.factories import UserFactory


def _texts() -> str:
    return json.dumps([d.payload for d in WebhookDelivery.objects.order_by("pk")])


def _posts(alice, bob, category, deliver):  # type: ignore[no-untyped-def]
    """Bob posts an idea and comments on Alice's; Alice comments on Bob's idea."""
    bobs = idea_create(
        author=bob, title="Bob's round-ups", body="Round up", category=category, language="en"
    )
    alices = idea_create(
        author=alice, title="Alice's savings", body="Save", category=category, language="en"
    )
    comment_create(idea=alices, author=bob, body="Bob agrees")
    comment_create(idea=bobs, author=alice, body="Alice agrees")
    deliver()
    return bobs, alices


def test_erasing_an_account_masks_the_member_in_stored_payloads(
    make_endpoint, receiver, alice, category, deliver_to_webhooks
):
    bob = UserFactory(display_name="Bob Dupont", organisation="Fintech Zebra")
    make_endpoint(role=EndpointRole.MODERATOR, events=["idea.created", "comment.posted"])
    _posts(alice, bob, category, deliver_to_webhooks)
    assert _texts().count("Bob Dupont") == 2  # his idea, his comment
    assert "Fintech Zebra" in _texts()

    account_delete(user=bob, keep_content=True)

    assert "Bob Dupont" not in _texts()
    assert "Fintech Zebra" not in _texts()
    authors = [d.payload["data"] for d in WebhookDelivery.objects.order_by("pk")]
    names = [(d.get("idea") or d.get("comment"))["author"]["name"] for d in authors]
    assert names == ["Former member", "Alice", "Former member", "Alice"]
    assert "Bob's round-ups" in _texts()  # his posts kept, as on the site


def test_erasing_an_account_with_its_posts_deletes_their_deliveries_and_titles(
    make_endpoint, receiver, alice, category, deliver_to_webhooks
):
    bob = UserFactory(display_name="Bob Dupont")
    make_endpoint(role=EndpointRole.MODERATOR, events=["idea.created", "comment.posted"])
    bobs, _alices = _posts(alice, bob, category, deliver_to_webhooks)
    WebhookDelivery.objects.update(state=DeliveryState.PENDING)  # not sent yet, even

    account_delete(user=bob, keep_content=False)

    assert "Bob" not in _texts()
    left = WebhookDelivery.objects.order_by("pk")
    # Alice's idea, Alice's comment on Bob's (erased) idea
    assert [d.subject_type for d in left] == ["idea", "comment"]
    on_bobs = left.get(subject_type="comment").payload["data"]["comment"]
    assert on_bobs["idea"] == {**on_bobs["idea"], "id": bobs.pk, "title": ""}
    assert on_bobs["body"] == "Alice agrees"


def test_a_former_staff_member_is_masked_in_the_status_changes_they_made(
    make_endpoint, receiver, idea, deliver_to_webhooks, django_capture_on_commit_callbacks
):
    from accounts.roles import MODERATOR

    staff = UserFactory(display_name="Martine Modo", role=MODERATOR)
    make_endpoint(events=["idea.status_changed"])
    idea_change_status(idea=idea, actor=staff, to_status="planned", response="On it.")
    deliver_to_webhooks()
    assert "Martine Modo" in _texts()
    staff.groups.clear()  # an administrator removes the role first
    account_delete(user=staff, keep_content=True)
    assert "Martine Modo" not in _texts()
    (change,) = WebhookDelivery.objects.all()
    assert change.payload["data"]["status_change"]["by"]["name"] == "Former member"
    assert change.payload["data"]["idea"]["author"]["name"] == "Alice"


def test_webhook_deliveries_are_in_the_retention_schedule_and_purged_by_the_daily_job(
    make_endpoint, receiver, settings
):
    assert RULES["webhook_deliveries"].default_days == 30
    make_endpoint(events=["idea.published"])
    then = timezone.now() - timedelta(days=31)
    finished, waiting = (
        services.deliveries_create(
            event_type="idea.published", source=source, build=lambda role: {}, now=then
        )[0]
        for source in ("a", "b")
    )
    WebhookDelivery.objects.filter(pk=finished.pk).update(state=DeliveryState.DELIVERED)
    assert retention_counts()["webhook_deliveries"] == 1
    run = retention_purge()
    assert run.counts["webhook_deliveries"] == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [waiting.pk]

    settings.RETENTION_DAYS = {"webhook_deliveries": 40}  # the bank's own period
    WebhookDelivery.objects.filter(pk=waiting.pk).update(state=DeliveryState.FAILED)
    assert retention_counts()["webhook_deliveries"] == 0
