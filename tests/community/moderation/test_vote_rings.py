"""Vote rings: the network key, the detector, the moderators' decisions and their page."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.audit import AuditAction, AuditEntry
from community.models import PointsEntry, VoteRing, VoteRingStatus
from community.moderation.vote_rings import services as vote_ring_services
from community.moderation.vote_rings.detector import VoteRecord, find_vote_rings
from community.recognition import services as recognition
from community.tasks import detect_vote_rings
from config.network import network_key
from ideas.models import Idea, ThemeMembership, Vote
from ideas.services import ideas_recount, vote_set, vote_toggle
from ideas.themes import runs
from ideas.themes.selectors import theme_activity
from tests.factories import IdeaFactory, UserFactory
from tests.helpers import queries_to_get
from tests.themes.data import GROUPS

ROOT = Path(__file__).resolve().parents[3]


def cast(user, idea, *, at: datetime, ip: str) -> None:  # type: ignore[no-untyped-def]
    """A vote through the service, then dated `at` (created_at is set on insert)."""
    vote_set(user=user, idea=idea, voted=True, network=network_key(ip))
    Vote.objects.filter(user=user, idea=idea).update(created_at=at)


def count(idea: Idea) -> int:
    idea.refresh_from_db(fields=["vote_count"])
    return idea.vote_count


@pytest.fixture
def world(category):  # type: ignore[no-untyped-def]
    """A ring and an honest surge, both within the last hour.

    Ring: 8 accounts made yesterday, on 2 networks, voting ideas A, B and C in that order within
    20 minutes. Honest surge: 20 accounts over a year old, 6 of them on one office network and
    the others each on its own, every one with its own voting history, voting the popular idea
    within an hour. A already had 2 honest votes earlier in the week.
    """
    now = timezone.now()
    author = UserFactory()
    a, b, c, popular = (
        IdeaFactory(author=author, category=category, title=title)
        for title in ("Idea A", "Idea B", "Idea C", "Popular idea")
    )
    pool = [IdeaFactory(author=author, category=category) for _ in range(20)]
    ring = [
        UserFactory(display_name=f"Sock {i}", date_joined=now - timedelta(days=1)) for i in range(8)
    ]
    for i, user in enumerate(ring):
        ip = f"203.0.113.{10 + i}" if i < 4 else f"198.51.100.{10 + i}"
        for k, idea in enumerate((a, b, c)):
            cast(user, idea, at=now - timedelta(minutes=40 - 2 * i, seconds=-20 * k), ip=ip)
    honest = [
        UserFactory(display_name=f"Honest {i}", date_joined=now - timedelta(days=400 + i))
        for i in range(20)
    ]
    for i, user in enumerate(honest):
        ip = f"192.0.2.{20 + i}" if i < 6 else f"10.{i}.0.1"
        # Shifts {0, 1, 5} mod 20: two voters share at most one of these ideas.
        for shift in (0, 1, 5):
            cast(user, pool[(i + shift) % 20], at=now - timedelta(days=20 - i % 7), ip=ip)
        cast(user, popular, at=now - timedelta(minutes=55 - 2 * i), ip=ip)
    for user in honest[10:12]:
        cast(user, a, at=now - timedelta(days=4), ip="10.99.0.1")
    return {"ring": ring, "honest": honest, "a": a, "b": b, "c": c, "popular": popular}


def ring_on(idea: Idea) -> VoteRing:
    return VoteRing.objects.get(idea=idea)


# --- the network key ---------------------------------------------------------------------------


def test_the_network_key_groups_a_24_and_never_contains_the_address(settings):  # type: ignore[no-untyped-def]
    key = network_key("203.0.113.7")
    assert key == network_key("203.0.113.200")
    assert key != network_key("203.0.114.7")
    assert len(key) == 16
    assert int(key, 16) >= 0  # hex only: no dots, no digits of the address in clear
    assert "203" not in key
    assert "113" not in key
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert network_key("203.0.113.7") != key  # keyed: without the secret it cannot be matched


def test_ipv6_is_grouped_by_48_and_junk_has_no_key() -> None:
    assert network_key("2001:db8:1234:1::1") == network_key("2001:db8:1234:ffff::9")
    assert network_key("2001:db8:1234::1") != network_key("2001:db8:1235::1")
    assert network_key("::ffff:203.0.113.7") == network_key("203.0.113.8")
    assert network_key("unknown") == network_key("") == ""


def test_a_vote_on_the_page_records_the_voters_network_not_the_address(client, bob, idea):  # type: ignore[no-untyped-def]
    client.force_login(bob)
    client.post(reverse("ideas:vote", args=[idea.pk]), REMOTE_ADDR="198.51.100.23")
    vote = Vote.objects.get(user=bob, idea=idea)
    assert vote.network == network_key("198.51.100.77")
    assert "198.51" not in vote.network


# --- detection ---------------------------------------------------------------------------------


def test_only_the_ring_is_flagged_not_the_honest_surge(world) -> None:  # type: ignore[no-untyped-def]
    assert vote_ring_services.vote_rings_detect() == 3
    ring_ids = {user.pk for user in world["ring"]}
    flagged = {
        ring.idea_id: set(ring.voters.values_list("pk", flat=True))
        for ring in VoteRing.objects.all()
    }
    assert flagged == {world["a"].pk: ring_ids, world["b"].pk: ring_ids, world["c"].pk: ring_ids}
    assert all(ring.status == VoteRingStatus.OPEN for ring in VoteRing.objects.all())


def test_the_evidence_is_in_plain_figures(world) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    evidence = ring_on(world["a"]).evidence
    assert evidence["votes"] == 8
    assert evidence["burst_votes"] == 8
    assert evidence["minutes"] <= 20
    assert evidence["new_accounts"] == 8
    assert evidence["new_account_days"] == 3
    assert sorted(n["voters"] for n in evidence["shared_networks"]) == [4, 4]
    assert {n["network"] for n in evidence["shared_networks"]} == {
        network_key("203.0.113.1"),
        network_key("198.51.100.1"),
    }
    assert evidence["mean_jaccard"] == 1.0
    assert set(evidence["signals"]) == {"new_accounts", "shared_network", "same_pattern"}
    assert ring_on(world["a"]).score == pytest.approx(3.0)


def test_running_detection_twice_keeps_one_row_per_ring(world) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    first = set(VoteRing.objects.values_list("pk", "fingerprint"))
    assert vote_ring_services.vote_rings_detect() == 0
    assert set(VoteRing.objects.values_list("pk", "fingerprint")) == first


def test_a_dismissed_ring_is_not_reopened(world, moderator) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    ring = ring_on(world["a"])
    vote_ring_services.vote_ring_dismiss(actor=moderator, ring=ring, reason="A team event")
    vote_ring_services.vote_rings_detect()
    ring.refresh_from_db()
    assert ring.status == VoteRingStatus.DISMISSED
    assert VoteRing.objects.filter(idea=world["a"]).count() == 1


def test_the_worker_task_stores_rings_and_beat_runs_it_every_15_minutes(world) -> None:  # type: ignore[no-untyped-def]
    assert detect_vote_rings.delay().get() == 3
    assert detect_vote_rings.delay().get() == 0
    assert VoteRing.objects.count() == 3
    (entry,) = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "community.tasks.detect_vote_rings"
    ]
    assert entry["schedule"] == 15 * 60


def _records(n: int, *, start: datetime, joined: datetime, networks: list[str], idea: int = 1):  # type: ignore[no-untyped-def]
    return [
        VoteRecord(
            voter_id=100 + i,
            idea_id=idea,
            created_at=start + timedelta(minutes=3 * i),
            network=networks[i % len(networks)],
            voter_joined_at=joined,
        )
        for i in range(n)
    ]


def test_new_accounts_alone_are_not_a_ring() -> None:
    # A campaign email brings ten new colleagues, each from home, each voting once.
    now = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    votes = _records(10, start=now, joined=now - timedelta(hours=2), networks=list("abcdefghij"))
    assert find_vote_rings(votes, {}) == []


def test_new_accounts_on_one_network_are_a_ring() -> None:
    now = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    votes = _records(6, start=now, joined=now - timedelta(hours=2), networks=["n1"])
    (ring,) = find_vote_rings(votes, {})
    assert ring.voter_ids == tuple(range(100, 106))
    assert ring.evidence["signals"] == ["new_accounts", "shared_network"]


def test_colleagues_on_one_office_network_are_not_a_ring() -> None:
    now = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    votes = _records(12, start=now, joined=now - timedelta(days=300), networks=["office"])
    histories = {100 + i: frozenset({1, 10 + i, 30 + i}) for i in range(12)}
    assert find_vote_rings(votes, histories) == []


def test_a_steadily_popular_idea_has_no_burst() -> None:
    # Ten votes an hour all week, then the same hour again: no burst, whoever votes.
    now = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    steady = [
        VoteRecord(1000 + i, 1, now - timedelta(minutes=6 * i), f"x{i}", now - timedelta(days=99))
        for i in range(1, 7 * 24 * 10)
    ]
    ring = _records(6, start=now, joined=now - timedelta(hours=2), networks=["n1"])
    assert find_vote_rings(steady + ring, {}) == []


def test_the_detector_imports_without_django() -> None:
    code = (
        "import sys, community.moderation.vote_rings.detector\n"
        "assert 'django' not in sys.modules, 'django'\n"
    )
    done = subprocess.run(  # noqa: S603  (fixed command, our own interpreter)
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


# --- moderators' decisions ---------------------------------------------------------------------


def test_discount_takes_off_exactly_the_rings_votes_and_restore_brings_them_back(  # type: ignore[no-untyped-def]
    world, moderator
):
    vote_ring_services.vote_rings_detect()
    a, ring = world["a"], ring_on(world["a"])
    assert count(a) == 10  # 8 from the ring, 2 honest
    assert vote_ring_services.vote_ring_discount(actor=moderator, ring=ring) == 8
    assert count(a) == 2
    assert Vote.objects.filter(idea=a).count() == 10  # kept, not counted
    ideas_recount(ids=[a.pk])
    assert count(a) == 2
    assert count(world["b"]) == 8  # other ideas untouched
    assert vote_ring_services.vote_ring_restore(actor=moderator, ring=ring) == 8
    assert count(a) == 10
    ring.refresh_from_db()
    assert (ring.status, ring.reviewed_by) == (VoteRingStatus.OPEN, moderator)
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [e.action for e in entries] == [AuditAction.VOTES_DISCOUNT, AuditAction.VOTES_RESTORE]
    assert all(
        (e.actor, e.target_type, e.target_id) == (moderator, "votering", ring.pk) for e in entries
    )
    assert entries[0].before["vote_count"] == 10
    assert entries[0].after["vote_count"] == 2
    assert entries[1].before["vote_count"] == 2
    assert entries[1].after["vote_count"] == 10


def test_removing_and_recasting_a_discounted_vote_keeps_the_count_exact(world, moderator) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    a, ring = world["a"], ring_on(world["a"])
    sock = world["ring"][0]
    vote_ring_services.vote_ring_discount(actor=moderator, ring=ring)
    assert vote_toggle(user=sock, idea=a) is False  # removes the discounted vote
    assert count(a) == 2
    assert vote_toggle(user=sock, idea=a) is True  # a fresh vote counts
    assert count(a) == 3
    vote_ring_services.vote_ring_restore(actor=moderator, ring=ring)
    assert count(a) == 10
    ideas_recount(ids=[a.pk])
    assert count(a) == 10


def test_a_second_discount_is_refused_and_changes_nothing(world, moderator, admin_user) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    ring = ring_on(world["a"])
    vote_ring_services.vote_ring_discount(actor=moderator, ring=ring)
    stale = VoteRing.objects.get(pk=ring.pk)
    with pytest.raises(ValidationError):
        vote_ring_services.vote_ring_discount(actor=admin_user, ring=stale)
    with pytest.raises(ValidationError):
        vote_ring_services.vote_ring_dismiss(actor=admin_user, ring=stale, reason="Fine")
    assert count(world["a"]) == 2
    assert AuditEntry.objects.count() == 1


def test_restore_keeps_votes_another_discounted_ring_holds(world, moderator) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    a, ring = world["a"], ring_on(world["a"])
    overlapping = VoteRing.objects.create(idea=a, fingerprint="other", score=2.0)
    overlapping.voters.set(world["ring"][:3])
    vote_ring_services.vote_ring_discount(actor=moderator, ring=ring)
    vote_ring_services.vote_ring_discount(actor=moderator, ring=overlapping)  # nothing left to take
    assert count(a) == 2
    assert vote_ring_services.vote_ring_restore(actor=moderator, ring=ring) == 5
    assert count(a) == 7


def test_dismiss_needs_a_reason_and_a_moderator(world, moderator, bob) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    ring = ring_on(world["a"])
    with pytest.raises(ValidationError):
        vote_ring_services.vote_ring_dismiss(actor=moderator, ring=ring, reason="  ")
    for action in (vote_ring_services.vote_ring_discount, vote_ring_services.vote_ring_restore):
        with pytest.raises(PermissionDenied):
            action(actor=bob, ring=ring)
    with pytest.raises(PermissionDenied):
        vote_ring_services.vote_ring_dismiss(actor=bob, ring=ring, reason="Fine")
    vote_ring_services.vote_ring_dismiss(actor=moderator, ring=ring, reason="Same team")
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.VOTE_RING_DISMISS
    assert entry.after == {"status": "dismissed", "vote_count": 10, "reason": "Same team"}
    assert count(world["a"]) == 10


def test_discounted_votes_earn_no_points_and_restored_ones_earn_them_back(  # type: ignore[no-untyped-def]
    world, moderator, django_capture_on_commit_callbacks
):
    vote_ring_services.vote_rings_detect()
    a, ring = world["a"], ring_on(world["a"])
    recognition.recognise_votes(idea=a)
    received = PointsEntry.objects.filter(idea=a, reason=PointsEntry.Reason.VOTE_RECEIVED)
    assert received.count() == 10
    with django_capture_on_commit_callbacks(execute=True):
        vote_ring_services.vote_ring_discount(actor=moderator, ring=ring)
    assert received.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        vote_ring_services.vote_ring_restore(actor=moderator, ring=ring)
    assert received.count() == 10


def test_discounted_votes_do_not_make_a_theme_trend(make_ideas) -> None:  # type: ignore[no-untyped-def]
    make_ideas(GROUPS)
    run = runs.run_recluster(trigger="manual")
    membership = ThemeMembership.objects.filter(run=run).select_related("theme", "idea").first()
    assert membership is not None
    voters = [UserFactory() for _ in range(4)]
    for voter in voters:
        vote_set(user=voter, idea=membership.idea, voted=True)
    before = sum(theme_activity(theme=membership.theme, days=3))
    Vote.objects.filter(idea=membership.idea, user__in=voters[:3]).update(
        discounted_at=timezone.now()
    )
    assert sum(theme_activity(theme=membership.theme, days=3)) == before - 3


# --- the page ----------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(client, world) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    ring = ring_on(world["a"])
    for response in (
        client.get(reverse("moderation:vote_rings")),
        client.post(reverse("moderation:vote_ring_action", args=[ring.pk, "discount"])),
    ):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert count(world["a"]) == 10


@pytest.mark.parametrize("who", ["bob", "partner", "product_manager"])
def test_the_page_and_its_buttons_are_forbidden_to_non_moderators(
    client, request, world, who
) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    ring = ring_on(world["a"])
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("moderation:vote_rings")).status_code == 403
    for action in ("discount", "dismiss"):
        url = reverse("moderation:vote_ring_action", args=[ring.pk, action])
        assert client.post(url, {"reason": "x"}).status_code == 403
    ring.refresh_from_db()
    assert ring.status == VoteRingStatus.OPEN
    assert count(world["a"]) == 10


@pytest.mark.parametrize("who", ["moderator", "admin_user"])
def test_moderators_see_the_rings_with_their_evidence(client, request, world, who) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("moderation:vote_rings"))
    assert response.status_code == 200
    page = response.text
    assert world["a"].get_absolute_url() in page
    assert "Sock 0" in page
    assert "Honest 0" not in page
    assert "8 votes within" in page
    assert "8 of 8 accounts were younger than 3 days" in page
    assert reverse("moderation:vote_ring_action", args=[ring_on(world["a"]).pk, "discount"]) in page


def test_a_moderator_discounts_restores_and_dismisses_from_the_page(
    client, moderator, world
) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    ring = ring_on(world["a"])
    client.force_login(moderator)

    def act(action: str, **data: str):  # type: ignore[no-untyped-def]
        url = reverse("moderation:vote_ring_action", args=[ring.pk, action])
        return client.post(url, data)

    assert (
        client.get(reverse("moderation:vote_ring_action", args=[ring.pk, "discount"])).status_code
        == 405
    )
    response = act("discount")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#vote-ring-{ring.pk}")
    assert count(world["a"]) == 2
    assert act("discount").status_code == 302  # refused with a message, nothing twice
    assert count(world["a"]) == 2
    act("restore")
    assert count(world["a"]) == 10
    response = act("dismiss", reason="")
    assert response.status_code == 400
    assert response.context["dismiss_form"].errors["reason"]
    ring.refresh_from_db()
    assert ring.status == VoteRingStatus.OPEN
    act("dismiss", reason="Branch staff voting together")
    ring.refresh_from_db()
    assert ring.status == VoteRingStatus.DISMISSED
    assert act("explode").status_code == 404


def test_the_page_makes_the_same_queries_whatever_the_number_of_rings(
    client, moderator, world
) -> None:  # type: ignore[no-untyped-def]
    vote_ring_services.vote_rings_detect()
    client.force_login(moderator)
    url = reverse("moderation:vote_rings")
    three = queries_to_get(client, url)
    for i in range(5):
        extra = VoteRing.objects.create(idea=world["popular"], fingerprint=f"f{i}", score=2.0)
        extra.voters.set(world["honest"][i : i + 5])
    assert queries_to_get(client, url) == three


def test_the_moderation_queue_links_to_the_vote_rings(client, moderator) -> None:  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    assert reverse("moderation:vote_rings") in client.get(reverse("moderation:queue")).text
