"""Signing in and permissions: Django's model backend, with a member's permissions read in one
query instead of two.

Every signed-in request asks whether the member holds a staff role (two-factor, idle staff
sessions, the staff links of the header), which makes Django's `ModelBackend` read the member's
own permissions and then his roles' permissions: two queries on every page. This backend reads
both at once (two semi-joins over the small permission table) and fills the same per-request
cache (`_perm_cache`), so the other backends of AUTHENTICATION_BACKENDS read it from there. Nothing
is kept between requests: a role taken away applies to the very next request. Only the query's
SQL is kept, compiled once per process.

The signed-in member himself is read by the same statement (`get_user`, once per request by
Django's AuthenticationMiddleware): his row, joined to his permissions, one row per permission
(one row with none for a member). One round trip instead of two, and neither compiled again.
"""

from collections.abc import Sequence
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from config.db import MARK_ID, Prepared, sql_of


def _may_sign_in(user: Any) -> bool:
    """Service accounts (accounts.service_accounts) call the API with tokens and never sign in:
    neither a password nor a session of theirs is accepted, whatever the door."""
    return not getattr(user, "is_service_account", False)


class _UserWithPermissions(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """ModelBackend.get_user (the user, or None if he may not sign in), with his
        permissions read in the same statement for a non-superuser."""
        using = router.db_for_read(User)
        rows = _USER_WITH_PERMISSIONS.fetchall(using, int(user_id))
        if not rows:
            return None
        width = len(_USER_FIELDS)
        user = User.from_db(using, _USER_FIELDS, _from_db_values(using, rows[0][:width]))
        if not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:
            user._perm_cache = {  # type: ignore[attr-defined]
                f"{app_label}.{codename}"
                for app_label, codename in (r[width:] for r in rows)
                if codename is not None
            }
        return user


class ModelBackendOneQuery(_UserWithPermissions):
    def user_can_authenticate(self, user: Any) -> bool:
        return _may_sign_in(user) and super().user_can_authenticate(user)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                names = list(_names(Permission.objects.all()))
            else:
                using = router.db_for_read(Permission)
                names = _MEMBER_PERMISSIONS.fetchall(using, user_obj.pk)
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache  # type: ignore[no-any-return]


def _names(permissions: QuerySet[Permission]) -> QuerySet[Permission, tuple[str, str]]:
    return permissions.values_list("content_type__app_label", "codename").order_by()


def _member_permissions(using: str, user_id: int) -> tuple[str, Sequence[Any]]:
    """The member's own permissions and his roles', as (app label, codename)."""
    own = User.user_permissions.through.objects.filter(user=user_id, permission=OuterRef("pk"))
    by_role = Group.permissions.through.objects.filter(
        permission=OuterRef("pk"), group__user=user_id
    )
    permissions = Permission.objects.using(using).filter(Q(Exists(own)) | Q(Exists(by_role)))
    return sql_of(_names(permissions), using)


# Asked on every signed-in request: compiled once per process (config.db.Prepared), which was
# most of its cost (1.4 of 2.3 ms of CPU per request).
_MEMBER_PERMISSIONS = Prepared(_member_permissions, MARK_ID, server_prepared=True)

_USER_FIELDS = [field.attname for field in User._meta.concrete_fields]


def _user_with_permissions(using: str, user_id: int) -> tuple[str, Sequence[Any]]:
    """The user's row (every concrete field, in `_USER_FIELDS` order) joined to his permissions
    (`_member_permissions`): one row per permission, or one with NULLs for a member who has
    none; no row for an unknown id."""
    user_sql, user_params = (
        User._default_manager.using(using)
        .filter(pk=user_id)
        .values_list(*_USER_FIELDS)
        .query.get_compiler(using)
        .as_sql()
    )
    names_sql, names_params = _member_permissions(using, user_id)
    quote = connections[using].ops.quote_name
    # Two statements the ORM compiled, their values left as parameters: nothing is interpolated.
    statement = (
        f"SELECT {quote('u')}.*, {quote('p')}.* FROM ({user_sql}) {quote('u')} "  # noqa: S608
        f"LEFT JOIN ({names_sql}) {quote('p')} ON 1 = 1"
    )
    return statement, (*user_params, *names_params)


_USER_WITH_PERMISSIONS = Prepared(_user_with_permissions, MARK_ID, server_prepared=True)
_CONVERTERS: dict[str, list[tuple[Any, list[Any]]]] = {}


def _from_db_values(using: str, values: Sequence[Any]) -> list[Any]:
    """The raw values of the user's row as the ORM would give them (a cursor bypasses its
    converters: SQLite returns a datetime as text or naive and a boolean as 0/1)."""
    connection = connections[using]
    fields = _CONVERTERS.get(using)
    if fields is None:
        built = []
        for field in User._meta.concrete_fields:
            column = field.get_col(User._meta.db_table)
            # As the compiler does: the backend's converters, then the field's own.
            converters = connection.ops.get_db_converters(column)
            built.append((column, converters + column.get_db_converters(connection)))
        # Published whole: another thread never sees a list still being filled.
        fields = _CONVERTERS[using] = built
    converted = []
    for value, (column, converters) in zip(values, fields, strict=True):
        for convert in converters:
            value = convert(value, column, connection)
        converted.append(value)
    return converted


class AllauthBackend(_UserWithPermissions, AuthenticationBackend):
    """allauth's backend (login by email), refusing service accounts as the one above does."""

    def user_can_authenticate(self, user: Any) -> bool:
        return _may_sign_in(user) and super().user_can_authenticate(user)
