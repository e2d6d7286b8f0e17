"""Pre-moderation: first posts, pre-moderated categories and campaigns, the waiting list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import AuditAction, AuditEntry
from community.comments import services
from community.comments.selectors import comments_by_author
from community.models import (
    Comment,
    ContentSentiment,
    Notification,
    NotificationKind,
    PointsEntry,
)
from community.moderation import premoderation
from community.moderation import services as moderation_services
from community.notifications.follows import idea_followed_by
from ideas import services as idea_services
from ideas.models import Campaign, Idea
from ideas.selectors import idea_list, ideas_by_author
from tests.community.campaigns.helpers import make_campaign
from tests.factories import CategoryFactory, IdeaFactory, UserFactory
from tests.helpers import queries_to_get

QUEUE = reverse("moderation:queue")


@pytest.fixture(autouse=True)
def _first_post_rule(settings):  # type: ignore[no-untyped-def]
    """The rule as it runs in production (tests/conftest.py turns it off for other tests)."""
    settings.RUCHE_PREMODERATE_FIRST_POST = True


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run what the services queue on commit (the tasks run eagerly in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post_idea(author, category, *, campaign=None, title="Round up my purchases"):  # type: ignore[no-untyped-def]
    return idea_services.idea_create(
        author=author,
        title=title,
        body="Into a savings pot.",
        category=category,
        language="en",
        campaign=campaign,
    )


@pytest.fixture
def public_idea(bob, category):  # type: ignore[no-untyped-def]
    """Bob's public idea, which Bob follows."""
    idea = IdeaFactory(author=bob, category=category, title="Freeze my card from the app")
    idea_followed_by(user=bob, idea=idea)
    return idea


# --- who waits ----------------------------------------------------------------------------------


def test_a_members_first_idea_waits_and_after_approval_the_next_one_does_not(
    alice, moderator, category
):
    first = post_idea(alice, category)
    assert first.is_pending
    # Still no public post: a second one waits as well.
    assert post_idea(alice, category, title="Second").is_pending
    assert premoderation.idea_approve(actor=moderator, idea=first)
    assert not post_idea(alice, category, title="Third").is_pending


def test_a_members_first_comment_waits_and_an_approved_idea_counts_as_a_first_post(
    alice, moderator, category, public_idea
):
    comment = services.comment_create(idea=public_idea, author=alice, body="Yes!")
    assert comment.is_pending
    premoderation.comment_approve(actor=moderator, comment=comment)
    assert not services.comment_create(idea=public_idea, author=alice, body="Again").is_pending
    # The approved comment is a public post: Alice's first idea does not wait.
    assert not post_idea(alice, category).is_pending


def test_a_rejected_first_post_is_not_a_public_post(alice, moderator, category):
    first = post_idea(alice, category)
    moderation_services.content_hide(actor=moderator, idea=first, reason="Spam")
    assert post_idea(alice, category, title="Second").is_pending


def test_a_pre_moderated_category_holds_every_idea(settings, alice, category):
    settings.RUCHE_PREMODERATE_FIRST_POST = False
    held = CategoryFactory(slug="loans", premoderated=True)
    assert post_idea(alice, held).is_pending
    assert not post_idea(alice, category).is_pending
    assert post_idea(alice, held, title="Again").is_pending


def test_a_pre_moderated_campaign_holds_its_ideas(settings, alice, moderator, category):
    settings.RUCHE_PREMODERATE_FIRST_POST = False
    held = make_campaign(moderator, slug="held", premoderated=True)
    free = make_campaign(moderator, slug="free")
    assert post_idea(alice, category, campaign=held).is_pending
    assert not post_idea(alice, category, campaign=free).is_pending
    assert not post_idea(alice, category).is_pending


@pytest.mark.parametrize("who", ["moderator", "product_manager", "admin_user"])
def test_staff_are_never_pre_moderated(request, who, category, public_idea):
    staff = request.getfixturevalue(who)
    held = CategoryFactory(slug="loans", premoderated=True)
    campaign = make_campaign(staff, premoderated=True)
    assert not post_idea(staff, held, campaign=campaign).is_pending
    assert not services.comment_create(idea=public_idea, author=staff, body="Hi").is_pending


def test_partners_are_pre_moderated_like_members(partner, category):
    assert post_idea(partner, category).is_pending


# --- who sees a waiting post --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [(None, False), ("bob", False), ("alice", True), ("moderator", True)],
)
def test_a_waiting_idea_is_seen_only_by_its_author_and_moderators(
    client, request, alice, category, who, sees
):
    waiting = post_idea(alice, category, title="A waiting idea")
    viewer = request.getfixturevalue(who) if who else None
    if viewer:
        client.force_login(viewer)
    assert waiting not in Idea.objects.public()
    assert (waiting in idea_list(viewer=viewer)) is sees
    page = client.get(waiting.get_absolute_url())
    assert page.status_code == (200 if sees else 404)
    assert ("A waiting idea" in client.get(reverse("ideas:list")).text) is sees
    if sees:
        assert "Pending review" in page.text
        assert "once a moderator has reviewed it" in page.text


@pytest.mark.parametrize(
    ("who", "sees"),
    [(None, False), ("partner", False), ("alice", True), ("moderator", True)],
)
def test_a_waiting_comment_is_seen_only_by_its_author_and_moderators(
    client, request, alice, public_idea, who, sees
):
    comment = services.comment_create(idea=public_idea, author=alice, body="Waiting words")
    if who:
        client.force_login(request.getfixturevalue(who))
    page = client.get(public_idea.get_absolute_url()).text
    assert ("Waiting words" in page) is sees
    assert (f'id="comment-{comment.pk}"' in page) is sees
    assert ("Pending review" in page) is sees


def test_the_author_is_told_after_submitting_and_sees_the_badge_in_my_ideas(
    client, alice, category
):
    client.force_login(alice)
    data = {"title": "Round up", "body": "Into savings", "category": category.pk, "language": "en"}
    response = client.post(reverse("ideas:create"), data, follow=True)
    assert "Your idea will be public once a moderator has reviewed it" in response.text
    assert Idea.objects.get().is_pending
    mine = client.get(reverse("ideas:mine"))
    assert "Round up" in mine.text
    assert "Pending review" in mine.text


def test_the_author_is_told_after_commenting(client, alice, public_idea):
    client.force_login(alice)
    url = reverse("community:comment_create", args=[public_idea.pk])
    response = client.post(url, {"body": "My first words"}, follow=True)
    assert "Your comment will be visible to everyone once a moderator" in response.text
    assert "My first words" in response.text


def test_nobody_replies_to_a_waiting_comment(alice, bob, public_idea):
    waiting = services.comment_create(idea=public_idea, author=alice, body="Hello")
    with pytest.raises(Exception, match="once a moderator has approved it"):
        services.comment_create(idea=public_idea, author=bob, body="Reply", parent=waiting)


def test_profile_lists_leave_waiting_comments_out(alice, moderator, public_idea):
    comment = services.comment_create(idea=public_idea, author=alice, body="Waiting words")
    assert list(comments_by_author(author=alice)) == []
    premoderation.comment_approve(actor=moderator, comment=comment)
    assert list(comments_by_author(author=alice)) == [comment]


# --- what waits for approval --------------------------------------------------------------------


def test_a_waiting_comment_is_counted_and_notified_only_once_approved(
    alice, bob, moderator, public_idea, run_tasks
):
    with run_tasks():
        comment = services.comment_create(idea=public_idea, author=alice, body="Yes, @Bob")
    public_idea.refresh_from_db()
    assert public_idea.comment_count == 0
    assert not Notification.objects.exists()
    assert not PointsEntry.objects.filter(user=alice).exists()
    with run_tasks():
        assert premoderation.comment_approve(actor=moderator, comment=comment)
    public_idea.refresh_from_db()
    assert public_idea.comment_count == 1
    assert Notification.objects.get(recipient=bob).kind == NotificationKind.MENTION
    assert PointsEntry.objects.filter(user=alice, key=f"comment:{comment.pk}").exists()
    assert ContentSentiment.objects.filter(comment=comment).exists()


def test_a_waiting_idea_gets_points_and_sentiment_only_once_approved(
    alice, moderator, category, run_tasks
):
    with run_tasks():
        waiting = post_idea(alice, category)
    assert not PointsEntry.objects.filter(user=alice).exists()
    assert not ContentSentiment.objects.filter(idea=waiting).exists()
    with run_tasks():
        assert premoderation.idea_approve(actor=moderator, idea=waiting)
    assert PointsEntry.objects.filter(user=alice, key=f"idea:{waiting.pk}").exists()
    assert ContentSentiment.objects.filter(idea=waiting, comment=None).exists()
    assert waiting in Idea.objects.public()


def test_rejecting_or_deleting_a_waiting_comment_leaves_the_count_alone(
    client, alice, moderator, public_idea
):
    rejected = services.comment_create(idea=public_idea, author=alice, body="Spam")
    deleted = services.comment_create(idea=public_idea, author=alice, body="Oops")
    moderation_services.content_hide(
        actor=moderator, idea=public_idea, comment=rejected, reason="Spam"
    )
    services.comment_remove(comment=deleted, actor=alice)
    public_idea.refresh_from_db()
    assert public_idea.comment_count == 0
    rejected.refresh_from_db()
    assert (rejected.is_pending, rejected.is_removed) == (False, True)
    assert not Comment.objects.filter(pk=deleted.pk).exists()
    # A moderator may still restore the rejected comment: then it is public, and counted.
    moderation_services.content_restore(
        actor=moderator, idea=public_idea, comment=rejected, reason="Fine after all"
    )
    public_idea.refresh_from_db()
    assert public_idea.comment_count == 1


def test_approving_twice_acts_once(alice, moderator, category, public_idea):
    idea = post_idea(alice, category)
    comment = services.comment_create(idea=public_idea, author=alice, body="Yes")
    assert premoderation.idea_approve(actor=moderator, idea=idea)
    assert not premoderation.idea_approve(actor=moderator, idea=idea)
    assert premoderation.comment_approve(actor=moderator, comment=comment)
    assert not premoderation.comment_approve(actor=moderator, comment=comment)
    public_idea.refresh_from_db()
    assert public_idea.comment_count == 1
    assert AuditEntry.objects.filter(action=AuditAction.IDEA_APPROVE).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.COMMENT_APPROVE).count() == 1


def test_only_moderators_approve(alice, bob, category):
    idea = post_idea(alice, category)
    with pytest.raises(Exception, match="Only moderators"):
        premoderation.idea_approve(actor=bob, idea=idea)
    idea.refresh_from_db()
    assert idea.is_pending


# --- the waiting list in the moderation queue ---------------------------------------------------


def test_the_queue_lists_waiting_ideas_and_comments_oldest_first_with_why(
    client, alice, partner, moderator, category, public_idea
):
    held = CategoryFactory(slug="loans", name_en="Loans", premoderated=True)
    comment = services.comment_create(idea=public_idea, author=partner, body="Partner words")
    idea = post_idea(alice, held, title="Cheaper loans")
    Comment.objects.filter(pk=comment.pk).update(pending_at=timezone.now() - timedelta(hours=2))
    client.force_login(moderator)
    response = client.get(QUEUE)
    assert response.status_code == 200
    items = response.context["pending"].items
    assert [(i.idea, i.comment) for i in items] == [(public_idea, comment), (idea, None)]
    assert items[1].reasons == [
        "The category “Loans” is pre-moderated.",
        "The member's first post.",
    ]
    assert "Waiting for approval" in response.text
    assert "Partner words" in response.text
    assert "Cheaper loans" in response.text
    assert reverse("moderation:idea_action", args=[idea.pk, "approve"]) in response.text
    assert reverse("moderation:comment_action", args=[comment.pk, "reject"]) in response.text


def test_the_waiting_list_makes_the_same_number_of_queries_for_more_items(
    client, moderator, category, public_idea
):
    def more() -> None:
        author = UserFactory()
        post_idea(author, category)
        services.comment_create(idea=public_idea, author=author, body="Hi")

    more()
    client.force_login(moderator)
    few = queries_to_get(client, QUEUE)
    for _ in range(4):
        more()
    assert queries_to_get(client, QUEUE) == few


def approve(client, idea):  # type: ignore[no-untyped-def]
    seen = Idea.objects.get(pk=idea.pk).updated_at.isoformat()  # the version the page shows
    return client.post(reverse("moderation:idea_action", args=[idea.pk, "approve"]), {"seen": seen})


def test_a_moderator_approves_from_the_queue(client, alice, moderator, category):
    idea = post_idea(alice, category)
    client.force_login(moderator)
    response = approve(client, idea)
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert "Approved: it is public now." in page.text
    assert page.context["pending"].items == []
    idea.refresh_from_db()
    assert not idea.is_pending
    entry = AuditEntry.objects.get(action=AuditAction.IDEA_APPROVE)
    assert (entry.actor, entry.target_id, entry.before["pending"]) == (moderator, idea.pk, True)


def test_a_moderator_approves_a_comment_with_an_optional_note(
    client, alice, moderator, public_idea
):
    comment = services.comment_create(idea=public_idea, author=alice, body="Yes")
    client.force_login(moderator)
    url = reverse("moderation:comment_action", args=[comment.pk, "approve"])
    seen = comment.updated_at.isoformat()
    assert client.post(url, {"reason": "Looks fine", "seen": seen}).status_code == 302
    comment.refresh_from_db()
    assert not comment.is_pending
    entry = AuditEntry.objects.get(action=AuditAction.COMMENT_APPROVE)
    assert entry.after["reason"] == "Looks fine"


def test_members_cannot_approve_and_anonymous_people_are_sent_to_log_in(
    client, alice, bob, category
):
    idea = post_idea(alice, category)
    response = approve(client, idea)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    client.force_login(bob)
    assert approve(client, idea).status_code == 403
    client.force_login(alice)
    assert approve(client, idea).status_code == 403
    assert client.get(QUEUE).status_code == 403
    idea.refresh_from_db()
    assert idea.is_pending
    assert not AuditEntry.objects.exists()


def test_rejecting_needs_a_reason_and_hides_the_idea(client, alice, bob, moderator, category):
    idea = post_idea(alice, category)
    client.force_login(moderator)
    url = reverse("moderation:idea_action", args=[idea.pk, "reject"])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    idea.refresh_from_db()
    assert (idea.is_pending, idea.is_hidden) == (True, False)
    assert not AuditEntry.objects.exists()

    assert client.post(url, {"reason": "Advertising"}).status_code == 302
    idea.refresh_from_db()
    assert (idea.is_pending, idea.is_hidden) == (False, True)
    assert client.get(QUEUE).context["pending"].items == []
    entry = AuditEntry.objects.get(action=AuditAction.IDEA_HIDE)
    assert entry.before["pending"] is True
    assert entry.after["reason"] == "Advertising"
    assert entry.summary.startswith("Rejected")
    # Its author still sees it, as hidden; others do not.
    assert idea in ideas_by_author(author=alice, viewer=alice)
    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 404


def test_the_idea_page_offers_moderators_approve_and_reject(client, alice, moderator, category):
    idea = post_idea(alice, category)
    client.force_login(alice)
    approve_url = reverse("moderation:idea_action", args=[idea.pk, "approve"])
    assert approve_url not in client.get(idea.get_absolute_url()).text
    client.force_login(moderator)
    assert approve_url in client.get(idea.get_absolute_url()).text


# --- switching pre-moderation on ----------------------------------------------------------------


def test_staff_make_a_campaign_pre_moderated_from_its_form(client, moderator):
    campaign = make_campaign(moderator)
    client.force_login(moderator)
    url = reverse("campaigns:edit", args=[campaign.slug])
    assert 'name="premoderated"' in client.get(url).text
    now = timezone.localtime(timezone.now())
    data = {
        "title": campaign.title,
        "slug": campaign.slug,
        "description": campaign.description,
        "starts_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
        "premoderated": "on",
    }
    assert client.post(url, data).status_code == 302
    assert Campaign.objects.get().premoderated
    data.pop("premoderated")
    client.post(url, data)
    assert not Campaign.objects.get().premoderated


def test_admins_switch_pre_moderation_for_a_category_and_a_campaign(
    client, admin_user, moderator, category
):
    campaign = make_campaign(moderator)
    client.force_login(admin_user)
    page = client.get(reverse("admin:ideas_category_change", args=[category.pk]))
    assert 'name="premoderated"' in page.text
    page = client.get(reverse("admin:ideas_campaign_change", args=[campaign.pk]))
    assert 'name="premoderated"' in page.text
    assert 'name="title"' not in page.text  # edited on the site, where it is rendered
    response = client.post(
        reverse("admin:ideas_campaign_change", args=[campaign.pk]),
        {"premoderated": "on"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.premoderated


def test_a_waiting_post_earns_no_badge_until_it_is_approved(alice, moderator, category):
    from community.recognition.services import badges_update

    idea = post_idea(alice, category)
    assert idea.is_pending
    assert badges_update(user=alice) == []
    premoderation.idea_approve(actor=moderator, idea=idea)
    assert "first_idea" in badges_update(user=alice)


def test_a_rejected_idea_restored_later_is_published_fully(alice, moderator, category, run_tasks):
    from community.models import PointsEntry
    from ideas.models import IdeaVector

    idea = post_idea(alice, category)
    premoderation.content_reject(actor=moderator, idea=idea, reason="Unclear")
    with run_tasks():
        moderation_services.content_restore(actor=moderator, idea=idea, reason="On appeal")
    assert Idea.objects.public().filter(pk=idea.pk).exists()
    assert IdeaVector.objects.filter(idea=idea).exists()
    assert PointsEntry.objects.filter(user=alice, idea=idea).exists()
