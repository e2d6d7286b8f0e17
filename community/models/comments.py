from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.page_cache import PublicContentQuerySet
from ideas.models import Idea

COMMENT_MAX_LENGTH = 5_000


class CommentQuerySet(PublicContentQuerySet["Comment"]):
    """A take-down is an UPDATE (community.comments.services): it empties the page cache."""


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(
        _("comment"),
        max_length=COMMENT_MAX_LENGTH,
        validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)],
    )
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # One level of replies: a reply to a reply is attached to the top comment.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # A moderator's removal keeps the row (and who removed it) but hides the text.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Pre-moderation (a member's first post): only its author and moderators see it meanwhile.
    pending_at = models.DateTimeField(null=True, blank=True)
    # Written by someone who answered officially at the time (accounts.roles.
    # user_answers_officially): a staff answer, even once they leave the role; a member's comment
    # stays one when they join it.
    by_staff = models.BooleanField(default=False, db_default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", "Can remove any comment")]
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} on {self.idea_id}"

    def get_absolute_url(self) -> str:
        return self.url_on(self.idea, self.pk)

    @staticmethod
    def url_on(idea: Idea, pk: int) -> str:
        """The page of `idea` that holds comment `pk` (comments come 50 to a page), at it."""
        return f"{idea.get_absolute_url()}?comment={pk}#comment-{pk}"

    @property
    def was_edited(self) -> bool:
        return (self.updated_at - self.created_at).total_seconds() > 1

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_pending(self) -> bool:
        return self.pending_at is not None
