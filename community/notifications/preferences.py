"""What each person wants emailed (per kind: right away, in the daily digest, or not at all),
and the signed one-click unsubscribe links. Read by the notifications and by the emailing."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import MANAGE_WEBHOOKS, MODERATE_CONTENT, VIEW_AUDIT
from community.models import Delivery, NotificationKind, NotificationPreference
from community.models.notifications import DEFAULT_DELIVERY

UNSUBSCRIBE_SALT = "ruche.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


# --- preferences --------------------------------------------------------------------------------


def delivery_for(*, user: User, kind: str) -> str:
    saved = NotificationPreference.objects.filter(user=user, kind=kind).values_list(
        "delivery", flat=True
    )
    return saved.first() or DEFAULT_DELIVERY[NotificationKind(kind)]


# Kinds only holders of a permission receive: others are not offered a choice about them.
KIND_PERMISSIONS = {
    NotificationKind.COMPLAINT_DEADLINE: MODERATE_CONTENT,
    NotificationKind.WEBHOOK_DISABLED: MANAGE_WEBHOOKS,
    NotificationKind.AUDIT_EXPORT: VIEW_AUDIT,
}


def kinds_for(*, user: User) -> list[NotificationKind]:
    """The kinds of notification this person can receive, hence choose an email delivery for."""
    return [
        kind
        for kind in NotificationKind
        if kind not in KIND_PERMISSIONS or user.has_perm(KIND_PERMISSIONS[kind])
    ]


def preferences_for(*, user: User) -> dict[str, str]:
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind: saved.get(kind, DEFAULT_DELIVERY[NotificationKind(kind)]) for kind in NotificationKind
    }


def preferences_update(*, user: User, choices: dict[str, str]) -> None:
    """Save email choices per kind. Unknown kinds or deliveries are refused."""
    for kind, delivery in choices.items():
        if kind not in NotificationKind.values or delivery not in Delivery.values:
            raise ValueError(f"Unknown notification preference {kind}={delivery}")
    with transaction.atomic():
        for kind, delivery in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )


# --- unsubscribe links --------------------------------------------------------------------------


def unsubscribe_token(*, user: User, kind: str) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(f"{user.pk}:{kind}")


def unsubscribe_url(*, user: User, kind: str) -> str:
    path = reverse("community:unsubscribe", args=[unsubscribe_token(user=user, kind=kind)])
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_with_token(token: str) -> tuple[User, str] | None:
    """Turn off emails of one kind for the token's user. None for a forged or expired token."""
    try:
        value = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign(
            token, max_age=UNSUBSCRIBE_MAX_AGE
        )
        user_id, kind = value.split(":")
    except (signing.BadSignature, ValueError):
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None or kind not in NotificationKind.values:
        return None
    preferences_update(user=user, choices={kind: Delivery.OFF})
    return user, kind
