"""The privacy floor of the analytics, in plain Python (no Django): which cells of a breakdown
may be shown.

Every breakdown (by role, segment, category, campaign) is first counted per week and value: a
*base cell* holds how many things (ideas, votes...) and how many distinct members. Published
figures are sums of base cells, so anything a reader can work out by adding or subtracting them
(across tables, periods and filters) is a sum of base cells too. The rules keep every such sum
either empty or about at least `k` members:

1. In a week whose whole group counts fewer than `k` members, every value is hidden (zeros too:
   "nobody from X" would otherwise point at the others by elimination).
2. In any other week, a value with 0 < members < k is hidden, and so is (complementary
   suppression) the smallest other value, then the next, until the hidden values of that week
   together count at least `k` members. The week's total minus the values shown is then a group
   of at least `k`. The choice depends on that week alone, never on the period asked for, so
   two overlapping periods cannot hide different partners of the same small value.
3. A value is shown for a period only if it was shown in every week of the period.

Together (the sum of distinct members is exact when each member holds one value, e.g. a role
or an age band; where a member can be in several, e.g. categories, the largest single value is
the bound used, since a union has at least as many members as its largest part).
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum


@dataclass(frozen=True)
class Cell:
    count: int  # things counted: ideas, votes, comments, new members
    members: int  # distinct members behind them


class Hidden(Enum):
    SMALL = "small"  # the group itself counts fewer than k members
    COMPLEMENT = "complement"  # hidden so that a small group cannot be found by subtraction


@dataclass(frozen=True)
class Figure:
    """One published value: a number, or the reason it is hidden."""

    value: int | None
    hidden: Hidden | None = None

    @property
    def shown(self) -> bool:
        return self.hidden is None


def is_small(members: int, k: int) -> bool:
    return 0 < members < k


def hidden_in_week(
    cells: Mapping[Hashable, Cell], *, week_members: int, k: int, disjoint: bool
) -> dict[Hashable, Hidden]:
    """Rules 1 and 2 for one week: the values hidden that week, and why. `week_members` is the
    distinct members of the whole week (all values together)."""
    if is_small(week_members, k):
        return {key: Hidden.SMALL if cells[key].members else Hidden.COMPLEMENT for key in cells}
    hidden: dict[Hashable, Hidden] = {
        key: Hidden.SMALL for key, cell in cells.items() if is_small(cell.members, k)
    }
    if not hidden:
        return hidden

    def together() -> int:
        sizes = [cells[key].members for key in hidden]
        return sum(sizes) if disjoint else max(sizes)

    candidates = sorted(
        (key for key, cell in cells.items() if key not in hidden and cell.members > 0),
        key=lambda key: (cells[key].count, cells[key].members, str(key)),
    )
    for key in candidates:
        if together() >= k:
            break
        hidden[key] = Hidden.COMPLEMENT
    if together() < k:  # even all of them: the week as a whole is small (rule 1 by another way)
        hidden = {key: Hidden.SMALL if cells[key].members else Hidden.COMPLEMENT for key in cells}
    return hidden


def period_figures(
    grid: Mapping[date, Mapping[Hashable, Cell]],
    *,
    keys: Iterable[Hashable],
    week_members: Mapping[date, int],
    k: int,
    disjoint: bool,
) -> dict[Hashable, Figure]:
    """Rule 3: each key's figure over all the weeks of `grid` (week -> key -> cell; a missing
    key is an empty cell), hidden if it was hidden in any week."""
    keys = list(keys)
    hidden: dict[Hashable, Hidden] = {}
    totals = dict.fromkeys(keys, 0)
    for week, row in grid.items():
        cells = {key: row.get(key, Cell(0, 0)) for key in keys}
        for key, reason in hidden_in_week(
            cells, week_members=week_members.get(week, 0), k=k, disjoint=disjoint
        ).items():
            if hidden.get(key) is not Hidden.SMALL:
                hidden[key] = reason
        for key, cell in cells.items():
            totals[key] += cell.count
    return {
        key: Figure(None, hidden[key]) if key in hidden else Figure(totals[key]) for key in keys
    }


def single_figure(cell: Cell, *, k: int) -> Figure:
    """A figure about one group (a week of the site, a stage of the funnel, a quarter)."""
    return Figure(None, Hidden.SMALL) if is_small(cell.members, k) else Figure(cell.count)
