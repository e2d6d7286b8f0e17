"""Found by allauth (the `sso` provider's package) and mounted under /accounts/."""

from allauth.account.internal.decorators import login_not_required
from django.urls import path

from accounts.sso import views

urlpatterns = [
    path("sso/login/", login_not_required(views.login), name="sso_login"),
    path("sso/login/callback/", login_not_required(views.callback), name="sso_callback"),
]
