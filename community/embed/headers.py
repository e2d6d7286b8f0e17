"""The widget's pages are the only ones another site may frame: their Content Security Policy
names the origins of settings.EMBED_ALLOWED_ORIGINS in `frame-ancestors`, and they send no
X-Frame-Options (which can name no origin). Every other page keeps the site-wide policy of
config.security (frame-ancestors 'none') and X-Frame-Options: DENY."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from config.security import policy_header


def embed_policy() -> str:
    directives = dict(settings.CONTENT_SECURITY_POLICY)
    directives["frame-ancestors"] = list(settings.EMBED_ALLOWED_ORIGINS) or ["'none'"]
    return policy_header(directives)


def allowed_parent(origin: str) -> str:
    """`origin` if it may frame the widget, else "" (the frame then talks to no parent)."""
    return origin if origin in settings.EMBED_ALLOWED_ORIGINS else ""


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the widget's views only: the policy above instead of the site's."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except PermissionDenied as refusal:
            # A sanction, say: said inside the frame, where the site's 403 page could not show.
            message = str(refusal) or _("You cannot do this.")
            response = render(request, "embed/refused.html", {"message": message}, status=403)
        # config.security's middleware leaves a policy the view set alone.
        response["Content-Security-Policy"] = embed_policy()
        return response

    return xframe_options_exempt(wrapped)
