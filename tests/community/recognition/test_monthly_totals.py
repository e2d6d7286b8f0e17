"""Monthly points totals (community.recognition.monthly_totals): on PostgreSQL, triggers keep them
equal to the ledger through every kind of write, and the monthly leaderboard reads them."""

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.utils import timezone

from community.models import MonthlyPoints, PointsEntry
from community.recognition import monthly_totals
from community.recognition import services as recognition
from tests.factories import IdeaFactory, UserFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite sums the ledger: no stored totals"
)


def _ledger_sums() -> dict[tuple[int, date], int]:
    sums: Counter[tuple[int, date]] = Counter()
    for user_id, points, at in PointsEntry.objects.values_list("user", "points", "created_at"):
        local = timezone.localtime(at)
        sums[(user_id, date(local.year, local.month, 1))] += points
    return {key: total for key, total in sums.items() if total}


def _stored() -> dict[tuple[int, date], int]:
    rows = MonthlyPoints.objects.values_list("user", "month", "points")
    return {(user_id, month): points for user_id, month, points in rows}


def _entry(user, key, points, at, idea=None):  # type: ignore[no-untyped-def]
    return PointsEntry(user=user, idea=idea, reason="idea", key=key, points=points, created_at=at)


@postgresql_only
def test_the_totals_follow_inserts_deletes_updates_and_cascades_month_by_month(db, settings):
    settings.TIME_ZONE = "Europe/Paris"  # the zone the migration installed (the default)
    alice, bob = UserFactory(), UserFactory()
    idea = IdeaFactory(author=bob)
    # 23:30 UTC on October 31st is already November in Paris: the site's months are cut there.
    late_october_utc = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    mid_october = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
    _entry(alice, "a1", 10, mid_october).save()
    assert _stored() == {(alice.pk, date(2026, 10, 1)): 10}

    PointsEntry.objects.bulk_create(  # one statement, several rows of one member and month
        [
            _entry(alice, "a2", 2, late_october_utc),
            _entry(alice, "a3", 1, late_october_utc, idea=idea),
            _entry(bob, "b1", 25, mid_october, idea=idea),
        ]
    )
    assert _stored() == _ledger_sums()
    assert _stored()[(alice.pk, date(2026, 11, 1))] == 3

    PointsEntry.objects.filter(key="a2").update(points=5, created_at=mid_october)  # moves month
    assert (
        _stored()
        == _ledger_sums()
        == {
            (alice.pk, date(2026, 10, 1)): 15,
            (alice.pk, date(2026, 11, 1)): 1,
            (bob.pk, date(2026, 10, 1)): 25,
        }
    )
    PointsEntry.objects.filter(key="a1").delete()
    assert _stored() == _ledger_sums()
    idea.delete()  # its entries go by cascade: their points with them
    assert _stored() == _ledger_sums() == {(alice.pk, date(2026, 10, 1)): 5}
    alice.delete()
    assert not MonthlyPoints.objects.exists()  # a total back to 0 leaves no row


@postgresql_only
def test_rebuild_gives_the_totals_the_triggers_keep(db):
    members = UserFactory.create_batch(3)
    now = timezone.now()
    PointsEntry.objects.bulk_create(
        [_entry(m, f"k{n}:{m.pk}", n + 1, now) for n, m in enumerate(members * 2)]
    )
    kept = _stored()
    assert monthly_totals.rebuild() == len(kept) == 3
    assert _stored() == kept == _ledger_sums()


def test_the_monthly_leaderboard_matches_the_sum_of_the_month_s_ledger(
    db, django_assert_num_queries
):
    now = timezone.now()
    last_month = datetime(now.year - (now.month == 1), (now.month - 2) % 12 + 1, 10, tzinfo=UTC)
    members = [UserFactory(display_name=f"Member {n}") for n in range(5)]
    closed = UserFactory(display_name="Closed", is_active=False)
    PointsEntry.objects.bulk_create(
        [_entry(m, f"now:{m.pk}", 10 * (n + 1), now) for n, m in enumerate(members)]
        + [_entry(members[0], "old", 1_000, last_month), _entry(closed, "closed", 999, now)]
    )
    with django_assert_num_queries(1):
        rows = list(recognition.monthly_leaderboard(year=now.year, month=now.month, limit=3))
    assert [(row["user__display_name"], row["total"]) for row in rows] == [
        ("Member 4", 50),
        ("Member 3", 40),
        ("Member 2", 30),
    ]
    summed = recognition._ranked(
        PointsEntry.objects.filter(created_at__year=now.year, created_at__month=now.month)
    )[:3]
    assert [(r["user"], r["total"]) for r in rows] == [(r["user"], r["total"]) for r in summed]
