"""The rules an idea goes through when it is posted or edited that the community app owns:
whether its author may post into the campaign, and whether it waits for a moderator
(pre-moderation). The ideas app declares them; CommunityConfig.ready hands them over
(`submission_rules_register`), as accounts.sanctions does for moderation, so that
ideas.services imports nothing above it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class SubmissionRules:
    # (campaign=, author=) -> None; raises ValidationError on "campaign" when refused.
    check_campaign: Callable[..., None]
    # (author=, category=, campaign=) -> whether a new idea waits for a moderator.
    needs_premoderation: Callable[..., bool]
    # (post=) -> whether an edited idea waits for a moderator (again).
    edit_needs_premoderation: Callable[..., bool]


_rules: list[SubmissionRules] = []


def submission_rules_register(rules: SubmissionRules) -> None:
    _rules[:] = [rules]


def submission_rules() -> SubmissionRules:
    # No silent default: without the rules, an idea would skip pre-moderation.
    if not _rules:
        raise ImproperlyConfigured("no submission rules registered (community app missing?)")
    return _rules[0]
