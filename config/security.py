"""Content Security Policy: pages load scripts, styles, images and fonts from this site only.

Ruche's templates have no inline script or style and htmx comes from /static/, so the policy
needs no 'unsafe-inline'. Django 5.2 has no CSP of its own (6.0 adds it), hence this middleware.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def policy_header(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The admin ships inline scripts of its own; it is behind staff login and MFA.
        if "Content-Security-Policy" not in response and not request.path.startswith("/admin/"):
            response["Content-Security-Policy"] = self.header
        return response
