"""A French title finds its English twin among the suggestions, and the other way round
(issue #14), measured on 64 hand-written pairs among the demo ideas with the real encoders
and the in-process search (SIMILAR_SEARCH_URL=inprocess in the test settings)."""

import pytest

from ideas.themes.embedding import stable_embedder
from tests.themes.crosslang import create_ideas, load_pairs, recall_at_5

# Issue #14 asks 0.95 both ways: not met. `python -m bench.similar_bench --recall` (the search
# object, these pairs plus 20 more twins in the index) measured 60/64 French to English and
# 59/64 English to French on 2026-12-03 (0.94 and 0.92; before the standardised merge 0.89 and
# 0.83, the plain cosine 0.55 and 0.69). The floor pinned here is 0.85: under what is reached,
# above what the previous ranking got English to French.
FLOOR = 0.85


@pytest.mark.django_db
def test_french_and_english_twins_are_suggested_both_ways():
    if stable_embedder() is None:
        pytest.skip("no sentence encoder: suggestions fall back to title words")
    pairs = load_pairs()
    assert len(pairs) >= 50
    assert sum(p.demo is not None for p in pairs) >= 10  # some twins are demo ideas
    members = create_ideas(pairs)
    french, missed_fr = recall_at_5(pairs, members, source="fr", split=None)
    english, missed_en = recall_at_5(pairs, members, source="en", split=None)
    assert min(french, english) >= FLOOR, (
        f"recall@5 FR->EN {french:.3f} (missed {missed_fr}), EN->FR {english:.3f} "
        f"(missed {missed_en})"
    )
    # The title typed in issue #14 ("Recevoir une alerte quand mon salaire arrive") is one of the
    # pairs; in this index it is still missed French -> English (its English twin is a demo idea
    # whose body dilutes its title: docs/benchmarks.md, "Cross-language suggestions").
