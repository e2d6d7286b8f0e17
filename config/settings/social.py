"""Social login providers, each enabled only when its keys are in the environment."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Provider:
    key: str  # prefix of the environment variables: GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET
    app: str  # the allauth provider app to install
    provider_id: str
    name: str
    settings: Mapping[str, Any]


PROVIDERS = (
    Provider(
        "GOOGLE",
        "allauth.socialaccount.providers.google",
        "google",
        "Google",
        {"SCOPE": ["profile", "email"]},
    ),
    Provider(
        "FACEBOOK",
        "allauth.socialaccount.providers.facebook",
        "facebook",
        "Facebook",
        {"METHOD": "oauth2", "SCOPE": ["email", "public_profile"]},
    ),
    Provider(
        "TWITTER",
        "allauth.socialaccount.providers.twitter_oauth2",
        "twitter_oauth2",
        "X (Twitter)",
        {},
    ),
    # LinkedIn retired its own OAuth2 API for sign-in; it speaks OpenID Connect now.
    Provider(
        "LINKEDIN",
        "allauth.socialaccount.providers.openid_connect",
        "openid_connect",
        "LinkedIn",
        {"OAUTH_PKCE_ENABLED": True},
    ),
)


def social_providers_from_env(environ: Mapping[str, str]) -> tuple[list[str], dict[str, Any]]:
    """Return (apps to install, SOCIALACCOUNT_PROVIDERS) for the providers whose keys are set."""
    apps: list[str] = []
    config: dict[str, Any] = {}
    for provider in PROVIDERS:
        client_id = environ.get(f"{provider.key}_CLIENT_ID", "")
        secret = environ.get(f"{provider.key}_CLIENT_SECRET", "")
        if not (client_id and secret):
            continue
        app: dict[str, Any] = {"client_id": client_id, "secret": secret}
        if provider.key == "LINKEDIN":
            app |= {
                "provider_id": "linkedin",
                "name": provider.name,
                "settings": {"server_url": "https://www.linkedin.com/oauth"},
            }
        if provider.app not in apps:
            apps.append(provider.app)
        entry = config.setdefault(provider.provider_id, {**provider.settings, "APPS": []})
        entry["APPS"].append(app)
    return apps, config
