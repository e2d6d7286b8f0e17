"""An idea page's own text: the byline, the body, "merged from" and the status history, rendered
once per idea, language and time zone and kept as a fragment in the shared cache
(config.page_cache: the same generation and TTL as the cards, ideas/cards.py), for every visitor
who may open the page. The access rule runs before (selectors.idea_get_for_user): a fragment is
only ever served on a page its viewer may see.

The fragment holds nothing of the viewer: where the report form goes (members other than the
author) it holds FLAG_SLOT, filled in per request. On a warm page the history, the merged ideas
and the author's staff role and badges are not read at all (they are lazy until rendered).

Fresh where it matters: an edit, a take-down, an official answer, a merge or a renamed author
moves the generation (config.page_cache.watch), and a text missing is rendered from the idea read
again after the generation was read, as the cards are.
"""

from typing import Any

from django.db.models import prefetch_related_objects
from django.template import Context
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from config.kept import render_in
from config.page_cache import fragment_key, fragments
from ideas import selectors
from ideas.models import Idea, Status

TEXT_TEMPLATE = "ideas/_idea_text.html"
FLAG_TEMPLATE = "ideas/_idea_flag.html"
FLAG_SLOT = mark_safe("<!--ruche:flag-->")
_VERSION = "1"  # bump when _idea_text.html changes what it needs


def idea_text(idea: Idea, *, context: Context) -> str:
    """The idea's text and history with this viewer's report form, rendered in the page's
    `context` (its `history` and `merged_from` querysets are read only if the text is missing)."""
    text = fragments(
        {idea.pk: fragment_key("idea", _VERSION, idea.pk)},
        lambda _, fresh: {idea.pk: _render(idea, context=context, fresh=fresh)},
    )[idea.pk]
    flag = render_in(context, FLAG_TEMPLATE, idea=idea)
    return mark_safe(text.replace(FLAG_SLOT, flag, 1))  # noqa: S308 (rendered templates, escaped there)


def _render(idea: Idea, *, context: Context, fresh: bool) -> str:
    """`fresh`: the text will be stored, so it is rendered from the idea read now, after the
    generation (the page's row may predate it); the history and merged ideas are read now."""
    row: Any = idea
    if fresh:
        row = selectors.idea_for_text(pk=idea.pk) or idea
    else:  # nothing stored: the page's row, with what `person` shows of its author
        prefetch_related_objects([row], *selectors.CARD_PEOPLE)
    history, merged_from = context.get("history"), context.get("merged_from")
    return render_to_string(
        TEXT_TEMPLATE,
        {
            "idea": row,
            "history": selectors.idea_status_history(idea=row) if history is None else history,
            "merged_from": (
                selectors.ideas_merged_into(idea=row) if merged_from is None else merged_from
            ),
            "new_label": Status.NEW.label,
            "flag_slot": FLAG_SLOT,
        },
    )
