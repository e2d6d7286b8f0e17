"""Security review, finding 3: content taken down leaves no copy behind in notifications.

A comment quoted in other people's notifications (a mention, a new comment on an idea they
follow) must disappear from `/notifications/`, from their data export, from the next daily
digest and from emails not yet sent, whichever way it was taken down: hidden from the moderation
queue, removed by a moderator, deleted by its author, or hidden with its author's sanction. The
same holds for a hidden idea's title in its followers' notifications.

Every step is what a person does through HTTP; the worker's tasks run in-process (eager), in the
order a real worker would meet them.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from community.models import Comment, Notification, NotificationKind
from community.tasks import send_daily_digests
from ideas.models import Idea
from tests.community.actions import follow, post_comment
from tests.factories import IdeaFactory, UserFactory

SPAM = "Cheap watches at spam-shop-xq7"
SPAM_TITLE = "Watchmaker-Xq7 deals for cardholders"


@pytest.fixture
def carol(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="carol@example.com", display_name="Carol")


def _emails_text(*, except_to: str = "") -> str:
    parts = []
    for message in mail.outbox:
        if message.to == [except_to]:
            continue
        parts += [message.subject, message.body]
        parts += [str(content) for content, _mimetype in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def _leaks(client, user, text) -> list[str]:  # type: ignore[no-untyped-def]
    """Where `user` still finds `text`: their notifications page, their data export."""
    client.force_login(user)
    found = []
    if text in client.get(reverse("community:notifications")).text:
        found.append("notifications page")
    export = client.get(reverse("accounts:data_download"))
    assert export.status_code == 200
    if text in export.content.decode():
        found.append("data export")
    return found


@pytest.fixture
def spam_comment(  # type: ignore[no-untyped-def]
    client, alice, bob, carol, mallory, idea, django_capture_on_commit_callbacks
):
    """Bob took part in alice's idea (so he can be mentioned), carol follows it; mallory posts a
    spam comment mentioning bob. The worker creates the notifications, and queues the emails
    that are due right away; those are returned, not yet sent."""
    assert post_comment(client, bob, idea, "I would use this every week").status_code == 302
    follow(client, carol, idea)
    with django_capture_on_commit_callbacks() as posted:
        assert post_comment(client, mallory, idea, f"@Bob {SPAM}").status_code == 302
    comment = Comment.objects.get(author=mallory)
    with django_capture_on_commit_callbacks() as emails_due:
        for callback in posted:  # the worker picks up comment_posted...
            callback()
    # ...which told bob (mention, emailed right away) and carol (daily digest).
    quoted = Notification.objects.filter(body__contains=SPAM)
    assert {(n.recipient.email, n.kind) for n in quoted} == {
        ("bob@example.com", NotificationKind.MENTION),
        ("carol@example.com", NotificationKind.COMMENT),
    }
    assert _leaks(client, bob, SPAM) == ["notifications page", "data export"]
    assert emails_due, "the mention's email is queued for the worker"
    return comment, emails_due


def _hide_from_the_queue(client, comment, moderator, **_):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    assert client.get(reverse("moderation:queue")).status_code == 200
    url = reverse("moderation:comment_action", args=[comment.pk, "hide"])
    assert client.post(url, {"reason": "Advertising"}).status_code == 302


def _remove_as_moderator(client, comment, moderator, **_):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    url = reverse("community:comment_remove", args=[comment.pk])
    assert client.post(url).status_code == 302


def _delete_as_author(client, comment, mallory, **_):  # type: ignore[no-untyped-def]
    client.force_login(mallory)
    assert client.post(reverse("community:comment_remove", args=[comment.pk])).status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()


def _delete_as_author_after_a_reply(client, comment, mallory, alice, **_):  # type: ignore[no-untyped-def]
    assert post_comment(client, alice, comment.idea, "Please stop", parent=comment).status_code
    client.force_login(mallory)
    assert client.post(reverse("community:comment_remove", args=[comment.pk])).status_code == 302
    comment.refresh_from_db()
    assert comment.removed_by == mallory  # kept for the thread, shown as deleted


def _suspend_hiding_content(client, comment, moderator, mallory, **_):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    until = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = {"suspend-until": until, "suspend-reason": "Spam", "suspend-hide_content": "on"}
    url = reverse("moderation:member_suspend", args=[mallory.pk])
    assert client.post(url, data).status_code == 302


def _ban_hiding_content(client, comment, moderator, mallory, **_):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    url = reverse("moderation:member_ban", args=[mallory.pk])
    data = {"ban-reason": "Spam", "ban-hide_content": "on"}
    assert client.post(url, data).status_code == 302


COMMENT_TAKE_DOWNS: dict[str, Callable[..., None]] = {
    "hidden_from_the_moderation_queue": _hide_from_the_queue,
    "removed_by_a_moderator": _remove_as_moderator,
    "deleted_by_its_author": _delete_as_author,
    "deleted_by_its_author_after_a_reply": _delete_as_author_after_a_reply,
    "its_author_suspended_with_content_hidden": _suspend_hiding_content,
    "its_author_banned_with_content_hidden": _ban_hiding_content,
}


@pytest.mark.parametrize("take_down", COMMENT_TAKE_DOWNS)
def test_a_comment_taken_down_leaves_no_copy_in_notifications_exports_digests_or_emails(
    client, take_down, spam_comment, alice, bob, carol, mallory, moderator
):
    comment, emails_due = spam_comment
    COMMENT_TAKE_DOWNS[take_down](
        client, comment, moderator=moderator, mallory=mallory, alice=alice
    )
    for person in (alice, bob, carol):
        assert _leaks(client, person, SPAM) == [], person
    assert not Notification.objects.filter(body__contains=SPAM).exists()
    for callback in emails_due:  # the worker reaches the mention's email only now
        callback()
    send_daily_digests.delay()  # 07:00 the next morning
    assert SPAM not in _emails_text()


def test_a_comment_hidden_before_the_worker_picks_it_up_is_never_sent(
    client, alice, bob, mallory, moderator, idea, django_capture_on_commit_callbacks
):
    assert post_comment(client, bob, idea, "I would use this every week").status_code == 302
    with django_capture_on_commit_callbacks() as posted:
        assert post_comment(client, mallory, idea, f"@Bob {SPAM}").status_code == 302
    _hide_from_the_queue(client, Comment.objects.get(author=mallory), moderator)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in posted:  # the worker was busy: it picks up comment_posted now
            callback()
        send_daily_digests.delay()
    assert not Notification.objects.filter(body__contains=SPAM).exists()
    assert SPAM not in _emails_text()


# --- a hidden idea ------------------------------------------------------------------------------


@pytest.fixture
def spam_idea(  # type: ignore[no-untyped-def]
    client, bob, carol, mallory, moderator, category, django_capture_on_commit_callbacks
):
    """Mallory's idea, which she and bob follow; staff answer it officially and carol comments:
    bob's notifications carry its title."""
    idea = IdeaFactory(author=mallory, category=category, title=SPAM_TITLE, language="en")
    follow(client, mallory, idea)
    follow(client, bob, idea)
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(moderator)
        url = reverse("ideas:change_status", args=[idea.pk])
        response = client.post(url, {"to_status": "under_review", "response": "Looking into it"})
        assert response.status_code == 302
        assert post_comment(client, carol, idea, "Interesting").status_code == 302
    kinds = set(
        Notification.objects.filter(recipient=bob, title__contains=SPAM_TITLE).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {NotificationKind.STATUS_CHANGE, NotificationKind.COMMENT}
    assert _leaks(client, bob, SPAM_TITLE) == ["notifications page", "data export"]
    mail.outbox.clear()
    return idea


def _hide_idea_from_the_queue(client, idea, moderator, **_):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    url = reverse("moderation:idea_action", args=[idea.pk, "hide"])
    assert client.post(url, {"reason": "Advertising"}).status_code == 302


def _turn_into_a_complaint(client, idea, moderator, **_):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    url = reverse("moderation:complaint_convert", args=[idea.pk])
    assert client.post(url, {"note": ""}).status_code == 302


def _ban_author_hiding_content(client, idea, moderator, mallory, **_):  # type: ignore[no-untyped-def]
    _ban_hiding_content(client, None, moderator=moderator, mallory=mallory)


IDEA_TAKE_DOWNS: dict[str, Callable[..., None]] = {
    "hidden_from_the_moderation_queue": _hide_idea_from_the_queue,
    "turned_into_a_private_complaint": _turn_into_a_complaint,
    "its_author_banned_with_content_hidden": _ban_author_hiding_content,
}


@pytest.mark.parametrize("take_down", IDEA_TAKE_DOWNS)
def test_a_hidden_ideas_title_leaves_its_followers_notifications(
    client, take_down, spam_idea, bob, carol, mallory, moderator
):
    waiting = Notification.objects.filter(recipient=bob, emailed_at__isnull=True)
    assert waiting.exists(), "bob's comment notification waits for the digest"
    IDEA_TAKE_DOWNS[take_down](client, spam_idea, moderator=moderator, mallory=mallory)
    assert Idea.objects.get(pk=spam_idea.pk).is_hidden
    for person in (bob, carol):
        assert _leaks(client, person, SPAM_TITLE) == [], person
    send_daily_digests.delay()
    assert SPAM_TITLE not in _emails_text(except_to=mallory.email)
    # Its author still hears what happened on her own idea, which she can still open.
    assert Notification.objects.filter(recipient=mallory, idea=spam_idea).count() == 2
