"""Stable theme identity across runs, from membership overlap. Pure Python, no Django.

A new cluster *continues* an old theme when each is the other's best match by shared ideas
and they share enough (Jaccard ≥ MIN_JACCARD): the theme keeps its id, name, note and status.
An old theme that is not continued but sent most of its ideas (≥ MIN_SHARE) into a cluster that
continues another theme was *merged* into it. A cluster that continues nothing but drew most of
its ideas (≥ MIN_SHARE) from a theme continued elsewhere *split* off that theme. Every other
cluster is *created*, every other old theme *retired*.
"""

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass, field

MIN_JACCARD = 0.3
MIN_SHARE = 0.5


@dataclass
class Matching:
    continued: dict[int, int] = field(default_factory=dict)  # new cluster -> old theme
    created: list[int] = field(default_factory=list)  # new clusters
    split: dict[int, int] = field(default_factory=dict)  # new cluster -> old theme it left
    merged: dict[int, int] = field(default_factory=dict)  # old theme -> new cluster it joined
    retired: list[int] = field(default_factory=list)  # old themes
    overlap: dict[tuple[int, int], int] = field(default_factory=dict)  # (new, old) -> ideas


def match_themes(old: Mapping[int, Set[int]], new: Mapping[int, Set[int]]) -> Matching:
    """Match new clusters (id -> idea ids) to old themes (id -> idea ids)."""
    theme_of = {idea: theme for theme, ideas in old.items() for idea in ideas}
    overlap: Counter[tuple[int, int]] = Counter()
    for cluster, ideas in new.items():
        for idea in ideas:
            if idea in theme_of:
                overlap[cluster, theme_of[idea]] += 1

    def jaccard(cluster: int, theme: int) -> float:
        shared = overlap[cluster, theme]
        return shared / (len(new[cluster]) + len(old[theme]) - shared)

    # Greedy on the best pairs first, with deterministic tie-breaks, each side used once.
    pairs = sorted(overlap, key=lambda p: (-jaccard(*p), -overlap[p], p))
    matching = Matching(overlap=dict(overlap))
    used_old: set[int] = set()
    for cluster, theme in pairs:
        if cluster in matching.continued or theme in used_old:
            continue
        if jaccard(cluster, theme) >= MIN_JACCARD:
            matching.continued[cluster] = theme
            used_old.add(theme)

    successor_of_old = {theme: cluster for cluster, theme in matching.continued.items()}
    for theme in sorted(old):
        if theme in used_old:
            continue
        best = _best(overlap, theme_side=theme)
        if (
            best is not None
            and best in matching.continued
            and (overlap[best, theme] / len(old[theme]) >= MIN_SHARE)
        ):
            matching.merged[theme] = best
        else:
            matching.retired.append(theme)
    for cluster in sorted(new):
        if cluster in matching.continued:
            continue
        origin = _best(overlap, cluster_side=cluster)
        if (
            origin is not None
            and origin in successor_of_old
            and overlap[cluster, origin] / len(new[cluster]) >= MIN_SHARE
        ):
            matching.split[cluster] = origin
        matching.created.append(cluster)
    return matching


def _best(
    overlap: Counter[tuple[int, int]],
    *,
    theme_side: int | None = None,
    cluster_side: int | None = None,
) -> int | None:
    """The partner with the largest overlap (smallest id on ties), or None."""
    if theme_side is not None:
        candidates = [(n, -c) for (c, t), n in overlap.items() if t == theme_side]
    else:
        candidates = [(n, -t) for (c, t), n in overlap.items() if c == cluster_side]
    if not candidates:
        return None
    return -max(candidates)[1]
