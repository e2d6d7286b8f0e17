"""`{% sso_buttons as buttons %}`: the single sign-on buttons of the login page (name and the
URL their form posts to), empty while single sign-on is not configured."""

from typing import Any

from allauth.socialaccount.adapter import get_adapter
from django import template

from accounts.sso.login import sso_config

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_buttons(context: dict[str, Any]) -> list[dict[str, str]]:
    config = sso_config()
    request = context.get("request")
    if not config.enabled or request is None:
        return []
    next_url = request.GET.get("next", "")
    buttons = []
    for provider in get_adapter().list_providers(request):
        if provider.id in config.provider_ids:
            kwargs = {"next": next_url} if next_url else {}
            buttons.append({"name": config.name, "url": provider.get_login_url(request, **kwargs)})
    return buttons


@register.simple_tag(takes_context=True)
def other_social_providers(context: dict[str, Any]) -> list[Any]:
    """allauth's providers but single sign-on's, which the login page shows first, for staff."""
    request = context.get("request")
    ids = sso_config().provider_ids
    return [p for p in get_adapter().list_providers(request) if p.id not in ids]


@register.simple_tag
def sso_required_for_staff() -> bool:
    return sso_config().required_for_staff
