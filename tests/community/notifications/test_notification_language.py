"""A notification is read in the reader's language at the moment of reading (its message key and
parameters are stored, community.models.notifications.MESSAGES), not in the language that was
active when it was written."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from community.models import Follow, Notification
from community.models.notifications import message_text
from community.notifications import emailing
from community.notifications.services import notify_comment
from ideas.models import Status
from ideas.services import idea_change_status
from tests.factories import CommentFactory, IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db


def _nbsp(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def tom(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="tom@example.com", display_name="Tom", preferred_language="en")


def _status_change_for(user, moderator):  # type: ignore[no-untyped-def]
    idea = IdeaFactory(title="Round up purchases", language="en")
    Follow.objects.create(user=user, idea=idea)
    with translation.override("en"), TestCase.captureOnCommitCallbacks(execute=True):
        idea_change_status(idea=idea, actor=moderator, to_status=Status.PLANNED, response="Ok")
    return Notification.objects.get(recipient=user)


def test_a_member_reading_in_french_sees_french_for_a_notification_written_in_english(
    client, tom, moderator
):
    notification = _status_change_for(tom, moderator)
    assert notification.title == "“Round up purchases” is now Planned"  # as written

    client.force_login(tom)
    client.cookies["django_language"] = "fr"
    page = _nbsp(client.get(reverse("community:notifications")).content.decode())
    assert "« Round up purchases » a un nouveau statut : Prévue" in page
    assert "is now Planned" not in page

    # The API too answers in the request's language.
    api = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr")
    assert _nbsp(api.json()["results"][0]["title"]) == (
        "« Round up purchases » a un nouveau statut : Prévue"
    )


def test_an_email_sent_after_the_member_chose_french_is_in_french(tom, moderator):
    """A digest is written when it is sent: in the language the member has then."""
    idea = IdeaFactory(title="Pay by phone", language="en")
    Follow.objects.create(user=tom, idea=idea)
    with translation.override("en"):
        notify_comment(comment=CommentFactory(idea=idea, body="Yes"))
    tom.preferred_language = "fr"
    tom.save(update_fields=["preferred_language"])
    assert emailing.send_daily_digest(user=tom) == 1
    assert "Nouveau commentaire sur « Pay by phone »" in _nbsp(mail.outbox[0].body)


def test_a_deadline_reads_its_date_in_the_readers_language():
    message = {"key": "complaint_due_ack", "params": {"reference": "R-1", "date": "2026-12-24"}}
    with translation.override("fr"):
        assert "24 décembre 2026" in _nbsp(message_text(message) or "")
    with translation.override("en"):
        assert "24 Dec 2026" in (message_text(message) or "")


def test_a_row_without_a_message_shows_the_title_it_was_written_with(tom):
    notification = Notification.objects.create(
        recipient=tom, kind="comment", key="old:1", title="Ancien titre", url="/"
    )
    with translation.override("en"):
        assert notification.text == "Ancien titre"
    notification.message = {"key": "no_such_key", "params": {}}
    assert notification.text == "Ancien titre"


def test_the_data_migration_gives_old_rows_their_message(tom, moderator):
    notification = _status_change_for(tom, moderator)
    Notification.objects.filter(pk=notification.pk).update(message={})
    orphan = Notification.objects.create(
        recipient=tom, kind="status_change", key="status:999999:1", title="Gone", url="/"
    )
    migration = importlib.import_module("community.migrations.0016_notification_message")
    migration.fill_messages(apps, None)

    notification.refresh_from_db()
    assert notification.message == {
        "key": "status_change",
        "params": {"title": "Round up purchases", "status": "planned"},
    }
    with translation.override("fr"):
        assert _nbsp(notification.text) == "« Round up purchases » a un nouveau statut : Prévue"
    orphan.refresh_from_db()
    assert orphan.message == {}
    assert orphan.text == "Gone"


@pytest.mark.parametrize(
    ("body", "idea_language", "expected"),
    [
        ("", "en", ""),  # no body, no lang attribute
        ("La fonction est prévue pour le printemps.", "en", "fr"),  # its own words
        ("Thanks, this is planned for the spring.", "fr", "en"),
        ("Ok", "en", "en"),  # no sign of either: the idea's language
        ("Ok", "fr", "fr"),
        ("book flight tomorrow", None, "en"),  # no idea: the spellings decide
    ],
)
def test_a_body_reads_as_its_own_language_or_else_its_ideas(body, idea_language, expected):
    idea = IdeaFactory(language=idea_language) if idea_language else None
    notification = Notification(body=body, idea=idea)
    assert notification.body_language == expected
