"""Roles are groups with permissions. Code checks permissions, never group names.

`sync_roles()` creates the groups and (re)sets their permissions; it runs after every migrate,
so a fresh database and the test database both have them.
"""

from operator import attrgetter
from typing import Any, overload

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

# The roles an identity provider's group may grant (accounts.sso). Who is staff is not a list of
# role names: see user_holds_staff_role.
STAFF_ROLES = {MODERATOR, PRODUCT_MANAGER, ADMIN}


def _permission_q(names: set[str]) -> Q:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def _permissions(names: set[str]) -> list[Permission]:
    found = list(Permission.objects.filter(_permission_q(names)))
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
    an inactive account no permission), as one query, usable as a subquery: the Django admin,
    superusers, and anyone holding a permission beyond everyone's, through a group or directly."""
    from django.contrib.auth import get_user_model

    staff_powers = Permission.objects.exclude(_permission_q(EVERYONES_PERMISSIONS))
    return get_user_model().objects.filter(Q(is_staff=True) | _holding(staff_powers)).distinct()


def staff_role_of(path: str) -> str:
    """The `prefetch_related` lookup that reads `holds_staff_role` (StaffRole) of the people at
    `path` ("author", or "" for the listed accounts themselves) for a whole list in one query."""
    return f"{path}__holds_staff_role" if path else "holds_staff_role"


class StaffRole:
    """`user.holds_staff_role`: whether the account is among `staff_accounts()`, as the staff
    badge beside a post and the API's `staff` field show it. Read alone, one query per account;
    a list reads it for every person it shows in one query with
    `prefetch_related(staff_role_of("author"))` (Django's prefetch protocol: the row found,
    or None, is kept in the instance's cache of related objects, as for a foreign key)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> "StaffRole": ...

    @overload
    def __get__(self, instance: Any, owner: type | None = None) -> bool: ...

    def __get__(self, instance: Any, owner: type | None = None) -> "StaffRole | bool":
        if instance is None:
            return self
        cache = instance._state.fields_cache
        if self.name not in cache:
            cache[self.name] = None if instance.pk is None else self._rows([instance.pk]).first()
        return cache[self.name] is not None

    def is_cached(self, instance: Any) -> bool:
        return self.name in instance._state.fields_cache

    def get_prefetch_querysets(
        self, instances: list[Any], querysets: list[QuerySet[Any]] | None = None
    ) -> tuple[QuerySet[Any], Any, Any, bool, str, bool]:
        if querysets:
            raise ValueError(f"{self.name} is prefetched with its own query, it takes none.")
        rows = self._rows({instance.pk for instance in instances})
        return rows, attrgetter("pk"), attrgetter("pk"), True, self.name, False

    @staticmethod
    def _rows(pks: Any) -> QuerySet[Any]:
        return staff_accounts().filter(pk__in=pks).only("pk")
