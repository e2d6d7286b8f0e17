"""The privacy floor's rules on grids of base cells (week × value), without Django.

The strongest check: publish, for every period of consecutive weeks, every figure the page
would show (each value's sum over the period when shown, the week's total when the weekly chart
shows it), and ask linear algebra whether any small base cell (0 < members < k) can be worked
out from them by adding and subtracting. It can when complementary suppression is left out
(the test proves it fails then), and cannot with the rules."""

import random
from datetime import date, timedelta

import numpy as np
import pytest

from community.analytics.privacy import (
    Cell,
    Hidden,
    hidden_in_week,
    period_figures,
    single_figure,
)

K = 10
WEEKS = [date(2026, 9, 7) + timedelta(weeks=n) for n in range(5)]


def test_a_small_value_and_its_only_complement_are_both_hidden():
    cells = {"25-34": Cell(12, 12), "65+": Cell(3, 3)}
    assert hidden_in_week(cells, week_members=15, k=K, disjoint=True) == {
        "65+": Hidden.SMALL,
        "25-34": Hidden.COMPLEMENT,
    }


def test_the_smallest_other_value_is_the_complement_and_the_rest_stay_shown():
    cells = {"a": Cell(40, 30), "b": Cell(11, 11), "c": Cell(3, 3), "d": Cell(0, 0)}
    hidden = hidden_in_week(cells, week_members=44, k=K, disjoint=True)
    assert hidden == {"c": Hidden.SMALL, "b": Hidden.COMPLEMENT}


def test_two_small_values_that_make_a_group_together_need_no_other():
    cells = {"a": Cell(40, 30), "b": Cell(6, 6), "c": Cell(5, 5)}
    assert hidden_in_week(cells, week_members=41, k=K, disjoint=True) == {
        "b": Hidden.SMALL,
        "c": Hidden.SMALL,
    }


def test_overlapping_values_count_the_largest_part_not_the_sum():
    """The same 6 people in two categories are 6 people, not 12: a third value must join."""
    cells = {"a": Cell(40, 30), "b": Cell(6, 6), "c": Cell(6, 6), "d": Cell(20, 12)}
    hidden = hidden_in_week(cells, week_members=30, k=K, disjoint=False)
    assert set(hidden) == {"b", "c", "d"}


def test_a_small_week_hides_every_value_even_the_zeros():
    cells = {"a": Cell(4, 4), "b": Cell(0, 0)}
    assert set(hidden_in_week(cells, week_members=4, k=K, disjoint=True)) == {"a", "b"}


def test_a_value_hidden_in_one_week_is_hidden_for_the_whole_period():
    grid = {
        WEEKS[0]: {"a": Cell(30, 20), "b": Cell(3, 3), "c": Cell(20, 15)},
        WEEKS[1]: {"a": Cell(30, 20), "b": Cell(30, 20), "c": Cell(20, 15)},
    }
    figures = period_figures(
        grid, keys="abc", week_members={WEEKS[0]: 38, WEEKS[1]: 55}, k=K, disjoint=True
    )
    assert figures["b"].hidden is Hidden.SMALL
    assert figures["c"].hidden is Hidden.COMPLEMENT  # the smaller partner in week 0
    assert figures["a"].value == 60


def test_a_single_figure_under_the_floor_is_hidden_and_zero_is_shown():
    assert single_figure(Cell(9, 9), k=K).hidden is Hidden.SMALL
    assert single_figure(Cell(25, 10), k=K).value == 25
    assert single_figure(Cell(0, 0), k=K).value == 0


# --- Differencing ---------------------------------------------------------------------------------


def random_grid(seed: int, keys: str) -> dict[date, dict[str, Cell]]:
    rng = random.Random(seed)
    grid: dict[date, dict[str, Cell]] = {}
    for week in WEEKS:
        row = {}
        for key in keys:
            members = rng.choice([0, 0, 1, 2, 3, 5, 8, 9, 10, 11, 14, 25, 40])
            row[key] = Cell(members + rng.randint(0, members), members)
        grid[week] = row
    return grid


def published_equations(grid, keys, *, complement=True):  # type: ignore[no-untyped-def]
    """Rows of coefficients over the base cells (week, key) for every figure published over
    every period of consecutive weeks, as the selectors publish them."""
    index = {(week, key): n for n, (week, key) in enumerate((w, k) for w in WEEKS for k in keys)}
    week_members = {week: sum(cell.members for cell in grid[week].values()) for week in WEEKS}
    equations = []
    for week in WEEKS:  # the weekly chart: the week's total unless the week is small
        if single_figure(Cell(0, week_members[week]), k=K).shown:
            row = np.zeros(len(index))
            for key in keys:
                row[index[(week, key)]] = 1
            equations.append(row)
    for first in range(len(WEEKS)):
        for last in range(first, len(WEEKS)):
            weeks = WEEKS[first : last + 1]
            sub = {week: grid[week] for week in weeks}
            if complement:
                figures = period_figures(
                    sub, keys=keys, week_members=week_members, k=K, disjoint=True
                )
                shown = [key for key in keys if figures[key].shown]
            else:  # the floor alone, cell by cell over the period: what the test must catch
                shown = [
                    key for key in keys if all(not 0 < sub[week][key].members < K for week in weeks)
                ]
            for key in shown:
                row = np.zeros(len(index))
                for week in weeks:
                    row[index[(week, key)]] = 1
                equations.append(row)
    return index, np.array(equations) if equations else np.zeros((0, len(index)))


def small_cells_found(grid, keys, *, complement=True):  # type: ignore[no-untyped-def]
    index, equations = published_equations(grid, keys, complement=complement)
    rank = np.linalg.matrix_rank(equations) if len(equations) else 0
    found = []
    for (week, key), position in index.items():
        if 0 < grid[week][key].members < K:
            unit = np.zeros(len(index))
            unit[position] = 1
            if np.linalg.matrix_rank(np.vstack([equations, unit])) == rank:
                found.append((week, key))
    return found


@pytest.mark.parametrize("seed", range(40))
def test_no_small_group_can_be_worked_out_from_every_period_and_value(seed):
    grid = random_grid(seed, "abcd")
    assert small_cells_found(grid, "abcd") == []


def test_the_differencing_check_finds_the_leak_without_complementary_suppression():
    leaks = [
        seed
        for seed in range(40)
        if small_cells_found(random_grid(seed, "abcd"), "abcd", complement=False)
    ]
    assert len(leaks) > 10  # the check can fail: the floor alone lets totals give cells away
