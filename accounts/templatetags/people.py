"""How people are shown beside their posts: name, partner organisation, staff badge."""

from functools import cache
from typing import Any

from django import template
from django.apps import apps
from django.utils.translation import get_language

from accounts.roles import STAFF_ROLES

register = template.Library()


@register.filter
def is_staff_member(user: Any) -> bool:
    # Uses the prefetched groups (selectors prefetch author__groups), so no query per row.
    return any(group.name in STAFF_ROLES for group in user.groups.all())


@cache
def _badge_labels(language: str | None, model_label: str) -> dict[str, str]:
    """Each badge's name in one language, translated once per process rather than once per
    badge per card (get_code_display() asked gettext for every badge of every author shown)."""
    field = apps.get_model(model_label)._meta.get_field("code")
    return {code: str(label) for code, label in field.flatchoices}


@register.inclusion_tag("accounts/_person.html")
def person(user: Any) -> dict[str, Any]:
    # Badges come prefetched too (author__badges); each is shown as a small medal with its name.
    awarded = user.badges.all()
    badges = []
    if awarded:
        labels = _badge_labels(get_language(), awarded[0]._meta.label)
        badges = [labels.get(badge.code, badge.code) for badge in awarded]
    return {"person": user, "staff": is_staff_member(user), "badges": badges}
