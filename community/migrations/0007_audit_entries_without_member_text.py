"""Strip what members wrote, or called themselves, from the audit entries written before the log
kept only ids (security issue #11, finding 8): the log outlives the right to erasure.

- A comment removed by a moderator: its text becomes its length (`body_length`).
- Merges: the ideas' titles leave `before`/`after` (their ids stay).
- Summaries: an idea's title, quoted after its number ("#12 “…”", "n° 12 « … »"), goes; a
  member's name in a sanction or role change becomes their account number, as in new entries.

What staff typed (reasons, notes, official responses) stays. Not reversible: the text is gone.
"""

import re
from typing import Any

from django.db import migrations

BATCH = 500
_COMMENT_REMOVE = "comment_remove"
_MERGE = "idea_merge"
_TITLED = {
    "idea_hide",
    "idea_restore",
    "comment_hide",
    "comment_restore",
    "flags_dismiss",
    "idea_approve",
    "idea_merge",
    "votes_discount",
    "votes_restore",
    "vote_ring_dismiss",
}
_NAMED = {"member_suspend", "member_ban", "member_reinstate", "role_change"}

# The closing quote of a title is the one the summary's own words follow: ":" or ". Motif", the
# end, " into #", " avec l’idée".
_CLOSE = r"(?=:|\.|\s*$| into #| avec )"
# A quoted title right after an idea's number ("idea #12 “…”", "idée n° 12 « … »").
_TITLE = re.compile(r"(#|n° )(\d+) (?:“.*?”|« .*? »)" + _CLOSE)
# A comment named with its idea's title ("comment #5 on “…”", "commentaire n° 5 sur « … »").
_COMMENT_TITLE = re.compile(r"(comment #|commentaire n° )(\d+) (?:on “.*?”|sur « .*? »)" + _CLOSE)
# A summary cut at 300 characters may have lost the closing quote: the rest goes.
_CUT_TITLE = re.compile(r"(#|n° )(\d+) (?:on |sur )?[“«].*$")

# (pattern, replacement with {pk}) for the summaries that named a member, English and French.
_NAMES = {
    "member_suspend": [
        (r"^Suspended .+? until ", "Suspended member #{pk} until "),
        (r"^Suspension de .+? jusqu’au ", "Suspension du membre n° {pk} jusqu’au "),
    ],
    "member_ban": [
        (r"^Banned .+?: ", "Banned member #{pk}: "),
        (r"^Bannissement de .+?\. Motif : ", "Bannissement du membre n° {pk}. Motif : "),
    ],
    "member_reinstate": [
        (r"^Reinstated .+?: ", "Reinstated member #{pk}: "),
        (r"^Réintégration de .+?\. Motif : ", "Réintégration du membre n° {pk}. Motif : "),
    ],
    "role_change": [
        (r"^Roles of .+?: ", "Roles of user #{pk}: "),
        (r"^Rôles de .+? : ", "Rôles de l’utilisateur n° {pk} : "),
    ],
}


def _comment_on_idea(match: re.Match[str], idea_of: dict[int, int]) -> str:
    label, pk = match.group(1), int(match.group(2))
    idea = idea_of.get(pk)
    if idea is None:  # the comment is gone: its number alone
        return f"{label}{pk}"
    on = " on idea #" if label == "comment #" else " sur l’idée n° "
    return f"{label}{pk}{on}{idea}"


def summary_without_member_text(
    action: str, summary: str, target_id: int, idea_of: dict[int, int] | None = None
) -> str:
    """`summary` without titles or member names; `idea_of` maps comment ids to their ideas."""
    if action in _TITLED:
        summary = _COMMENT_TITLE.sub(lambda m: _comment_on_idea(m, idea_of or {}), summary)
        summary = _TITLE.sub(r"\1\2", summary)
        summary = _CUT_TITLE.sub(r"\1\2", summary)
    if action in _NAMED:
        for pattern, replacement in _NAMES[action]:
            if re.match(pattern, summary, flags=re.DOTALL):
                pk = str(target_id)
                return re.sub(pattern, replacement.replace("{pk}", pk), summary, count=1)
        already = ("member #", "membre n° ", "user #", "utilisateur n° ")
        if not any(word in summary for word in already):
            return f"#{target_id}"  # a format this migration does not know: keep nothing
    return summary


def _without_titles(side: Any) -> Any:
    if isinstance(side, dict) and "title" in side:
        return {key: value for key, value in side.items() if key != "title"}
    return side


def _stripped(entry: Any, idea_of: dict[int, int]) -> bool:
    """Strip `entry` in place; returns whether it changed."""
    before, after = dict(entry.before or {}), dict(entry.after or {})
    if entry.action == _COMMENT_REMOVE and "body" in before:
        before["body_length"] = len(before.pop("body") or "")
    if entry.action == _MERGE:
        for state in (before, after):
            for side in ("source", "target"):
                if side in state:
                    state[side] = _without_titles(state[side])
    summary = summary_without_member_text(entry.action, entry.summary, entry.target_id, idea_of)
    if (summary, before, after) == (entry.summary, entry.before, entry.after):
        return False
    entry.summary, entry.before, entry.after = summary, before, after
    return True


def strip_member_text(apps: Any, schema_editor: Any) -> None:
    AuditEntry = apps.get_model("community", "AuditEntry")
    Comment = apps.get_model("community", "Comment")
    pks = list(
        AuditEntry.objects.filter(action__in=_TITLED | _NAMED | {_COMMENT_REMOVE})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(pks), BATCH):
        entries = list(AuditEntry.objects.filter(pk__in=pks[start : start + BATCH]))
        comment_ids = [e.target_id for e in entries if e.target_type == "comment"]
        idea_of = dict(Comment.objects.filter(pk__in=comment_ids).values_list("pk", "idea_id"))
        changed = [entry for entry in entries if _stripped(entry, idea_of)]
        AuditEntry.objects.bulk_update(changed, ["summary", "before", "after"])


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0006_complaint_cases"),
    ]

    operations = [
        migrations.RunPython(strip_member_text, migrations.RunPython.noop, elidable=True),
    ]
