"""Single sign-on configuration, read from the environment. No Django here: the settings
module imports it before Django is set up.

Nothing is enabled while the variables are unset. A half-set configuration is not an
exception at import (the settings would fail with a traceback): the problems are collected in
`SsoConfig.problems` and reported by the system check (accounts.sso.checks), so
`manage.py check` and every start say clearly what is missing.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec
from typing import Any
from urllib.parse import urlsplit

# allauth provider id of the OpenID Connect SSO (accounts.sso.provider): URLs /accounts/sso/...,
# and SocialAccount.provider of every account linked through it.
OIDC_PROVIDER_ID = "sso"
SAML_PROVIDER_ID = "saml"
SAML_APP = "allauth.socialaccount.providers.saml"
# The staff roles an identity-provider group may map to (accounts.roles.STAFF_ROLES; repeated
# here because accounts.roles needs Django).
MAPPABLE_ROLES = ("moderator", "product_manager", "admin")
DEFAULT_NAME = "Single sign-on"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class SsoConfig:
    oidc_enabled: bool = False
    saml_enabled: bool = False
    name: str = DEFAULT_NAME
    groups_claim: str = "groups"
    # role -> the identity provider's group names (or ids) that grant it
    role_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    required_for_staff: bool = False
    trusted_mfa_amr: tuple[str, ...] = ()
    # The SAML attribute holding the groups (OpenID Connect uses groups_claim).
    saml_groups_attribute: str = ""
    # The origin of the OpenID Connect server, allowed as a form target by the Content Security
    # Policy (the login button posts here, and the site redirects there).
    oidc_origin: str = ""
    problems: tuple[str, ...] = ()  # errors: the system check refuses to start
    warnings: tuple[str, ...] = ()

    @property
    def enabled(self) -> bool:
        return self.oidc_enabled or self.saml_enabled

    @property
    def provider_ids(self) -> tuple[str, ...]:
        ids = (OIDC_PROVIDER_ID,) if self.oidc_enabled else ()
        return ids + ((SAML_PROVIDER_ID,) if self.saml_enabled else ())


def _bool(environ: Mapping[str, str], name: str, problems: list[str]) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        problems.append(f"{name} must be true or false, not {environ[name]!r}.")
    return False


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace(" ", ",").split(",") if part.strip())


def parse_role_groups(value: str) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """`moderator=grp-a;product_manager=grp-b,grp-b2;admin=grp-c`, or JSON
    `{"moderator": ["CN=Moderators,OU=Groups,DC=bank"]}` for group names holding `,` or `;`
    (LDAP distinguished names from ADFS). Returns (role -> groups, problems)."""
    problems: list[str] = []
    mapping: dict[str, tuple[str, ...]] = {}
    value = value.strip()
    if not value:
        return mapping, problems
    items: list[tuple[str, list[str]]] = []
    if value.startswith("{"):
        try:
            loaded = json.loads(value)
        except ValueError as error:
            return mapping, [f"SSO_ROLE_GROUPS is not valid JSON: {error}."]
        if not isinstance(loaded, dict):
            return mapping, ["SSO_ROLE_GROUPS as JSON must be an object: role -> [groups]."]
        for role, groups in loaded.items():
            groups = [groups] if isinstance(groups, str) else groups
            if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
                problems.append(f"SSO_ROLE_GROUPS: the groups of {role!r} must be strings.")
                continue
            items.append((str(role), groups))
    else:
        for part in value.split(";"):
            if not part.strip():
                continue
            role, sep, groups_text = part.partition("=")
            if not sep:
                problems.append(f"SSO_ROLE_GROUPS: {part.strip()!r} is not role=group[,group].")
                continue
            items.append((role, groups_text.split(",")))
    for role, groups in items:
        role = role.strip()
        cleaned = tuple(g.strip() for g in groups if g.strip())
        if role not in MAPPABLE_ROLES:
            problems.append(
                f"SSO_ROLE_GROUPS: {role!r} is not a staff role "
                f"(one of {', '.join(MAPPABLE_ROLES)})."
            )
        elif not cleaned:
            problems.append(f"SSO_ROLE_GROUPS: no group given for {role!r}.")
        else:
            mapping[role] = tuple(dict.fromkeys(mapping.get(role, ()) + cleaned))
    return mapping, problems


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _oidc_app(environ: Mapping[str, str], name: str, problems: list[str]) -> dict[str, Any]:
    server_url = environ.get("SSO_OIDC_SERVER_URL", "").strip()
    client_id = environ.get("SSO_OIDC_CLIENT_ID", "").strip()
    secret = environ.get("SSO_OIDC_CLIENT_SECRET", "").strip()
    given = {
        "SSO_OIDC_SERVER_URL": server_url,
        "SSO_OIDC_CLIENT_ID": client_id,
        "SSO_OIDC_CLIENT_SECRET": secret,
    }
    missing = [key for key, value in given.items() if not value]
    if len(missing) == len(given):
        return {}
    if missing:
        problems.append(
            f"OpenID Connect single sign-on is half configured: {', '.join(missing)} "
            "missing (set all three, or none)."
        )
        return {}
    if urlsplit(server_url).scheme not in ("https", "http") or not urlsplit(server_url).netloc:
        problems.append(f"SSO_OIDC_SERVER_URL must be an https:// URL, not {server_url!r}.")
        return {}
    scopes = _list(environ.get("SSO_OIDC_SCOPES", "openid profile email"))
    if "openid" not in scopes:
        scopes = ("openid", *scopes)
    settings: dict[str, Any] = {
        "server_url": server_url,
        "scope": list(scopes),
        "oauth_pkce_enabled": True,
        # The id_token's claims and the userinfo answer are both kept (extra_data).
        "fetch_userinfo": True,
    }
    domains = _list(environ.get("SSO_EMAIL_DOMAINS", "").lower())
    if domains:
        # Addresses of the bank's own domains are the bank's to assert: taken as verified, and
        # an existing account with such an address is signed in (and linked) without asking.
        settings |= {"verified_email": list(domains), "email_authentication": True}
    auth_method = environ.get("SSO_OIDC_TOKEN_AUTH_METHOD", "").strip()
    if auth_method:
        if auth_method not in ("client_secret_basic", "client_secret_post"):
            problems.append(
                "SSO_OIDC_TOKEN_AUTH_METHOD must be client_secret_basic or client_secret_post."
            )
        settings["token_auth_method"] = auth_method
    return {"client_id": client_id, "secret": secret, "name": name, "settings": settings}


def _saml_app(environ: Mapping[str, str], name: str, problems: list[str]) -> dict[str, Any]:
    """allauth's SAML provider: one identity provider, under /accounts/saml/<slug>/."""
    metadata_url = environ.get("SSO_SAML_METADATA_URL", "").strip()
    entity_id = environ.get("SSO_SAML_IDP_ENTITY_ID", "").strip()
    if not (metadata_url or entity_id):
        return {}
    if not (metadata_url and entity_id):
        missing = "SSO_SAML_METADATA_URL" if not metadata_url else "SSO_SAML_IDP_ENTITY_ID"
        problems.append(
            f"SAML single sign-on is half configured: {missing} missing (set both, or none)."
        )
        return {}
    groups_attribute = environ.get(
        "SSO_SAML_GROUPS_ATTRIBUTE",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    ).strip()
    mapping: dict[str, Any] = {
        "uid": _list(environ.get("SSO_SAML_UID_ATTRIBUTE", ""))
        or ["urn:oasis:names:tc:SAML:attribute:subject-id"],
        "email": _list(environ.get("SSO_SAML_EMAIL_ATTRIBUTE", ""))
        or [
            "urn:oid:0.9.2342.19200300.100.1.3",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        ],
        "first_name": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"],
        "last_name": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"],
    }
    settings: dict[str, Any] = {
        "attribute_mapping": {k: list(v) for k, v in mapping.items()},
        # Read by accounts.sso.roles from the raw attributes (allauth keeps only a first value).
        "groups_attribute": groups_attribute,
        "use_nameid_for_email": True,
        "idp": {"entity_id": entity_id, "metadata_url": metadata_url},
        "advanced": {
            "strict": True,
            # The identity provider must sign its assertions; nothing unsigned is read.
            "want_assertion_signed": True,
            "want_message_signed": False,
            "reject_deprecated_algorithm": True,
        },
    }
    sp_entity_id = environ.get("SSO_SAML_SP_ENTITY_ID", "").strip()
    if sp_entity_id:
        settings["sp"] = {"entity_id": sp_entity_id}
    domains = _list(environ.get("SSO_EMAIL_DOMAINS", "").lower())
    if domains:
        settings |= {"verified_email": list(domains), "email_authentication": True}
    slug = environ.get("SSO_SAML_SLUG", "bank").strip() or "bank"
    return {"client_id": slug, "name": name, "settings": settings}


def sso_from_env(
    environ: Mapping[str, str], *, saml_installed: bool | None = None
) -> tuple[SsoConfig, list[str], dict[str, Any]]:
    """Return (SsoConfig, apps to install, SOCIALACCOUNT_PROVIDERS entries) from the
    environment. Nothing is installed or configured when no SSO variable is set.

    allauth's SAML views import python3-saml when the URLs load: without it, installing the
    provider would stop every start with an import traceback, so it is left out and the check
    says why instead."""
    if saml_installed is None:
        saml_installed = find_spec("onelogin") is not None
    problems: list[str] = []
    warnings: list[str] = []
    name = environ.get("SSO_PROVIDER_NAME", "").strip() or DEFAULT_NAME
    providers: dict[str, Any] = {}
    apps: list[str] = []
    oidc = _oidc_app(environ, name, problems)
    if oidc:
        providers[OIDC_PROVIDER_ID] = {"APPS": [oidc]}
    saml = _saml_app(environ, name, problems)
    if saml and not saml_installed:
        problems.append(
            "SAML single sign-on is configured but python3-saml is not installed: install the "
            "locked requirements (python3-saml, xmlsec, lxml)."
        )
        saml = {}
    if saml:
        providers[SAML_PROVIDER_ID] = {"APPS": [saml]}
        apps.append(SAML_APP)
    role_groups, role_problems = parse_role_groups(environ.get("SSO_ROLE_GROUPS", ""))
    problems += role_problems
    required = _bool(environ, "SSO_REQUIRED_FOR_STAFF", problems)
    if required and not providers:
        problems.append(
            "SSO_REQUIRED_FOR_STAFF is set but no single sign-on is configured: staff could not "
            "sign in at all. Set SSO_OIDC_* or SSO_SAML_*, or unset SSO_REQUIRED_FOR_STAFF."
        )
    if providers and not role_groups:
        warnings.append(
            "Single sign-on is configured without SSO_ROLE_GROUPS: nobody would get a staff "
            "role from the identity provider (e.g. SSO_ROLE_GROUPS=moderator=ruche-moderators)."
        )
    config = SsoConfig(
        oidc_enabled=bool(oidc),
        saml_enabled=bool(saml),
        name=name,
        groups_claim=environ.get("SSO_GROUPS_CLAIM", "").strip() or "groups",
        role_groups=role_groups,
        required_for_staff=required and bool(providers),
        trusted_mfa_amr=_list(environ.get("SSO_TRUSTED_MFA_AMR", "")),
        saml_groups_attribute=saml["settings"]["groups_attribute"] if saml else "",
        oidc_origin=_origin(oidc["settings"]["server_url"]) if oidc else "",
        problems=tuple(problems),
        warnings=tuple(warnings),
    )
    return config, apps, providers
