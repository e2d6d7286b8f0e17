from django.urls import reverse
from django.utils import timezone

from community.comments.services import comment_create, comment_remove
from community.models import BadgeAward, Notification, PointsEntry
from community.recognition import services as recognition
from ideas.models import Status
from ideas.services import idea_change_status, idea_create, vote_set
from tests.factories import UserFactory


def _post(author, category, title="Pocket money cards for kids"):  # type: ignore[no-untyped-def]
    return idea_create(author=author, title=title, body="Please", category=category, language="en")


def test_points_for_an_idea_a_comment_and_votes_received(
    alice, bob, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = _post(alice, category)
        vote_set(user=bob, idea=idea, voted=True)
        comment_create(idea=idea, author=bob, body="Good")
    assert recognition.points_of(user=alice) == 10 + 1
    assert recognition.points_of(user=bob) == 2


def test_self_votes_and_vote_toggling_cannot_farm_points(
    alice, bob, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = _post(alice, category)
        vote_set(user=alice, idea=idea, voted=True)  # own idea: no point
        for _ in range(5):
            vote_set(user=bob, idea=idea, voted=True)
            vote_set(user=bob, idea=idea, voted=False)
        vote_set(user=bob, idea=idea, voted=True)
    assert recognition.points_of(user=alice) == 10 + 1
    assert PointsEntry.objects.filter(reason="vote_received").count() == 1


def test_a_withdrawn_vote_takes_its_point_back(
    alice, bob, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = _post(alice, category)
        vote_set(user=bob, idea=idea, voted=True)
        vote_set(user=bob, idea=idea, voted=False)
    assert recognition.points_of(user=alice) == 10


def test_a_deleted_comment_loses_its_points(
    alice, bob, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = _post(alice, category)
        comment = comment_create(idea=idea, author=bob, body="Hmm")
    comment_remove(comment=comment, actor=bob)
    assert recognition.points_of(user=bob) == 0


def test_first_idea_first_comment_and_adopted_badges(
    alice, bob, moderator, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = _post(alice, category)
        comment_create(idea=idea, author=bob, body="+1")
        idea_change_status(idea=idea, actor=moderator, to_status=Status.PLANNED, response="Yes")
    assert set(BadgeAward.objects.filter(user=alice).values_list("code", flat=True)) == {
        "first_idea",
        "idea_adopted",
    }
    assert set(BadgeAward.objects.filter(user=bob).values_list("code", flat=True)) == {
        "first_comment"
    }
    assert recognition.points_of(user=alice) == 10 + 15
    assert Notification.objects.filter(recipient=alice, kind="badge").count() == 2


def test_ten_votes_from_others_earn_a_badge_once(
    alice, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = _post(alice, category)
        for voter in UserFactory.create_batch(10):
            vote_set(user=voter, idea=idea, voted=True)
    assert BadgeAward.objects.filter(user=alice, code="ten_votes").count() == 1
    assert recognition.badges_update(user=alice) == []


def test_the_monthly_leaderboard_ranks_by_points(
    client, alice, bob, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(alice, category)
        _post(alice, category, title="Second idea")
        _post(bob, category, title="Bob's idea")
    now = timezone.localdate()
    response = client.get(
        reverse("community:leaderboard"), {"month": f"{now.year}-{now.month:02d}"}
    )
    rows = list(response.context["rows"])
    assert [(r["user__display_name"], r["total"]) for r in rows] == [("Alice", 20), ("Bob", 10)]
    assert client.get(reverse("community:leaderboard"), {"month": "2026-13"}).status_code == 200
