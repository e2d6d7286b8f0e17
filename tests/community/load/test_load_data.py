"""`manage.py generate_load_data`: bulk fake data whose every derived count is exact."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q, Sum

from accounts.models import User
from community.load.data import EMAIL_DOMAIN, LOAD_PASSWORD, counter_mismatches, spread
from community.models import BadgeAward, Comment, Follow, PointsEntry
from community.recognition import services as recognition
from ideas.models import Idea, IdeaTally, Vote
from ideas.rendering import render_markdown

FLAG = "--i-know-this-is-not-production"


def load(ideas: int, votes: int, comments: int, **extra: object) -> None:
    call_command("generate_load_data", FLAG, ideas=ideas, votes=votes, comments=comments, **extra)


def ledger() -> set[tuple[int, str, int, str]]:
    return set(PointsEntry.objects.values_list("user_id", "reason", "points", "key"))


def test_it_refuses_to_run_with_debug_off_unless_told(db, settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("generate_load_data", ideas=5, votes=5, comments=5)
    assert not Idea.objects.exists()


def test_it_loads_the_requested_sizes_with_exact_counts(db):  # type: ignore[no-untyped-def]
    load(200, 2_000, 500)

    assert Idea.objects.count() == 200
    assert Vote.objects.count() == 2_000
    assert Comment.objects.count() == 500
    assert User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).count() == 51  # + one PM
    counted = Idea.objects.annotate(
        votes_n=Count("votes", distinct=True),
        comments_n=Count(
            "comments",
            filter=Q(comments__removed_at__isnull=True, comments__pending_at__isnull=True),
            distinct=True,
        ),
    )
    for idea in counted:
        assert (idea.vote_count, idea.comment_count) == (idea.votes_n, idea.comments_n), idea.pk
    assert Comment.objects.filter(removed_at__isnull=False).exists()  # so removal is counted
    # Zipf-like: a few ideas hold many votes, most a handful; one long discussion.
    by_votes = sorted(Idea.objects.values_list("vote_count", flat=True))
    assert by_votes[-1] >= 10 * by_votes[len(by_votes) // 2]
    assert max(Idea.objects.values_list("comment_count", flat=True)) >= 120
    assert Idea.objects.values("language").distinct().count() == 2
    assert Comment.objects.filter(parent__isnull=False).exists()
    # Every idea is scored for the trending sort (the default list), and counted in the tallies.
    assert not Idea.objects.filter(trending_score=0).exists()
    assert IdeaTally.objects.aggregate(n=Sum("n"))["n"] == 200
    assert counter_mismatches() == []


def test_the_worker_finds_nothing_to_change_in_points_and_badges(db):  # type: ignore[no-untyped-def]
    load(30, 150, 60)
    before, badges = ledger(), BadgeAward.objects.count()

    for idea in Idea.objects.select_related("author"):
        recognition.recognise_idea(idea=idea)
        recognition.recognise_votes(idea=idea)
        recognition.recognise_status(idea=idea)
    for comment in Comment.objects.select_related("idea", "author"):
        recognition.recognise_comment(comment=comment)

    assert ledger() == before
    assert BadgeAward.objects.count() == badges
    self_votes = Vote.objects.filter(user=F("idea__author"))
    assert self_votes.exists()  # they earn nothing
    assert PointsEntry.objects.filter(reason="vote_received").count() == (
        Vote.objects.count() - self_votes.count()
    )


def test_stored_html_is_what_rendering_gives_and_people_follow(db):  # type: ignore[no-untyped-def]
    load(40, 200, 80)

    for idea in Idea.objects.all():
        assert idea.body_html == render_markdown(idea.body)
    for comment in Comment.objects.all():
        assert comment.body_html == render_markdown(comment.body)
    follows = set(Follow.objects.values_list("user_id", "idea_id"))
    assert set(Vote.objects.values_list("user_id", "idea_id")) <= follows
    assert set(Idea.objects.values_list("author_id", "pk")) <= follows


def test_a_load_member_logs_in_and_votes_and_the_counts_stay_exact(  # type: ignore[no-untyped-def]
    db, client, django_capture_on_commit_callbacks
):
    load(30, 100, 40)
    member = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN, groups__name="member")[0]
    idea = Idea.objects.exclude(votes__user=member).exclude(author=member).first()
    assert idea is not None
    assert client.login(email=member.email, password=LOAD_PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):  # the worker's recount, in process
        response = client.post(f"/ideas/{idea.pk}/vote/")

    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.vote_count == idea.votes.count()
    assert PointsEntry.objects.filter(key=f"vote:{member.pk}:{idea.pk}").exists()
    assert client.get("/leaderboard/").status_code == 200


def test_a_second_run_adds_to_the_first(db):  # type: ignore[no-untyped-def]
    load(20, 50, 10, members=10)
    load(20, 50, 10, members=10)

    assert Idea.objects.count() == 40
    assert User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).count() == 22
    assert not Idea.objects.exclude(vote_count=0).filter(votes__isnull=True).exists()


def test_more_votes_than_members_can_cast_is_refused(db):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="More votes than members"):
        load(2, 500, 0, members=10)


def test_spread_keeps_the_total_and_the_cap() -> None:
    counts = spread(1_000, [1 / r for r in range(1, 101)], cap=50)

    assert sum(counts) == 1_000
    assert max(counts) == 50
    assert counts == sorted(counts, reverse=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bulk load")
def test_an_invalid_index_left_by_a_failed_concurrent_build_stops_the_load(db):  # type: ignore[no-untyped-def]
    """Rebuilt by the load, it would become valid and hide the failed migration."""
    with connection.cursor() as cursor:  # what a cancelled CREATE INDEX CONCURRENTLY leaves
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false "
            "WHERE indexrelid = 'follow_idea_users'::regclass"
        )
    with pytest.raises(CommandError, match="follow_idea_users"):
        load(5, 5, 0, members=5)
    assert not Idea.objects.exists()
