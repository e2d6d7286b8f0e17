"""How people are shown beside their posts: name, partner organisation, staff badge."""

from functools import cache
from typing import Any

from django import template
from django.apps import apps
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@cache
def _badge_labels(language: str | None, model_label: str) -> dict[str, str]:
    """Each badge's name in one language, translated once per process rather than once per
    badge per card (get_code_display() asked gettext for every badge of every author shown)."""
    field = apps.get_model(model_label)._meta.get_field("code")
    return {code: str(label) for code, label in field.flatchoices}


@register.inclusion_tag("accounts/_person.html")
def person(user: Any, staff: bool | None = None) -> dict[str, Any]:
    """`staff`: what the person was when they wrote the post shown (a comment's by_staff),
    rather than their role today."""
    # Badges come prefetched too (author__badges); each is shown as a small medal with its name.
    awarded = user.badges.all()
    badges = []
    if awarded:
        labels = _badge_labels(get_language(), awarded[0]._meta.label)
        badges = [labels.get(badge.code, badge.code) for badge in awarded]
    # Prefetched too (accounts.roles.staff_role_of: one query for a page's people).
    staff = user.holds_staff_role if staff is None else staff
    return {"person": user, "staff": staff, "badges": badges}


# Dark enough for white initials at 4.5:1 or more (WCAG 1.4.3), distinct from one another.
AVATAR_COLOURS = 8  # .avatar-0 … .avatar-7 in static/css/ruche.css


def initials(name: str) -> str:
    """Up to two letters: "Alice Martin" → "AM", "Inès (modération)" → "IM", "Ada" → "A"."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in name).split() if w]
    letters = [w[0] for w in words[:1] + words[1:][-1:]]
    return "".join(letters).upper() or "?"


@register.simple_tag
def avatar(user: Any, size: str = "") -> str:
    """A member's initials in a coloured circle, hidden from screen readers: the name is
    always written beside it. The colour follows the account, not the name."""
    colour = (user.pk or 0) % AVATAR_COLOURS
    classes = f"avatar avatar-{colour}" + (f" avatar-{size}" if size else "")
    letters = initials(str(user))
    return format_html('<span class="{}" aria-hidden="true">{}</span>', classes, letters)
