"""Idea cards (the list, the home page, a member's or a campaign's ideas), each rendered once per
idea, language, time zone, heading level and search snippet and kept as a fragment in the shared
cache (config.page_cache: the same generation, the same TTL as the anonymous pages), for every
visitor, signed in or not.

A card's fragment holds nothing of the viewer: where the vote button goes it holds VOTE_SLOT.
The vote button (the viewer's vote, the count, the CSRF token, the page to come back to) is
rendered once per process, language, kind of visitor and state (voted or not) for stand-in ids,
counts, token and path (config.kept), then filled with this page's token and path and each card's
id and count in one pass (`_vote_box`), so a page of 20 cards costs one MGET and a pass over each
button once the fragments are warm.

Fresh where it matters: a fragment is served only under the generation it was rendered under,
which any public change moves (an edit, a take-down, an official answer, a name: see
config.page_cache.watch); the cards missing are rendered from rows read again after the
generation was read (`selectors.ideas_for_cards`). Vote counts are the page's own rows; the
comment count and the "3 hours ago" are as old as PAGE_CACHE_SECONDS at most, as on the
anonymous pages.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import Context
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from config import kept
from config.kept import render_in
from config.page_cache import fragment_key, fragment_key_prefix, fragments
from ideas import selectors
from ideas.models import Idea

CARD_TEMPLATE = "ideas/_idea_card.html"
VOTE_TEMPLATE = "ideas/_vote.html"
VOTE_SLOT = mark_safe("<!--ruche:vote-->")
# Stand-ins rendered into the vote button once, then replaced by each card's id and count:
# digits only, so they survive escaping and URL reversing as they are, and no real id is as long.
_PK = 9_070_605_040_302_010
_COUNT = 9_080_706_050_403_020
_VERSION = "1"  # bump when the card's template changes what it needs
# Where the vote button kept per process (config.kept) has the viewer's token and the page's path.
_CSRF = "VoTeBoXcSrFxQzJv"
_PATH = "VoTeBoXpAtHxQzJv"
_FILL = kept.Fill(_CSRF, _PATH, str(_PK), str(_COUNT))  # one pass: a path keeps its digits


def idea_cards(ideas: Iterable[Any], *, context: Context, heading_level: str = "3") -> str:
    """The cards of `ideas`, in their order, with this viewer's vote buttons, rendered in the
    page's template `context` (its request, user, CSRF token: context processors run once)."""
    ideas = list(ideas)
    if not ideas:
        return ""
    by_pk = {idea.pk: idea for idea in ideas}
    prefix = fragment_key_prefix("card", _VERSION, heading_level)  # language, zone: read once
    found = fragments(
        {pk: _key(idea, heading_level, prefix) for pk, idea in by_pk.items()},
        lambda pks, fresh: _render([by_pk[pk] for pk in pks], heading_level, fresh=fresh),
    )
    vote_box = _vote_box(context)
    cards = [found[idea.pk].replace(VOTE_SLOT, vote_box(idea), 1) for idea in ideas]
    return mark_safe("".join(cards))  # noqa: S308 (rendered templates, escaped there)


def _key(idea: Any, heading_level: str, prefix: str) -> str:
    snippet = getattr(idea, "snippet", None)
    if snippet:  # a search result's highlighted extract belongs to the query
        digest = hashlib.blake2b(str(snippet).encode(), digest_size=8).hexdigest()
        return fragment_key("card", _VERSION, idea.pk, heading_level, digest)
    return prefix + str(idea.pk)


def _render(ideas: Sequence[Any], heading_level: str, *, fresh: bool) -> dict[int, str]:
    """Each card without its vote button. `fresh`: the fragments will be stored, so they are
    rendered from rows read now, after the generation (the page's rows may predate it). Rows
    that are not ideas (ideas.list_rows.IdeaRow: a list's page read for its fragments) are
    always read again; one gone meanwhile gets no card."""
    rows: dict[int, Any] = {idea.pk: idea for idea in ideas}
    whole = all(isinstance(idea, Idea) for idea in ideas)
    if not fresh and whole:  # nothing stored: the page's rows, with what `person` shows of each
        prefetch_related_objects(list(rows.values()), *selectors.CARD_PEOPLE)
    else:
        reread = {row.pk: row for row in selectors.ideas_for_cards(pks=list(rows))}
        for pk, idea in rows.items():
            row = reread.get(pk)
            if row is not None:
                row.snippet = getattr(idea, "snippet", None)  # type: ignore[attr-defined]
            rows[pk] = row if row is not None or isinstance(idea, Idea) else None
    return {
        idea.pk: render_to_string(
            CARD_TEMPLATE,
            {"idea": rows[idea.pk], "heading_level": heading_level, "vote_slot": VOTE_SLOT},
        )
        if rows[idea.pk] is not None
        else ""
        for idea in ideas
    }


def _vote_box(context: Context) -> Callable[[Any], str]:
    """Each idea's vote button, for this viewer and page: the button kept per process by
    language and kind of visitor (config.kept) with this viewer's CSRF token, this page's path,
    the idea's id and count filled in one pass; rendered in the page's context where it cannot
    be kept."""
    request, user, token = context.get("request"), context.get("user"), context.get("csrf_token")
    signed_in = user is not None and bool(user.is_authenticated)
    if (
        not kept.on()
        or request is None
        or user is None
        or not context.autoescape
        or (signed_in and not kept.csrf_kept(token))
    ):
        return lambda idea: render_in(context, VOTE_TEMPLATE, idea=idea)
    path = request.get_full_path()
    page = {  # as the template escapes them: `{{ request.get_full_path }}`, `|urlencode` for
        _CSRF: kept.escaped(token),  # visitors (a link), and `{% csrf_token %}`
        _PATH: kept.escaped(path if signed_in else urlencode(path)),
    }
    language, urls = get_language(), kept.urls()

    def box(idea: Any) -> str:
        voted = bool(getattr(idea, "viewer_voted", False))
        return _filled(_kept_vote_box(language, signed_in, voted, urls), page, idea)

    return box


def _filled(box: str, page: dict[str, str], idea: Any) -> str:
    return _FILL(box, {**page, str(_PK): str(idea.pk), str(_COUNT): str(idea.vote_count)})


def _stand_in(voted: bool) -> Any:
    return SimpleNamespace(pk=_PK, vote_count=_COUNT, viewer_voted=voted)


@lru_cache(maxsize=64)  # languages × signed in or not × voted or not
def _kept_vote_box(language: str, signed_in: bool, voted: bool, urls: tuple[str, str, str]) -> str:
    request = SimpleNamespace(get_full_path=lambda: _PATH)
    values = {
        "idea": _stand_in(voted),
        "user": kept.StandIn(signed_in),
        "csrf_token": _CSRF,
        "request": request,
    }
    return kept.render(VOTE_TEMPLATE, values, language=language)


def vote_button(request: HttpRequest, idea: Any) -> str:
    """The signed-in member's vote button for `idea` (`idea.viewer_voted`, `idea.vote_count`)
    as `_vote.html` renders it in `request` (what the vote's htmx answer swaps in): the pages'
    kept button (`_kept_vote_box`) with this request's CSRF token and page, the id and the
    count filled in, so a vote renders no template."""
    if not kept.on():
        return render_to_string(VOTE_TEMPLATE, {"idea": idea}, request=request)
    voted = bool(getattr(idea, "viewer_voted", False))
    box = _kept_vote_box(get_language(), True, voted, kept.urls())
    page = {_CSRF: kept.escaped(get_token(request)), _PATH: kept.escaped(request.get_full_path())}
    return _filled(box, page, idea)
