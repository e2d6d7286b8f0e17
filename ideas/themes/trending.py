"""Which themes are trending: recent activity against the theme's own baseline. No Django.

Activity counts what people do in a theme each day: a new idea weighs 3, a comment 2, a vote 1,
and an outside signal (ideas.outside, counted on the day it was posted outside) 1.
For each theme, the last RECENT_DAYS are compared with the BASELINE_DAYS before them:

    expected = baseline activity × RECENT_DAYS / BASELINE_DAYS
    ratio    = (recent + PRIOR) / (expected + PRIOR)          smoothed rate ratio
    z        = (recent − expected) / √(expected + PRIOR)        Poisson-style surprise

PRIOR (5 units of activity) is a pseudo-count: it pulls small numbers towards "no change", so a
tiny theme going from 0 to 2 votes (ratio 1.4, z 0.9) is not news, while a theme going from
one event a day to twenty in a week (ratio 2.1, z 3.8) is. A theme is *trending* when
ratio ≥ 1.5 and z ≥ 2; the dashboard ranks by z. See docs/themes.md.

`expected` is scaled by the portal's own pace (`portal_pace`: all themes' recent activity
against their baseline, smoothed the same way): when the whole portal is twice as busy this
week (a newsletter, a campaign, a growing member base), a theme that merely follows is not
news. Without it, 7 of the demo's 10 themes were badged "Trending".
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

RECENT_DAYS = 7
BASELINE_DAYS = 28
PRIOR = 5.0
TRENDING_RATIO = 1.5
TRENDING_Z = 2.0
# A signal weighs as a vote: outside posts come in bulk and cost their authors less than an idea.
WEIGHTS = {"ideas": 3, "comments": 2, "votes": 1, "signals": 1}


@dataclass(frozen=True)
class Trend:
    recent: float
    expected: float
    ratio: float
    z: float

    @property
    def is_trending(self) -> bool:
        return self.ratio >= TRENDING_RATIO and self.z >= TRENDING_Z

    @property
    def direction(self) -> str:
        """up, down or flat: the arrow shown beside the theme."""
        if self.ratio >= 1.25 and self.z >= 1.0:
            return "up"
        if self.ratio <= 0.8 and self.z <= -1.0:
            return "down"
        return "flat"


def activity(ideas: int, comments: int, votes: int) -> int:
    return WEIGHTS["ideas"] * ideas + WEIGHTS["comments"] * comments + WEIGHTS["votes"] * votes


def _split(daily: Sequence[float]) -> tuple[float, float]:
    """(baseline, recent) sums of the last RECENT_DAYS + BASELINE_DAYS days, padded with zeros."""
    window = list(daily)[-(RECENT_DAYS + BASELINE_DAYS) :]
    window = [0.0] * (RECENT_DAYS + BASELINE_DAYS - len(window)) + window
    return sum(window[:BASELINE_DAYS]), sum(window[BASELINE_DAYS:])


def portal_pace(series: Sequence[Sequence[float]]) -> float:
    """How much busier the portal as a whole is in the recent days than in its baseline (1.0:
    the same pace), from every theme's daily series; smoothed by PRIOR like `trend`."""
    baseline = recent = 0.0
    for daily in series:
        b, r = _split(daily)
        baseline, recent = baseline + b, recent + r
    return (recent + PRIOR) / (baseline * RECENT_DAYS / BASELINE_DAYS + PRIOR)


def trend(daily: Sequence[float], *, pace: float = 1.0) -> Trend:
    """Trend of a daily activity series, oldest first, the last item being today, against what
    the theme's baseline gives at the portal's `pace` (`portal_pace`; 1.0 alone).

    Uses the last RECENT_DAYS + BASELINE_DAYS days; a shorter series is padded with zeros.
    """
    baseline, recent = _split(daily)
    expected = baseline * RECENT_DAYS / BASELINE_DAYS * pace
    return Trend(
        recent=recent,
        expected=expected,
        ratio=(recent + PRIOR) / (expected + PRIOR),
        z=(recent - expected) / math.sqrt(expected + PRIOR),
    )
