"""The Django admin behind the site's own front door.

Django's admin has its own login form, which knows nothing of the login lockout or of two-factor
authentication. Here its login page only sends people to the site's login (allauth: lockout,
then the code from the authenticator app), and the admin lets in only a session that has passed
the second factor, as every other staff page does (accounts.mfa).
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth.views import redirect_to_login
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.mfa import session_passed_second_factor

logger = logging.getLogger(__name__)


class RucheAdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No admin login form: the site's login, then back to the admin."""
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, login_url=reverse("account_login"))

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.STAFF_MFA_REQUIRED or session_passed_second_factor(request)


class RecordAdmin(admin.ModelAdmin):
    """A record written only by the services (audit log, purge runs): shown, never added,
    changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class KeptAdmin(admin.ModelAdmin):
    """Content the site's services take down, each step in the audit log (moderation hides and
    removes ideas and comments, dismisses reports, ends campaigns; a member's erasure takes
    theirs): the admin shows and corrects it but never deletes it, which no audit entry would
    record (an administrator's delete, alone or by "delete selected", left no trace)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdminBadLookupMiddleware:
    """A Django admin list asked for a lookup its database cannot run goes back to the list
    with Django's own "invalid filter" notice (`?e=1`), rather than a 500.

    The admin takes any lookup on a model field from the address (`?created_at__year=0`,
    `?id__regex=(`, `?title__icontains=%00`, `_selected_action=x`) and fails only when the
    query runs (ValueError, OverflowError, or the database's DataError); Django itself turns
    only the lookups it can check beforehand into that notice."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)  # type: ignore[no-any-return]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (ValueError, OverflowError, DataError)):
            return None
        index = reverse("admin:index")
        if not request.path.startswith(index) or request.path == index:
            return None
        logger.info("admin: refused %s %s (%s)", request.method, request.path, exception)
        return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
