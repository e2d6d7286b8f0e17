from django.core import mail

from community.consumers import tell_followers_of_the_status
from community.models import Notification
from ideas import services
from ideas.events import StatusChanged
from ideas.models import Status


def _idea(author, category):  # type: ignore[no-untyped-def]
    return services.idea_create(
        author=author,
        title="Freeze my card from the app",
        body="Please",
        category=category,
        language="en",
    )


def test_status_change_emails_the_author_in_the_ideas_language(
    alice, moderator, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = _idea(alice, category)
        change = services.idea_change_status(
            idea=idea, actor=moderator, to_status=Status.PLANNED, response="On the **roadmap**."
        )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alice@example.com"]
    assert "Freeze my card from the app" in email.subject
    assert "Planned" in email.subject
    assert "On the roadmap." in email.body  # the answer as its reader sees it, no Markdown marks
    assert f"/ideas/{idea.pk}/" in email.body
    assert "/unsubscribe/" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "roadmap" in html
    change.refresh_from_db()
    assert change.notified_at is not None


def test_a_retried_notification_is_not_sent_twice(
    alice, moderator, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = _idea(alice, category)
        change = services.idea_change_status(
            idea=idea, actor=moderator, to_status=Status.UNDER_REVIEW, response="Looking"
        )
    with django_capture_on_commit_callbacks(execute=True):  # the consumer runs again
        tell_followers_of_the_status(StatusChanged(status_change_id=change.pk, idea_id=idea.pk))
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(kind="status_change").count() == 1


def test_no_notification_when_staff_answer_their_own_idea(
    moderator, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        own = _idea(moderator, category)
        services.idea_change_status(
            idea=own, actor=moderator, to_status=Status.PLANNED, response="Yes"
        )
    assert mail.outbox == []
    assert not Notification.objects.filter(kind="status_change").exists()


def test_a_missing_status_change_means_nothing_to_do(db):
    tell_followers_of_the_status(StatusChanged(status_change_id=999_999, idea_id=999_999))
    assert not Notification.objects.exists()
