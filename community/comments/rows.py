"""The comments under an idea, each rendered once per comment, language and time zone and kept
as a fragment in the shared cache (config.page_cache: the same generation and TTL as the
anonymous pages, as ideas.cards does for idea cards), for every visitor.

A comment's fragment (community/_comment.html) holds nothing of the viewer: it has slots where
the viewer's part goes (community/_comment_viewer.html): their edit, delete, remove and report
buttons, the reply form, a moderator's restore and review buttons. The buttons and the reply
form are rendered once per page for a stand-in comment whose id is then replaced by each
comment's (the report form's fields alone cost 1 ms a comment when rendered for each); the
moderators' buttons, shown on the few removed or waiting comments, are rendered for each.

A fragment is served only under the generation it was rendered under, which any change to a
comment moves (config.page_cache.watch(Comment)): an edited or removed comment is never shown
from an older fragment. The comments missing are rendered from rows read again after the
generation was read (`selectors.comments_for_rows`).
"""

from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

from django.template import Context
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from accounts.roles import MODERATE_CONTENT
from community.comments.page_rows import CommentRow
from community.comments.selectors import comments_for_rows
from community.models import Comment
from config.kept import render_in
from config.page_cache import fragment_key, fragments

ROW_TEMPLATE = "community/_comment.html"
VIEWER_TEMPLATE = "community/_comment_viewer.html"
SLOTS = {part: f"<!--ruche:{part}-->" for part in ("restore", "pending", "actions", "reply")}
REPLIES = "<!--ruche:replies-->"
# A stand-in comment id rendered into the viewer's buttons once, then replaced by each comment's:
# digits only, so it survives escaping and URL reversing as it is; no real id is this long.
_PK = 9_070_605_040_302_011
_VERSION = "1"  # bump when the row's template changes what it needs


def comment_rows(comments: Iterable[Comment], *, context: Context) -> str:
    """The comments (top-level, each followed by its prefetched replies), in their order, with
    the viewer's part rendered in the page's template `context` (its request, user, idea,
    report form and restore actions: context processors run once for the page)."""
    tops = list(comments)
    rows = [row for top in tops for row in (top, *_replies(top))]
    if not rows:
        return ""
    by_pk = {row.pk: row for row in rows}
    found = fragments(
        {pk: _key(row) for pk, row in by_pk.items()},
        lambda pks, fresh: _render([by_pk[pk] for pk in pks], fresh=fresh),
    )
    viewer = _Viewer(context)
    html = []
    for top in tops:
        replies = "".join(viewer.fill(found[r.pk], r) for r in _replies(top))
        html.append(viewer.fill(found[top.pk], top).replace(REPLIES, replies, 1))
    return mark_safe("".join(html))  # noqa: S308 (rendered templates, escaped there)


def _replies(top: Any) -> Iterable[Any]:
    """A top-level comment's replies: prefetched on a Comment, listed on a CommentRow."""
    return top.replies if isinstance(top, CommentRow) else top.replies.all()


def _key(row: Comment) -> str:
    held = int(bool(getattr(row, "held", False)))  # whether this viewer may read it: per viewer
    return fragment_key("comment", _VERSION, row.pk, str(held))


def _render(rows: Sequence[Any], *, fresh: bool) -> dict[int, str]:
    """Each row without its viewer's part. `fresh`: the fragments will be stored, so they are
    rendered from rows read now, after the generation (the page's rows may predate it). Slim
    rows (page_rows.CommentRow) are always read again; one gone meanwhile shows nothing."""
    by_pk: dict[int, Any] = {row.pk: row for row in rows}
    if fresh or not all(isinstance(row, Comment) for row in rows):
        again = {row.pk: row for row in comments_for_rows(pks=list(by_pk))}
        for pk, row in by_pk.items():
            found = again.get(pk)
            if found is not None:
                found.held = getattr(row, "held", False)  # type: ignore[attr-defined]
            if found is not None or not isinstance(row, Comment):
                by_pk[pk] = found
    return {
        pk: render_to_string(ROW_TEMPLATE, {"comment": row}) if row is not None else ""
        for pk, row in by_pk.items()
    }


class _Viewer:
    """This request's part of each comment, each kind rendered once (then the id replaced)."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.user: Any = context["request"].user
        self.signed_in = bool(self.user.is_authenticated)
        self.moderator = self.signed_in and self.user.has_perm(MODERATE_CONTENT)
        self.user_pk = self.user.pk  # read once: the user is a lazy object, slow per comment
        self.rendered: dict[tuple[str, bool], str] = {}

    def fill(self, fragment: str, row: Comment) -> str:
        for part, slot in SLOTS.items():
            if slot in fragment:
                fragment = fragment.replace(slot, self.part(part, row), 1)
        return fragment

    def part(self, part: str, row: Comment) -> str:
        if not self.signed_in:  # a visitor has no buttons and no reply form
            return ""
        if part in ("restore", "pending"):  # moderators only, on few comments: for each
            return self._render(part, row) if self.moderator else ""
        own = part == "actions" and row.author_id == self.user_pk
        if (part, own) not in self.rendered:
            stand_in = SimpleNamespace(pk=_PK, author_id=self.user_pk if own else None)
            self.rendered[part, own] = self._render(part, stand_in)
        return self.rendered[part, own].replace(str(_PK), str(row.pk))

    def _render(self, part: str, comment: Any) -> str:
        return render_in(self.context, VIEWER_TEMPLATE, part=part, comment=comment)
