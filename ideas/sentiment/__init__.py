"""Ruche sentiment engine: Django-free FR/EN sentiment and complaint signal, all on premises.

Public API:

* `score_texts(texts, backend="auto", vectors=None)` -> list[Sentiment(label, score, complaint)]
* `score_lexicon(text)` -> LexiconScore (the explainable lexicon part alone)
"""

from ideas.sentiment.engine import Sentiment, score_texts
from ideas.sentiment.lexicon import LexiconScore, score_lexicon

__all__ = ["LexiconScore", "Sentiment", "score_lexicon", "score_texts"]
