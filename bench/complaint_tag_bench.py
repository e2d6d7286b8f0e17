"""Precision and recall of the sentiment engine's complaint tag (the flag that fills the staff
"needs an answer" queue) on two hand-labelled sets written for Ruche, in one run:

* the 210 demo ideas (`ideas/demo/content.json`) against `tests/data/demo_idea_complaints.csv`,
  the set the request rules were tuned on;
* `tests/data/complaint_or_request.csv`: 160 bank posts written on 2026-12-03, before the
  change they check and never tuned on (80 complaints, 80 feature requests, half French; 120
  single sentences, 40 "title + body" posts as the portal stores them), with the hard cases
  marked (a request that names a problem, a complaint said politely).

    python -m bench.complaint_tag_bench [--list]

`--list` also prints the demo ideas flagged wrongly and the complaints missed; `--list-fresh` the
fresh set's errors (to read once a change is made, never to tune on). No data from
../shared/data is read here; the e5 vectors are cached in $RUCHE_BENCH_CACHE like the sentiment
benchmark's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

from bench.data import ROOT
from bench.sentiment_bench import _machine, _vectors

DEMO = ROOT / "ideas" / "demo" / "content.json"
DEMO_LABELS = ROOT / "tests" / "data" / "demo_idea_complaints.csv"
FRESH = ROOT / "tests" / "data" / "complaint_or_request.csv"
# The portal scores an idea as "title\nbody", cut at 2,000 characters (ideas.themes.embedding).
MAX_TEXT_CHARS = 2000


def _flags(texts: list[str]) -> list[bool]:
    from ideas.sentiment import score_texts

    return [r.complaint for r in score_texts(texts, vectors=_vectors(texts))]


def _row(name: str, pairs: list[tuple[bool, bool]]) -> str:
    flagged = sum(flag for flag, _ in pairs)
    right = sum(flag and truth for flag, truth in pairs)
    complaints = sum(truth for _, truth in pairs)
    precision = right / flagged if flagged else 0.0
    recall = right / complaints if complaints else 0.0
    return (
        f"| {name} | {len(pairs)} | {complaints} | {flagged} | {right} | {precision:.3f} "
        f"| {recall:.3f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--list", action="store_true", help="list the demo's wrong flags and misses"
    )
    parser.add_argument(
        "--list-fresh", action="store_true", help="list the fresh set's errors (read, never tune)"
    )
    args = parser.parse_args(argv)

    ideas = json.loads(DEMO.read_text(encoding="utf-8"))["ideas"]
    with DEMO_LABELS.open(encoding="utf-8", newline="") as handle:
        demo_truth = {row["key"]: row["label"] == "complaint" for row in csv.DictReader(handle)}
    demo_texts = [f"{i['title']}\n{i['body']}"[:MAX_TEXT_CHARS] for i in ideas]
    with FRESH.open(encoding="utf-8", newline="") as handle:
        fresh = list(csv.DictReader(handle))

    load = os.getloadavg()
    print(
        f"Machine: {_machine()}. Date: {time.strftime('%Y-%m-%d %H:%M')} UTC; load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}.\n"
    )
    demo = list(zip(_flags(demo_texts), (demo_truth[i["key"]] for i in ideas), strict=True))
    fresh_flags = _flags([row["text"] for row in fresh])
    print("| set | rows | complaints | flagged | right | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    print(_row("demo ideas (tuned on)", demo))
    for name, keep in (
        ("fresh set, all", lambda row: True),
        ("fresh set, English", lambda row: row["language"] == "en"),
        ("fresh set, French", lambda row: row["language"] == "fr"),
        ("fresh set, one sentence", lambda row: "\n" not in row["text"]),
        ("fresh set, title + body", lambda row: "\n" in row["text"]),
        ("fresh set, hard cases", lambda row: row["hard"] == "yes"),
    ):
        pairs = [
            (flag, row["label"] == "complaint")
            for flag, row in zip(fresh_flags, fresh, strict=True)
            if keep(row)
        ]
        print(_row(name, pairs))
    if args.list:
        for title, want in (("Flagged, labelled request", False), ("Missed complaints", True)):
            print(f"\n{title}:")
            for idea, (flag, truth) in zip(ideas, demo, strict=True):
                if truth == want and flag != want:
                    print(f"- {idea['key']}: {idea['title']}")
    if args.list_fresh:
        for title, want in (("Fresh: flagged requests", False), ("Fresh: missed complaints", True)):
            print(f"\n{title}:")
            for row, flag in zip(fresh, fresh_flags, strict=True):
                if (row["label"] == "complaint") == want and flag != want:
                    print(f"- [{row['language']}] {row['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
