"""`manage.py check` (and every start) says what is wrong with the single sign-on variables."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from accounts.sso.config import SsoConfig


@register()
def sso_configuration(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    config: SsoConfig | None = getattr(settings, "SSO", None)
    if config is None:
        return []
    messages: list[CheckMessage] = [
        Error(problem, hint="See docs/sso.md.", id="ruche.E101") for problem in config.problems
    ]
    messages += [
        Warning(text, hint="See docs/sso.md.", id="ruche.W101") for text in config.warnings
    ]
    return messages
