"""Signing in and permissions: Django's model backend, with a member's permissions read in one
query instead of two.

Every signed-in request asks whether the member holds a staff role (two-factor, idle staff
sessions, the staff links of the header), which makes Django's `ModelBackend` read the member's
own permissions and then his roles' permissions: two queries on every page. This backend reads
both at once (two semi-joins over the small permission table) and fills the same per-request
cache (`_perm_cache`), so the other backends of AUTHENTICATION_BACKENDS read it from there. Nothing
is kept between requests: a role taken away applies to the very next request.
"""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, OuterRef, Q


def _may_sign_in(user: Any) -> bool:
    """Service accounts (accounts.service_accounts) call the API with tokens and never sign in:
    neither a password nor a session of theirs is accepted, whatever the door."""
    return not getattr(user, "is_service_account", False)


class ModelBackendOneQuery(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return _may_sign_in(user) and super().user_can_authenticate(user)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                own = user_obj.user_permissions.through.objects.filter(
                    user=user_obj, permission=OuterRef("pk")
                )
                by_role = Group.permissions.through.objects.filter(
                    permission=OuterRef("pk"), group__user=user_obj
                )
                permissions = permissions.filter(Q(Exists(own)) | Q(Exists(by_role)))
            names = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache  # type: ignore[no-any-return]


class AllauthBackend(AuthenticationBackend):
    """allauth's backend (login by email), refusing service accounts as the one above does."""

    def user_can_authenticate(self, user: Any) -> bool:
        return _may_sign_in(user) and super().user_can_authenticate(user)
