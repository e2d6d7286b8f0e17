"""The empty forms an idea page shows a signed-in member, kept rendered per process (config.kept):
the report form (community/_flag_form.html: under the idea, and in each comment's buttons) and
the comment form (community/_comment_form.html).

Rendering their fields (Django's form renderer: a template per widget, the reasons' select) cost
about a quarter of an average idea page's CPU for a member, for HTML that differs between members
only by the CSRF token and between ideas only by the form's address. So each is rendered once per
language and URLconf with stand-ins for the token and the idea's id (config.kept), then filled
per request in one pass, escaped as the template escapes them. A form that is not the empty one
(a bound form with errors, another form class) is rendered in the page's context as before, as
everything is with DEBUG on."""

from functools import lru_cache
from typing import Any

from django import forms
from django.template import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from community.comments.forms import CommentForm
from community.moderation.forms import FlagForm
from config import kept
from config.kept import render_in

FLAG_TEMPLATE = "community/_flag_form.html"
COMMENT_TEMPLATE = "community/_comment_form.html"
# Stand-ins: letters only (left as they are by autoescaping) for the token and the report form's
# address, digits only for the idea's id (left as they are by URL reversing); no real id is as
# long.
_CSRF = "PaGeFoRmCsRfxQzJv"
_ACTION = "PaGeFoRmAcTiOnxQzJv"
_PK = 9_070_605_040_302_012
_FILL_FLAG = kept.Fill(_CSRF, _ACTION)
_FILL_COMMENT = kept.Fill(_CSRF, str(_PK))


def flag_form(context: Context, action: str) -> SafeString:
    """`{% include "community/_flag_form.html" with action=action %}`, kept when the page's
    `flag_form` is the empty one (community.idea_page)."""
    token = _token(context)
    if token is None or not _empty(context.get("flag_form"), FlagForm, auto_id=False):
        return mark_safe(render_in(context, FLAG_TEMPLATE, action=action))  # noqa: S308 (a template's output)
    html = _kept_flag_form(get_language(), kept.urls())
    return _FILL_FLAG(html, {_CSRF: token, _ACTION: kept.escaped(action)})


def comment_form(context: Context, form: Any) -> SafeString:
    """`{% include "community/_comment_form.html" with form=form %}`, kept when `form` is the
    empty comment form under a public idea (a hidden or waiting one shows a notice instead)."""
    idea, token = context.get("idea"), _token(context)
    if (
        token is None
        or idea is None
        or idea.is_hidden
        or idea.is_pending
        or not _empty(form, CommentForm, auto_id="id_%s")
    ):
        return mark_safe(render_in(context, COMMENT_TEMPLATE, form=form))  # noqa: S308 (a template's output)
    html = _kept_comment_form(get_language(), kept.urls())
    return _FILL_COMMENT(html, {_CSRF: token, str(_PK): str(idea.pk)})


def _token(context: Context) -> str | None:
    """The page's CSRF token as `{% csrf_token %}` puts it in the page, or None where the forms
    cannot be kept (DEBUG, no autoescaping, no token)."""
    token = context.get("csrf_token")
    if not kept.on() or not context.autoescape or not kept.csrf_kept(token):
        return None
    return kept.escaped(token)


def _empty(form: Any, form_class: type[forms.Form], *, auto_id: str | bool) -> bool:
    """Whether `form` renders as `form_class(auto_id=auto_id)` does: that class exactly, unbound,
    with nothing given to it."""
    return (
        type(form) is form_class
        and not form.is_bound
        and form.auto_id == auto_id
        and not form.initial
        and form.prefix is None
    )


@lru_cache(maxsize=32)  # languages × URLconfs
def _kept_flag_form(language: str, urls: tuple[str, str, str]) -> str:
    values = {"flag_form": FlagForm(auto_id=False), "action": _ACTION, "csrf_token": _CSRF}
    return kept.render(FLAG_TEMPLATE, values, language=language)


@lru_cache(maxsize=32)
def _kept_comment_form(language: str, urls: tuple[str, str, str]) -> str:
    idea = _StandInIdea()
    values = {"form": CommentForm(), "idea": idea, "csrf_token": _CSRF}
    return kept.render(COMMENT_TEMPLATE, values, language=language)


class _StandInIdea:
    pk = _PK
    is_hidden = False
    is_pending = False
