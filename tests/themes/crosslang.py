"""Cross-language suggestions measured on hand-written French/English pairs of bank ideas.

tests/data/crosslang_pairs.json holds 78 pairs, each written for this (not taken from a data
set); 31 have one member that is a demo idea (ideas/demo/content.json), stored with its body as
the demo stores it; the other members are stored as titles. Every demo idea and every pair
member is an idea, so the twin must come out of all the others (the query's own idea
excluded, as when an idea is edited). Half of the first 64 ("tuning") were used to choose the
search's cross-language settings; the other half ("held_out") and the 14 added with the title
vectors ("held_out_new") never were.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accounts.models import User
from ideas.demo.seed import CONTENT as DEMO
from ideas.models import Category, Idea
from ideas.themes.embedding import vectors_for
from ideas.themes.similar import similar_ideas
from tests.factories import CategoryFactory, IdeaFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "tests" / "data" / "crosslang_pairs.json"
Language = Literal["fr", "en"]


@dataclass(frozen=True)
class Pair:
    fr: str
    en: str
    split: str
    demo: str | None
    demo_language: str | None


def load_pairs() -> list[Pair]:
    rows = json.loads(PAIRS.read_text())["pairs"]
    return [Pair(r["fr"], r["en"], r["split"], r.get("demo"), r.get("demo_language")) for r in rows]


def create_ideas(pairs: list[Pair]) -> dict[tuple[int, str], Idea]:
    """The demo ideas and the pairs' other members as public ideas with stored vectors;
    returns each pair member's idea by (pair number, language)."""
    author = UserFactory.create()
    category = CategoryFactory.create()
    by_key = create_demo_ideas(author=author, category=category)
    members: dict[tuple[int, str], Idea] = {}
    for n, pair in enumerate(pairs):
        for language in ("fr", "en"):
            if pair.demo is not None and pair.demo_language == language:
                members[n, language] = by_key[pair.demo]
            else:
                members[n, language] = IdeaFactory.create(
                    title=getattr(pair, language), body="", language=language, author=author,
                    category=category,
                )  # fmt: skip
    vectors_for([*by_key.values(), *(i for i in members.values() if i.body == "")])
    return members


def create_demo_ideas(*, author: User, category: Category) -> dict[str, Idea]:
    """The demo ideas (title, body and language as the demo seeds them), by demo key; their
    vectors are not stored here."""
    demo = json.loads(DEMO.read_text())["ideas"]
    return {
        i["key"]: IdeaFactory.create(
            title=i["title"], body=i["body"], language=i["language"], author=author,
            category=category,
        )
        for i in demo
    }  # fmt: skip


def recall_at_5(
    pairs: list[Pair], members: dict[tuple[int, str], Idea], *, source: Language, split: str | None
) -> tuple[float, list[str]]:
    """Share of the pairs whose twin in the other language is among the five suggestions for
    the title in `source`; and the titles that missed."""
    target: Language = "en" if source == "fr" else "fr"
    hits, missed = 0, []
    chosen = [(n, p) for n, p in enumerate(pairs) if split is None or p.split == split]
    for n, pair in chosen:
        own, twin = members[n, source], members[n, target]
        found = [idea.pk for idea, _ in similar_ideas(text=getattr(pair, source), exclude=own.pk)]
        if twin.pk in found:
            hits += 1
        else:
            missed.append(getattr(pair, source))
    return hits / len(chosen), missed
