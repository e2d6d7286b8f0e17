"""Ideas and signals clustered together, themes made of ideas. No Django.

The engine clusters the ideas' and the signals' vectors as one corpus, so a subject raised
outside and on the portal is one theme. Then only clusters holding at least one idea become
themes, named from their ideas alone (a theme's name, key terms and representative are ideas',
never an outside post's); the signals of a cluster without ideas stay unthemed, and those
clusters are kept apart (`outside_only_clusters`): outside talk that no idea covers.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ideas.clustering import ThemeModel, describe_themes, l2_normalise


def themes_of_ideas(
    model: ThemeModel, *, texts: list[str], vectors: np.ndarray, n_ideas: int
) -> tuple[ThemeModel, np.ndarray]:
    """`model` was built on `texts`/`vectors`, ideas first (`n_ideas` of them), signals after.
    Returns the model of the ideas (labels of the ideas only, themes renumbered and described
    from the ideas) and each signal's theme in it (-1: none)."""
    if len(texts) == n_ideas:
        return model, np.empty(0, dtype=np.int64)
    labels = np.asarray(model.labels)
    idea_labels, signal_labels = labels[:n_ideas], labels[n_ideas:]
    kept = np.unique(idea_labels[idea_labels >= 0])
    renumber = np.full(max(model.n_themes, 1), -1, dtype=np.int64)
    renumber[kept] = np.arange(kept.size)

    def renumbered(old: np.ndarray) -> np.ndarray:
        return np.where(old >= 0, renumber[np.maximum(old, 0)], -1)

    idea_labels, signal_labels = renumbered(idea_labels), renumbered(signal_labels)
    if not kept.size:
        return ThemeModel(labels=idea_labels, themes=[], backend=model.backend), signal_labels
    themes = describe_themes(
        texts[:n_ideas],
        l2_normalise(np.asarray(vectors[:n_ideas], dtype=np.float32)),
        idea_labels,
        model.centroids[kept],
        model.thresholds[kept],
    )
    return ThemeModel(labels=idea_labels, themes=themes, backend=model.backend), signal_labels


@dataclass(frozen=True)
class OutsideCluster:
    """A cluster of the engine holding signals and no idea."""

    size: int
    names: Mapping[str, str]  # language -> name, from the signals' (masked) texts
    terms: Mapping[str, tuple[str, ...]]  # language -> key terms, likewise
    members: np.ndarray  # indexes among the signals, most central first


def outside_only_clusters(
    model: ThemeModel, *, vectors: np.ndarray, n_ideas: int
) -> list[OutsideCluster]:
    """The clusters of `model` (built as for `themes_of_ideas`: ideas first, signals after)
    without an idea, largest first. Names and key terms are the ones the engine gave them over
    the whole corpus (unique among all clusters, stop words left out); the size is at least the
    engine's smallest theme (3 texts, 0.1% of the corpus on large ones), as for a theme."""
    labels = np.asarray(model.labels)
    with_ideas = set(labels[:n_ideas].tolist())
    signal_labels = labels[n_ideas:]
    signal_vectors = l2_normalise(np.asarray(vectors[n_ideas:], dtype=np.float32))
    found = []
    for cluster in np.unique(signal_labels[signal_labels >= 0]).tolist():
        if cluster in with_ideas:
            continue
        members = np.flatnonzero(signal_labels == cluster)
        closeness = signal_vectors[members] @ model.centroids[cluster]
        described = model.themes[cluster]
        found.append(
            OutsideCluster(
                size=int(members.size),
                names=dict(described.names),
                terms={language: tuple(t) for language, t in described.terms.items()},
                members=members[np.lexsort((members, -closeness))],
            )
        )
    found.sort(key=lambda c: (-c.size, int(c.members.min())))
    return found
