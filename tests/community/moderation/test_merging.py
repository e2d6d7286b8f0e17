import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.audit import AuditAction, AuditEntry
from community.comments.services import comment_create
from community.models import (
    Comment,
    Delivery,
    Flag,
    FlagResolution,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
    PointsEntry,
)
from community.moderation import merging
from community.moderation import services as moderation_services
from community.notifications.follows import idea_followed_by
from ideas.models import Idea, Vote
from ideas.selectors import idea_list
from ideas.services import vote_set
from tests.factories import IdeaFactory, UserFactory


@pytest.fixture
def kept(alice, category):  # type: ignore[no-untyped-def]
    return IdeaFactory(author=alice, category=category, title="Freeze my card from the app")


@pytest.fixture
def duplicate(bob, category):  # type: ignore[no-untyped-def]
    return IdeaFactory(author=bob, category=category, title="Block a lost card in the mobile app")


@pytest.fixture
def voters(kept, duplicate, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """The kept idea has 3 votes, the duplicate 2; `both` voted on each (and voters follow what
    they vote for, through the outbox)."""
    only_kept = UserFactory.create_batch(2)
    both, only_duplicate = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for user in [*only_kept, both]:
            vote_set(user=user, idea=kept, voted=True)
        for user in [both, only_duplicate]:
            vote_set(user=user, idea=duplicate, voted=True)
    return {"only_kept": only_kept, "both": both, "only_duplicate": only_duplicate}


def merge(moderator, duplicate, kept, note=""):  # type: ignore[no-untyped-def]
    outcome = merging.idea_merge(actor=moderator, source=duplicate, target=kept, note=note)
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    return outcome


def confirm_url(source, target):  # type: ignore[no-untyped-def]
    return reverse("moderation:merge_confirm", args=[source.pk, target.pk])


# --- what moves ---------------------------------------------------------------------------------


def test_votes_move_and_a_person_who_voted_on_both_counts_once(moderator, kept, duplicate, voters):
    assert (kept.vote_count, duplicate.vote_count) == (3, 2)
    outcome = merge(moderator, duplicate, kept)
    assert (kept.vote_count, duplicate.vote_count) == (4, 0)
    assert (outcome.votes_moved, outcome.votes_dropped) == (1, 1)
    assert Vote.objects.filter(idea=kept, user=voters["both"]).count() == 1
    assert Vote.objects.filter(idea=kept, user=voters["only_duplicate"]).exists()
    assert not Vote.objects.filter(idea=duplicate).exists()
    assert (duplicate.merged_into, duplicate.merged_at is not None) == (kept, True)


def test_a_discounted_vote_stays_discounted_when_it_moves(moderator, kept, duplicate, voters):
    ringer = UserFactory()
    vote_set(user=ringer, idea=duplicate, voted=True)
    discounted_at = timezone.now()
    Vote.objects.filter(user=ringer).update(discounted_at=discounted_at)
    merge(moderator, duplicate, kept)
    assert Vote.objects.get(user=ringer).idea == kept
    assert Vote.objects.get(user=ringer).discounted_at == discounted_at
    assert kept.vote_count == 4  # the discounted vote moved but is not counted


def test_comments_and_their_replies_move_with_the_counts_right(
    moderator, alice, bob, partner, kept, duplicate
):
    comment_create(idea=kept, author=partner, body="Already asked")
    top = comment_create(idea=duplicate, author=alice, body="Same as the freeze idea")
    reply = comment_create(idea=duplicate, author=bob, body="Right", parent=top)
    removed = comment_create(idea=duplicate, author=partner, body="Spam")
    Comment.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    Idea.objects.filter(pk=duplicate.pk).update(comment_count=2)  # the removal, as the service does
    outcome = merge(moderator, duplicate, kept)
    assert outcome.comments_moved == 3
    assert set(Comment.objects.filter(idea=kept)) == {*Comment.objects.all()}
    reply.refresh_from_db()
    assert (reply.idea, reply.parent) == (kept, top)
    assert (kept.comment_count, duplicate.comment_count) == (3, 0)


def test_follows_move_without_duplicates(moderator, alice, bob, partner, kept, duplicate):
    both = UserFactory()
    for user in [alice, both]:
        idea_followed_by(user=user, idea=kept)
    for user in [bob, both, partner]:
        idea_followed_by(user=user, idea=duplicate)
    outcome = merge(moderator, duplicate, kept)
    assert (outcome.followers_moved, outcome.followers_dropped) == (2, 1)
    assert sorted(Follow.objects.filter(idea=kept).values_list("user", flat=True)) == sorted(
        u.pk for u in [alice, bob, partner, both]
    )
    assert not Follow.objects.filter(idea=duplicate).exists()


def test_reports_on_comments_move_and_reports_on_the_duplicate_are_closed(
    moderator, alice, bob, partner, kept, duplicate
):
    comment = comment_create(idea=duplicate, author=alice, body="Call me on 0601020304")
    moderation_services.flag_create(reporter=bob, idea=duplicate, reason="spam")
    moderation_services.flag_create(
        reporter=partner, idea=duplicate, comment=comment, reason="personal_data"
    )
    outcome = merge(moderator, duplicate, kept)
    assert outcome.flags_closed == 1
    idea_flag = Flag.objects.get(comment=None)
    assert (idea_flag.resolution, idea_flag.resolved_by) == (FlagResolution.DISMISSED, moderator)
    comment_flag = Flag.objects.get(comment=comment)
    assert (comment_flag.idea, comment_flag.resolved_at) == (kept, None)


def test_ideas_merged_into_the_duplicate_earlier_now_point_at_the_kept_idea(
    client, moderator, kept, duplicate
):
    older = IdeaFactory(title="Pause my card")
    merge(moderator, older, duplicate)
    outcome = merge(moderator, duplicate, kept)
    older.refresh_from_db()
    assert (older.merged_into, outcome.ideas_repointed) == (kept, 1)
    response = client.get(older.get_absolute_url())
    assert response["Location"] == kept.get_absolute_url()


# --- the duplicate afterwards -------------------------------------------------------------------


def test_the_duplicate_redirects_to_the_kept_idea_with_a_note(
    client, bob, moderator, kept, duplicate
):
    merge(moderator, duplicate, kept)
    client.force_login(bob)
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == kept.get_absolute_url()
    page = client.get(response["Location"])
    assert "“Block a lost card in the mobile app” was merged into this idea" in page.text
    assert list(page.context["merged_from"]) == [duplicate]
    assert "Merged from:" in page.text


def test_a_hidden_duplicate_is_not_named_on_the_kept_idea(client, bob, moderator, kept, duplicate):
    moderation_services.content_hide(actor=moderator, idea=duplicate, reason="Abusive title")
    merge(moderator, duplicate, kept)
    client.force_login(bob)
    page = client.get(duplicate.get_absolute_url(), follow=True)
    assert page.redirect_chain == [(kept.get_absolute_url(), 302)]
    assert "The idea you opened was merged into this one." in page.text
    assert duplicate.title not in page.text


def test_the_duplicate_is_absent_from_lists_feeds_and_search(
    client, bob, moderator, kept, duplicate
):
    merge(moderator, duplicate, kept)
    for viewer in [None, bob, moderator]:
        assert list(idea_list(viewer=viewer, sort="new")) == [kept]
    client.force_login(moderator)
    listing = client.get(reverse("ideas:list"), {"q": "card"})
    assert list(listing.context["page"]) == [kept]
    feed = client.get(reverse("feeds:ideas")).text
    assert kept.title in feed
    assert duplicate.title not in feed


def test_voting_commenting_or_following_the_duplicate_afterwards_changes_nothing(
    client, partner, moderator, kept, duplicate, voters
):
    merge(moderator, duplicate, kept)
    client.force_login(partner)
    assert client.post(reverse("ideas:vote", args=[duplicate.pk])).status_code == 404
    url = reverse("community:comment_create", args=[duplicate.pk])
    assert client.post(url, {"body": "Me too"}).status_code == 404
    url = reverse("community:idea_follow", args=[duplicate.pk])
    assert client.post(url, {"follow": "1"}).status_code == 404
    assert not Vote.objects.filter(idea=duplicate).exists()
    assert not Comment.objects.exists()
    assert not Follow.objects.filter(idea=duplicate).exists()
    duplicate.refresh_from_db()
    assert (duplicate.vote_count, duplicate.comment_count) == (0, 0)


# --- notifications, points, audit ---------------------------------------------------------------


def test_both_authors_and_the_duplicates_followers_are_notified_by_their_preferences(
    alice, bob, moderator, kept, duplicate, django_capture_on_commit_callbacks
):
    follower = UserFactory(email="follower@example.com")
    idea_followed_by(user=follower, idea=duplicate)
    idea_followed_by(user=moderator, idea=duplicate)
    NotificationPreference.objects.create(
        user=bob, kind=NotificationKind.MERGED, delivery=Delivery.OFF
    )
    with django_capture_on_commit_callbacks(execute=True):
        merge(moderator, duplicate, kept, note="Same request, kept the older one")
    notified = Notification.objects.filter(kind=NotificationKind.MERGED)
    assert {n.recipient for n in notified} == {alice, bob, follower}  # not the moderator
    first = notified.first()
    assert first is not None
    assert (
        first.title
        == "“Block a lost card in the mobile app” was merged into “Freeze my card from the app”"
    )
    assert first.body == "Same request, kept the older one"
    assert (first.idea, first.url) == (kept, kept.get_absolute_url())
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "follower@example.com"]


def test_a_hidden_duplicates_title_is_not_sent_to_others(
    alice, moderator, kept, duplicate, django_capture_on_commit_callbacks
):
    moderation_services.content_hide(actor=moderator, idea=duplicate, reason="Card number inside")
    duplicate.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        merge(moderator, duplicate, kept)
    titles = set(
        Notification.objects.filter(kind=NotificationKind.MERGED).values_list("title", flat=True)
    )
    assert titles == {"An idea you follow was merged into “Freeze my card from the app”"}


def test_vote_points_follow_the_votes_and_are_never_paid_twice(
    alice, bob, moderator, kept, duplicate, voters, django_capture_on_commit_callbacks
):
    from community.recognition.services import recognise_votes

    recognise_votes(idea=kept)
    recognise_votes(idea=duplicate)
    vote_points = PointsEntry.objects.filter(reason=PointsEntry.Reason.VOTE_RECEIVED)
    assert (vote_points.filter(user=alice).count(), vote_points.filter(user=bob).count()) == (3, 2)
    with django_capture_on_commit_callbacks(execute=True):
        merge(moderator, duplicate, kept)
    assert (vote_points.filter(user=alice).count(), vote_points.filter(user=bob).count()) == (4, 0)


def test_the_merge_is_recorded_in_the_audit_log_with_counts_before_and_after(
    moderator, bob, kept, duplicate, voters
):
    idea_followed_by(user=bob, idea=duplicate)
    comment_create(idea=duplicate, author=bob, body="Duplicate of the freeze idea")
    merge(moderator, duplicate, kept, note="Duplicate")
    entry = AuditEntry.objects.get(action=AuditAction.IDEA_MERGE)
    assert (entry.actor, entry.target_type, entry.target_id) == (moderator, "idea", duplicate.pk)
    assert f"#{duplicate.pk}" in entry.summary
    assert f"#{kept.pk}" in entry.summary

    def counts(side):  # type: ignore[no-untyped-def]
        return (side["votes"], side["comments"], side["followers"])

    # Voters follow what they vote on: 3 follow the kept idea, 2 voters and bob the duplicate.
    assert (counts(entry.before["source"]), counts(entry.before["target"])) == (
        (2, 1, 3),
        (3, 0, 3),
    )
    assert (counts(entry.after["source"]), counts(entry.after["target"])) == ((0, 0, 0), (4, 1, 5))
    # Ids, not titles: the audit log outlives the authors' right to erasure.
    assert (entry.before["source"]["id"], entry.before["target"]["id"]) == (duplicate.pk, kept.pk)
    assert duplicate.title not in entry.summary + json.dumps(entry.before) + json.dumps(entry.after)
    assert entry.after["moved"]["votes_moved"] == 1
    assert entry.after["note"] == "Duplicate"


# --- refusals -----------------------------------------------------------------------------------


def test_the_service_refuses_members_and_bad_merges_and_changes_nothing(
    bob, moderator, kept, duplicate, voters
):
    with pytest.raises(PermissionDenied):
        merging.idea_merge(actor=bob, source=duplicate, target=kept)
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        merging.idea_merge(actor=moderator, source=kept, target=kept)
    other = IdeaFactory()
    merge(moderator, duplicate, kept)
    with pytest.raises(ValidationError, match="already merged into idea"):
        merging.idea_merge(actor=moderator, source=duplicate, target=other)
    with pytest.raises(ValidationError, match="itself merged into idea"):
        merging.idea_merge(actor=moderator, source=other, target=duplicate)
    other.refresh_from_db()
    assert other.merged_into is None
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("case", ["self", "merged_source", "merged_target", "hidden_target"])
def test_refused_merges_show_a_clear_error_and_change_nothing(
    client, moderator, kept, duplicate, voters, case
):
    other = IdeaFactory(title="Contactless limit in the app")
    expected = {
        "self": "cannot be merged into itself",
        "merged_source": "was already merged into idea",
        "merged_target": "was itself merged into idea",
        "hidden_target": "can only be merged into a public idea",
    }[case]
    source, target = {
        "self": (kept, kept),
        "merged_source": (other, duplicate),
        "merged_target": (duplicate, other),
        "hidden_target": (duplicate, kept),
    }[case]
    if case == "merged_source":
        merge(moderator, other, kept)
    if case == "merged_target":
        merge(moderator, other, kept)
    if case == "hidden_target":
        moderation_services.content_hide(actor=moderator, idea=kept, reason="Spam")
    audits, votes = AuditEntry.objects.count(), sorted(Vote.objects.values_list("idea", "user"))
    client.force_login(moderator)
    url = confirm_url(source, target)
    page = client.get(url)
    assert page.status_code == 400
    assert expected in page.text
    assert page.context["preview"] is None
    assert "Merge</button>" not in page.text
    response = client.post(url, {"note": "Please"})
    assert response.status_code == 400
    assert expected in response.text
    assert AuditEntry.objects.count() == audits
    assert sorted(Vote.objects.values_list("idea", "user")) == votes


def test_the_pick_page_says_when_the_duplicate_is_already_merged(
    client, moderator, kept, duplicate
):
    merge(moderator, duplicate, kept)
    client.force_login(moderator)
    response = client.get(reverse("moderation:merge_pick", args=[duplicate.pk]))
    assert response.status_code == 400
    assert f"was already merged into idea #{kept.pk}" in response.text


# --- the moderator's pages ----------------------------------------------------------------------


def merge_pages(source, target):  # type: ignore[no-untyped-def]
    return [reverse("moderation:merge_pick", args=[source.pk]), confirm_url(source, target)]


def test_anonymous_people_are_sent_to_log_in(client, kept, duplicate):
    for url in merge_pages(duplicate, kept):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    client.post(confirm_url(duplicate, kept))
    assert Idea.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.parametrize("who", ["bob", "partner", "product_manager"])
def test_merging_is_forbidden_to_members_partners_and_product_managers(
    client, request, kept, duplicate, who
):
    client.force_login(request.getfixturevalue(who))
    for url in merge_pages(duplicate, kept):
        assert client.get(url).status_code == 403
    assert client.post(confirm_url(duplicate, kept)).status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.parametrize("who", ["moderator", "admin_user"])
def test_moderators_and_admins_merge_from_the_confirmation_page(
    client, request, kept, duplicate, voters, who
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("moderation:merge_pick", args=[duplicate.pk])).status_code == 200
    page = client.get(confirm_url(duplicate, kept))
    assert page.status_code == 200
    preview = page.context["preview"]
    assert (preview.votes_moving, preview.shared_voters, preview.target_votes_after) == (1, 1, 4)
    assert "<dt>Votes</dt><dd>4</dd>" in page.text
    response = client.post(confirm_url(duplicate, kept), {"note": "Same idea"}, follow=True)
    assert response.redirect_chain == [(kept.get_absolute_url(), 302)]
    assert "was merged into this idea" in response.text
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert AuditEntry.objects.get().after["note"] == "Same idea"


def test_the_pick_page_finds_ideas_by_title_or_number(client, moderator, kept, duplicate):
    other = IdeaFactory(title="Dark mode")
    hidden = IdeaFactory(title="Freeze cards for spam")
    moderation_services.content_hide(actor=moderator, idea=hidden, reason="Spam")
    client.force_login(moderator)
    url = reverse("moderation:merge_pick", args=[duplicate.pk])
    response = client.get(url, {"q": "freeze"})
    assert list(response.context["results"]) == [kept]
    assert confirm_url(duplicate, kept) in response.text
    assert list(client.get(url, {"q": f"#{other.pk}"}).context["results"]) == [other]
    assert list(client.get(url, {"q": str(duplicate.pk)}).context["results"]) == []


def test_the_pick_page_suggests_the_most_similar_ideas(client, moderator, kept, duplicate):
    from ideas.themes.embedding import stable_embedder, vectors_for

    unrelated = IdeaFactory(title="Sponsor the under-12 football team", body="Local clubs")
    twin = IdeaFactory(title="Block my lost card in the mobile app", body="Lost cards")
    if stable_embedder() is None:
        pytest.skip("no stored vectors without the e5 embedder: the title search covers this")
    vectors_for(list(Idea.objects.all()))  # what the worker does when ideas are written
    client.force_login(moderator)
    response = client.get(reverse("moderation:merge_pick", args=[duplicate.pk]))
    suggested = [idea for idea, _score in response.context["suggestions"]]
    assert suggested[0] == twin
    assert duplicate not in suggested
    assert unrelated not in suggested
    assert confirm_url(duplicate, twin) in response.text


def test_the_merge_action_is_offered_to_moderators_only(client, bob, moderator, kept, duplicate):
    link = reverse("moderation:merge_pick", args=[duplicate.pk])
    client.force_login(bob)
    assert link not in client.get(duplicate.get_absolute_url()).text
    client.force_login(moderator)
    assert link in client.get(duplicate.get_absolute_url()).text
    moderation_services.flag_create(reporter=bob, idea=duplicate, reason="spam")
    assert link in client.get(reverse("moderation:queue")).text


def test_a_vote_ring_on_the_duplicate_moves_with_its_votes_and_can_still_be_discounted(
    moderator, alice, bob, category
):
    from community.models import VoteRing
    from community.moderation.vote_rings.services import vote_ring_discount
    from ideas.services import vote_set

    kept = IdeaFactory(author=alice, category=category)
    duplicate = IdeaFactory(author=bob, category=category)
    voters = [UserFactory() for _ in range(3)]
    for voter in voters:
        vote_set(user=voter, idea=duplicate, voted=True)
    ring = VoteRing.objects.create(idea=duplicate, fingerprint="a" * 64, score=2.0)
    ring.voters.set(voters)

    merging.idea_merge(actor=moderator, source=duplicate, target=kept)

    ring.refresh_from_db()
    kept.refresh_from_db()
    assert ring.idea == kept
    assert kept.vote_count == 3
    assert vote_ring_discount(actor=moderator, ring=ring) == 3
    kept.refresh_from_db()
    assert kept.vote_count == 0
