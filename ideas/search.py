"""Searching ideas: PostgreSQL full-text search in French and English, `icontains` elsewhere.

On PostgreSQL each idea has a stored `search_vector`, a generated column (migration 0008, not a
model field: the database computes it, Django never reads or writes it) built with the text
search configuration of the idea's language, `ruche_fr` or `ruche_en`: French or English
stemming with accents folded by `unaccent`, the title weighted above the body. A GIN index
serves `@@`. The visitor's words are parsed by `websearch_to_tsquery` (quotes, `or`, `-word`,
never a syntax error, nothing the visitor types reaches the SQL as SQL) in both configurations,
ORed, so "carte bancaire" finds French ideas by their French stems and English ideas by theirs.
Results are ranked by `ts_rank` and shown with `ts_headline` snippets, the matches marked.

On SQLite (local runs, most tests) search is `icontains` on the title and the body.
See docs/search.md.
"""

import re
from typing import Any

from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, Expression, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIGS = {"en": "ruche_en", "fr": "ruche_fr"}
# ts_headline marks matches with these; the snippet is escaped, then they become <mark>. They
# are control characters a form never lets through, so typed text cannot forge a <mark>.
_START, _STOP = "\x02", "\x03"


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


class StoredVector(Expression):
    """The idea table's `search_vector` column, which the model does not declare."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name('search_vector')}", []


class EitherLanguage(CombinedSearchQuery):
    """The English query OR the French one, but only one of them when both parse the same (most
    words stem alike, "mobile app" gives 'mobil' & 'app' twice): the planner counts an OR of two
    identical queries as matching twice as many ideas, which at 1,000,000 ideas made it walk the
    trending index for 'mobile app' (1.7 s) instead of reading its 7,550 matches from the search
    index. Both parses are immutable functions of constants: PostgreSQL folds the CASE when it
    plans, so the plan sees the deduplicated query."""

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> Any:
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        sql = f"(CASE WHEN {lhs} = {rhs} THEN {lhs} ELSE ({lhs} || {rhs}) END)"
        return sql, [*lhs_params, *rhs_params, *lhs_params, *lhs_params, *rhs_params]


def search_query(text: str) -> SearchQuery:
    english, french = (
        SearchQuery(text, config=CONFIGS[c], search_type="websearch") for c in CONFIGS
    )
    return EitherLanguage(english, SearchQuery.BITOR, french, None)  # type: ignore[return-value]


def _config_of_row() -> Expression:
    return Case(
        When(language="fr", then=Value(CONFIGS["fr"])),
        default=Value(CONFIGS["en"]),
    )


def ideas_matching(
    ideas: QuerySet[Any], text: str, *, best_of: int | None = None, compiled: bool = False
) -> QuerySet[Any]:
    """The ideas that match `text`, with `rank` (PostgreSQL: relevance; 0 elsewhere) and
    `headline` (PostgreSQL: a snippet of the body with the matches marked; "" elsewhere).

    `best_of`: rank only the `best_of` most trending matches (PostgreSQL), for a query known to
    match more than that (the list counts its matches first, up to that many). Ranking reads the
    stored vector of every match: a common word matches one idea in ten, and at 1,000,000 ideas
    ranking the 108,000 matches of "carte" read most of the table (1.9 s). Walking the trending
    index, the most trending matches come first and the walk stops at `best_of` (58 ms). A
    query with fewer matches is ranked whole, from the search index, as before: walking the
    trending index for it would read most of the table. The list shows at most that many
    results for a query anyway ("more than 1,000 ideas": ideas.selectors.SEARCH_COUNT_LIMIT).

    `compiled`: for a statement compiled once and run with other texts (ideas.search_rows), the
    text stays one parameter on SQLite too (the LIKE pattern escaped and wrapped in SQL, the
    same match), where the ORM otherwise sends it already wrapped in % signs."""
    if not full_text_available():
        pattern: Any = Value(text) if compiled else text
        matching = ideas.filter(Q(title__icontains=pattern) | Q(body__icontains=pattern))
        return matching.annotate(rank=Value(0.0), headline=Value(""))
    query = search_query(text)
    matching = ideas.filter(SearchVectorExact(StoredVector(), query))
    if best_of is not None:
        most_trending = matching.order_by("-trending_score", "-id").values("pk")[:best_of]
        matching = ideas.filter(pk__in=most_trending)
    return matching.annotate(
        # ts_rank is a `real`, printed rounded: as a double its value survives the round trip
        # through a page cursor exactly (ideas/pagination.py compares it again).
        rank=Cast(SearchRank(StoredVector(), query), output_field=FloatField()),
        headline=SearchHeadline(
            "body",
            query,
            config=_config_of_row(),
            start_sel=_START,
            stop_sel=_STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )


def highlighted(headline: str) -> SafeString:
    """The snippet as HTML: everything escaped, the matches in <mark>, always balanced (a stray
    marker typed into an idea can at worst mark a word, never open a tag)."""
    parts: list[str] = []
    open_mark = False
    for piece in re.split(f"([{_START}{_STOP}])", headline):
        if piece == _START and not open_mark:
            parts.append("<mark>")
            open_mark = True
        elif piece == _STOP and open_mark:
            parts.append("</mark>")
            open_mark = False
        elif piece not in (_START, _STOP):
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text went through escape()
