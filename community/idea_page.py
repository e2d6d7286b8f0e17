"""The community's sections of the ideas app's pages (ideas.page_sections, registered by
CommunityConfig.ready): open campaigns on the home page; an idea's comments (a page of them,
`?comment=<id>` opening the one holding it), the comment and report forms, whether the viewer
follows it and the moderators' restore buttons. (The offer to send a personal complaint to the
complaints team instead of publishing it is community.complaints.views.idea_or_complaint.)"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from community.campaigns.selectors import campaigns_open
from community.comments.forms import CommentForm
from community.comments.page_rows import CommentPage, comment_page
from community.comments.selectors import comment_position, comments_for_idea
from community.moderation.actions import HIDDEN, buttons
from community.moderation.forms import FlagForm
from community.notifications.follows import idea_follow_summary
from config.numbers import whole_number
from ideas.models import Idea


def home_campaigns(*, request: HttpRequest, idea: None) -> dict[str, Any]:
    return {"campaigns": campaigns_open()[:3]}


def _comments_page(request: HttpRequest, idea: Idea) -> CommentPage:
    """A page of top-level comments (each with its replies; community.comments.page_rows).
    `?comment=<id>` opens the page holding that comment, so links to #comment-<id> land on it;
    else `?comments=<number>`."""
    number: int | str | None = request.GET.get("comments")
    if (wanted := whole_number(request.GET.get("comment"))) is not None:
        comments = comments_for_idea(idea=idea, viewer=request.user)
        position = comment_position(comments=comments, comment_id=wanted)
        if position is not None:
            number = position // settings.COMMENTS_PER_PAGE + 1
    per_page = settings.COMMENTS_PER_PAGE
    return comment_page(idea=idea, viewer=request.user, number=number, per_page=per_page)


def idea_comments(*, request: HttpRequest, idea: Idea) -> dict[str, Any]:
    """The comments and what each offers (the htmx "more comments" page, and the idea page)."""
    return {
        "comments": _comments_page(request, idea),
        "flag_form": FlagForm(auto_id=False) if request.user.is_authenticated else None,
        "restore_actions": buttons(HIDDEN),
    }


def idea_conversation(*, request: HttpRequest, idea: Idea) -> dict[str, Any]:
    follower_count, following = idea_follow_summary(user=request.user, idea=idea)
    return {
        **idea_comments(request=request, idea=idea),
        "comment_form": CommentForm(),
        "following": following,
        "follower_count": follower_count,
    }
