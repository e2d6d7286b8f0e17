"""Roles are groups with permissions. Code checks permissions, never group names.

`sync_roles()` creates the groups and (re)sets their permissions; it runs after every migrate,
so a fresh database and the test database both have them.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

MEMBER = "member"
PARTNER = "partner"
MODERATOR = "moderator"
PRODUCT_MANAGER = "product_manager"
ADMIN = "admin"

ROLE_LABELS = {
    MEMBER: _("Member"),
    PARTNER: _("Partner"),
    MODERATOR: _("Moderator"),
    PRODUCT_MANAGER: _("Product manager"),
    ADMIN: _("Administrator"),
}

# Permission codenames, as "app_label.codename".
CHANGE_IDEA_STATUS = "ideas.change_idea_status"
MODERATE_COMMENTS = "community.moderate_comment"
MODERATE_CONTENT = "community.moderate_content"
VIEW_AUDIT = "community.view_auditentry"
MANAGE_THEMES = "ideas.manage_themes"
ADD_CAMPAIGN = "ideas.add_campaign"
CHANGE_CAMPAIGN = "ideas.change_campaign"
MANAGE_WEBHOOKS = "community.change_webhookendpoint"

ROLE_PERMISSIONS: dict[str, set[str]] = {
    MEMBER: set(),
    PARTNER: set(),
    MODERATOR: {
        CHANGE_IDEA_STATUS,
        MODERATE_COMMENTS,
        MODERATE_CONTENT,
        ADD_CAMPAIGN,
        CHANGE_CAMPAIGN,
    },
    PRODUCT_MANAGER: {CHANGE_IDEA_STATUS, MANAGE_THEMES, ADD_CAMPAIGN, CHANGE_CAMPAIGN},
    ADMIN: {
        CHANGE_IDEA_STATUS,
        MODERATE_COMMENTS,
        MODERATE_CONTENT,
        VIEW_AUDIT,
        MANAGE_THEMES,
        ADD_CAMPAIGN,
        CHANGE_CAMPAIGN,
        MANAGE_WEBHOOKS,
    },
}

# Roles whose holders answer officially and get a staff badge.
STAFF_ROLES = {MODERATOR, PRODUCT_MANAGER, ADMIN}


def _permissions(names: set[str]) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query))
    if len(found) != len(names):
        missing = names - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        raise RuntimeError(f"Permissions missing, run migrate first: {sorted(missing)}")
    return found


def sync_roles() -> None:
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(names))


def sync_roles_after_migrate(**kwargs: Any) -> None:
    # post_migrate fires once per app; the groups can be set up once every app's permissions exist.
    codenames = {name.split(".")[1] for names in ROLE_PERMISSIONS.values() for name in names}
    if Permission.objects.filter(codename__in=codenames).count() >= len(codenames):
        sync_roles()


def user_has_role(user: Any, role: str) -> bool:
    return bool(user.is_authenticated and user.groups.filter(name=role).exists())


def user_answers_officially(user: Any) -> bool:
    """Moderators, product managers and admins answer with official responses and a staff badge."""
    return bool(user.is_authenticated and user.has_perm(CHANGE_IDEA_STATUS))


# What a member or a partner may do. Any other permission, however an account holds it (one of
# the roles, a group an administrator built in the Django admin, a permission given directly),
# is a staff power.
EVERYONES_PERMISSIONS = ROLE_PERMISSIONS[MEMBER] | ROLE_PERMISSIONS[PARTNER]


def user_holds_staff_role(user: Any) -> bool:
    """Moderators, product managers and admins, anyone who may enter the Django admin, and anyone
    holding a staff power some other way (a "complaints team" group given moderate_content): the
    accounts that must use two-factor, that moderators cannot sanction, that are never
    pre-moderated and that cannot delete themselves while they hold the power."""
    return bool(
        user.is_authenticated
        and (
            user.is_staff or user.is_superuser or user.get_all_permissions() - EVERYONES_PERMISSIONS
        )
    )


def _holding(permissions: QuerySet[Permission]) -> Q:
    """Accounts holding any of `permissions`: as superusers, through a group, or directly."""
    return (
        Q(is_superuser=True)
        | Q(groups__permissions__in=permissions)
        | Q(user_permissions__in=permissions)
    )


def users_with_permission(name: str) -> QuerySet[Any]:
    """Active people who hold a permission ("app_label.codename") through a role, directly, or
    as superusers: one query, usable as a subquery."""
    from django.contrib.auth import get_user_model

    app_label, codename = name.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return get_user_model().objects.filter(_holding(permission), is_active=True).distinct()


def staff_accounts() -> QuerySet[Any]:
    """Accounts `user_holds_staff_role` is true of, and inactive ones that would be (Django gives
    an inactive account no permission), as one query: the Django admin, superusers, and anyone
    holding a permission beyond everyone's, through a group or directly."""
    from django.contrib.auth import get_user_model

    everyones = [permission.pk for permission in _permissions(EVERYONES_PERMISSIONS)]
    staff_powers = Permission.objects.exclude(pk__in=everyones)
    return get_user_model().objects.filter(Q(is_staff=True) | _holding(staff_powers)).distinct()
