"""Kept renderings: a template rendered once per process for a key, then reused with each
request's own values filled in, in one pass.

Used where a template's output depends on a few values that repeat across requests (the
language, the brand, the URLconf, the visitor's role, a list's filters) and on a few that do not
(a member's name, a CSRF token, this page's path). The first are the key of a bounded
per-process LRU (`functools.lru_cache` in each user); the second are rendered as placeholders
(letters only, so autoescaping leaves them as they are) and filled per request by `Fill`,
escaped exactly as the template would have escaped them. Nothing read from the database goes in
a kept rendering unless it is part of the key, so an entry is never stale: a changed value is
another key. With DEBUG on (templates edited while the site runs) callers render afresh.

`rendered(name, **values)` is the plain case: a template that shows nothing but `values` (plain,
hashable data: strings, numbers, tuples, named tuples), the language and URLs, kept by exactly
those. Users: config.page_shell (the header and footer, with per-request placeholders),
ideas.cards (the vote button, likewise), ideas.page_parts (the idea list's filter form, the home
page's category menu and latest official answers), community.page_forms (an idea page's empty
report and comment forms) and `{% kept_include %}`
(accounts/templatetags/page_shell.py: the links of every page's head).
"""

import re
from collections.abc import Hashable, Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.template import Context, Engine, engines
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Languages × templates × the filters, categories and counts of the moment (a few kB each).
_CACHED = 1024


def on() -> bool:
    """Kept renderings are used (off with DEBUG: templates may change under a running site)."""
    return not settings.DEBUG


def template(name: str) -> Any:
    return engines["django"].engine.get_template(name)  # type: ignore[attr-defined]


def render(name: str, values: Mapping[str, Any], *, language: str) -> str:
    """`name` rendered in `language` with `values` only (no request, no context processors)."""
    with translation.override(language):
        return str(template(name).render(Context(dict(values), autoescape=True)))


def render_in(context: Context, template_name: str, **values: Any) -> str:
    """`template_name` rendered in the page's context with `values` on top, as an include is
    (and as every kept rendering is when it cannot be kept)."""
    engine = context.template.engine if context.template else Engine.get_default()
    with context.push(**values):
        return str(engine.get_template(template_name).render(context))


def urls() -> tuple[str, str, str]:
    """What `{% url %}` and `{% static %}` depend on besides their names: the URLconf in use, the
    prefix the site is served under and STATIC_URL (constant on a live site; tests may change
    them). Part of every key."""
    return get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF), settings.STATIC_URL


def csrf_kept(token: Any) -> bool:
    """Whether `{% csrf_token %}` renders an input with this token (and so a placeholder for it
    renders the same input): not for a missing token or "NOTPROVIDED", rendered as nothing."""
    return bool(token) and str(token) != "NOTPROVIDED"


def escaped(value: Any) -> str:
    """`value` as `{{ value }}` or `{% csrf_token %}` put it in the page (strings only)."""
    return str(conditional_escape(str(value)))


class StandIn:
    """Stands in for the signed-in member (or the anonymous visitor) while a rendering is kept:
    signed in or not, and `name` where his name goes."""

    def __init__(self, authenticated: bool, name: str = "") -> None:
        self.is_authenticated = authenticated
        self.name = name

    def __str__(self) -> str:
        return self.name


class Fill:
    """Fills a kept rendering's placeholders in one pass: a value that happens to contain a
    placeholder (a path, a name) stays as it is."""

    def __init__(self, *placeholders: str) -> None:
        self._pattern = re.compile("|".join(re.escape(p) for p in placeholders))

    def __call__(self, kept: str, values: Mapping[str, str]) -> SafeString:
        filled = self._pattern.sub(lambda found: values[found.group(0)], kept)
        return mark_safe(filled)  # noqa: S308 (a template's output and escaped values)


def rendered(name: str, **values: Hashable) -> SafeString:
    """`name` rendered with `values` alone in the active language, kept by them (see above)."""
    html = _rendered(name, translation.get_language(), urls(), tuple(sorted(values.items())))
    return mark_safe(html)  # noqa: S308 (a template's output)


@lru_cache(maxsize=_CACHED)
def _rendered(
    name: str, language: str, urls: tuple[str, str, str], values: tuple[tuple[str, Hashable], ...]
) -> str:
    return render(name, dict(values), language=language)
