from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ideas import services
from ideas.models import Idea, Status, StatusChange, Vote
from tests.factories import IdeaFactory


def test_idea_create_renders_markdown_and_strips_spaces(alice, category):
    idea = services.idea_create(
        author=alice,
        title="  Freeze my card  ",
        body="Please **now**",
        category=category,
        language="en",
    )
    assert idea.title == "Freeze my card"
    assert idea.body_html == "<p>Please <strong>now</strong></p>"
    assert idea.status == Status.NEW


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("", "A body", "title"),
        ("   ", "A body", "title"),
        ("x" * 141, "A body", "title"),
        ("A title", "", "body"),
        ("A title", "y" * 10_001, "body"),
    ],
)
def test_idea_create_rejects_bad_input_and_saves_nothing(alice, category, title, body, field):
    with pytest.raises(ValidationError) as error:
        services.idea_create(author=alice, title=title, body=body, category=category, language="en")
    assert field in error.value.message_dict
    assert not Idea.objects.exists()


def test_idea_create_accepts_the_longest_allowed_title_and_body(alice, category):
    idea = services.idea_create(
        author=alice, title="x" * 140, body="y" * 10_000, category=category, language="fr"
    )
    assert len(idea.title) == 140


def test_vote_toggle_twice_removes_the_vote(idea, bob):
    assert services.vote_toggle(user=bob, idea=idea) is True
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert services.vote_toggle(user=bob, idea=idea) is False
    idea.refresh_from_db()
    assert idea.vote_count == 0
    assert not Vote.objects.exists()


def test_vote_set_is_idempotent_so_a_double_click_counts_once(idea, bob):
    assert services.vote_set(user=bob, idea=idea, voted=True) is True
    assert services.vote_set(user=bob, idea=idea, voted=True) is False
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert services.vote_set(user=bob, idea=idea, voted=False) is True
    assert services.vote_set(user=bob, idea=idea, voted=False) is False
    idea.refresh_from_db()
    assert idea.vote_count == 0


def test_each_vote_change_writes_one_event_and_no_change_writes_none(idea, bob):
    from config.outbox.models import OutboxEvent

    def events() -> list[dict[str, object]]:
        rows = OutboxEvent.objects.filter(name="idea.votes_changed").order_by("pk")
        return list(rows.values_list("payload", flat=True))

    services.vote_set(user=bob, idea=idea, voted=True, network="abc")
    services.vote_set(user=bob, idea=idea, voted=True)  # a double click: nothing
    services.vote_set(user=bob, idea=idea, voted=False)
    services.vote_set(user=bob, idea=idea, voted=False)  # nothing
    assert events() == [
        {"idea_id": idea.pk, "new_voter_id": bob.pk},
        {"idea_id": idea.pk, "new_voter_id": None},
    ]
    services.vote_set(user=bob, idea=idea, voted=True, network="x" * 40)
    assert Vote.objects.get(user=bob, idea=idea).network == "x" * 16


@pytest.mark.parametrize(
    "in_a_transaction",
    [pytest.param(True), pytest.param(False, marks=pytest.mark.django_db(transaction=True))],
    ids=["in-a-transaction", "autocommit-as-a-request"],
)
def test_a_vote_on_an_idea_merged_meanwhile_is_refused_and_leaves_nothing(
    in_a_transaction, idea, bob
):
    """The page's idea was merged away after it was read: no vote, no event, no count (on
    PostgreSQL the one statement aborted, committed by nobody: ideas.vote_write)."""
    from django.db import connection

    from config.outbox.models import OutboxEvent

    assert connection.in_atomic_block is in_a_transaction
    kept = IdeaFactory()
    Idea.objects.filter(pk=idea.pk).update(merged_into=kept, merged_at=timezone.now())
    before = OutboxEvent.objects.count()
    with pytest.raises(ValidationError):
        services.vote_set(user=bob, idea=idea, voted=True)
    assert not Vote.objects.exists()
    assert OutboxEvent.objects.count() == before
    assert Idea.objects.get(pk=idea.pk).vote_count == 0


def test_votes_from_several_people_add_up(idea, alice, bob, partner):
    for user in (alice, bob, partner):
        services.vote_toggle(user=user, idea=idea)
    idea.refresh_from_db()
    assert idea.vote_count == 3 == Vote.objects.filter(idea=idea).count()


def test_status_change_by_staff_records_the_official_response(idea, moderator):
    change = services.idea_change_status(
        idea=idea, actor=moderator, to_status=Status.UNDER_REVIEW, response="We are *looking*."
    )
    idea.refresh_from_db()
    assert idea.status == Status.UNDER_REVIEW
    assert (change.from_status, change.to_status) == (Status.NEW, Status.UNDER_REVIEW)
    assert change.response_html == "<p>We are <em>looking</em>.</p>"
    assert change.changed_by == moderator


def test_status_change_by_a_member_is_refused(idea, bob):
    with pytest.raises(PermissionDenied):
        services.idea_change_status(idea=idea, actor=bob, to_status=Status.PLANNED, response="Yes")
    idea.refresh_from_db()
    assert idea.status == Status.NEW
    assert not StatusChange.objects.exists()


def test_status_change_needs_a_response(idea, product_manager):
    with pytest.raises(ValidationError) as error:
        services.idea_change_status(
            idea=idea, actor=product_manager, to_status=Status.PLANNED, response="   "
        )
    assert "response" in error.value.message_dict
    assert not StatusChange.objects.exists()


def test_status_change_outside_the_workflow_is_refused(idea, moderator):
    with pytest.raises(ValidationError) as error:
        services.idea_change_status(
            idea=idea, actor=moderator, to_status=Status.DONE, response="Done"
        )
    assert "to_status" in error.value.message_dict
    idea.refresh_from_db()
    assert idea.status == Status.NEW


def test_the_workflow_runs_from_new_to_done(idea, product_manager):
    for status in (Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS, Status.DONE):
        services.idea_change_status(
            idea=idea, actor=product_manager, to_status=status, response="ok"
        )
    assert list(idea.status_changes.values_list("to_status", flat=True)) == [
        "under_review",
        "planned",
        "in_progress",
        "done",
    ]


def test_author_can_edit_within_the_window_before_any_staff_answer(idea, alice, bob, settings):
    settings.IDEA_EDIT_WINDOW_MINUTES = 60
    assert services.idea_can_edit(idea=idea, user=alice)
    assert not services.idea_can_edit(idea=idea, user=bob)
    services.idea_update(
        idea=idea,
        editor=alice,
        title="New title",
        body="New body",
        category=idea.category,
        language="fr",
    )
    idea.refresh_from_db()
    assert (idea.title, idea.language) == ("New title", "fr")


def test_author_cannot_edit_after_the_window(alice, category, settings):
    settings.IDEA_EDIT_WINDOW_MINUTES = 60
    idea = IdeaFactory(author=alice, category=category)
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    idea.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.idea_update(
            idea=idea, editor=alice, title="Late", body="Late", category=category, language="en"
        )


def test_author_cannot_edit_after_a_staff_answer(idea, alice, moderator):
    services.idea_change_status(
        idea=idea, actor=moderator, to_status=Status.UNDER_REVIEW, response="Looking"
    )
    assert not services.idea_can_edit(idea=idea, user=alice)


def test_recount_repairs_the_denormalised_counts(idea, bob):
    services.vote_toggle(user=bob, idea=idea)
    Idea.objects.filter(pk=idea.pk).update(vote_count=42, comment_count=7)
    services.ideas_recount()
    idea.refresh_from_db()
    assert (idea.vote_count, idea.comment_count) == (1, 0)
