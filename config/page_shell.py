"""The page shell (the site header and footer around every page), rendered once per process for
each language, role and page and then reused, with each request's own values filled in.

The header was the largest part of a signed-in page outside the idea cards and comments: ~25
`{% url %}` and ~25 `{% translate %}` tags, the staff links, the language switch (about 1.5 ms
of CPU per page; docs/benchmarks.md). Nothing in it comes from the database: it depends on the
language, the brand (settings), the URLconf and script prefix, whether the visitor is signed in,
whether they have unread notifications, which staff links their permissions show and which page
is open (for `aria-current`). Those are the cache key, so an entry can never be stale while
the process runs; a role given or taken away changes the key on the next request. What differs
between two members with the same key (their name, their unread count, their CSRF token, this
page's path in the language form) is rendered with a placeholder, then filled in per request
exactly as the template would have rendered it (`render_value_in_context`, `{% csrf_token %}`'s
escaping).

Kept in a bounded per-process LRU (`functools.lru_cache`), not Redis: a few kB per key, a
handful of keys per page, nothing to invalidate; a new deployment starts empty. With DEBUG on
(templates edited while the site runs) the shell is rendered for every request.
"""

import re
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.template import Context, engines
from django.template.base import render_value_in_context
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

HEADER = "_site_header.html"
FOOTER = "_site_footer.html"

# Placeholders: letters only, so autoescaping leaves them as they are; no page text contains them.
_NAME = "PaGeShElLnAmExQzJv"
_UNREAD = "PaGeShElLuNrEaDxQzJv"
_CSRF = "PaGeShElLcSrFxQzJv"
_PATH = "PaGeShElLpAtHxQzJv"
_PLACEHOLDERS = re.compile("|".join((_NAME, _UNREAD, _CSRF, _PATH)))

# The staff links of the header, by the permission that shows each (templates/_site_header.html).
STAFF_LINK_PERMISSIONS = (
    ("ideas", "manage_themes"),
    ("community", "moderate_content"),
    ("ideas", "change_idea_status"),
    ("community", "change_webhookendpoint"),
)
_CACHED_SHELLS = 2048  # a few kB each: languages × roles × unread or not × pages


class _Member:
    """Stands in for the signed-in member (or the anonymous visitor) while the header is kept."""

    def __init__(self, authenticated: bool) -> None:
        self.is_authenticated = authenticated

    def __str__(self) -> str:
        return _NAME


def _template(name: str) -> Any:
    return engines["django"].engine.get_template(name)  # type: ignore[attr-defined]


def _direct(name: str, context: Context) -> SafeString:
    with context.push():
        return mark_safe(_template(name).render(context))  # noqa: S308 (a template's output)


def _csrf_kept(token: Any) -> bool:
    """Whether `{% csrf_token %}` renders an input with this token (and so a placeholder for it
    renders the same input): not for a missing token or "NOTPROVIDED", rendered as nothing."""
    return bool(token) and str(token) != "NOTPROVIDED"


def site_header(context: Context) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    token = context.get("csrf_token")
    if settings.DEBUG or request is None or user is None or not _csrf_kept(token):
        return _direct(HEADER, context)
    signed_in = bool(user.is_authenticated)
    unread = context.get("unread_notifications") if signed_in else None
    perms = context.get("perms")
    shown = (
        tuple(bool(perms[app][codename]) for app, codename in STAFF_LINK_PERMISSIONS)
        if signed_in and perms is not None
        else ()
    )
    match = request.resolver_match
    page = (match.namespace, match.url_name) if match is not None else None
    kept = _kept_header(
        translation.get_language(),
        context.get("brand"),
        signed_in,
        bool(unread),
        shown,
        page,
        _urls(),
    )
    values = {
        _CSRF: str(conditional_escape(str(token))),
        _PATH: render_value_in_context(request.get_full_path(), context),
        _NAME: render_value_in_context(user, context) if signed_in else _NAME,
        _UNREAD: render_value_in_context(unread, context) if unread else _UNREAD,
    }
    # One pass: a value that happens to contain a placeholder (a path, a name) stays as it is.
    filled = _PLACEHOLDERS.sub(lambda found: values[found.group(0)], kept)
    return mark_safe(filled)  # noqa: S308 (the template's output and escaped values)


def site_footer(context: Context) -> SafeString:
    user = context.get("user")
    if settings.DEBUG or user is None:
        return _direct(FOOTER, context)
    kept = _kept_footer(
        translation.get_language(), context.get("brand"), bool(user.is_authenticated), _urls()
    )
    return mark_safe(kept)  # noqa: S308 (a template's output)


def _urls() -> tuple[str, str]:
    """What the shell's `{% url %}` tags depend on besides their names: the URLconf in use and the
    prefix the site is served under (constant on a live site; tests may change them)."""
    return get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=_CACHED_SHELLS)
def _kept_header(
    language: str,
    brand: Any,
    signed_in: bool,
    unread: bool,
    shown: tuple[bool, ...],
    page: tuple[str, str | None] | None,
    urls: tuple[str, str],
) -> str:
    perms: dict[str, dict[str, bool]] = {}
    for (app, codename), allowed in zip(STAFF_LINK_PERMISSIONS, shown, strict=False):
        perms.setdefault(app, {})[codename] = allowed
    stand_in_request = SimpleNamespace(
        resolver_match=None
        if page is None
        else SimpleNamespace(namespace=page[0], url_name=page[1]),
        get_full_path=lambda: _PATH,
    )
    context = {
        "brand": brand,
        "user": _Member(signed_in),
        "unread_notifications": _UNREAD if unread else 0,
        "perms": perms,
        "csrf_token": _CSRF,
        "request": stand_in_request,
    }
    with translation.override(language):
        return str(_template(HEADER).render(Context(context, autoescape=True)))


@lru_cache(maxsize=_CACHED_SHELLS)
def _kept_footer(language: str, brand: Any, signed_in: bool, urls: tuple[str, str]) -> str:
    context = {"brand": brand, "user": _Member(signed_in)}
    with translation.override(language):
        return str(_template(FOOTER).render(Context(context, autoescape=True)))
