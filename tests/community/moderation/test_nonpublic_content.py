"""Security review, finding 6: content that is not public reaches nobody but its author and staff.

Nobody comments on an idea that is not public (hidden, waiting for a moderator, merged away) nor
replies to a removed comment, so the author of a hidden idea cannot go on messaging its followers
through comments and mentions; and every notification about an idea that is not public, or a
comment that is not shown, goes to its author and moderators only, whenever the worker gets to it.

Every step is what a person does through HTTP; the worker's tasks run in-process (eager).
"""

from collections.abc import Callable

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from community.models import Comment, Notification, NotificationKind
from community.tasks import send_daily_digests
from ideas.models import Idea
from tests.community.actions import follow, post_comment
from tests.factories import IdeaFactory, UserFactory

SPAM = "Cheap watches at spam-shop-xq7"


@pytest.fixture
def other_moderator(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="mod2@example.com", display_name="Moe", role=roles.MODERATOR)


def _hide(client, moderator, idea):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    url = reverse("moderation:idea_action", args=[idea.pk, "hide"])
    assert client.post(url, {"reason": "Advertising"}).status_code == 302


def _everything_sent() -> str:
    parts = [f"{n.recipient.email} {n.title} {n.body}" for n in Notification.objects.all()]
    for message in mail.outbox:
        parts += [" ".join(message.to), str(message.subject), str(message.body)]
    return "\n".join(parts)


@pytest.fixture
def mallorys_idea(client, bob, mallory, category):  # type: ignore[no-untyped-def]
    """Mallory's public idea: bob commented on it (so he follows it and can be mentioned)."""
    idea = IdeaFactory(author=mallory, category=category, title="Card perks", language="en")
    assert post_comment(client, bob, idea, "Nice idea").status_code == 302
    return idea


def test_the_author_of_a_hidden_idea_cannot_message_its_followers_by_commenting(
    client, bob, mallory, moderator, mallorys_idea, django_capture_on_commit_callbacks
):
    _hide(client, moderator, mallorys_idea)
    client.force_login(mallory)
    assert client.get(mallorys_idea.get_absolute_url()).status_code == 200  # hers to see
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, mallory, mallorys_idea, f"@Bob {SPAM}")
        send_daily_digests.delay()
    assert response.status_code == 400
    assert "not public" in response.text
    assert not Comment.objects.filter(author=mallory).exists()
    assert SPAM not in _everything_sent()


def _hidden(client, idea, moderator):  # type: ignore[no-untyped-def]
    _hide(client, moderator, idea)


def _waiting(client, idea, moderator):  # type: ignore[no-untyped-def]
    Idea.objects.filter(pk=idea.pk).update(pending_at=idea.created_at)


def _merged(client, idea, moderator):  # type: ignore[no-untyped-def]
    kept = IdeaFactory(category=idea.category, title="Card perks for everyone", language="en")
    client.force_login(moderator)
    url = reverse("moderation:merge_confirm", args=[idea.pk, kept.pk])
    assert client.post(url, {"note": "Same request"}).status_code == 302


NOT_PUBLIC: dict[str, Callable[..., None]] = {
    "hidden": _hidden,
    "waiting_for_a_moderator": _waiting,
    "merged_away": _merged,
}


@pytest.mark.parametrize("state", NOT_PUBLIC)
@pytest.mark.parametrize("who", ["its_author", "a_moderator", "a_follower"])
def test_nobody_comments_on_an_idea_that_is_not_public(
    client, request, state, who, bob, mallory, moderator, mallorys_idea
):
    NOT_PUBLIC[state](client, mallorys_idea, moderator)
    commenter = {"its_author": mallory, "a_moderator": moderator, "a_follower": bob}[who]
    before = Comment.objects.count()
    response = post_comment(client, commenter, mallorys_idea, SPAM)
    assert response.status_code in (400, 403, 404)
    assert Comment.objects.count() == before


def test_the_idea_page_offers_no_comment_form_while_the_idea_is_hidden(
    client, mallory, moderator, mallorys_idea
):
    _hide(client, moderator, mallorys_idea)
    form_action = reverse("community:comment_create", args=[mallorys_idea.pk])
    for person in (mallory, moderator):
        client.force_login(person)
        page = client.get(mallorys_idea.get_absolute_url())
        assert page.status_code == 200
        assert form_action not in page.text


def test_nobody_replies_to_a_removed_comment(client, alice, bob, moderator, idea):
    assert post_comment(client, bob, idea, "Buy watches").status_code == 302
    spam = Comment.objects.get(author=bob)
    client.force_login(moderator)
    url = reverse("moderation:comment_action", args=[spam.pk, "hide"])
    assert client.post(url, {"reason": "Spam"}).status_code == 302
    response = post_comment(client, bob, idea, f"@Alice {SPAM}", parent=spam)
    assert response.status_code == 400
    assert "removed" in response.text
    assert not Comment.objects.filter(body__contains=SPAM).exists()


def test_a_comment_on_an_idea_hidden_before_the_worker_runs_reaches_only_author_and_staff(
    client,
    bob,
    mallory,
    moderator,
    other_moderator,
    mallorys_idea,
    django_capture_on_commit_callbacks,
):
    follow(client, other_moderator, mallorys_idea)
    carol = UserFactory(email="carol@example.com", display_name="Carol")
    with django_capture_on_commit_callbacks() as posted:
        assert post_comment(client, carol, mallorys_idea, f"@Bob {SPAM}").status_code == 302
    _hide(client, moderator, mallorys_idea)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in posted:  # the worker gets to comment_posted after the idea was hidden
            callback()
        send_daily_digests.delay()
    told = set(
        Notification.objects.filter(body__contains=SPAM).values_list("recipient__email", flat=True)
    )
    assert told == {"mod2@example.com"}  # mallory does not follow her factory-made idea
    assert "bob@example.com" not in _everything_sent()


def test_a_status_change_on_a_hidden_idea_reaches_only_its_author_and_staff(
    client,
    bob,
    mallory,
    moderator,
    other_moderator,
    mallorys_idea,
    django_capture_on_commit_callbacks,
):
    follow(client, mallory, mallorys_idea)
    follow(client, other_moderator, mallorys_idea)
    _hide(client, moderator, mallorys_idea)
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(moderator)
        url = reverse("ideas:change_status", args=[mallorys_idea.pk])
        response = client.post(url, {"to_status": "declined", "response": "Not for us"})
        assert response.status_code == 302
    told = set(
        Notification.objects.filter(kind=NotificationKind.STATUS_CHANGE).values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {"mallory@example.com", "mod2@example.com"}
    assert all(message.to != ["bob@example.com"] for message in mail.outbox)


def test_merging_a_hidden_idea_tells_only_its_author_and_staff(
    client,
    alice,
    bob,
    mallory,
    moderator,
    other_moderator,
    mallorys_idea,
    idea,
    django_capture_on_commit_callbacks,
):
    follow(client, other_moderator, mallorys_idea)
    _hide(client, moderator, mallorys_idea)
    client.force_login(moderator)
    url = reverse("moderation:merge_confirm", args=[mallorys_idea.pk, idea.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"note": "Same request"}).status_code == 302
    told = set(
        Notification.objects.filter(kind=NotificationKind.MERGED).values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {"mallory@example.com", "mod2@example.com"}
