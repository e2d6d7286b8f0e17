from django.core import mail

from ideas import services
from ideas.models import Status


def test_status_change_emails_the_author_in_the_ideas_language(
    idea, moderator, django_capture_on_commit_callbacks
):
    idea.language = "en"
    idea.save()
    with django_capture_on_commit_callbacks(execute=True):
        change = services.idea_change_status(
            idea=idea, actor=moderator, to_status=Status.PLANNED, response="On the **roadmap**."
        )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alice@example.com"]
    assert "Freeze my card from the app" in email.subject
    assert "Planned" in email.subject
    assert "On the **roadmap**." in email.body
    assert f"/ideas/{idea.pk}/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>roadmap</strong>" in html
    change.refresh_from_db()
    assert change.notified_at is not None


def test_a_retried_notification_is_not_sent_twice(
    idea, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change = services.idea_change_status(
            idea=idea, actor=moderator, to_status=Status.UNDER_REVIEW, response="Looking"
        )
    assert services.status_change_notify(status_change_id=change.pk) is False
    assert len(mail.outbox) == 1


def test_no_email_when_staff_answer_their_own_idea(
    moderator, category, django_capture_on_commit_callbacks
):
    from tests.factories import IdeaFactory

    own = IdeaFactory(author=moderator, category=category)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_change_status(
            idea=own, actor=moderator, to_status=Status.PLANNED, response="Yes"
        )
    assert mail.outbox == []


def test_a_missing_status_change_means_nothing_to_do(db):
    assert services.status_change_notify(status_change_id=999_999) is False
