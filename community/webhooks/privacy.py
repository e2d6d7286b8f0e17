"""An erased account in stored webhook deliveries (the first step of the community's privacy
section, community.privacy.community_erase, run inside `account_delete` before the ideas app's
section and before the account's fields are erased).

A payload names a person only as the API does (community.webhooks.payloads: display name,
organisation, staff badge, public profile; never an email address) and only as the author of
the idea or comment, the member of the complaint, or the staff member who changed a status. So
the deliveries that can name the member are found by what they are about: the member's ideas,
comments and complaints, and the ideas whose status they changed. In those, every person equal
to the member (name and organisation) becomes "Former member", as the site shows them.

When the member's posts are erased too (`keep_content=False`), the deliveries about them are
deleted, waiting ones included (a moderator's endpoint would otherwise still receive the erased
text), and other people's comment deliveries stop quoting the erased ideas' titles.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation

from accounts.models import User
from community.models import Comment, ComplaintCase, WebhookDelivery
from community.webhooks.catalog import IDEA_STATUS_CHANGED
from ideas.models import Idea, StatusChange

PERSON_KEYS = {"name", "organisation", "staff", "profile"}
AUTHOR_KEYS = {"author", "member"}


def _erased_person() -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        name = str(translation.gettext("Former member"))
    return {"name": name, "organisation": "", "staff": False, "profile": None}


Match = Callable[[str, dict[str, Any]], bool]  # (key, person) -> is it the member?


def _mask(value: Any, *, match: Match, erased: dict[str, Any], key: str = "") -> tuple[Any, int]:
    """`value` with every person dict that `match`es replaced by `erased`; and how many were."""
    if isinstance(value, dict):
        if set(value) == PERSON_KEYS and match(key, value):
            return dict(erased), 1
        masked, count = {}, 0
        for name, item in value.items():
            masked[name], found = _mask(item, match=match, erased=erased, key=name)
            count += found
        return masked, count
    if isinstance(value, list):
        items = [_mask(item, match=match, erased=erased, key=key) for item in value]
        return [item for item, _ in items], sum(found for _, found in items)
    return value, 0


def _rewrite(rows: QuerySet[WebhookDelivery], match: Match) -> int:
    erased = _erased_person()
    changed = 0
    for delivery in rows.only("pk", "payload").iterator():
        payload, found = _mask(delivery.payload, match=match, erased=erased)
        if found:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(payload=payload)
            changed += 1
    return changed


def deliveries_forget_member(*, user: User, keep_content: bool) -> int:
    """Mask (or, with their posts, delete) the member in stored deliveries; returns how many
    deliveries changed."""
    ideas = list(Idea.objects.filter(author=user).values_list("pk", flat=True))
    comments = Comment.objects.filter(author=user).values_list("pk", flat=True)
    complaints = ComplaintCase.objects.filter(member=user).values_list("pk", flat=True)
    own = WebhookDelivery.objects.filter(
        Q(subject_type="idea", subject_id__in=ideas)
        | Q(subject_type="comment", subject_id__in=comments)
        | Q(subject_type="complaint", subject_id__in=complaints)
    )
    same_name = (str(user), user.organisation)

    def named(key: str, person: dict[str, Any]) -> bool:
        return (person["name"], person["organisation"]) == same_name

    def author_or_named(key: str, person: dict[str, Any]) -> bool:
        # In a delivery about the member's own post every author or member is the member (a
        # status change's "by" is staff): masked even if the name changed since.
        return key in AUTHOR_KEYS or named(key, person)

    changed = 0
    if keep_content:
        changed += _rewrite(own, author_or_named)
    else:
        changed += own.delete()[1].get(WebhookDelivery._meta.label, 0)
        changed += _forget_titles(ideas)
    # Status changes the member made while staff (they name the one who made them).
    changed_ideas = StatusChange.objects.filter(changed_by=user).values_list("idea_id", flat=True)
    changes = WebhookDelivery.objects.filter(
        event_type=IDEA_STATUS_CHANGED, subject_type="idea", subject_id__in=changed_ideas
    )
    changed += _rewrite(changes, named)
    return changed


def _forget_titles(idea_ids: list[int]) -> int:
    """Other people's comment deliveries quote the idea's title: blank it for erased ideas."""
    comments = Comment.objects.filter(idea__in=idea_ids).values_list("pk", flat=True)
    changed = 0
    rows = WebhookDelivery.objects.filter(subject_type="comment", subject_id__in=comments)
    for delivery in rows.only("pk", "payload").iterator():
        ref = delivery.payload.get("data", {}).get("comment", {}).get("idea")
        if isinstance(ref, dict) and ref.get("title"):
            ref["title"] = ""
            WebhookDelivery.objects.filter(pk=delivery.pk).update(payload=delivery.payload)
            changed += 1
    return changed
