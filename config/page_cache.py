"""Anonymous visitors' pages from the shared cache (Redis), answered before sessions, auth and CSRF.

What is cached: the pages whose view carries `@anonymous_page` (home, the idea list, an idea's
page, the leaderboard, the feeds), for GET requests that carry no session cookie, no messages
cookie, no `Authorization` and no `HX-Request` header, and only responses that are 200, set no
cookie and say nothing against caching. Key: scheme, host, full path with its query string and the
visitor's language (cookie or Accept-Language, as LocaleMiddleware decides). Each visitor still
gets their own CSRF token: pages are stored with a placeholder where the token goes, filled in
(and the CSRF cookie set when missing) on the way out, as CsrfViewMiddleware would.

Freshness, one mechanism: every entry holds the generation counter it was rendered under, and a
lookup reads the counter and the entry in one round trip (MGET); anything written to what is
public (an idea, a comment, an official answer, a category, a campaign, a member's name: see
`watch`) moves the counter, at once and again on commit, so a taken-down idea is gone from every
cached page on the next request. Counters and scores (vote and comment counts, trending) do not
move it: those are at most PAGE_CACHE_SECONDS old. docs/ranking.md#page-cache has the rest.

Fragments (`fragments`) are pieces of a page kept under the same rule, for every visitor signed
in or not: an idea's card (ideas.cards), an idea's text (ideas.idea_text), a comment
(community.comments.rows). Each holds the generation it was rendered under and is read with the
counter in one MGET, so a change that moves the counter retires every fragment with every page.
"""

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language, get_language_from_request

logger = logging.getLogger(__name__)
_M = TypeVar("_M", bound=models.Model)

GENERATION_KEY = "page-cache:generation"
# Where the CSRF token goes in a stored page: 64 letters, the length and alphabet of a real one.
CSRF_PLACEHOLDER = "PaGeCaChEcSrFpLaCeHoLdEr" + "x" * 40
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_NO_STORE = ("private", "no-store", "no-cache")
# Headers set again by outer middleware (request id, security) on every answer.
_NOT_REPLAYED = frozenset({"set-cookie", "content-length", "x-request-id"})


@dataclass
class _Pending:
    key: str
    generation: int | None
    wanted: bool = False  # set by @anonymous_page: this view's answer may be stored


def enabled() -> bool:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0)) > 0


# --- Invalidation -------------------------------------------------------------------------------


def _fresh_generation() -> int:
    """A starting value no page already stored can carry (random, so an evicted counter never
    comes back to an old value)."""
    return secrets.randbelow(2**62) + 1


def bump_generation() -> None:
    """Every cached page is stale from now on. Never raises: a cache outage leaves at most
    PAGE_CACHE_SECONDS of staleness, which is better than failing a take-down."""
    if not enabled():
        return
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no counter yet (first write, or evicted): any fresh value will do
            cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)
    except Exception:  # the cache is down: the TTL bounds what is stale
        logger.warning("page cache: could not move the generation", exc_info=True)


def public_content_changed() -> None:
    """Now (the change is on its way) and once committed (so that a page rendered meanwhile from
    the old rows carries an old generation and is never served)."""
    if not enabled():
        return
    bump_generation()
    transaction.on_commit(bump_generation)


def watch(model: type[models.Model], *, quiet_fields: Iterable[str] = ()) -> None:
    """Move the generation when `model` is saved or deleted, unless the save wrote only
    `quiet_fields` (counters, timestamps no page shows). Called from the apps' `ready()`;
    querysets' `.update()` go through PublicContentQuerySet."""
    quiet = frozenset(quiet_fields)

    def saved(sender: Any, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
        if update_fields and set(update_fields) <= quiet:
            return
        public_content_changed()

    def deleted(sender: Any, **kwargs: Any) -> None:
        public_content_changed()

    uid = f"page_cache:{model._meta.label}"
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=uid)


class PublicContentQuerySet(models.QuerySet[_M]):
    """`.update()` (and so `bulk_update`) sends no signal: it moves the generation itself, unless
    it writes only `page_cache_quiet_fields` (e.g. the vote count moved in the vote's UPDATE)."""

    page_cache_quiet_fields: frozenset[str] = frozenset()

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        if rows and not set(kwargs) <= self.page_cache_quiet_fields:
            public_content_changed()
        return rows


# --- Fragments ---------------------------------------------------------------------------------


def fragment_key(kind: str, version: str, pk: int, *parts: str) -> str:
    """Where the `kind` fragment of item `pk` is kept: by its template `version`, the active
    language and time zone and whatever else (`parts`) changes its HTML."""
    return fragment_key_prefix(kind, version, *parts) + str(pk)


def fragment_key_prefix(kind: str, version: str, *parts: str) -> str:
    """`fragment_key` without the item's id, to be read once for a page of items."""
    language, zone = get_language() or "", get_current_timezone_name()
    return ":".join(("fragment", kind, version, language, zone, *parts, ""))


def fragments(
    keys: Mapping[int, str], render_missing: Callable[[list[int], bool], Mapping[int, str]]
) -> dict[int, str]:
    """The HTML of each item of `keys` (item id: `fragment_key`), from the cache where it holds
    one under the current generation, and otherwise from `render_missing(ids, fresh)`, stored.

    `fresh` is True when what is rendered will be stored: it must then be rendered from rows
    read *now*, after the generation was read (a row read before it may predate a change whose
    bump this read already saw, and would be stored as fresh). When False (fragments off, cache
    down) the caller's rows will do."""
    generation, found = _fragments_get(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        rendered = render_missing(missing, generation is not None)
        stored = {keys[pk]: rendered[pk] for pk in missing}
        _fragments_set(generation, stored)
        found.update(stored)
    return {pk: found[key] for pk, key in keys.items()}


def _fragments_get(keys: Sequence[str]) -> tuple[int | None, dict[str, str]]:
    """The current generation and those of `keys` stored under it, in one round trip. The
    generation is None when fragments are off or the cache is down (nothing to store then);
    with no counter yet, one is started here, before the caller reads its rows."""
    if not enabled() or not keys:
        return None, {}
    try:
        found = cache.get_many([GENERATION_KEY, *keys])
    except Exception:  # no cache: render everything
        logger.warning("page cache: fragment lookup failed", exc_info=True)
        return None, {}
    generation = found.pop(GENERATION_KEY, None)
    if generation is None:
        try:
            return _generation_or_start(), {}
        except Exception:
            logger.warning("page cache: could not start the generation", exc_info=True)
            return None, {}
    return generation, {key: html for key, (at, html) in found.items() if at == generation}


def _fragments_set(generation: int | None, rendered: dict[str, str]) -> None:
    """Store fragments rendered under `generation` (from `_fragments_get`), for at most
    PAGE_CACHE_SECONDS: what they show of counters and relative dates is that old at worst."""
    if generation is None or not enabled() or not rendered:
        return
    try:
        cache.set_many(
            {key: (generation, html) for key, html in rendered.items()},
            timeout=settings.PAGE_CACHE_SECONDS,
        )
    except Exception:  # not stored: rendered again next time
        logger.warning("page cache: fragment store failed", exc_info=True)


def _generation_or_start() -> int | None:
    """The counter, started if there is none; add() so concurrent workers agree on one value."""
    cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
    generation: int | None = cache.get(GENERATION_KEY)
    return generation


# --- Serving ----------------------------------------------------------------------------------


def anonymous_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """This view's page is the same for every anonymous visitor (in one language), so it may be
    stored. Only marks the request: PageCacheMiddleware decides whether it is eligible and whether
    the response may be stored."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pending = getattr(request, "page_cache", None)
        if pending is not None:
            pending.wanted = True
        return view(request, *args, **kwargs)

    return wrapper


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor, after Django's own csrf one: a page that may be stored gets the
    placeholder instead of this visitor's token."""
    pending = getattr(request, "page_cache", None)
    if pending is not None and pending.wanted:
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


class PageCacheMiddleware:
    """Placed after SecurityMiddleware and WhiteNoise, before SessionMiddleware: a hit costs one
    Redis round trip and no session, user, CSRF check or template."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:  # no cache: render as if it were not there
            logger.warning("page cache: lookup failed", exc_info=True)
            return self.get_response(request)
        generation = found.get(GENERATION_KEY)
        entry = found.get(key)
        if entry is not None and generation is not None and entry[0] == generation:
            return self._hit(request, entry)
        request.page_cache = _Pending(key=key, generation=generation)  # type: ignore[attr-defined]
        response = self.get_response(request)
        pending: _Pending = request.page_cache  # type: ignore[attr-defined]
        if not pending.wanted:
            return response
        if self._storable(request, response):
            self._store(pending, response)
            response["X-Page-Cache"] = "miss"
        return self._personalise(request, response)

    def _key(self, request: HttpRequest) -> str | None:
        if not enabled() or request.method != "GET":
            return None
        cookies = request.COOKIES
        if (
            settings.SESSION_COOKIE_NAME in cookies
            or CookieStorage.cookie_name in cookies
            or "HTTP_AUTHORIZATION" in request.META
            or "HTTP_HX_REQUEST" in request.META
        ):
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # the full stack answers 400
        language = get_language_from_request(request)
        raw = "\n".join((request.scheme or "", host, language, request.get_full_path()))
        return "page-cache:" + hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        user = getattr(request, "user", None)
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in _NO_STORE)
            and (user is None or not user.is_authenticated)
        )

    @staticmethod
    def _store(pending: _Pending, response: HttpResponse) -> None:
        generation = pending.generation
        try:
            if generation is None:  # no counter yet: start one
                generation = _generation_or_start()
                if generation is None:
                    return
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _NOT_REPLAYED
            ]
            entry = (generation, response.status_code, headers, response.content)
            cache.set(pending.key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:  # not stored, the visitor still gets the page
            logger.warning("page cache: store failed", exc_info=True)

    def _hit(self, request: HttpRequest, entry: tuple[Any, ...]) -> HttpResponse:
        _generation, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        response["Content-Length"] = str(len(content))
        # No view ran: the request metrics resolve the URL for its name (config.ops.metrics).
        self.csrf.process_request(request)  # the visitor's CSRF cookie, if any and well formed
        return self._personalise(request, response)

    def _personalise(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """This visitor's CSRF token where the placeholder is, and their CSRF cookie if new."""
        if _PLACEHOLDER_BYTES in response.content:
            token = get_token(request).encode()
            response.content = response.content.replace(_PLACEHOLDER_BYTES, token)
            response["Content-Length"] = str(len(response.content))
            self.csrf.process_response(request, response)
        return response
