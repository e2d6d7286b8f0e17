"""Keyset pagination: a page starts right after (or ends right before) the last row seen.

With OFFSET, page 500 of a list sorts and skips 10,000 rows (40–64 MB sorts spilled to disk at
100,000 ideas); here every page is a range scan of an index in the sort's order, as cheap as the
first. Each sort is a tuple of columns, all descending, ending with the primary key so the
order is total; a cursor holds the sort values of one row, and the next page is the rows whose
tuple compares below it: `WHERE (trending_score, id) < (%s, %s)`, a row comparison that
PostgreSQL and SQLite both evaluate, and that PostgreSQL turns into an index range.

A score that moves between two page loads (a vote, the trending refresh) can make a row appear
twice or be skipped across pages: the usual price of keyset pagination on a live list.
"""

import base64
import binascii
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, DateTimeField, Expression, F, QuerySet, Value

# Cursor values are tagged with their type so a cursor decodes without knowing the sort.
_ENCODERS: dict[type, tuple[str, Any]] = {
    float: ("f", float),
    int: ("i", int),
    datetime: ("d", datetime.isoformat),
}
_DECODERS: dict[str, Any] = {"f": float, "i": int, "d": datetime.fromisoformat}


class RowCompare(Expression):
    """`(col1, col2, …) < (v1, v2, …)` (or `>`), a condition usable in `.filter()`."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, fields: Sequence[str], operator: str, values: Sequence[Any]) -> None:
        super().__init__()
        if operator not in ("<", ">") or len(fields) != len(values):
            raise ValueError("RowCompare needs < or > and one value per field")
        self.operator = operator
        self.width = len(fields)
        self.lhs: list[Any] = [F(name) for name in fields]
        self.rhs: list[Any] = [
            Value(v, output_field=DateTimeField()) if isinstance(v, datetime) else Value(v)
            for v in values
        ]

    def get_source_expressions(self) -> list[Any]:
        return [*self.lhs, *self.rhs]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.lhs, self.rhs = list(exprs[: self.width]), list(exprs[self.width :])

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sides, params = [], []
        for side in (self.lhs, self.rhs):
            parts = []
            for expression in side:
                sql, more = compiler.compile(expression)
                parts.append(sql)
                params.extend(more)
            sides.append("(" + ", ".join(parts) + ")")
        return f"{sides[0]} {self.operator} {sides[1]}", params


def encode_cursor(values: Sequence[Any]) -> str:
    tagged = []
    for value in values:
        tag, encode = _ENCODERS[type(value)]
        tagged.append([tag, encode(value)])
    raw = json.dumps(tagged, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# What each sort key holds (ideas.selectors.LIST_ORDERINGS): a cursor value of another type
# would be compared with the column by the database ("timestamp < numeric": an error, not a
# page). A key missing here is checked for its count only.
KEY_TYPES: dict[str, type] = {
    "id": int,
    "pk": int,
    "vote_count": int,
    "trending_score": float,
    "rank": float,
    "created_at": datetime,
}
_BIGINT = 2**63


def decode_cursor(token: str, *, keys: Sequence[str]) -> list[Any]:
    """The values in a cursor for the order `keys`, or ValueError for anything that is not one
    of ours: not base64 JSON, another number of values, a value of another type than its key
    holds, an integer beyond the database's, an infinite number, a time without a zone."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        tagged = json.loads(raw)
        values = [_DECODERS[tag](value) for tag, value in tagged]
    except (
        binascii.Error,
        ValueError,
        TypeError,
        KeyError,
        UnicodeDecodeError,
        OverflowError,  # ["i", 1e400]: int(inf)
        RecursionError,
    ) as error:
        raise ValueError("not a page cursor") from error
    if len(values) != len(keys):
        raise ValueError("not a page cursor for this order")
    for key, value in zip(keys, values, strict=True):
        expected = KEY_TYPES.get(key)
        if expected is not None and type(value) is not expected:
            raise ValueError(f"{key} is not a {expected.__name__} in this cursor")
        if isinstance(value, int) and not -_BIGINT <= value < _BIGINT:
            raise ValueError("cursor number out of range")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("cursor number out of range")
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("cursor times carry their time zone")
    return values


@dataclass
class KeysetPage:
    object_list: list[Any]
    next_cursor: str = ""
    previous_cursor: str = ""
    first: bool = True
    keys: tuple[str, ...] = field(default=())

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _key_of(row: Any, keys: Sequence[str]) -> list[Any]:
    return [row.pk if key in ("id", "pk") else getattr(row, key) for key in keys]


def keyset_page(
    queryset: QuerySet[Any],
    *,
    keys: Sequence[str],
    per_page: int,
    after: str = "",
    before: str = "",
) -> KeysetPage:
    """One page of `queryset` in the order of `keys`, all descending (the queryset's own
    ordering is replaced). `after`/`before` are cursors from a previous page; a cursor that does
    not decode gives the first page (like a bad filter value)."""
    keys = tuple(keys)

    def fetch(operator: str, values: Sequence[Any], limit: int) -> list[Any]:
        rows = queryset.filter(RowCompare(keys, operator, values)) if operator else queryset
        order = list(keys) if operator == ">" else [f"-{key}" for key in keys]
        return list(rows.order_by(*order)[:limit])

    return keyset_fetch(fetch, keys=keys, per_page=per_page, after=after, before=before)


# fetch(operator, cursor values, limit): at most `limit` rows, those whose keys compare
# `operator` ("<", ">", or "" for no cursor) to the values, in descending order of the keys,
# or ascending for ">" (the rows just above the cursor).
Fetch = Callable[[str, Sequence[Any], int], list[Any]]


def keyset_fetch(
    fetch: Fetch, *, keys: Sequence[str], per_page: int, after: str = "", before: str = ""
) -> KeysetPage:
    """keyset_page for rows read by `fetch` (e.g. a statement compiled once, ideas.list_rows):
    the cursors decoded, the page's rows and its cursors built from them."""
    keys = tuple(keys)
    direction, values = "", None
    for token, name in ((after, "after"), (before, "before")):
        if token:
            try:
                values = decode_cursor(token, keys=keys)
            except ValueError:
                continue
            direction = name
            break
    if direction == "before" and values is not None:
        rows = fetch(">", values, per_page + 1)
        more_before = len(rows) > per_page
        rows = rows[:per_page][::-1]
        return KeysetPage(
            rows,
            next_cursor=encode_cursor(_key_of(rows[-1], keys)) if rows else "",
            previous_cursor=encode_cursor(_key_of(rows[0], keys)) if rows and more_before else "",
            first=not more_before,
            keys=keys,
        )
    started_after = direction == "after" and values is not None
    rows = fetch("<", values or (), per_page + 1) if started_after else fetch("", (), per_page + 1)
    more_after = len(rows) > per_page
    rows = rows[:per_page]
    return KeysetPage(
        rows,
        next_cursor=encode_cursor(_key_of(rows[-1], keys)) if rows and more_after else "",
        previous_cursor=encode_cursor(_key_of(rows[0], keys)) if rows and started_after else "",
        first=not started_after,
        keys=keys,
    )
