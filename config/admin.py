"""The Django admin behind the site's own front door.

Django's admin has its own login form, which knows nothing of the login lockout or of two-factor
authentication. Here its login page only sends people to the site's login (allauth: lockout,
then the code from the authenticator app), and the admin lets in only a session that has passed
the second factor, as every other staff page does (accounts.mfa).
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.mfa import session_passed_second_factor


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
