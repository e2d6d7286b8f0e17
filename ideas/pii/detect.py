"""`find_pii`: run every detector and merge what overlaps into one finding."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ideas.pii.addresses import find_addresses
from ideas.pii.banking import find_accounts, find_cards, find_ibans
from ideas.pii.common import Span
from ideas.pii.contact import find_emails, find_phones

Kind = Literal["card", "iban", "account", "phone", "email", "address"]

# The order kinds are reported in (`MaskResult.kinds`, the CLI's `kinds` column).
KINDS: tuple[Kind, ...] = ("card", "iban", "account", "phone", "email", "address")

# Most specific first: when two findings overlap, the merged one takes the kind of the
# detector whose evidence is strongest (an "@", then a checksum, then a shape or a label).
_DETECTORS: tuple[tuple[Kind, Callable[[str], Iterable[Span]]], ...] = (
    ("email", find_emails),
    ("iban", find_ibans),
    ("card", find_cards),
    ("account", find_accounts),
    ("phone", find_phones),
    ("address", find_addresses),
)
_PRIORITY: dict[Kind, int] = {kind: rank for rank, (kind, _) in enumerate(_DETECTORS)}


@dataclass(frozen=True, slots=True)
class Finding:
    """Personal or financial data found at text[start:end]."""

    kind: Kind
    start: int
    end: int
    text: str


def find_pii(text: str) -> list[Finding]:
    """Findings in text order; overlapping detections are merged into one finding."""
    raw = sorted(
        (start, end, kind)
        for kind, detector in _DETECTORS
        for start, end in detector(text)
        if end > start
    )
    findings: list[Finding] = []
    for start, end, kind in raw:
        last = findings[-1] if findings else None
        if last is not None and start < last.end:
            merged_kind = min(last.kind, kind, key=_PRIORITY.__getitem__)
            merged_end = max(last.end, end)
            findings[-1] = Finding(
                merged_kind, last.start, merged_end, text[last.start : merged_end]
            )
        else:
            findings.append(Finding(kind, start, end, text[start:end]))
    return findings
