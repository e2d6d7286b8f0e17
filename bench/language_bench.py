"""Which language a text is in: `ideas.clustering.text.detect_language` on every labelled set.

    python -m bench.language_bench [--data FOLDER] [--rows 3000]

The first `--rows` texts of each set of ../shared/data whose language is known (the three
French/English parallel sets by their `lang` column; the others are in one language), and for
each the share detected as the other language; then the share of texts `language_scores` leaves
undecided (no accent and no function word: the idea form then takes the page's language, the
themes engine the nearer language's mean vector).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter

from bench.data import MISSING, add_data_option, found_data_dir
from ideas.clustering.text import detect_language, language_scores

# folder/file, the text column, the language (None: the row's `lang`)
SETS: dict[str, tuple[str, str, str | None]] = {
    "mtop_fr_en": ("mtop_fr_en/dev.csv", "text", None),
    "mintaka_fr_en": ("mintaka_fr_en/dev.csv", "text", None),
    "sib200_fr_en": ("sib200_fr_en/dev.csv", "text", None),
    "banking77": ("banking77/train.csv", "text", "en"),
    "clinc150_en": ("clinc150_en/dev.csv", "text", "en"),
    "slurp_en": ("slurp_en/dev.csv", "text", "en"),
    "airline_tweets_en": ("airline_tweets_en/dev.csv", "text", "en"),
    "complaints_en": ("complaints_en/dev.csv", "text", "en"),
    "wikit_nlu_fr": ("wikit_nlu_fr/train.csv", "utterance", "fr"),
    "tweets_fr": ("tweets_fr/dev.csv", "text", "fr"),
    "allocine_fr": ("allocine_fr/dev.csv", "text", "fr"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_option(parser)
    parser.add_argument("--rows", type=int, default=3000)
    args = parser.parse_args(argv)
    needed = [path for path, _, _ in SETS.values()]
    folder = found_data_dir(args.data, needed=needed, why="the language benchmark")
    if folder is None:
        return MISSING
    print("| set | texts | French read as English | English read as French | undecided |")
    print("|---|---|---|---|---|")
    total: Counter[str] = Counter()
    for name, (path, column, language) in SETS.items():
        with (folder / path).open(encoding="utf-8", newline="") as handle:
            rows = [(r[column], language or r["lang"]) for r in csv.DictReader(handle)]
        counts: Counter[str] = Counter()
        for text, truth in rows[: args.rows]:
            counts[truth] += 1
            counts[f"{truth} wrong"] += detect_language(text) != truth
            french, english = language_scores(text)
            counts["undecided"] += french == english
        total.update(counts)
        print(_row(name, counts))
    print(_row("all", total))
    return 0


def _row(name: str, counts: Counter[str]) -> str:
    texts = counts["fr"] + counts["en"]
    undecided = counts["undecided"] / texts
    wrong = f"{_share(counts, 'fr')} | {_share(counts, 'en')}"
    return f"| {name} | {texts:,} | {wrong} | {undecided:.1%} |"


def _share(counts: Counter[str], language: str) -> str:
    if not counts[language]:
        return ""
    wrong = counts[f"{language} wrong"]
    return f"{wrong:,} / {counts[language]:,} ({wrong / counts[language]:.2%})"


if __name__ == "__main__":
    sys.exit(main())
