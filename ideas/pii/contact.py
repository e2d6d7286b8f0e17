"""Phone numbers (French, UK, international with +) and e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ideas.pii.common import (
    Span,
    after_decimal_point,
    followed_by_amount,
    preceded_by_reference,
)

_END = r"(?![\w])(?![.,/][0-9])"

# French: 0X XX XX XX XX (one consistent separator: space, dot, dash or none), +33 / 0033 X ...
_FRENCH = re.compile(r"(?<![\w+])0[1-9](?P<s>[ \u00a0.-]?)[0-9]{2}(?:(?P=s)[0-9]{2}){3}" + _END)
_FRENCH_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?:\+|00)33[ \u00a0.-]?(?:\(0\)[ \u00a0]?)?"
    r"[1-9](?P<s>[ \u00a0.-]?)[0-9]{2}(?:(?P=s)[0-9]{2}){3}" + _END
)
# UK: mobiles 07xxx xxxxxx and geographic 01/02/03 numbers, 11 digits in the usual groupings.
_UK_MOBILE = re.compile(r"(?<![\w+])07[0-9]{3}[ \u00a0]?[0-9]{3}[ \u00a0]?[0-9]{3}" + _END)
_UK_LANDLINE = re.compile(
    r"(?<![\w+])0[1-3][0-9]{1,3}[ \u00a0]?[0-9]{3,4}[ \u00a0]?[0-9]{3,4}" + _END
)
_UK_DIGITS = 11
# E.164 with a +: 8–15 digits, one optional separator (or bracket) before each digit.
_INTERNATIONAL = re.compile(r"(?<![\w+(])\(?\+[1-9](?:[ \u00a0.-]?\(?[0-9]\)?){7,14}" + _END)
_THOUSANDS_GROUP = 3

# "@" and "." may be spelt out the way people dodge spam robots: "jean [at] gmail [dot] com".
_AT = r"(?:@|[ \u00a0]?[\[(](?i:at|arobase)[\])][ \u00a0]?)"
_DOT = r"(?:\.|[ \u00a0]?[\[(](?i:dot|point)[\])][ \u00a0]?)"
_EMAIL = re.compile(
    rf"(?<![\w.%+-])[\w.%+-]{{1,64}}{_AT}"
    rf"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?{_DOT}){{1,8}}"
    r"(?P<tld>[A-Za-z]{2,24})(?![\w-])"
)
# "logo@2x.png" is a file name, not an address.
_FILE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "pdf", "docx", "xlsx", "csv", "txt", "zip"}
)


def find_phones(text: str) -> Iterator[Span]:
    """Phone numbers, except amounts, decimals and labelled order/ticket/reference numbers."""
    for pattern in (_FRENCH, _FRENCH_INTERNATIONAL, _UK_MOBILE, _UK_LANDLINE, _INTERNATIONAL):
        for match in pattern.finditer(text):
            start, end = match.span()
            if pattern is _UK_LANDLINE and _digit_count(match.group()) != _UK_DIGITS:
                continue
            if pattern is _INTERNATIONAL:
                start, end = _without_outer_brackets(text, start, end)
                if not _looks_international(text[start:end]):
                    continue
            if followed_by_amount(text, end) or after_decimal_point(text, start):
                continue
            if preceded_by_reference(text, start):
                continue
            yield start, end


def _digit_count(candidate: str) -> int:
    return sum(c.isdigit() for c in candidate)


def _without_outer_brackets(text: str, start: int, end: int) -> Span:
    """ "(+33 6 12 34 56 78)" -> the number inside; "(+49) 30 901820" keeps its brackets."""
    candidate = text[start:end]
    if candidate.startswith("(") and candidate.endswith(")") and _balanced(candidate[1:-1]):
        return start + 1, end - 1
    opened, closed = candidate.count("("), candidate.count(")")
    if candidate.startswith("(") and opened > closed:
        start += 1
    elif candidate.endswith(")") and closed > opened:
        end -= 1
    return start, end


def _balanced(candidate: str) -> bool:
    depth = 0
    for char in candidate:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth not in (0, 1):
            return False
    return depth == 0


def _looks_international(candidate: str) -> bool:
    if not _balanced(candidate) or candidate.count("(") > 1:
        return False
    groups = [g for g in re.split(r"[^0-9]+", candidate) if g]
    # "+12 000 000" is an amount written with thousands separators, not a phone number.
    return not (len(groups) >= 3 and all(len(g) == _THOUSANDS_GROUP for g in groups[1:]))


def find_emails(text: str) -> Iterator[Span]:
    """E-mail addresses (local part @ domain with a letters-only top-level domain)."""
    for match in _EMAIL.finditer(text):
        if match.group("tld").lower() not in _FILE_EXTENSIONS:
            yield match.span()
