"""Writes for sentiment: score an idea's or a comment's text and keep the result.

The scorer (ideas/sentiment) is Django-free; this module feeds it the texts and, for ideas, the
e5 part of the vectors the themes engine already stored, so an idea is embedded once for both.
"""

import hashlib
from collections.abc import Sequence

import numpy as np
from django.db import transaction
from django.utils import timezone

from community.models import Comment, ContentSentiment
from ideas.clustering.vectors import component
from ideas.models import Idea, IdeaVector
from ideas.sentiment import Sentiment, score_texts
from ideas.themes.embedding import idea_text


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _stored_vector(idea: Idea, text: str) -> np.ndarray | None:
    """The e5 part of the idea's stored vector, if it was computed from this very text."""
    vector = IdeaVector.objects.filter(idea=idea, text_hash=_hash(text)).first()
    return component(vector.as_array(), vector.backend, "e5") if vector else None


def _save(
    *, idea_id: int, comment_id: int | None, text: str, result: Sentiment
) -> ContentSentiment:
    row, _created = ContentSentiment.objects.update_or_create(
        idea_id=idea_id,
        comment_id=comment_id,
        defaults={
            "label": result.label,
            "score": max(-1.0, min(1.0, float(result.score))),
            "complaint": bool(result.complaint),
            "text_hash": _hash(text),
            "computed_at": timezone.now(),
        },
    )
    return row


def sentiment_refresh_for_idea(*, idea: Idea) -> ContentSentiment:
    """Score the idea's text unless the stored score is of this very text. Safe to run twice."""
    text = idea_text(idea)
    current = ContentSentiment.objects.filter(idea=idea, comment__isnull=True).first()
    if current is not None and current.text_hash == _hash(text):
        return current
    [result] = score_texts([text], vectors=_stored_vector(idea, text))
    return _save(idea_id=idea.pk, comment_id=None, text=text, result=result)


def sentiment_refresh_for_comment(*, comment: Comment) -> ContentSentiment:
    """Score the comment's text unless the stored score is of this very text."""
    current = ContentSentiment.objects.filter(comment=comment).first()
    if current is not None and current.text_hash == _hash(comment.body):
        return current
    [result] = score_texts([comment.body])
    return _save(idea_id=comment.idea_id, comment_id=comment.pk, text=comment.body, result=result)


@transaction.atomic
def sentiment_refresh_bulk(*, ideas: Sequence[Idea], comments: Sequence[Comment]) -> int:
    """Score many ideas and comments in one batch (seed_demo); replaces their stored scores."""
    texts = [idea_text(i) for i in ideas] + [c.body for c in comments]
    results = score_texts(texts)
    targets = [(i.pk, None) for i in ideas] + [(c.idea_id, c.pk) for c in comments]
    ContentSentiment.objects.filter(idea__in=[i.pk for i in ideas], comment__isnull=True).delete()
    ContentSentiment.objects.filter(comment__in=[c.pk for c in comments]).delete()
    now = timezone.now()
    rows = [
        ContentSentiment(
            idea_id=idea_id,
            comment_id=comment_id,
            label=result.label,
            score=max(-1.0, min(1.0, float(result.score))),
            complaint=bool(result.complaint),
            text_hash=_hash(text),
            computed_at=now,
        )
        for (idea_id, comment_id), text, result in zip(targets, texts, results, strict=True)
    ]
    return len(ContentSentiment.objects.bulk_create(rows, batch_size=500))
