"""Models of the ideas app: ideas and their votes and answers, and the themes found among them."""

from ideas.models.campaigns import Campaign
from ideas.models.ideas import (
    BODY_MAX_LENGTH,
    STATUS_TRANSITIONS,
    TITLE_MAX_LENGTH,
    Category,
    Idea,
    Language,
    Status,
    StatusChange,
    Vote,
    public_q,
)
from ideas.models.listing import IdeaTally, TrendingClock
from ideas.models.outside import Signal, SignalImport, SignalMembership, SignalVector
from ideas.models.pii import MaskedOriginal
from ideas.models.themes import (
    ClusteringRun,
    IdeaVector,
    RunState,
    Theme,
    ThemeEvent,
    ThemeMembership,
    ThemeSettings,
    ThemeStatus,
)

__all__ = [
    "BODY_MAX_LENGTH",
    "STATUS_TRANSITIONS",
    "TITLE_MAX_LENGTH",
    "Campaign",
    "Category",
    "ClusteringRun",
    "Idea",
    "IdeaTally",
    "IdeaVector",
    "Language",
    "MaskedOriginal",
    "RunState",
    "Signal",
    "SignalImport",
    "SignalMembership",
    "SignalVector",
    "Status",
    "StatusChange",
    "Theme",
    "ThemeEvent",
    "ThemeMembership",
    "ThemeSettings",
    "ThemeStatus",
    "TrendingClock",
    "Vote",
    "public_q",
]
