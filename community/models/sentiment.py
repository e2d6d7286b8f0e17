"""The sentiment of what members write, scored by the worker (ideas/sentiment) and kept here."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.models.comments import Comment
from ideas.models import Idea


class SentimentLabel(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class ContentSentiment(models.Model):
    """The sentiment of an idea (`comment` empty) or of one comment on it.

    `idea` is always set, so the "needs an answer" queue finds an idea through its comments in
    one join. `text_hash` is the hash of the scored text: an edited text is scored again.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="sentiments")
    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="sentiment"
    )
    label = models.CharField(_("sentiment"), max_length=8, choices=SentimentLabel.choices)
    score = models.FloatField()  # -1 (negative) .. 1 (positive)
    complaint = models.BooleanField(_("complaint"), default=False)
    text_hash = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sentiment")
        verbose_name_plural = _("sentiments")
        constraints = [
            # One row per idea (the idea's own text); comments are unique through the 1:1 field.
            models.UniqueConstraint(
                fields=["idea"], condition=Q(comment__isnull=True), name="one_sentiment_per_idea"
            ),
            models.CheckConstraint(
                condition=Q(label__in=SentimentLabel.values), name="sentiment_label_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=-1.0, score__lte=1.0), name="sentiment_score_in_range"
            ),
        ]
        indexes = [models.Index(fields=["idea", "label"])]

    def __str__(self) -> str:
        target = f"comment {self.comment_id}" if self.comment_id else f"idea {self.idea_id}"
        return f"{self.label} ({self.score:+.2f}) for {target}"
