"""Precision of the complaint flag on the demo ideas, against labels written by hand.

`tests/data/demo_idea_complaints.csv` says, for every idea of `ideas/demo/content.json`, whether
it is a complaint (it reports that something the bank provides today failed the writer: a
broken feature, a late notification, a wasted trip, an unexplained fee) or a request for
something new, even when the request gives a past annoyance as its reason. `borderline` marks
the ideas where a second reader could disagree. The labels are the author's judgement, written
from the texts, not taken from any data set.

The "needs an answer" queue shows every idea the flag fires on, so a flag on a plain feature
request wastes a staff member's time: precision matters more than recall here.
"""

import csv
import json
from pathlib import Path

import pytest

from ideas.sentiment import score_texts

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "ideas" / "demo" / "content.json"
LABELS = ROOT / "tests" / "data" / "demo_idea_complaints.csv"
# The portal scores an idea as "title\nbody", cut at 2,000 characters (ideas.themes.embedding).
MAX_TEXT_CHARS = 2000

# Measured on 2026-12-03: 12 flagged, 9 right (precision 0.75, recall 9/14 = 0.64) since a title
# that names a thing counts as a request; before, 18 flagged and 8 right (0.44, 0.57), and on
# 2026-12-02 before request phrasing was weighed 46 flagged and 8 right (0.17). The floors leave
# room for about three more wrong flags or two more misses, and fail at the old precision.
MIN_PRECISION = 0.60
MIN_RECALL = 0.50


@pytest.fixture(scope="module")
def flagged_and_truth() -> list[tuple[str, bool, bool]]:
    ideas = json.loads(CONTENT.read_text(encoding="utf-8"))["ideas"]
    with LABELS.open(encoding="utf-8", newline="") as handle:
        labels = {row["key"]: row["label"] for row in csv.DictReader(handle)}
    assert sorted(labels) == sorted(idea["key"] for idea in ideas), "label every demo idea"
    texts = [f"{idea['title']}\n{idea['body']}"[:MAX_TEXT_CHARS] for idea in ideas]
    results = score_texts(texts)
    return [
        (idea["key"], result.complaint, labels[idea["key"]] == "complaint")
        for idea, result in zip(ideas, results, strict=True)
    ]


def test_the_complaint_flag_is_mostly_right_on_the_demo_ideas(
    flagged_and_truth: list[tuple[str, bool, bool]],
) -> None:
    flagged = [key for key, flag, _truth in flagged_and_truth if flag]
    right = [key for key, flag, truth in flagged_and_truth if flag and truth]
    complaints = [key for key, _flag, truth in flagged_and_truth if truth]
    precision = len(right) / len(flagged) if flagged else 0.0
    recall = len(right) / len(complaints)
    wrong = sorted(set(flagged) - set(right))
    assert precision >= MIN_PRECISION, f"precision {precision:.2f}; requests flagged: {wrong}"
    missed = sorted(set(complaints) - set(right))
    assert recall >= MIN_RECALL, f"recall {recall:.2f}; missed: {missed}"


def test_the_hand_labels_hold_both_kinds() -> None:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["label"] for row in rows} == {"complaint", "request"}
    assert {row["borderline"] for row in rows} <= {"", "yes"}
