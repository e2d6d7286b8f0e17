from django.conf import settings
from django.db import models
from django.db.models import Q

from ideas.models import Category, Idea


class Follow(models.Model):
    """A user follows an idea or a category (exactly one of the two)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False, category__isnull=True)
                | Q(idea__isnull=True, category__isnull=False),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "idea"], condition=Q(idea__isnull=False), name="follow_idea_once"
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="follow_category_once",
            ),
        ]
        indexes = [
            # An idea's followers counted from the index alone (community.notifications.follows:
            # idea_follow_summary): 5,000 followers were 5,000 heap pages read on every view of
            # the busiest idea.
            models.Index(
                fields=["idea", "user"], condition=Q(idea__isnull=False), name="follow_idea_users"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.idea_id or self.category_id}"
