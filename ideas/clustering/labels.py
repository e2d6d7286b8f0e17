"""Human-readable theme labels from class-based TF-IDF plus a representative text."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ideas.clustering.text import PreparedText, display_forms, prepare_texts


@dataclass(frozen=True)
class Theme:
    """One theme as returned to callers (plain data, easy to persist)."""

    id: int
    size: int
    top_terms: tuple[str, ...]
    label: str
    representative_index: int  # row index of the member closest to the centroid, -1 if none
    centroid: np.ndarray  # (d,) float32, normalised
    threshold: float  # minimum cosine for a new vector to join this theme


def class_tfidf_terms(
    prepared: Sequence[PreparedText], labels: np.ndarray, n_themes: int, top_n: int = 8
) -> list[list[str]]:
    """Most distinctive terms (stems and stem bigrams) per theme, c-TF-IDF style.

    A term scores high when frequent in the theme and rare in the others:
    tf(t, c) * log(1 + A / f(t)), with A the mean number of terms per theme and f(t) the
    term's frequency over all themes (BERTopic's formulation, computed with Counters).
    """
    per_theme = [Counter[str]() for _ in range(n_themes)]
    for doc, theme in zip(prepared, labels, strict=True):
        if theme >= 0:
            # Set per document: one chatty idea repeating a word must not dominate its theme.
            per_theme[int(theme)].update(set(doc.terms))
    total = Counter[str]()
    for counts in per_theme:
        total.update(counts)
    mean_terms = max(1.0, sum(total.values()) / max(1, n_themes))
    result: list[list[str]] = []
    for counts in per_theme:
        size = max(1, sum(counts.values()))
        scored = sorted(
            ((tf / size) * math.log(1 + mean_terms / total[t]), t) for t, tf in counts.items()
        )
        # Highest score first; ties broken alphabetically so labels are reproducible.
        ranked = sorted(scored, key=lambda st: (-st[0], st[1]))
        result.append([t for _, t in ranked[:top_n]])
    return result


def _readable(term: str, forms: dict[str, Counter[str]]) -> str:
    words = term.split("_")
    return " ".join(forms[w].most_common(1)[0][0] if w in forms else w for w in words)


def make_label(terms: Sequence[str], forms: dict[str, Counter[str]], max_terms: int = 3) -> str:
    """'carte bloquée / opposition': bigrams first, and no word repeated across parts."""
    chosen: list[str] = []
    used: set[str] = set()
    for term in sorted(terms, key=lambda t: 0 if "_" in t else 1):
        parts = set(term.split("_"))
        if parts & used:
            continue
        chosen.append(term)
        used |= parts
        if len(chosen) == max_terms:
            break
    # Keep the c-TF-IDF order among what was chosen, so the strongest idea comes first.
    chosen.sort(key=list(terms).index)
    return " / ".join(_readable(t, forms) for t in chosen)


def describe_themes(
    texts: Sequence[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    centroids: np.ndarray,
    thresholds: np.ndarray,
    top_n: int = 8,
) -> list[Theme]:
    """Build `Theme` records: size, top terms, label and the most central member's index."""
    n_themes = centroids.shape[0]
    prepared = prepare_texts(list(texts))
    top_terms = class_tfidf_terms(prepared, labels, n_themes, top_n=top_n)
    forms: dict[str, Counter[str]] = {}
    for text, theme in zip(texts, labels, strict=True):
        if theme >= 0:
            for stem, word in display_forms(text).items():
                forms.setdefault(stem, Counter())[word] += 1
    themes: list[Theme] = []
    for theme_id in range(n_themes):
        members = np.flatnonzero(labels == theme_id)
        if members.size:
            rep = int(members[np.argmax(vectors[members] @ centroids[theme_id])])
        else:
            rep = -1
        terms = top_terms[theme_id]
        label = make_label(terms, forms) or (texts[rep][:60] if rep >= 0 else f"theme {theme_id}")
        themes.append(
            Theme(
                id=theme_id,
                size=int(members.size),
                top_terms=tuple(_readable(t, forms) for t in terms),
                label=label,
                representative_index=rep,
                centroid=centroids[theme_id],
                threshold=float(thresholds[theme_id]),
            )
        )
    return themes
