"""Hand-built activity series with a known answer: which themes are trending."""

from ideas.themes.trending import BASELINE_DAYS, RECENT_DAYS, activity, portal_pace, trend


def series(baseline_per_day: float, recent_per_day: float) -> list[float]:
    return [baseline_per_day] * BASELINE_DAYS + [recent_per_day] * RECENT_DAYS


def test_a_big_theme_whose_activity_triples_is_trending():
    t = trend(series(3, 9))
    assert t.is_trending
    assert t.direction == "up"
    assert t.ratio > 2


def test_a_tiny_theme_with_two_new_votes_is_not_news():
    daily = [0.0] * (BASELINE_DAYS + RECENT_DAYS)
    daily[-1] = 2
    t = trend(daily)
    assert not t.is_trending
    assert t.direction == "flat"


def test_a_steady_theme_is_flat():
    t = trend(series(5, 5))
    assert not t.is_trending
    assert t.direction == "flat"
    assert abs(t.ratio - 1) < 1e-9


def test_a_theme_going_quiet_points_down():
    t = trend(series(6, 1))
    assert t.direction == "down"
    assert not t.is_trending


def test_a_new_theme_with_a_real_burst_is_trending():
    t = trend([0] * BASELINE_DAYS + [0, 0, 0, 4, 6, 8, 12])
    assert t.is_trending


def test_a_larger_burst_ranks_above_a_smaller_one():
    assert trend(series(2, 10)).z > trend(series(2, 5)).z > trend(series(2, 2)).z


def test_short_series_are_padded_with_quiet_days():
    assert trend([9, 9, 9]).recent == 27


def test_activity_weighs_ideas_comments_and_votes():
    assert activity(ideas=1, comments=1, votes=1) == 6


def test_a_theme_that_only_keeps_pace_with_a_busier_portal_is_not_trending():
    """The whole portal is three times busier this week: a theme three times busier is merely
    following it, one nine times busier is news."""
    follower, leader = series(3, 9), series(3, 27)
    pace = portal_pace([follower, leader, series(3, 9), series(3, 9)])
    assert pace > 2
    assert trend(follower).is_trending  # alone, it would be
    assert not trend(follower, pace=pace).is_trending
    assert trend(leader, pace=pace).is_trending


def test_at_a_steady_pace_the_portal_changes_nothing():
    steady = [series(5, 5), series(2, 2)]
    assert abs(portal_pace(steady) - 1.0) < 0.01
    assert trend(series(3, 9), pace=portal_pace(steady)).is_trending
