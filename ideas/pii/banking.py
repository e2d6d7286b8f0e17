"""Payment cards, IBANs and account numbers (French RIB, labelled numbers, UK sort codes)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ideas.pii.checks import (
    IBAN_LENGTHS,
    IBAN_MAX_LENGTH,
    IBAN_MIN_LENGTH,
    iban_valid,
    luhn_valid,
    rib_valid,
)
from ideas.pii.common import Span, follows_a_digit_group

_SEP = "[ \u00a0\u202f-]"

# 13–19 digits, written in one block or in the groupings printed on cards: 4-4-4-4 (+1..3),
# 4-4-4-1..4, and 4-6-5 / 4-6-4 (American Express, Diners). Issuer numbers start with 2–6
# (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay/Maestro 6).
_CARD = re.compile(
    r"(?<![\w.,])(?:"
    rf"[2-6][0-9]{{3}}(?P<a>{_SEP})[0-9]{{4}}(?P=a)[0-9]{{4}}(?P=a)[0-9]{{1,4}}"
    r"(?:(?P=a)[0-9]{1,3})?"
    rf"|[2-6][0-9]{{3}}(?P<b>{_SEP})[0-9]{{6}}(?P=b)[0-9]{{4,5}}"
    r"|[2-6][0-9]{12,18}"
    r")(?![\w])(?![.,][0-9])"
)

# Country code, check digits, then 11–30 letters or digits, each optionally after one separator.
# Where the IBAN ends is decided in code from the country's length, not by the pattern.
_IBAN_CANDIDATE = re.compile(r"(?<![\w])[A-Za-z]{2}[0-9]{2}(?:[ \u00a0-]?[A-Za-z0-9]){11,30}")

# French RIB: bank (5) branch (5) account (11, letters allowed) key (2), one consistent separator.
_RIB = re.compile(
    r"(?<![\w])([0-9]{5})([ \u00a0-]?)([0-9]{5})\2([0-9A-Za-z]{11})\2([0-9]{2})(?![\w])"
)

_ACCOUNT_LABEL = (
    r"(?:num[ée]ro[ \u00a0]{1,3}de[ \u00a0]{1,3}compte(?:[ \u00a0]{1,3}bancaire)?"
    r"|n[°o]\.?[ \u00a0]{0,3}de[ \u00a0]{1,3}compte"
    r"|compte(?:[ \u00a0]{1,3}(?:bancaire|courant|joint|ch[eè]ques?|d'[ée]pargne|[ée]pargne))?"
    r"[ \u00a0]{0,3}(?:n[°o]\.?|num[ée]ro|#|:)"
    r"|compte[ \u00a0]{1,3}(?:bancaire|courant|joint)"
    r"|(?:bank[ \u00a0]{1,3})?account[ \u00a0]{0,3}(?:number|no\.?|n[°o]|num\.?|#|:)"
    r"|acc(?:oun)?t\.?[ \u00a0]{0,3}(?:no\.?|#|:)"
    r"|a/c[ \u00a0]{0,3}(?:no\.?|#|:)?)"
)
# "compte n° 12345678", "account number: 0012 3456 78", "my account no. is 12345678".
_LABELLED_ACCOUNT = re.compile(
    rf"(?<![\w]){_ACCOUNT_LABEL}[ \u00a0]{{0,3}}[:#]?[ \u00a0]{{0,3}}"
    r"(?:(?:est|is)[ \u00a0]{1,3}(?:le[ \u00a0]{1,3})?)?"
    r"(?P<value>[0-9A-Za-z]{8,17}|[0-9]{2,6}(?:[ \u00a0][0-9]{2,6}){1,5})(?![\w])",
    re.IGNORECASE,
)
_MIN_DIGITS_IN_ACCOUNT = 6
_MAX_DIGITS_IN_ACCOUNT = 17

# UK: "sort code 12-34-56" and the "12-34-56 12345678" shape (sort code then account number).
_SORT_CODE = re.compile(
    r"(?<![\w])sort[ \u00a0-]?code[ \u00a0]{0,3}:?[ \u00a0]{0,3}"
    r"(?P<value>[0-9]{2}([ -]?)[0-9]{2}\2[0-9]{2})(?![\w])(?!-[0-9])",
    re.IGNORECASE,
)
_UK_ACCOUNT = re.compile(
    r"(?<![\w-])[0-9]{2}-[0-9]{2}-[0-9]{2}[ \u00a0,;/]{1,3}"
    r"(?:(?:account|acc|a/c)(?:[ \u00a0](?:number|no\.?))?[ \u00a0]{0,2}:?[ \u00a0]{0,2})?"
    r"[0-9]{8}(?![\w])",
    re.IGNORECASE,
)


def find_cards(text: str) -> Iterator[Span]:
    """Luhn-valid 13–19 digit card numbers that do not continue a run of digit groups."""
    for match in _CARD.finditer(text):
        if follows_a_digit_group(text, match.start()):
            continue
        span = _luhn_valid_prefix(match)
        if span is not None:
            yield span


def _luhn_valid_prefix(match: re.Match[str]) -> Span | None:
    """The longest run of whole groups that passes Luhn ("4970 ... 9913 12" -> "4970 ... 9913")."""
    start = match.start()
    groups = list(re.finditer(r"[0-9]+", match.group()))
    for count in range(len(groups), 0, -1):
        end = groups[count - 1].end()
        digits = "".join(g.group() for g in groups[:count])
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return start, start + end
    return None


def find_ibans(text: str) -> Iterator[Span]:
    """IBANs with a valid mod-97 checksum and, for registry countries, the country's length."""
    pos = 0
    while (match := _IBAN_CANDIDATE.search(text, pos)) is not None:
        span = _iban_in(text, match)
        if span is None:
            pos = match.start() + 1
        else:
            yield span
            pos = span[1]


def _iban_in(text: str, match: re.Match[str]) -> Span | None:
    start = match.start()
    # Text offsets of the candidate's letters and digits, separators skipped.
    offsets = [start + i for i, c in enumerate(match.group()) if c.isalnum()]
    compact = "".join(text[i] for i in offsets).upper()

    def ends_cleanly(length: int) -> bool:
        end = offsets[length - 1] + 1
        return end == len(text) or not text[end].isalnum()

    def valid(length: int) -> bool:
        return length <= len(compact) and ends_cleanly(length) and iban_valid(compact[:length])

    country = compact[:2]
    if country in IBAN_LENGTHS:
        length = IBAN_LENGTHS[country]
        return (start, offsets[length - 1] + 1) if valid(length) else None
    # Other countries: upper-case code only ("ab12..." in prose is not an IBAN), longest valid.
    if not match.group()[:2].isupper():
        return None
    for length in range(min(len(compact), IBAN_MAX_LENGTH), IBAN_MIN_LENGTH - 1, -1):
        if valid(length):
            return start, offsets[length - 1] + 1
    return None


def find_accounts(text: str) -> Iterator[Span]:
    """French RIBs with a valid key, labelled account numbers and UK sort codes/accounts."""
    for match in _RIB.finditer(text):
        bank, _, branch, account, key = match.groups()
        if rib_valid(bank, branch, account, key):
            yield match.span()
    for match in _LABELLED_ACCOUNT.finditer(text):
        digits = sum(c.isdigit() for c in match.group("value"))
        if _MIN_DIGITS_IN_ACCOUNT <= digits <= _MAX_DIGITS_IN_ACCOUNT:
            yield match.span("value")
    for match in _SORT_CODE.finditer(text):
        yield match.span("value")
    for match in _UK_ACCOUNT.finditer(text):
        yield match.span()
