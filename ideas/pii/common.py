"""Small helpers the detectors share: spans, separators and the context checks.

Every pattern in this package is linear by construction: quantifiers are bounded, and a
repeated group never competes with its neighbour for the same characters (one optional
separator, then one character), so a hostile 100 kB paste costs a few regex passes.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# Separators people type inside numbers: space, no-break space, narrow no-break space, dash.
GROUP_SEPARATORS = " \u00a0\u202f-"

# A number followed by a currency or a percent sign is an amount, not a phone or a card.
_AMOUNT_AFTER = re.compile(
    r"[ \u00a0\u202f]{0,2}(?:[€$£%]|(?:k|m)€|(?:eur|euros?|usd|gbp|chf|dollars?|pounds?|livres?)"
    r"(?![\w]))",
    re.IGNORECASE,
)

# What makes the number after it an order, ticket or reference number ("commande 0612345678",
# "ticket n° 07700900123"): the label must come right before the number.
_REFERENCE_BEFORE = re.compile(
    r"(?<![\w])(?:commandes?|cde|cmd|orders?|tickets?|r[ée]f[ée]rences?|references?|r[ée]f|"
    r"dossiers?|factures?|invoices?|suivi|tracking|colis|parcels?|siret|siren|bookings?|"
    r"r[ée]servations?|confirmations?|transactions?|contrats?|contracts?|sinistres?|claims?|"
    r"versions?)"
    r"[ \u00a0:#.°-]{0,4}(?:(?:n[°o]|num[ée]ro|number|no)[ \u00a0:#.°-]{0,4})?$",
    re.IGNORECASE,
)


def followed_by_amount(text: str, end: int) -> bool:
    """True when the characters right after `end` say "amount" (€, EUR, %, dollars...)."""
    return _AMOUNT_AFTER.match(text, end) is not None


def preceded_by_reference(text: str, start: int) -> bool:
    """True when the number at `start` is labelled as an order/ticket/reference number."""
    return _REFERENCE_BEFORE.search(text[max(0, start - 40) : start]) is not None


_GROUP_BEFORE = re.compile(r"(?<![\w])[A-Za-z0-9]{4}[" + GROUP_SEPARATORS + r"]$")


def follows_a_digit_group(text: str, start: int) -> bool:
    """True when the number at `start` continues a run of 4-character groups with digits.

    "3000 6000 0112 3456" inside "FR76 3000 6000 0112 3456 7890 189" (an IBAN whose checksum
    failed) is not a card of its own; "Visa 4970 ..." or "carte 4970 ..." is.
    """
    match = _GROUP_BEFORE.search(text[max(0, start - 6) : start])
    return match is not None and any(c.isdigit() for c in match.group())


def after_decimal_point(text: str, start: int) -> bool:
    """True when the number at `start` follows "3." or "3," (the decimals of another number)."""
    return start >= 2 and text[start - 1] in ".," and text[start - 2].isdigit()
