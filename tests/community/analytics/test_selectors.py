"""The figures on known data (tests/community/analytics/conftest.py), floor applied."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from community.analytics.privacy import Hidden
from community.analytics.selectors import Period, analytics_for
from ideas.models import Category
from tests.community.analytics.conftest import MONDAY, PERIOD, at, post
from tests.factories import UserFactory, complaints_team_member, given_a_staff_permission

pytestmark = pytest.mark.django_db


def values(rows):  # type: ignore[no-untyped-def]
    return {row.key: (row.figure.value, row.figure.hidden) for row in rows}


def weekly(analytics, metric):  # type: ignore[no-untyped-def]
    return [(figure.value, figure.hidden) for _week, figure in analytics.weekly[metric]]


def test_weekly_counts_with_a_small_week_hidden(world, product_manager):
    analytics = analytics_for(user=product_manager, period=PERIOD)
    assert [week for week, _f in analytics.weekly["ideas"]] == [
        MONDAY + timedelta(weeks=n) for n in range(4)
    ]
    assert weekly(analytics, "members") == [(26, None), (0, None), (0, None), (0, None)]
    assert weekly(analytics, "ideas") == [(26, None), (0, None), (0, None), (0, None)]
    assert weekly(analytics, "votes") == [(0, None), (12, None), (0, None), (0, None)]
    # Five people commented in week 3: fewer than 10, hidden.
    assert weekly(analytics, "comments")[2] == (None, Hidden.SMALL)


def test_a_small_age_band_is_hidden_with_its_smallest_complement(world, product_manager):
    ideas = values(
        analytics_for(user=product_manager, period=PERIOD).breakdowns["age-band-ideas"].rows
    )
    assert ideas["65+"] == (None, Hidden.SMALL)  # 3 people
    assert ideas["35-44"] == (None, Hidden.COMPLEMENT)  # 11, else 26 - 12 - 11 = 3
    assert ideas["25-34"] == (12, None)
    assert ideas[""] == (0, None)  # nobody who kept their age to themselves posted


def test_partners_and_customers(world, product_manager):
    analytics = analytics_for(user=product_manager, period=PERIOD)
    assert values(analytics.breakdowns["role-ideas"].rows) == {
        "customer": (15, None),
        "partner": (11, None),
        "staff": (0, None),
    }
    assert values(analytics.breakdowns["role-votes"].rows)["customer"] == (12, None)


def test_categories_hide_the_small_one_and_one_more(world, product_manager):
    rows = analytics_for(user=product_manager, period=PERIOD).breakdowns["categories"].rows
    assert values(rows) == {
        "cards": (12, None),
        "loans": (None, Hidden.COMPLEMENT),
        "savings": (None, Hidden.SMALL),
    }
    assert rows[0].key == "cards"  # shown first, hidden ones after


def test_funnel_answers_median_and_adopted(world, product_manager):
    analytics = analytics_for(user=product_manager, period=PERIOD)
    assert values(analytics.funnel) == {
        "new": (26, None),
        "under_review": (12, None),
        "planned": (10, None),  # reached later stages: counted at every one on the way
        "in_progress": (10, None),
        "done": (10, None),
    }
    assert analytics.answered.value == 12
    assert analytics.answered_share == pytest.approx(12 / 26)
    assert analytics.median_wait == timedelta(days=6.5)
    assert values(analytics.adopted) == {"2026 Q3": (10, None)}


def test_a_week_later_the_done_ideas_fall_in_the_next_quarter_and_small_groups_hide(
    world, product_manager
):
    """From week 3 on: only the comments and the Done changes; the 10 adopted ideas are in
    September (Q3). Fewer than 10 ideas were posted: the funnel is hidden."""
    period = Period.covering(MONDAY + timedelta(weeks=2), MONDAY + timedelta(weeks=3))
    analytics = analytics_for(user=product_manager, period=period)
    assert values(analytics.adopted) == {"2026 Q3": (10, None)}
    assert values(analytics.funnel)["new"] == (0, None)
    assert analytics.median_wait is None


def test_with_a_lower_floor_the_small_groups_appear(world, product_manager, settings):
    settings.ANALYTICS_MIN_GROUP = 3
    analytics = analytics_for(user=product_manager, period=PERIOD)
    assert values(analytics.breakdowns["age-band-ideas"].rows)["65+"] == (3, None)
    assert weekly(analytics, "comments")[2] == (5, None)


def test_members_without_the_permission_get_nothing_from_the_selector(db, alice, moderator):
    for person in (alice, moderator):
        with pytest.raises(PermissionDenied):
            analytics_for(user=person, period=PERIOD)


def test_staff_of_a_group_an_administrator_built_count_as_staff_not_customers(
    world, product_manager, settings
):
    """Staff as accounts.roles defines it for two-factor: any permission beyond a member's,
    through a group of any name or given directly, or the Django admin's flag."""
    settings.ANALYTICS_MIN_GROUP = 1
    handler = complaints_team_member()
    analyst = given_a_staff_permission()
    django_admin = UserFactory(mfa=False, is_staff=True)
    cards = Category.objects.get(slug="cards")
    for person in (handler, analyst, django_admin):
        post(person, cards, at(4))
    analytics = analytics_for(user=product_manager, period=PERIOD)
    assert values(analytics.breakdowns["role-ideas"].rows) == {
        "customer": (15, None),
        "partner": (11, None),
        "staff": (3, None),
    }
