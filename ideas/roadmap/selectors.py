"""What the roadmap and the changelog show: public ideas by the official answer that put them
in their current status, newest first. Every read starts from the status changes (the
`statuschange_newest` index), never from the whole idea table."""

from dataclasses import dataclass

from django.db.models import F, QuerySet

from ideas.models import Status, StatusChange, public_q

# The roadmap's columns, in order; each shows its most recent ideas, the rest are one click away
# on the idea list filtered by that status.
ROADMAP_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.DONE)
COLUMN_LENGTH = 12


@dataclass(frozen=True)
class RoadmapColumn:
    status: Status
    answers: list[StatusChange]  # one per idea: the answer that moved it into this status


def current_answers(status: str) -> QuerySet[StatusChange]:
    """Official answers that moved a public idea into `status` where it still is, newest
    first. An idea moved back and forth has several: `_one_per_idea` keeps the newest."""
    return (
        StatusChange.objects.filter(public_q("idea__"), to_status=status)
        .filter(idea__status=F("to_status"))
        .select_related("idea__category", "changed_by")
        .order_by("-created_at", "-pk")
    )


def _one_per_idea(answers: list[StatusChange], limit: int) -> list[StatusChange]:
    seen: set[int] = set()
    kept = []
    for answer in answers:
        if answer.idea_id not in seen:
            seen.add(answer.idea_id)
            kept.append(answer)
    return kept[:limit]


def roadmap_columns() -> list[RoadmapColumn]:
    """One query per column. Twice the column's length is read so that ideas answered twice
    into the same status (moved back, then forward again) still fill the column."""
    columns = []
    for status in ROADMAP_STATUSES:
        newest = list(current_answers(status)[: 2 * COLUMN_LENGTH])
        columns.append(RoadmapColumn(status=status, answers=_one_per_idea(newest, COLUMN_LENGTH)))
    return columns


def adopted_ideas() -> QuerySet[StatusChange]:
    """The changelog: each idea that is done, with the answer that marked it done."""
    return current_answers(Status.DONE)
