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
escaping), through config.kept like the other kept renderings.

Kept in a bounded per-process LRU (`functools.lru_cache`), not Redis: a few kB per key, a
handful of keys per page, nothing to invalidate; a new deployment starts empty. With DEBUG on
(templates edited while the site runs) the shell is rendered for every request.
"""

from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.template import Context
from django.template.base import render_value_in_context
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from config import kept

HEADER = "_site_header.html"
FOOTER = "_site_footer.html"

# Placeholders: letters only, so autoescaping leaves them as they are; no page text contains them.
_NAME = "PaGeShElLnAmExQzJv"
_UNREAD = "PaGeShElLuNrEaDxQzJv"
_CSRF = "PaGeShElLcSrFxQzJv"
_PATH = "PaGeShElLpAtHxQzJv"
_FILL = kept.Fill(_NAME, _UNREAD, _CSRF, _PATH)

# The staff links of the header, by the permission that shows each (templates/_site_header.html).
STAFF_LINK_PERMISSIONS = (
    ("ideas", "manage_themes"),
    ("community", "moderate_content"),
    ("ideas", "change_idea_status"),
    ("community", "change_webhookendpoint"),
)
_CACHED_SHELLS = 2048  # a few kB each: languages × roles × unread or not × pages


def _direct(name: str, context: Context) -> SafeString:
    with context.push():
        return mark_safe(kept.template(name).render(context))  # noqa: S308 (a template's output)


def site_header(context: Context) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    token = context.get("csrf_token")
    if not kept.on() or request is None or user is None or not kept.csrf_kept(token):
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
    header = _kept_header(
        translation.get_language(),
        context.get("brand"),
        signed_in,
        bool(unread),
        shown,
        page,
        kept.urls(),
    )
    values = {
        _CSRF: kept.escaped(token),
        _PATH: render_value_in_context(request.get_full_path(), context),
        _NAME: render_value_in_context(user, context) if signed_in else _NAME,
        _UNREAD: render_value_in_context(unread, context) if unread else _UNREAD,
    }
    return _FILL(header, values)


def site_footer(context: Context) -> SafeString:
    user = context.get("user")
    if not kept.on() or user is None:
        return _direct(FOOTER, context)
    footer = _kept_footer(
        translation.get_language(), context.get("brand"), bool(user.is_authenticated), kept.urls()
    )
    return mark_safe(footer)  # noqa: S308 (a template's output)


@lru_cache(maxsize=_CACHED_SHELLS)
def _kept_header(
    language: str,
    brand: Any,
    signed_in: bool,
    unread: bool,
    shown: tuple[bool, ...],
    page: tuple[str, str | None] | None,
    urls: tuple[str, str, str],
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
        "user": kept.StandIn(signed_in, _NAME),
        "unread_notifications": _UNREAD if unread else 0,
        "perms": perms,
        "csrf_token": _CSRF,
        "request": stand_in_request,
    }
    return kept.render(HEADER, context, language=language)


@lru_cache(maxsize=_CACHED_SHELLS)
def _kept_footer(language: str, brand: Any, signed_in: bool, urls: tuple[str, str, str]) -> str:
    context = {"brand": brand, "user": kept.StandIn(signed_in, _NAME)}
    return kept.render(FOOTER, context, language=language)
