"""How people are shown beside their posts: name, partner organisation, staff badge."""

from typing import Any

from django import template

from accounts.roles import STAFF_ROLES

register = template.Library()


@register.filter
def is_staff_member(user: Any) -> bool:
    # Uses the prefetched groups (selectors prefetch author__groups), so no query per row.
    return any(group.name in STAFF_ROLES for group in user.groups.all())


@register.inclusion_tag("accounts/_person.html")
def person(user: Any) -> dict[str, Any]:
    # Badges come prefetched too (author__badges); each is shown as a small medal with its name.
    badges = [badge.get_code_display() for badge in user.badges.all()]
    return {"person": user, "staff": is_staff_member(user), "badges": badges}
