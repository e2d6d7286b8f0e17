"""The comments on ideas, as the ideas app counts them. Comments are the community app's model;
ideas keeps `Idea.comment_count` (`ideas_recount`) and counts comments in a theme's daily
activity (themes.selectors), so CommunityConfig.ready hands over the querysets
(`comment_rows_register`), as it does the submission rules, and ideas imports nothing above it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

Rows = Callable[[], QuerySet[Any]]  # each row has an `idea` and a `created_at`


@dataclass(frozen=True)
class CommentRows:
    counted: Rows  # the comments Idea.comment_count counts (not removed, not waiting)
    every: Rows  # every comment, for a theme's daily activity


_rows: list[CommentRows] = []


def comment_rows_register(rows: CommentRows) -> None:
    _rows[:] = [rows]


def comment_rows() -> CommentRows:
    # No silent default: without them, a recount would set every comment count to 0.
    if not _rows:
        raise ImproperlyConfigured("no comment rows registered (community app missing?)")
    return _rows[0]
