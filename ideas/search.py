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


def search_query(text: str) -> SearchQuery:
    english, french = (
        SearchQuery(text, config=CONFIGS[c], search_type="websearch") for c in CONFIGS
    )
    return english | french


def _config_of_row() -> Expression:
    return Case(
        When(language="fr", then=Value(CONFIGS["fr"])),
        default=Value(CONFIGS["en"]),
    )


def ideas_matching(ideas: QuerySet[Any], text: str) -> QuerySet[Any]:
    """The ideas that match `text`, with `rank` (PostgreSQL: relevance; 0 elsewhere) and
    `headline` (PostgreSQL: a snippet of the body with the matches marked; "" elsewhere)."""
    if not full_text_available():
        matching = ideas.filter(Q(title__icontains=text) | Q(body__icontains=text))
        return matching.annotate(rank=Value(0.0), headline=Value(""))
    query = search_query(text)
    return ideas.filter(SearchVectorExact(StoredVector(), query)).annotate(
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
