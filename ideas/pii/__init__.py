"""Ruche personal and financial data masker: Django-free, no network, FR/EN.

Public API:

* `find_pii(text)` -> list[Finding(kind, start, end, text)], in text order, overlaps merged
* `mask_pii(text, language="fr")` -> MaskResult(masked, kinds)
* kinds: card (Luhn), iban (mod 97), account (RIB key, labelled numbers, UK sort codes),
  phone, email, address
* check digits alone: `luhn_valid`, `iban_valid`, `rib_valid`
"""

from ideas.pii.checks import iban_valid, luhn_valid, rib_valid
from ideas.pii.detect import KINDS, Finding, Kind, find_pii
from ideas.pii.mask import LANGUAGES, PLACEHOLDERS, Language, MaskResult, mask_pii

__all__ = [
    "KINDS",
    "LANGUAGES",
    "PLACEHOLDERS",
    "Finding",
    "Kind",
    "Language",
    "MaskResult",
    "find_pii",
    "iban_valid",
    "luhn_valid",
    "mask_pii",
    "rib_valid",
]
