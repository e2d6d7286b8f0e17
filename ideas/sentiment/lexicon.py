"""Lexicon scorer: hand-written FR/EN word scores with negation, boosters, idioms and "but".

The rules follow VADER (Hutto & Gilbert, 2014) in spirit: sum word scores, flip and soften a
word within three tokens after a negator, multiply after a booster, weight the clause after
"but"/"mais" more, amplify with "!" and capitals, then squash the sum into [-1, 1]. It is cheap
(tens of thousands of texts a second) and fully explainable, which the embedding part is not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from ideas.clustering.text import Language, detect_language, normalise
from ideas.sentiment.words import (
    BOOSTERS,
    COMPLAINT_CUES,
    EMOJI,
    IDIOMS,
    LIKE_AS_OPINION_AFTER,
    NEGATORS,
    NOT_OPINIONS,
    POLARITY,
)

NEGATION_WINDOW = 3
# A negated positive word is clearly negative ("not good"), a negated negative one only mildly
# positive ("not terrible" is faint praise), as in VADER.
NEGATED_POSITIVE = -0.75
NEGATED_NEGATIVE = -0.5
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
SQUASH_ALPHA = 15.0  # VADER's normalisation constant: score / sqrt(score² + alpha)

_CONTRACTION_RE = re.compile(
    r"(?i)\b(ca|wo|do|does|did|is|are|was|were|has|have|had|could"
    r"|would|should|ai|need|must)n[’'`]?t\b"
)
_CANNOT_RE = re.compile(r"(?i)\bcan(?:[’'`]t|not)\b")
_EMOTICON_RE = re.compile(r"(?<!\S)(?:[:;=][-']?[()dDpP/]|>:\(|<3|:'\(|\^\^|[xX]D)(?!\S)")
_BUTS = frozenset(
    {"but", "mais", "however", "cependant", "pourtant", "though", "toutefois", "neanmoins"}
)
# Tweets stretch words for emphasis ("trooop bien", "nuuul", "sooo good").
_ELONGATED_RE = re.compile(r"(\w)\1{2,}")
_LIKE = frozenset({"like"})
_LISTED = frozenset(POLARITY) | frozenset(BOOSTERS) | NEGATORS


@dataclass(frozen=True)
class LexiconScore:
    """Result for one text: squashed polarity in [-1, 1], hits and complaint cues found."""

    score: float
    hits: int
    complaint_cues: int


@lru_cache(maxsize=2)
def _stemmer(language: Language) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("french" if language == "fr" else "english")


@lru_cache(maxsize=2)
def _stem_table(language: Language) -> dict[str, float]:
    """Stem -> score for the lexicon, keeping only stems that are not ambiguous."""
    table: dict[str, float] = {}
    clash: set[str] = set()
    stem = _stemmer(language).stemWord
    for word, value in POLARITY.items():
        key = stem(word)
        if len(key) < 4:
            continue  # short stems ("bo", "ma") collide with unrelated words
        if key in table and table[key] != value:
            clash.add(key)
        table[key] = value
    for key in clash:
        del table[key]
    return table


@lru_cache(maxsize=100_000)
def _word_value(language: Language, word: str) -> float:
    if word in POLARITY:
        return POLARITY[word]
    if len(word) < 4 or word in NOT_OPINIONS:
        return 0.0
    return _stem_table(language).get(_stemmer(language).stemWord(word), 0.0)


def _prepare(text: str) -> tuple[list[str], float]:
    """Tokens (contractions expanded) and the summed emoji/emoticon score of the raw text."""
    emoji = sum(EMOJI.get(ch, 0.0) for ch in text if ord(ch) > 0x2000)
    emoji += sum(EMOJI.get(m.lower(), 0.0) for m in _EMOTICON_RE.findall(text))
    text = _CANNOT_RE.sub("can not", text)
    text = _CONTRACTION_RE.sub(lambda m: f"{m.group(1)} not", text)
    return [_unstretch(t) for t in normalise(text).split()], emoji


def _unstretch(token: str) -> str:
    """ "trooop" -> "trop", "coool" -> "cool": the listed one of the two ways to shorten."""
    if not _ELONGATED_RE.search(token):
        return token
    twice = _ELONGATED_RE.sub(r"\1\1", token)
    return twice if twice in _LISTED else _ELONGATED_RE.sub(r"\1", token)


def _emphasis(text: str) -> float:
    """Multiplier for "!" and SHOUTED words, capped so they only nudge the score."""
    bangs = min(text.count("!"), 3) * 0.07
    words = re.findall(r"[^\W\d_]{3,}", text)
    shouted = sum(1 for w in words if w.isupper())
    caps = 0.15 if words and shouted and shouted < len(words) else 0.0
    return 1.0 + bangs + caps


def score_lexicon(text: str, language: Language | None = None) -> LexiconScore:
    """Polarity of one text from the hand-written lexicon (0.0 when nothing is recognised)."""
    tokens, emoji = _prepare(text)
    lang = language or detect_language(text)
    values: list[float] = []
    hits = 0
    cues = sum(1 for t in tokens if t in COMPLAINT_CUES)
    last_negator = -10
    i = 0
    while i < len(tokens):
        token = tokens[i]
        value = 0.0
        pair = (token, tokens[i + 1]) if i + 1 < len(tokens) else None
        if pair in IDIOMS:
            values.append(IDIOMS[pair])
            values.append(0.0)
            hits += 1
            i += 2
            continue
        if token in NEGATORS:
            last_negator = i
        elif token in BOOSTERS and i + 1 < len(tokens) and _word_value(lang, tokens[i + 1]):
            pass  # applied to the next word below
        elif token not in _LIKE or (i > 0 and tokens[i - 1] in LIKE_AS_OPINION_AFTER):
            value = _word_value(lang, token)
        if value:
            hits += 1
            if i > 0 and tokens[i - 1] in BOOSTERS:
                value *= BOOSTERS[tokens[i - 1]]
            if 0 < i - last_negator <= NEGATION_WINDOW:
                value *= NEGATED_POSITIVE if value > 0 else NEGATED_NEGATIVE
        values.append(value)
        i += 1
    # The clause after "but" carries the writer's conclusion ("slow, but it works").
    for i, token in enumerate(tokens):
        contrast = token in _BUTS or (i > 0 and (tokens[i - 1], token) == ("par", "contre"))
        if contrast and i < len(values):
            values = [v * BUT_BEFORE for v in values[:i]] + [v * BUT_AFTER for v in values[i:]]
            break
    total = (sum(values) + emoji) * _emphasis(text)
    if emoji:
        hits += 1
    score = total / math.sqrt(total * total + SQUASH_ALPHA) if total else 0.0
    return LexiconScore(score=score, hits=hits, complaint_cues=cues)
