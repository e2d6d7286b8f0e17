"""The monthly leaderboard counts a month in the site's time zone (Europe/Paris), as a range of
the points ledger's created_at."""

from datetime import UTC, datetime

from django.urls import reverse

from community.models import PointsEntry


def _points(user, when: datetime, points: int) -> None:  # type: ignore[no-untyped-def]
    PointsEntry.objects.create(
        user=user, reason=PointsEntry.Reason.IDEA, points=points, key=f"t:{when}", created_at=when
    )


def _board(client, month: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = client.get(reverse("community:leaderboard"), {"month": month}).context["rows"]
    return {row["user__display_name"]: row["total"] for row in rows}


def test_a_month_runs_from_midnight_to_midnight_in_the_sites_time_zone(client, alice, bob):
    _points(alice, datetime(2026, 11, 30, 22, 30, tzinfo=UTC), 10)  # 23:30 on 30 Nov in Paris
    _points(bob, datetime(2026, 11, 30, 23, 30, tzinfo=UTC), 7)  # 00:30 on 1 Dec in Paris
    _points(bob, datetime(2026, 12, 31, 22, 59, tzinfo=UTC), 3)  # 23:59 on 31 Dec in Paris
    _points(alice, datetime(2026, 12, 31, 23, 0, tzinfo=UTC), 50)  # midnight: January
    assert _board(client, "2026-11") == {"Alice": 10}
    assert _board(client, "2026-12") == {"Bob": 10}
    assert _board(client, "2027-01") == {"Alice": 50}
