"""Service accounts: systems (the bank's CRM, its mobile app's back end, a data lake) that call
the API with a role of their own rather than with a person's token.

A service account is a `User` with `is_service_account`: it holds one role (accounts.roles), so
every rule of the site applies to what it does exactly as to a person with that role (the same
services check the same permissions, sanctions and pre-moderation). It has no usable password,
its address is under the reserved `.invalid` domain (no email can reach it, so no password reset
either) and the authentication backends refuse it (accounts.backends): it cannot sign in to the
site. Its profile is private, so it is never listed on a member page or a leaderboard.

Only admins create one and its tokens, from a session that passed two-factor authentication (or
from the server's shell, `manage.py service_account`). A staff-role service account's token
counts as made after the second factor because its creator's was checked
(`accounts.tokens.token_refusal`); it still lasts at most API_TOKEN_STAFF_MAX_DAYS.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, audit_record
from accounts.models import ApiToken, User
from accounts.profile_texts import profile_text_refusal
from accounts.roles import ROLE_PERMISSIONS
from accounts.services import email_taken_refused
from accounts.tokens import NewToken, token_create

EMAIL_DOMAIN = "service.invalid"  # RFC 2606: never delivered anywhere


def _require_admin(actor: User) -> None:
    if not (actor.is_active and actor.is_superuser and not actor.is_service_account):
        raise PermissionDenied(_("Only administrators manage service accounts."))


def service_accounts(*, actor: User) -> QuerySet[User]:
    """The service accounts, for an administrator (PermissionDenied for anyone else)."""
    _require_admin(actor)
    return User.objects.filter(is_service_account=True).order_by("display_name", "pk")


@transaction.atomic
def service_account_create(*, actor: User, name: str, role: str) -> User:
    """A new service account named `name` holding `role` (a key of accounts.roles.ROLE_LABELS)."""
    _require_admin(actor)
    name = name.strip()
    errors: dict[str, str] = {}
    slug = slugify(name)
    if not slug:
        errors["name"] = _("Give the system a name, e.g. “CRM”.")
    elif refusal := profile_text_refusal(name):  # shown beside its posts, as a member's name
        errors["name"] = refusal
    if role not in ROLE_PERMISSIONS:
        errors["role"] = _("Choose one of the site's roles.")
    email = f"{slug}@{EMAIL_DOMAIN}"
    taken = _("A service account has this name already.")
    if slug and User.objects.filter(email__iexact=email).exists():
        errors["name"] = taken
    if errors:
        raise ValidationError(errors)
    with email_taken_refused(field="name", message=taken):  # another admin, the same moment
        account = User.objects.create_user(
            email=email,
            password=None,  # unusable
            display_name=name[:60],
            is_service_account=True,
            profile_public=False,
        )
    account.groups.add(Group.objects.get(name=role))
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_ACCOUNT_CREATE,
        target=account,
        summary=_("Service account #%(pk)s created with the role %(role)s")
        % {"pk": account.pk, "role": role},
        before={},
        after={"role": role},
    )
    return account


def service_token_create(
    *, actor: User, account: User, name: str, scope: str, days: int, second_factor: bool
) -> NewToken:
    """A token for a service account, made by an admin. `second_factor`: whether the admin's
    session passed two-factor authentication (True from the server's shell)."""
    _require_admin(actor)
    if not account.is_service_account:
        raise ValidationError({"account": _("This is not a service account.")})
    if not second_factor:
        raise PermissionDenied(_("Create service tokens after typing your two-factor code."))
    with transaction.atomic():
        new = token_create(user=account, name=name, scope=scope, days=days, second_factor=True)
        ApiToken.objects.filter(pk=new.token.pk).update(created_by=actor)
        audit_record(
            actor=actor,
            action=AuditAction.SERVICE_TOKEN_CREATE,
            target=account,
            summary=_("Token %(prefix)s (%(scope)s, %(days)s days) for service account #%(pk)s")
            % {"prefix": new.token.prefix, "scope": scope, "days": days, "pk": account.pk},
            before={},
            after={"token": new.token.pk, "scope": scope},
        )
    return new


@transaction.atomic
def service_token_revoke(*, actor: User, token_id: int) -> bool:
    """Revoke a service account's token; False if there is no such active token."""
    _require_admin(actor)
    token = (
        ApiToken.objects.select_related("user")
        .filter(pk=token_id, user__is_service_account=True, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return False
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_TOKEN_REVOKE,
        target=token.user,
        summary=_("Token %(prefix)s of service account #%(pk)s revoked")
        % {"prefix": token.prefix, "pk": token.user.pk},
        before={"token": token.pk},
        after={"revoked": True},
    )
    return True
