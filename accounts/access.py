from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User


def authenticated_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind @login_required, typed as our User model."""
    user = request.user
    assert isinstance(user, User), "use behind @login_required"
    return user


def require_permission(user: Any, permission: str, message: str = "") -> None:
    """The one permission guard of staff views and services: PermissionDenied (a 403 page with
    the message) unless `user` holds `permission`."""
    if not user.has_perm(permission):
        raise PermissionDenied(message or _("Only moderators can do this."))
