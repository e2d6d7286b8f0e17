from typing import Any

from django import template

from community.comments.rows import comment_rows as render_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_rows(context: template.Context, comments: Any) -> str:
    """`{% comment_rows comments %}`: the comments with their replies (community.comments.rows),
    with the page's idea, report form and moderators' restore actions."""
    return render_rows(comments, context=context)
