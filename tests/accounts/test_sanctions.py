"""Moderators suspend or ban members (content hidden or kept, by choice) and reinstate them."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import sanctions
from accounts.audit import AuditAction, AuditEntry
from accounts.models import User
from community.comments import services
from community.models import Comment, Flag
from community.moderation import services as moderation_services
from ideas.models import Idea, Vote
from ideas.services import idea_create, vote_set
from tests.factories import CommentFactory, IdeaFactory, UserFactory

LATER = timedelta(days=7)


def suspend(actor, member, *, hide=False, until=None):  # type: ignore[no-untyped-def]
    return sanctions.member_suspend(
        actor=actor,
        member=member,
        until=until or timezone.now() + LATER,
        reason="Repeated insults",
        hide_content=hide,
    )


def post_comment(idea, author, body="Nice"):  # type: ignore[no-untyped-def]
    return services.comment_create(idea=idea, author=author, body=body)


def refreshed(obj):  # type: ignore[no-untyped-def]
    obj.refresh_from_db()
    return obj


# --- Who may take part --------------------------------------------------------------------------


def test_a_suspended_member_cannot_post_comment_or_vote(alice, bob, moderator, idea, category):
    suspend(moderator, bob)
    with pytest.raises(PermissionDenied, match="suspended until"):
        idea_create(author=bob, title="A new idea", body="Body", category=category, language="en")
    with pytest.raises(PermissionDenied, match="suspended until"):
        post_comment(idea, bob)
    with pytest.raises(PermissionDenied, match="suspended until"):
        vote_set(user=bob, idea=idea, voted=True)
    assert not Idea.objects.filter(author=bob).exists()
    assert not Comment.objects.filter(author=bob).exists()
    assert not Vote.objects.filter(user=bob).exists()
    assert refreshed(idea).comment_count == 0


def test_a_suspended_member_cannot_edit_what_they_wrote_before(bob, moderator, idea, category):
    from community.comments.services import comment_update
    from ideas.services import idea_update

    own_idea = idea_create(
        author=bob, title="Before", body="Body", category=category, language="en"
    )
    own_comment = post_comment(idea, bob)
    suspend(moderator, bob)
    with pytest.raises(PermissionDenied, match="suspended until"):
        idea_update(
            idea=own_idea, editor=bob, title="After", body="Body", category=category, language="en"
        )
    with pytest.raises(PermissionDenied, match="suspended until"):
        comment_update(comment=own_comment, editor=bob, body="Edited")
    assert refreshed(own_idea).title == "Before"
    own_comment.refresh_from_db()
    assert own_comment.body != "Edited"


def test_a_suspended_member_cannot_change_their_display_name(client, bob, moderator):
    """The name is shown to everyone beside their posts: changing it reaches other people, as
    posting does. The service refuses (whatever calls it), the profile page says why; keeping
    the name while changing the private settings still works."""
    from accounts.services import user_update_profile

    suspend(moderator, bob)
    with pytest.raises(PermissionDenied, match="suspended until"):
        user_update_profile(user=bob, display_name="Not Bob")
    assert refreshed(bob).display_name == "Bob"
    user_update_profile(user=bob, display_name="Bob", profile_public=False)
    assert not refreshed(bob).profile_public
    client.force_login(bob)
    response = client.post(reverse("accounts:profile"), {"display_name": "Not Bob"})
    assert response.status_code == 200
    assert "suspended until" in response.content.decode()
    assert refreshed(bob).display_name == "Bob"


def test_a_suspension_ends_by_itself_at_its_date(bob, moderator, idea):
    suspend(moderator, bob)
    User.objects.filter(pk=bob.pk).update(suspended_until=timezone.now() - timedelta(seconds=1))
    bob.refresh_from_db()
    assert sanctions.can_participate(bob)
    assert vote_set(user=bob, idea=idea, voted=True)


def test_a_banned_member_cannot_take_part_either(bob, moderator, idea):
    sanctions.member_ban(actor=moderator, member=bob, reason="Spam bot", hide_content=False)
    assert not sanctions.can_participate(bob)
    with pytest.raises(PermissionDenied, match="closed"):
        post_comment(idea, bob)


def test_members_in_good_standing_take_part(alice, bob):
    assert sanctions.can_participate(bob)
    sanctions.ensure_can_participate(bob)  # does not raise


def test_a_suspended_member_reads_pages_and_sees_a_clear_message_when_posting(
    client, bob, moderator, idea
):
    suspend(moderator, bob)
    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 200
    response = client.post(reverse("community:comment_create", args=[idea.pk]), {"body": "Hi"})
    assert response.status_code == 403
    assert "Your account is suspended until" in response.text
    response = client.post(reverse("ideas:vote", args=[idea.pk]), {"voted": "1"})
    assert response.status_code == 403
    assert "Your account is suspended until" in response.text
    response = client.post(
        reverse("ideas:create"),
        {
            "title": "Let me pay by watch",
            "body": "Please",
            "category": idea.category.pk,
            "language": "en",
        },
    )
    assert response.status_code == 403
    assert "Your account is suspended until" in response.text
    assert not Comment.objects.exists()
    assert not Vote.objects.exists()
    assert Idea.objects.count() == 1


# --- Suspending and banning -----------------------------------------------------------------------


def test_suspending_is_audited_with_before_and_after(bob, moderator):
    until = timezone.now() + LATER
    suspend(moderator, bob, until=until)
    bob.refresh_from_db()
    assert bob.suspended_until == until
    assert bob.sanction_reason == "Repeated insults"
    assert bob.is_active
    entry = AuditEntry.objects.get(action=AuditAction.MEMBER_SUSPEND)
    assert (entry.actor, entry.target_type, entry.target_id) == (moderator, "user", bob.pk)
    assert entry.before["suspended_until"] is None
    assert entry.after["suspended_until"] == until.isoformat()
    assert entry.after["hide_content"] is False
    assert "Repeated insults" in entry.summary


def test_a_suspension_ends_in_the_future_and_has_a_reason(bob, moderator):
    with pytest.raises(ValidationError) as error:
        suspend(moderator, bob, until=timezone.now() - timedelta(hours=1))
    assert "until" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        sanctions.member_suspend(
            actor=moderator,
            member=bob,
            until=timezone.now() + LATER,
            reason="  ",
            hide_content=False,
        )
    assert "reason" in error.value.message_dict
    assert refreshed(bob).suspended_until is None
    assert not AuditEntry.objects.exists()


def test_banning_deactivates_the_account_and_ends_its_sessions(client, alice, bob, moderator):
    client.force_login(bob)
    other = client.__class__()
    other.force_login(alice)
    sanctions.member_ban(actor=moderator, member=bob, reason="Spam bot", hide_content=False)
    bob.refresh_from_db()
    assert not bob.is_active
    assert bob.banned_at is not None
    assert bob.suspended_until is None
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert sessions == [str(alice.pk)]
    entry = AuditEntry.objects.get(action=AuditAction.MEMBER_BAN)
    assert entry.before["is_active"] is True
    assert entry.after["is_active"] is False
    assert entry.after["sessions_ended"] == 1


def test_a_member_is_banned_only_once(bob, moderator):
    sanctions.member_ban(actor=moderator, member=bob, reason="Spam", hide_content=False)
    with pytest.raises(ValidationError, match="already banned"):
        sanctions.member_ban(actor=moderator, member=bob, reason="Spam", hide_content=False)
    with pytest.raises(ValidationError, match="banned"):
        suspend(moderator, bob)


@pytest.mark.parametrize("who", ["alice", "partner", "product_manager"])
def test_only_moderators_sanction(request, bob, who):
    with pytest.raises(PermissionDenied):
        suspend(request.getfixturevalue(who), bob)
    assert refreshed(bob).suspended_until is None


@pytest.mark.parametrize("target", ["moderator", "product_manager", "admin_user"])
def test_staff_cannot_be_sanctioned(request, db, target):
    actor = UserFactory(email="other-mod@example.com", role="moderator")
    member = request.getfixturevalue(target)
    with pytest.raises(PermissionDenied, match="Staff"):
        suspend(actor, member)
    with pytest.raises(PermissionDenied, match="Staff"):
        sanctions.member_ban(actor=actor, member=member, reason="No", hide_content=False)
    assert refreshed(member).is_active


def test_a_moderator_cannot_sanction_themselves(moderator):
    with pytest.raises(PermissionDenied, match="yourself"):
        suspend(moderator, moderator)


def test_an_admin_sanctions_a_partner(admin_user, partner):
    suspend(admin_user, partner)
    assert not sanctions.can_participate(refreshed(partner))


# --- Hiding content and restoring exactly that ---------------------------------------------------


@pytest.fixture
def bobs_content(alice, bob, category):  # type: ignore[no-untyped-def]
    """Two ideas by Bob and two of his comments on Alice's idea, one idea already flagged."""
    ideas = [IdeaFactory(author=bob, category=category) for _ in range(2)]
    alices = IdeaFactory(author=alice, category=category)
    comments = [post_comment(alices, bob, body=f"Comment {n}") for n in range(2)]
    moderation_services.flag_create(reporter=alice, idea=ideas[0], reason="spam")
    return {"ideas": ideas, "alices": alices, "comments": comments}


def test_a_sanction_can_hide_the_members_content_and_keep_counts_right(
    bob, moderator, bobs_content
):
    alices = bobs_content["alices"]
    assert refreshed(alices).comment_count == 2
    suspend(moderator, bob, hide=True)
    assert all(refreshed(idea).hidden_by == moderator for idea in bobs_content["ideas"])
    assert all(refreshed(c).removed_by == moderator for c in bobs_content["comments"])
    assert refreshed(alices).comment_count == 0
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action=AuditAction.MEMBER_SUSPEND)
    assert entry.after["hidden_ideas"] == [i.pk for i in bobs_content["ideas"]]
    assert entry.after["hidden_comments"] == [c.pk for c in bobs_content["comments"]]
    # Each hidden item is audited as well, through the usual moderation service.
    assert AuditEntry.objects.filter(action=AuditAction.IDEA_HIDE).count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.COMMENT_HIDE).count() == 2


def test_a_sanction_can_keep_the_content(bob, moderator, bobs_content):
    sanctions.member_ban(actor=moderator, member=bob, reason="Spam", hide_content=False)
    assert not Idea.objects.filter(author=bob, hidden_at__isnull=False).exists()
    assert refreshed(bobs_content["alices"]).comment_count == 2


def test_reinstating_restores_only_what_the_sanction_hid(bob, moderator, bobs_content):
    first, second = bobs_content["ideas"]
    hidden_before, kept = bobs_content["comments"]
    # Hidden by a moderator for its own reason before the ban: stays hidden after.
    moderation_services.content_hide(
        actor=moderator, idea=bobs_content["alices"], comment=hidden_before, reason="Rude"
    )
    sanctions.member_ban(actor=moderator, member=bob, reason="Spam", hide_content=True)
    # Shown again, then hidden again for another reason during the ban: stays hidden after.
    moderation_services.content_restore(actor=moderator, idea=second, reason="Was fine")
    moderation_services.content_hide(actor=moderator, idea=second, reason="Off-topic")
    sanctions.member_reinstate(
        actor=moderator, member=bob, reason="Appeal accepted", restore_content=True
    )
    bob.refresh_from_db()
    assert bob.is_active
    assert bob.banned_at is None
    assert bob.sanction_reason == ""
    assert refreshed(first).hidden_at is None
    assert refreshed(second).hidden_at is not None
    assert refreshed(kept).removed_at is None
    assert refreshed(hidden_before).removed_at is not None
    assert refreshed(bobs_content["alices"]).comment_count == 1
    entry = AuditEntry.objects.get(action=AuditAction.MEMBER_REINSTATE)
    assert entry.before["banned_at"] is not None
    assert entry.after["banned_at"] is None
    assert entry.after["restored_ideas"] == [first.pk]
    assert entry.after["restored_comments"] == [kept.pk]


def test_reinstating_can_leave_the_content_hidden(bob, moderator, bobs_content):
    suspend(moderator, bob, hide=True)
    sanctions.member_reinstate(actor=moderator, member=bob, reason="Ok", restore_content=False)
    assert sanctions.can_participate(refreshed(bob))
    assert Idea.objects.filter(author=bob, hidden_at__isnull=False).count() == 2
    # A later sanction and reinstatement does not bring back what the first one hid.
    suspend(moderator, bob, hide=True)
    sanctions.member_reinstate(actor=moderator, member=bob, reason="Ok", restore_content=True)
    assert Idea.objects.filter(author=bob, hidden_at__isnull=False).count() == 2


def test_reinstating_after_a_suspension_ended_by_itself_restores_the_content(
    bob, moderator, bobs_content
):
    suspend(moderator, bob, hide=True)
    User.objects.filter(pk=bob.pk).update(suspended_until=timezone.now() - timedelta(days=1))
    bob.refresh_from_db()
    sanctions.member_reinstate(actor=moderator, member=bob, reason="Over", restore_content=True)
    assert not Idea.objects.filter(author=bob, hidden_at__isnull=False).exists()
    assert refreshed(bob).suspended_until is None


def test_there_is_nothing_to_reinstate_without_a_sanction(bob, moderator):
    with pytest.raises(ValidationError, match="no sanction"):
        sanctions.member_reinstate(actor=moderator, member=bob, reason="Ok", restore_content=True)


def test_a_pending_comment_is_left_alone_by_a_sanction(bob, moderator, idea):
    pending = CommentFactory(idea=idea, author=bob, pending_at=timezone.now())
    suspend(moderator, bob, hide=True)
    assert refreshed(pending).removed_at is None
    assert AuditEntry.objects.get(action=AuditAction.MEMBER_SUSPEND).after["hidden_comments"] == []


# --- The moderator's page ------------------------------------------------------------------------


def member_url(member, action=""):  # type: ignore[no-untyped-def]
    name = f"moderation:member_{action}" if action else "moderation:member"
    return reverse(name, args=[member.pk])


def test_anonymous_visitors_are_sent_to_log_in(client, bob):
    response = client.get(member_url(bob))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    response = client.post(member_url(bob, "ban"), {"ban-reason": "x"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert refreshed(bob).is_active


@pytest.mark.parametrize("who", ["alice", "partner", "product_manager"])
def test_members_partners_and_product_managers_are_refused(client, request, bob, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(member_url(bob)).status_code == 403
    response = client.post(member_url(bob, "ban"), {"ban-reason": "x"})
    assert response.status_code == 403
    assert refreshed(bob).is_active


@pytest.mark.parametrize("who", ["moderator", "admin_user"])
def test_moderators_and_admins_see_the_member_record(client, request, alice, bob, idea, who):
    IdeaFactory(author=bob, category=idea.category)
    comment = post_comment(idea, bob)
    moderation_services.flag_create(reporter=alice, idea=idea, comment=comment, reason="spam")
    client.force_login(request.getfixturevalue(who))
    response = client.get(member_url(bob))
    assert response.status_code == 200
    record = response.context["record"]
    assert (record.idea_count, record.comment_count) == (1, 1)
    assert (record.flag_count, record.open_flag_count) == (1, 1)
    assert "Bob" in response.text
    assert "suspend-until" in response.text


def test_the_page_answers_404_for_an_unknown_member(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("moderation:member", args=[999_999])).status_code == 404


def test_a_moderator_suspends_from_the_page(client, bob, moderator, bobs_content):
    client.force_login(moderator)
    until = timezone.localdate() + timedelta(days=3)
    response = client.post(
        member_url(bob, "suspend"),
        {
            "suspend-until": until.isoformat(),
            "suspend-reason": "Insults",
            "suspend-hide_content": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == member_url(bob)
    bob.refresh_from_db()
    assert timezone.localtime(bob.suspended_until).date() == until
    assert Idea.objects.filter(author=bob, hidden_at__isnull=False).count() == 2
    page = client.get(member_url(bob)).text
    assert "Suspended until" in page
    assert "Insults" in page


def test_the_suspend_form_shows_field_errors(client, bob, moderator):
    client.force_login(moderator)
    response = client.post(
        member_url(bob, "suspend"),
        {"suspend-until": timezone.localdate().isoformat(), "suspend-reason": ""},
    )
    assert response.status_code == 400
    errors = response.context["suspend_form"].errors
    assert set(errors) == {"until", "reason"}
    assert refreshed(bob).suspended_until is None


def test_a_moderator_bans_and_reinstates_from_the_page(client, bob, moderator):
    client.force_login(moderator)
    response = client.post(member_url(bob, "ban"), {"ban-reason": "Spam bot"})
    assert response.status_code == 302
    assert not refreshed(bob).is_active
    assert "Banned since" in client.get(member_url(bob)).text
    response = client.post(
        member_url(bob, "reinstate"),
        {"reinstate-reason": "Appeal", "reinstate-restore_content": "on"},
    )
    assert response.status_code == 302
    assert refreshed(bob).is_active


def test_the_page_offers_no_sanction_against_staff(client, moderator, product_manager):
    client.force_login(moderator)
    response = client.get(member_url(product_manager))
    assert response.status_code == 200
    assert "Staff accounts cannot be sanctioned" in response.text
    assert "suspend-until" not in response.text
    response = client.post(member_url(product_manager, "ban"), {"ban-reason": "x"})
    assert response.status_code == 403
    assert refreshed(product_manager).is_active


def test_sanctions_need_post(client, bob, moderator):
    client.force_login(moderator)
    assert client.get(member_url(bob, "ban")).status_code == 405


def test_the_queue_links_to_the_authors_member_page(client, alice, bob, moderator, idea):
    theirs = IdeaFactory(author=bob, category=idea.category)
    moderation_services.flag_create(reporter=alice, idea=theirs, reason="spam")
    client.force_login(moderator)
    assert member_url(bob) in client.get(reverse("moderation:queue")).text


def test_a_waiting_first_idea_stays_waiting_through_a_sanction_and_reinstatement(
    bob, moderator, category, settings
):
    settings.RUCHE_PREMODERATE_FIRST_POST = True
    waiting = idea_create(author=bob, title="First", body="Body", category=category, language="en")
    assert waiting.is_pending
    suspend(moderator, bob, hide=True)
    sanctions.member_reinstate(actor=moderator, member=bob, reason="Appeal", restore_content=True)
    waiting.refresh_from_db()
    assert waiting.is_pending
    assert not Idea.objects.public().filter(pk=waiting.pk).exists()
