"""What webhooks can tell, and whom: the event types an endpoint subscribes to, and the role an
endpoint speaks for (it receives only what that role sees on the site).

Event types are public names, stored in endpoints and deliveries: never rename one.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import roles


class EndpointRole(models.TextChoices):
    """Whose eyes an endpoint sees with: a visitor (what anyone sees without signing in), or a
    staff role (the hidden and waiting posts moderators see, the themes product managers see,
    the complaints the complaints team sees). Never email addresses, for any role."""

    VISITOR = "visitor", _("Visitor (public content only)")
    MODERATOR = roles.MODERATOR, _("Moderator")
    PRODUCT_MANAGER = roles.PRODUCT_MANAGER, _("Product manager")
    ADMIN = roles.ADMIN, _("Administrator")


def role_permissions(role: str) -> frozenset[str]:
    """The permissions the role holds on the site (accounts.roles), none for a visitor."""
    return frozenset(roles.ROLE_PERMISSIONS.get(role, set()))


@dataclass(frozen=True)
class EventType:
    code: str
    label: str | Promise
    # The permission the endpoint's role needs to receive it at all ("" = anyone).
    permission: str = ""


IDEA_CREATED = "idea.created"
IDEA_PUBLISHED = "idea.published"
IDEA_STATUS_CHANGED = "idea.status_changed"
IDEA_MERGED = "idea.merged"
COMMENT_POSTED = "comment.posted"
THEME_CREATED = "theme.created"
THEME_TRENDING = "theme.trending"
COMPLAINT_OPENED = "complaint.opened"
TEST = "webhook.test"

EVENT_TYPES: dict[str, EventType] = {
    t.code: t
    for t in (
        EventType(IDEA_CREATED, _("Idea created (public, or waiting for a moderator)")),
        EventType(IDEA_PUBLISHED, _("Idea published (right away or after moderation)")),
        EventType(IDEA_STATUS_CHANGED, _("Idea status changed (official answer)")),
        EventType(IDEA_MERGED, _("Idea merged into another")),
        EventType(COMMENT_POSTED, _("Comment posted")),
        EventType(THEME_CREATED, _("Theme created"), roles.MANAGE_THEMES),
        EventType(THEME_TRENDING, _("Theme trending"), roles.MANAGE_THEMES),
        EventType(COMPLAINT_OPENED, _("Complaint opened"), roles.MODERATE_CONTENT),
    )
}


def event_choices() -> list[tuple[str, str | Promise]]:
    return [(t.code, t.label) for t in EVENT_TYPES.values()]


def role_may_receive(role: str, event_type: str) -> bool:
    if event_type == TEST:
        return True
    known = EVENT_TYPES.get(event_type)
    return known is not None and (
        not known.permission or known.permission in role_permissions(role)
    )
