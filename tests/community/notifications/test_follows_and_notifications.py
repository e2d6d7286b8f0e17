import re

import pytest
from django.core import mail
from django.core.signing import TimestampSigner
from django.urls import reverse

from community.comments.services import comment_create
from community.models import Delivery, Follow, Notification, NotificationPreference
from community.notifications import emailing, preferences
from community.notifications.follows import follows_category, idea_follow_summary
from ideas.models import Status
from ideas.services import idea_change_status, idea_create, vote_set
from tests.factories import IdeaFactory, UserFactory
from tests.helpers import compiled_models


@pytest.fixture
def posted(alice, category, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return idea_create(
            author=alice,
            title="Round up purchases into savings",
            body="Spare change",
            category=category,
            language="en",
        )


def follows_idea(user, idea):  # type: ignore[no-untyped-def]
    """Whether `user` follows `idea`, as the idea page's side panel reads it."""
    return idea_follow_summary(user=user, idea=idea)[1]


def test_people_follow_their_own_ideas_and_those_they_vote_or_comment_on(
    posted, alice, bob, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vote_set(user=bob, idea=posted, voted=True)
    comment_create(idea=posted, author=partner, body="Yes")
    assert {f.user for f in Follow.objects.filter(idea=posted)} == {alice, bob, partner}


def test_a_vote_follows_once_through_the_outbox_even_delivered_twice(posted, bob):
    from config.outbox.delivery import deliver
    from config.outbox.models import OutboxDelivery, OutboxEvent

    vote_set(user=bob, idea=posted, voted=True)
    assert not follows_idea(bob, posted), "nothing happens before the commit"
    event = OutboxEvent.objects.get(name="idea.votes_changed")
    assert event.payload == {"idea_id": posted.pk, "new_voter_id": bob.pk}
    assert deliver(event.pk)
    assert Follow.objects.filter(user=bob, idea=posted).count() == 1
    OutboxDelivery.objects.filter(event=event).delete()
    OutboxEvent.objects.filter(pk=event.pk).update(delivered_at=None)
    assert deliver(event.pk)
    assert Follow.objects.filter(user=bob, idea=posted).count() == 1


def test_a_vote_taken_back_before_delivery_follows_nothing(posted, bob):
    from config.outbox.delivery import deliver
    from config.outbox.models import OutboxEvent

    vote_set(user=bob, idea=posted, voted=True)
    vote_set(user=bob, idea=posted, voted=False)
    for pk in OutboxEvent.objects.filter(name="idea.votes_changed").values_list("pk", flat=True):
        deliver(pk)
    assert not follows_idea(bob, posted)


def test_the_side_panel_counts_active_followers_and_whether_the_viewer_is_one(
    alice, bob, partner, category
):
    from django.contrib.auth.models import AnonymousUser

    from community.notifications.follows import idea_followed_by

    idea, other = IdeaFactory(author=alice, category=category), IdeaFactory(category=category)
    gone = UserFactory(is_active=False)
    for user in (bob, partner, gone):
        idea_followed_by(user=user, idea=idea)
    idea_followed_by(user=alice, idea=other)
    Follow.objects.create(user=alice, category=category)  # a category's: not counted
    assert idea_follow_summary(user=bob, idea=idea) == (2, True)
    assert idea_follow_summary(user=alice, idea=idea) == (2, False)
    assert idea_follow_summary(user=gone, idea=idea) == (2, False)  # an inactive follower: none
    assert idea_follow_summary(user=AnonymousUser(), idea=idea) == (2, False)
    assert idea_follow_summary(user=alice, idea=other) == (1, True)
    assert idea_follow_summary(user=bob, idea=other) == (1, False)
    assert idea_follow_summary(user=AnonymousUser(), idea=IdeaFactory()) == (0, False)


def test_the_side_panel_s_count_compiles_nothing_once_warm(posted, bob, monkeypatch):
    """Compiling the count cost a tenth of an average idea page's CPU, on every page."""
    from django.contrib.auth.models import AnonymousUser

    for user in (bob, AnonymousUser()):
        idea_follow_summary(user=user, idea=posted)
    compiled = compiled_models(monkeypatch)
    for user in (bob, AnonymousUser()):
        idea_follow_summary(user=user, idea=posted)
    assert compiled == []


def test_unfollow_in_one_click_with_htmx(client, posted, bob):
    vote_set(user=bob, idea=posted, voted=True)
    client.force_login(bob)
    url = reverse("community:idea_follow", args=[posted.pk])
    response = client.post(url, {"follow": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Follow" in response.text
    assert not follows_idea(bob, posted)
    client.post(url, {"follow": "1"})
    assert follows_idea(bob, posted)


def test_following_needs_login_and_post(client, posted):
    url = reverse("community:idea_follow", args=[posted.pk])
    assert client.post(url).status_code == 302
    assert client.get(url).status_code == 405


def test_follow_a_category(client, bob, category):
    client.force_login(bob)
    client.post(reverse("community:category_follow", args=[category.slug]))
    assert follows_category(user=bob, category=category)
    client.post(reverse("community:category_follow", args=[category.slug]), {"follow": "0"})
    assert not follows_category(user=bob, category=category)


def test_followers_hear_of_a_status_change_with_the_official_response(
    posted, bob, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vote_set(user=bob, idea=posted, voted=True)
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(
            idea=posted, actor=moderator, to_status=Status.PLANNED, response="Next quarter"
        )
    recipients = set(
        Notification.objects.filter(kind="status_change").values_list("recipient__email", flat=True)
    )
    assert recipients == {"alice@example.com", "bob@example.com"}
    assert all("Next quarter" in n.body for n in Notification.objects.filter(kind="status_change"))
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]


def test_category_followers_hear_of_status_changes(
    posted, partner, moderator, category, django_capture_on_commit_callbacks
):
    from community.notifications.follows import category_followed_by

    category_followed_by(user=partner, category=category)
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(
            idea=posted, actor=moderator, to_status=Status.UNDER_REVIEW, response="Looking"
        )
    assert Notification.objects.filter(recipient=partner, kind="status_change").exists()


def test_a_comment_notifies_followers_in_the_app_and_by_daily_digest(
    posted, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(idea=posted, author=bob, body="I would use it")
    notification = Notification.objects.get(kind="comment")
    assert notification.recipient.email == "alice@example.com"
    assert mail.outbox == []  # comments and badges go to the daily digest by default
    # One email bundles the comment and the "first idea" badge, and only once.
    assert emailing.send_daily_digest(user=notification.recipient) == 2
    assert emailing.send_daily_digest(user=notification.recipient) == 0
    assert len(mail.outbox) == 1
    assert "digest" in mail.outbox[0].subject.lower()
    assert "I would use it" in mail.outbox[0].body
    assert "First idea" in mail.outbox[0].body


def test_an_idea_passing_ten_votes_tells_its_author_once(
    posted, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    voters = UserFactory.create_batch(11)
    with django_capture_on_commit_callbacks(execute=True):
        for voter in voters:
            vote_set(user=voter, idea=posted, voted=True)
        vote_set(user=voters[0], idea=posted, voted=False)
        vote_set(user=voters[0], idea=posted, voted=True)
    milestones = Notification.objects.filter(kind="milestone")
    assert [n.title for n in milestones] == [
        "Your idea “Round up purchases into savings” passed 10 votes"
    ]


def test_the_bell_counts_unread_and_opening_marks_read(
    client, posted, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(idea=posted, author=bob, body="Hello")
    client.force_login(posted.author)
    # The comment, and the "first idea" badge.
    assert client.get(reverse("ideas:home")).context["unread_notifications"] == 2
    assert "New comment on" in client.get(reverse("community:notifications")).text
    notification = Notification.objects.get(kind="comment")
    response = client.get(reverse("community:notification_open", args=[notification.pk]))
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert client.get(reverse("ideas:home")).context["unread_notifications"] == 1
    client.post(reverse("community:notifications_read"))
    assert client.get(reverse("ideas:home")).context["unread_notifications"] == 0


def test_nobody_opens_someone_elses_notification(
    client, posted, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(idea=posted, author=bob, body="Hello")
    client.force_login(bob)
    notification = Notification.objects.get(kind="comment")
    assert (
        client.get(reverse("community:notification_open", args=[notification.pk])).status_code
        == 404
    )


def test_preferences_accept_only_known_values(client, bob):
    client.force_login(bob)
    url = reverse("community:preferences")
    good = {kind: "off" for kind in preferences.preferences_for(user=bob)}
    assert client.post(url, good).status_code == 302
    assert set(
        NotificationPreference.objects.filter(user=bob).values_list("delivery", flat=True)
    ) == {"off"}
    bad = {**good, "comment": "hourly"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert response.context["form"].errors["comment"]
    with pytest.raises(ValueError, match="Unknown notification preference"):
        preferences.preferences_update(user=bob, choices={"weekly_news": "daily"})


def test_turning_a_kind_off_sends_no_email(
    posted, bob, moderator, django_capture_on_commit_callbacks
):
    preferences.preferences_update(user=posted.author, choices={"status_change": Delivery.OFF})
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(idea=posted, actor=moderator, to_status=Status.PLANNED, response="Yes")
    assert Notification.objects.filter(kind="status_change").count() == 1
    assert mail.outbox == []


def test_one_click_unsubscribe_needs_no_login(
    client, posted, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(idea=posted, actor=moderator, to_status=Status.PLANNED, response="Yes")
    link = re.search(r"http://\S+/unsubscribe/\S+/", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link
    assert "Unsubscribe" in client.get(path).text  # GET only asks (mail scanners follow links)
    assert preferences.delivery_for(user=posted.author, kind="status_change") == "immediate"
    response = client.post(path)  # the button, or the mail client's RFC 8058 one-click POST
    assert response.status_code == 200
    assert preferences.delivery_for(user=posted.author, kind="status_change") == "off"


@pytest.mark.parametrize(
    "token",
    [
        "forged:token",
        TimestampSigner(salt="another.salt").sign("1:status_change"),
        TimestampSigner(salt=preferences.UNSUBSCRIBE_SALT).sign("999999:status_change"),
    ],
)
def test_a_forged_or_unknown_unsubscribe_token_is_refused_without_saying_why(client, db, token):
    response = client.post(reverse("community:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "invalid or has expired" in response.text


def test_an_expired_unsubscribe_token_is_refused(client, bob, monkeypatch):
    from datetime import timedelta

    token = preferences.unsubscribe_token(user=bob, kind="comment")
    monkeypatch.setattr(preferences, "UNSUBSCRIBE_MAX_AGE", timedelta(seconds=-1))
    assert client.post(reverse("community:unsubscribe", args=[token])).status_code == 400
    assert preferences.delivery_for(user=bob, kind="comment") == "daily"


def test_only_moderators_are_offered_the_moderators_notifications(client, bob, moderator):
    url = reverse("community:preferences")
    client.force_login(bob)
    assert "complaint_due" not in client.get(url).context["form"].fields
    client.force_login(moderator)
    assert "complaint_due" in client.get(url).context["form"].fields
