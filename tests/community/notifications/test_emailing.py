"""Notification emails: claimed before sending, sent once, retried only when a claim is stale."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from community.models import Notification
from community.notifications import emailing
from tests.factories import UserFactory


@pytest.fixture
def owed(alice, idea):  # type: ignore[no-untyped-def]
    return Notification.objects.create(
        recipient=UserFactory(email="carol@example.com"),
        kind="status_change",
        key="status:1:carol",
        idea=idea,
        title="Planned",
        url="/ideas/1/",
        email_due_at=timezone.now() - timedelta(minutes=5),
    )


def test_an_email_is_sent_once_with_a_message_id_from_the_notification(owed):
    assert emailing.email_notification_now(notification_id=owed.pk) is True
    assert emailing.email_notification_now(notification_id=owed.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == (
        f"<ruche.notification.{owed.pk}@127.0.0.1>"
    )
    owed.refresh_from_db()
    assert owed.emailed_at is not None


def test_a_claim_held_by_a_live_worker_is_left_alone(owed):
    Notification.objects.filter(pk=owed.pk).update(email_claimed_at=timezone.now())
    assert emailing.email_notification_now(notification_id=owed.pk) is False
    assert emailing.emails_owed_send() == 0
    assert mail.outbox == []


def test_a_stale_claim_is_taken_over_and_sent_with_the_same_message_id(owed, settings):
    stale = timezone.now() - timedelta(seconds=settings.EMAIL_CLAIM_STALE_SECONDS + 1)
    Notification.objects.filter(pk=owed.pk).update(email_claimed_at=stale)
    assert emailing.emails_owed_send() == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == emailing.message_id(
        kind="notification", ids=[owed.pk]
    )


def test_a_failed_send_gives_the_claim_back(owed, monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        emailing.email_notification_now(notification_id=owed.pk)
    owed.refresh_from_db()
    assert owed.email_claimed_at is None
    assert owed.emailed_at is None


def test_the_sweep_sends_an_owed_email_that_was_never_queued_but_not_a_fresh_one(owed, idea):
    fresh = Notification.objects.create(
        recipient=owed.recipient,
        kind="status_change",
        key="status:2:carol",
        idea=idea,
        title="Done",
        url="/ideas/1/",
        email_due_at=timezone.now(),  # its task has a grace period to send it first
    )
    assert emailing.emails_owed_send() == 1
    assert [m.subject for m in mail.outbox] == ["[Ruche] Planned"]
    fresh.refresh_from_db()
    assert fresh.emailed_at is None


def test_an_email_the_person_no_longer_wants_is_no_longer_owed(owed):
    from community.notifications.preferences import preferences_update

    preferences_update(user=owed.recipient, choices={"status_change": "off"})
    assert emailing.emails_owed_send() == 0
    owed.refresh_from_db()
    assert owed.email_due_at is None
    assert mail.outbox == []
