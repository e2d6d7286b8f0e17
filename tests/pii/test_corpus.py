"""Precision and recall of the masker on the hand-written corpus (tests/pii/corpus.py).

Run with `pytest tests/pii/test_corpus.py -s` to print the figures recorded in docs/pii.md.
A found span counts as a true positive when it has the expected kind and covers the whole
expected text; anything else the masker finds is a false positive.
"""

from __future__ import annotations

from collections import Counter

from ideas.pii import KINDS, find_pii
from tests.pii.corpus import NEGATIVES, POSITIVES, Case

RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.97
PER_KIND_FLOOR = 0.90


def _score(cases: list[Case]) -> tuple[Counter[str], Counter[str], Counter[str], int]:
    true_pos: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    false_neg: Counter[str] = Counter()
    exact = 0
    for case in cases:
        expected = [
            (kind, case.text.index(s), case.text.index(s) + len(s)) for kind, s in case.expected
        ]
        for finding in find_pii(case.text):
            match = next(
                (
                    e
                    for e in expected
                    if e[0] == finding.kind and finding.start <= e[1] and e[2] <= finding.end
                ),
                None,
            )
            if match is None:
                false_pos[finding.kind] += 1
            else:
                expected.remove(match)
                true_pos[finding.kind] += 1
                exact += (finding.start, finding.end) == match[1:]
        false_neg.update(kind for kind, _, _ in expected)
    return true_pos, false_pos, false_neg, exact


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def test_the_corpus_is_big_enough_to_mean_something() -> None:
    expected = Counter(kind for case in POSITIVES for kind, _ in case.expected)
    assert sum(expected.values()) >= 60
    assert len(NEGATIVES) >= 60
    assert all(expected[kind] >= 8 for kind in KINDS), expected
    assert all(not case.expected for case in NEGATIVES)


def test_precision_and_recall_stay_above_their_floors() -> None:
    tp, fp, fn, exact = _score(POSITIVES + NEGATIVES)
    print("\nkind      support  precision  recall")
    for kind in KINDS:
        precision = _ratio(tp[kind], tp[kind] + fp[kind])
        recall = _ratio(tp[kind], tp[kind] + fn[kind])
        print(f"{kind:<9} {tp[kind] + fn[kind]:>7}  {precision:>9.3f}  {recall:>6.3f}")
        assert precision >= PER_KIND_FLOOR, (kind, fp[kind])
        assert recall >= PER_KIND_FLOOR, (kind, fn[kind])
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = _ratio(total_tp, total_tp + total_fp)
    recall = _ratio(total_tp, total_tp + total_fn)
    print(f"{'overall':<9} {total_tp + total_fn:>7}  {precision:>9.3f}  {recall:>6.3f}")
    print(
        f"negative texts: {len(NEGATIVES)}, false positives: {total_fp}, "
        f"found spans equal to the expected text: {exact}/{total_tp}"
    )
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR
