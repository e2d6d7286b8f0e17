"""Vote rings: bursts of votes on one idea from accounts that look coordinated. No Django.

The rule, per idea (docs/moderation.md, "Vote rings"):

1. **Burst.** An hour (BURST_WINDOW) holding at least BURST_MIN_VOTES votes and at least
   BURST_RATIO times what the idea's own rate over the BASELINE before it predicts, so a
   steadily popular idea has no burst. Overlapping such hours merge into one burst.
2. **Links.** Two voters in a burst are linked when at least two of three signals hold for the
   pair: both accounts were younger than NEW_ACCOUNT when they voted; both voted from the same
   network (keyed /24 or /48 hash); their voted-idea sets are similar (Jaccard ≥ JACCARD_MIN,
   each set holding at least PATTERN_MIN_IDEAS ideas: one vote is no pattern).
3. **Groups.** Linked voters form groups (connected components) of at least MIN_GROUP.
4. **Score.** Three figures from 0 to 1: the share of new accounts, the share of accounts on a
   network shared with another member, and the mean pairwise Jaccard. A signal is present when
   its figure reaches SIGNAL_MIN. A group is kept when at least two signals are present and the
   score (the sum, 0 to 3) reaches SCORE_MIN.

An honest surge (many established accounts from many networks, each with its own voting
history) has no links and is never a ring, however fast it comes; colleagues voting from one
office network share only one signal and are not linked either.
"""

import hashlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations
from typing import Any

BURST_WINDOW = timedelta(hours=1)
BURST_MIN_VOTES = 5
BURST_RATIO = 3.0
BASELINE = timedelta(days=7)
NEW_ACCOUNT = timedelta(days=3)
JACCARD_MIN = 0.6
PATTERN_MIN_IDEAS = 2
MIN_GROUP = 5
SIGNAL_MIN = 0.5
SCORE_MIN = 1.5

NEW_ACCOUNTS = "new_accounts"
SHARED_NETWORK = "shared_network"
SAME_PATTERN = "same_pattern"


@dataclass(frozen=True)
class VoteRecord:
    voter_id: int
    idea_id: int
    created_at: datetime
    network: str
    voter_joined_at: datetime

    @property
    def from_new_account(self) -> bool:
        return self.created_at - self.voter_joined_at < NEW_ACCOUNT


@dataclass(frozen=True)
class RingCandidate:
    idea_id: int
    voter_ids: tuple[int, ...]  # sorted
    score: float
    evidence: dict[str, Any]  # plain figures, JSON-safe

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.voter_ids)


def fingerprint(voter_ids: Iterable[int]) -> str:
    """The same voters, in any order, give the same fingerprint."""
    text = ",".join(str(voter) for voter in sorted(set(voter_ids)))
    return hashlib.sha256(text.encode()).hexdigest()


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """How alike two voters' idea sets are, 0 to 1; 0 when either holds fewer than
    PATTERN_MIN_IDEAS ideas (two accounts that each voted once only share that one idea)."""
    if len(a) < PATTERN_MIN_IDEAS or len(b) < PATTERN_MIN_IDEAS:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Burst:
    votes: tuple[VoteRecord, ...]
    expected: float  # votes the idea's earlier rate predicts over the burst's span


def find_bursts(votes: Sequence[VoteRecord], *, since: datetime | None = None) -> list[Burst]:
    """Bursts among one idea's votes. With `since`, only bursts that reach it.

    Each hour starting at a vote is a candidate: it needs BURST_MIN_VOTES votes and BURST_RATIO
    times what the BASELINE before it predicts. Overlapping candidates merge into one burst.
    """
    ordered = sorted(votes, key=lambda v: v.created_at)
    times = [v.created_at for v in ordered]

    def expected(first: int, span: timedelta) -> float:
        earlier = first - bisect_left(times, times[first] - BASELINE)
        return earlier * (span / BASELINE)

    segments: list[list[int]] = []  # [first, last] indices of merged candidate hours
    last = 0
    for first in range(len(ordered)):
        last = max(last, first)
        while last + 1 < len(times) and times[last + 1] - times[first] <= BURST_WINDOW:
            last += 1
        count = last - first + 1
        if count < BURST_MIN_VOTES or count < BURST_RATIO * expected(first, BURST_WINDOW):
            continue
        if segments and first <= segments[-1][1]:
            segments[-1][1] = max(segments[-1][1], last)
        else:
            segments.append([first, last])
    return [
        Burst(
            votes=tuple(ordered[first : last + 1]),
            expected=expected(first, max(times[last] - times[first], BURST_WINDOW)),
        )
        for first, last in segments
        if since is None or times[last] >= since
    ]


def _groups(
    votes: Sequence[VoteRecord], histories: Mapping[int, frozenset[int]]
) -> list[list[VoteRecord]]:
    """Connected components of voters linked by at least two pair signals (union-find)."""
    parent = list(range(len(votes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(votes)), 2):
        a, b = votes[i], votes[j]
        signals = (
            int(a.from_new_account and b.from_new_account)
            + int(bool(a.network) and a.network == b.network)
            + int(jaccard(_history(a, histories), _history(b, histories)) >= JACCARD_MIN)
        )
        if signals >= 2:
            parent[root(i)] = root(j)
    components: dict[int, list[VoteRecord]] = defaultdict(list)
    for i, vote in enumerate(votes):
        components[root(i)].append(vote)
    return [group for group in components.values() if len(group) >= MIN_GROUP]


def _history(vote: VoteRecord, histories: Mapping[int, frozenset[int]]) -> frozenset[int]:
    return histories.get(vote.voter_id, frozenset()) | {vote.idea_id}


def _assess(
    group: list[VoteRecord], burst: Burst, histories: Mapping[int, frozenset[int]]
) -> RingCandidate | None:
    size = len(group)
    new = sum(1 for v in group if v.from_new_account)
    networks = Counter(v.network for v in group if v.network)
    shared = {key: n for key, n in networks.items() if n >= 2}
    on_shared = sum(shared.values())
    pairs = list(combinations(group, 2))
    mean_jaccard = sum(
        jaccard(_history(a, histories), _history(b, histories)) for a, b in pairs
    ) / len(pairs)
    figures = {
        NEW_ACCOUNTS: new / size,
        SHARED_NETWORK: on_shared / size,
        SAME_PATTERN: mean_jaccard,
    }
    signals = [name for name, figure in figures.items() if figure >= SIGNAL_MIN]
    score = sum(figures.values())
    if len(signals) < 2 or score < SCORE_MIN:
        return None
    first = min(v.created_at for v in group)
    last = max(v.created_at for v in group)
    evidence = {
        "votes": size,
        "minutes": round((last - first).total_seconds() / 60),
        "first_vote_at": first.isoformat(),
        "last_vote_at": last.isoformat(),
        "burst_votes": len(burst.votes),
        "expected_votes": round(burst.expected, 1),
        "new_accounts": new,
        "new_account_days": NEW_ACCOUNT.days,
        "shared_networks": [
            {"network": key, "voters": n}
            for key, n in sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        ],
        "accounts_on_shared_networks": on_shared,
        "mean_jaccard": round(mean_jaccard, 2),
        "signals": signals,
    }
    return RingCandidate(
        idea_id=group[0].idea_id,
        voter_ids=tuple(sorted(v.voter_id for v in group)),
        score=round(score, 3),
        evidence=evidence,
    )


def find_vote_rings(
    votes: Iterable[VoteRecord],
    histories: Mapping[int, frozenset[int]],
    *,
    since: datetime | None = None,
) -> list[RingCandidate]:
    """Suspicious groups in `votes` (any number of ideas), highest score first.

    `histories` maps a voter to the ids of the ideas they voted on (the idea of the vote is
    added if missing). With `since`, only bursts that reach it are looked at.
    """
    by_idea: dict[int, list[VoteRecord]] = defaultdict(list)
    for vote in votes:
        by_idea[vote.idea_id].append(vote)
    found = []
    for idea_votes in by_idea.values():
        for burst in find_bursts(idea_votes, since=since):
            for group in _groups(burst.votes, histories):
                candidate = _assess(group, burst, histories)
                if candidate is not None:
                    found.append(candidate)
    return sorted(found, key=lambda c: (-c.score, c.idea_id, c.voter_ids))
