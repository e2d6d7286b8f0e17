"""Measure the personal-complaint recogniser (ideas/sentiment/complaints.py) on real complaint
text: ../shared/data/complaints_en/dev.csv (tweets labelled complaint / not complaint,
Preotiuc-Pietro et al., ACL 2019). Measurement only: the data are read in place, never copied,
and nothing is tuned or trained on them.

    python -m bench.complaints_bench [--data FOLDER]

The data folder is found as by every benchmark (bench.data: --data, $RUCHE_BENCH_DATA or
../shared/data); without complaints_en/dev.csv in it the script says so and exits with code 2.

Prints precision, recall and F1 of the recogniser's decision and of its two halves (the
complaint signal, the first-person own-account evidence), on all rows and on the rows
addressed to a company (starting with @), plus a few counts of why it missed, as Markdown.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time

from bench.data import MISSING, add_data_option, found_data_dir
from ideas.sentiment.complaints import is_personal_complaint

SET = "complaints_en/dev.csv"
SIGNAL = ("complaint cues", "negative tone", "grievance words")


def scores(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float, int]:
    tp = sum(1 for predicted, truth in pairs if predicted and truth)
    fp = sum(1 for predicted, truth in pairs if predicted and not truth)
    fn = sum(1 for predicted, truth in pairs if not predicted and truth)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp + fp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_option(parser)
    args = parser.parse_args(argv)
    data = found_data_dir(args.data, needed=[SET])
    if data is None:
        return MISSING
    with (data / SET).open(encoding="utf-8", newline="") as handle:
        rows = [(row["text"], row["label"] == "complaint") for row in csv.DictReader(handle)]

    started = time.process_time()
    results = []
    for text, truth in rows:
        decided, reasons = is_personal_complaint(text, "en")
        signal = any(reason.startswith(SIGNAL) for reason in reasons)
        own = any(reason.startswith(("own account", "amount")) for reason in reasons)
        results.append((text.lstrip().startswith("@"), truth, decided, signal, own))
    elapsed = time.process_time() - started

    complaints = sum(truth for _text, truth in rows)
    print(f"{SET}: {len(rows)} rows, {complaints} complaints")
    print(f"{platform.processor() or platform.machine()}, load average {os.getloadavg()[0]:.2f}")
    print(f"{len(rows) / elapsed:,.0f} texts per second of CPU time (one core)\n")
    print("| rows | what is measured | flagged | precision | recall | F1 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, keep in (("all", lambda r: True), ("addressed to a company (@…)", lambda r: r[0])):
        chosen = [r for r in results if keep(r)]
        for name, column in (
            ("recogniser: personal complaint", 2),
            ("its complaint signal alone", 3),
            ("its own-account evidence alone", 4),
        ):
            p, r, f, flagged = scores([(row[column], row[1]) for row in chosen])
            print(f"| {label} ({len(chosen)}) | {name} | {flagged} | {p:.3f} | {r:.3f} | {f:.3f} |")
    missed = [row for row in results if row[1] and not row[2]]
    print(
        f"\nMissed complaints: {len(missed)}; without a complaint signal "
        f"{sum(1 for row in missed if not row[3])}, without own-account evidence "
        f"{sum(1 for row in missed if not row[4])}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
