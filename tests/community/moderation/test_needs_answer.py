"""Sentiment stored by the worker, the "needs an answer" queue, and themes' sentiment mix."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from community.comments import services as comment_services
from community.models import Comment, ContentSentiment
from community.moderation.needs_answer import ideas_needing_answer, median_first_response
from ideas import services as idea_services
from ideas.models import ClusteringRun, Idea, RunState, Status, StatusChange, Theme, ThemeMembership
from ideas.themes.selectors import theme_summaries
from tests.factories import CommentFactory, IdeaFactory, UserFactory
from tests.helpers import queries_to_get

ANGRY = (
    "Unacceptable: charged twice, nobody answers",
    "I was charged twice for the same payment and support never answers. This is a disgrace, "
    "I am furious and I want my money back.",
)
HAPPY = (
    "Thank you for the new savings goals",
    "I love the savings goals in the app, they are great and easy to use. Thank you!",
)
URL = reverse("moderation:needs_answer")


def _sentiment(idea: Idea, comment: Comment | None = None) -> ContentSentiment:
    if comment is not None:
        return ContentSentiment.objects.get(comment=comment)
    return ContentSentiment.objects.get(idea=idea, comment__isnull=True)


def _signal(idea: Idea, *, score: float, complaint: bool = False, comment=None) -> None:  # type: ignore[no-untyped-def]
    label = "negative" if score <= -0.2 else "positive" if score >= 0.2 else "neutral"
    ContentSentiment.objects.create(
        idea=idea,
        comment=comment,
        label=label,
        score=score,
        complaint=complaint,
        text_hash="x",
        computed_at=timezone.now(),
    )


def _create(author, category, title: str, body: str) -> Idea:  # type: ignore[no-untyped-def]
    return idea_services.idea_create(
        author=author, title=title, body=body, category=category, language="en"
    )


# Scoring through the real services and worker tasks


def test_an_angry_idea_is_stored_as_a_negative_complaint(
    alice, category, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        idea = _create(alice, category, *ANGRY)
    sentiment = _sentiment(idea)
    assert sentiment.label == "negative"
    assert sentiment.complaint is True
    assert sentiment.score < 0


def test_a_happy_idea_is_stored_as_positive(alice, category, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        idea = _create(alice, category, *HAPPY)
    sentiment = _sentiment(idea)
    assert sentiment.label == "positive"
    assert sentiment.complaint is False


def test_an_edited_idea_is_scored_again(alice, category, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        idea = _create(alice, category, *HAPPY)
    first = _sentiment(idea)
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.idea_update(
            idea=idea, editor=alice, title=ANGRY[0], body=ANGRY[1], category=category, language="en"
        )
    again = _sentiment(idea)
    assert again.pk == first.pk  # one row per idea
    assert again.label == "negative"
    assert again.text_hash != first.text_hash
    assert ContentSentiment.objects.filter(idea=idea).count() == 1


def test_a_comment_is_scored_by_the_worker(alice, bob, idea, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(idea=idea, author=bob, body=ANGRY[1])
    sentiment = _sentiment(idea, comment)
    assert sentiment.label == "negative"
    assert sentiment.idea_id == idea.pk


# The queue: who sees it


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("alice", 403),
        ("partner", 403),
        ("moderator", 200),
        ("product_manager", 200),
        ("admin_user", 200),
    ],
)
def test_the_queue_is_for_staff_who_answer_officially(client, request, who, status):  # type: ignore[no-untyped-def]
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == status


def test_the_queue_sends_anonymous_visitors_to_log_in(client, db):  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# The queue: what is in it, in which order


def test_the_queue_ranks_more_negative_and_more_engaged_ideas_first(alice, bob, category):  # type: ignore[no-untyped-def]
    mild = IdeaFactory(author=alice, category=category, title="Mild")
    _signal(mild, score=-0.3)
    angry = IdeaFactory(author=alice, category=category, title="Angry")
    _signal(angry, score=-0.9)
    busy = IdeaFactory(author=alice, category=category, title="Mild but busy")
    _signal(busy, score=-0.3)
    for _ in range(3):  # 0.3 × (1 + 3) = 1.2 > 0.9
        CommentFactory(idea=busy, author=bob)
    complaint = IdeaFactory(author=alice, category=category, title="Complaint in a comment")
    _signal(complaint, score=0.5)
    comment = CommentFactory(idea=complaint, author=bob)
    _signal(complaint, score=0.1, complaint=True, comment=comment)  # 1 × (1 + 1) = 2
    happy = IdeaFactory(author=alice, category=category, title="Happy")
    _signal(happy, score=0.8)

    ranked = list(ideas_needing_answer())

    assert [i.title for i in ranked] == [
        "Complaint in a comment",
        "Mild but busy",
        "Angry",
        "Mild",
    ]
    assert ranked[0].urgency == pytest.approx(2.0)
    assert ranked[1].urgency == pytest.approx(1.2)


def test_answered_and_hidden_ideas_leave_the_queue(alice, moderator, product_manager, category):  # type: ignore[no-untyped-def]
    by_status = IdeaFactory(author=alice, category=category, title="Answered by a status")
    by_comment = IdeaFactory(author=alice, category=category, title="Answered in a comment")
    by_member = IdeaFactory(author=alice, category=category, title="Only a member replied")
    hidden = IdeaFactory(author=alice, category=category, title="Hidden", hidden_at=timezone.now())
    for idea in (by_status, by_comment, by_member, hidden):
        _signal(idea, score=-0.8)
    idea_services.idea_change_status(
        idea=by_status, actor=product_manager, to_status=Status.UNDER_REVIEW, response="Looking."
    )
    CommentFactory(idea=by_comment, author=moderator)
    CommentFactory(idea=by_member, author=alice)

    assert [i.title for i in ideas_needing_answer()] == ["Only a member replied"]


def test_the_queue_page_shows_the_ideas_with_a_fixed_number_of_queries(
    client, moderator, alice, category
):  # type: ignore[no-untyped-def]
    client.force_login(moderator)

    def add(n: int) -> None:
        for _ in range(n):
            _signal(IdeaFactory(author=UserFactory(), category=category, title="Sad"), score=-0.5)

    add(2)
    few = queries_to_get(client, URL)
    add(10)
    response = client.get(URL)
    assert response.content.decode().count('class="needs-answer"') == 12
    assert queries_to_get(client, URL) == few


def test_the_weeks_activity_is_counted_in_words(client, moderator, alice, bob, category):  # type: ignore[no-untyped-def]
    sad = IdeaFactory(author=alice, category=category, title="Sad")
    _signal(sad, score=-0.5)
    CommentFactory(idea=sad, author=bob)
    client.force_login(moderator)
    page = client.get(URL).content.decode()
    assert "this week: 0 votes, 1 comment" in " ".join(page.split())
    client.cookies["django_language"] = "fr"
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "cette semaine : 0 vote, 1 commentaire" in " ".join(page.split())


# Median time to a first staff answer


def test_the_median_time_to_a_first_staff_answer(alice, bob, moderator, category):  # type: ignore[no-untyped-def]
    now = timezone.now()

    def posted(hours_ago: float) -> Idea:
        idea = IdeaFactory(author=alice, category=category)
        Idea.objects.filter(pk=idea.pk).update(created_at=now - timedelta(hours=hours_ago))
        idea.refresh_from_db()
        return idea

    def at(row, hours_ago: float) -> None:  # type: ignore[no-untyped-def]
        type(row).objects.filter(pk=row.pk).update(created_at=now - timedelta(hours=hours_ago))

    # Answered 2 h after posting by a status change (a staff comment came later).
    first = posted(50)
    at(
        StatusChange.objects.create(
            idea=first,
            changed_by=moderator,
            from_status="new",
            to_status="under_review",
            response="ok",
        ),
        48,
    )
    at(CommentFactory(idea=first, author=moderator), 40)
    # Answered 10 h after posting by a staff comment; a member's comment does not count.
    second = posted(30)
    at(CommentFactory(idea=second, author=bob), 29)
    at(CommentFactory(idea=second, author=moderator), 20)
    # Answered 6 h after posting.
    third = posted(12)
    at(CommentFactory(idea=third, author=moderator), 6)
    # Not answered, and answered too long ago: neither counts.
    posted(5)
    old = posted(24 * 100)
    at(CommentFactory(idea=old, author=moderator), 24 * 99)

    assert median_first_response(now=now) == pytest.approx(
        timedelta(hours=6), abs=timedelta(seconds=5)
    )


def test_a_member_made_staff_later_did_not_answer_before(alice, bob, moderator, category):  # type: ignore[no-untyped-def]
    """Their comments as a member are not staff answers, and their new ones are."""
    unhappy = IdeaFactory(author=alice, category=category, title="Unhappy")
    _signal(unhappy, score=-0.8)
    comment_services.comment_create(idea=unhappy, author=bob, body="Same problem here.")
    bob.groups.add(*moderator.groups.all())
    bob = User.objects.get(pk=bob.pk)  # no permission cache
    assert [i.title for i in ideas_needing_answer()] == ["Unhappy"]
    assert median_first_response() is None

    comment_services.comment_create(idea=unhappy, author=bob, body="We are looking into it.")
    assert list(ideas_needing_answer()) == []
    assert median_first_response() is not None


def test_the_median_says_no_data_when_nothing_was_answered(client, moderator):  # type: ignore[no-untyped-def]
    assert median_first_response() is None
    client.force_login(moderator)
    assert "no data" in client.get(URL).content.decode()


# Themes' sentiment mix


def test_themes_show_their_sentiment_mix(product_manager, client, alice, bob, category):  # type: ignore[no-untyped-def]
    run = ClusteringRun.objects.create(
        trigger="manual", state=RunState.PUBLISHED, published_at=timezone.now()
    )
    theme = Theme.objects.create(label="fees", first_run=run, last_run=run, is_active=True)
    scores = [(-0.8, True), (-0.5, False), (0.0, False), (0.6, False)]
    for score, complaint in scores:
        idea = IdeaFactory(author=alice, category=category)
        ThemeMembership.objects.create(run=run, theme=theme, idea=idea, similarity=0.9)
        _signal(idea, score=score, complaint=complaint)
        # Comments have their own rows; they must not change the ideas' mix.
        _signal(idea, score=-0.9, complaint=True, comment=CommentFactory(idea=idea, author=bob))
    ThemeMembership.objects.create(
        run=run, theme=theme, idea=IdeaFactory(author=alice, category=category), similarity=0.9
    )  # not scored yet

    _run, [summary] = theme_summaries()

    mix = summary.mix
    assert (mix.negative, mix.neutral, mix.positive, mix.complaints) == (2, 1, 1, 1)
    assert (mix.negative_pct, mix.positive_pct, mix.complaints_pct) == (50.0, 25.0, 25.0)
    client.force_login(product_manager)
    assert "50% negative" in client.get(reverse("themes:dashboard")).content.decode()
    assert (
        "25% complaints" in client.get(reverse("themes:detail", args=[theme.pk])).content.decode()
    )


def test_the_migration_marks_the_comments_of_todays_staff(alice, moderator, idea):  # type: ignore[no-untyped-def]
    """Rows written before Comment.by_staff get today's roles, the best known of the past."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("community.migrations.0019_comment_by_staff_rows")
    gone = UserFactory(role="moderator", is_active=False)  # staff who left: their answers count
    comments = [
        CommentFactory(idea=idea, author=author, by_staff=False)
        for author in (moderator, gone, alice)
    ]
    migration.mark_staff_comments(apps, None)
    assert [Comment.objects.get(pk=c.pk).by_staff for c in comments] == [True, True, False]
