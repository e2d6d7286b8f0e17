"""`mask_pii`: replace each finding with a placeholder, leave every other character alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from ideas.pii.detect import KINDS, Kind, find_pii

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

PLACEHOLDERS: dict[Language, dict[Kind, str]] = {
    "fr": {
        "card": "[carte masquée]",
        "iban": "[IBAN masqué]",
        "account": "[compte masqué]",
        "phone": "[téléphone masqué]",
        "email": "[e-mail masqué]",
        "address": "[adresse masquée]",
    },
    "en": {
        "card": "[card removed]",
        "iban": "[IBAN removed]",
        "account": "[account removed]",
        "phone": "[phone removed]",
        "email": "[email removed]",
        "address": "[address removed]",
    },
}


@dataclass(frozen=True, slots=True)
class MaskResult:
    """The text with its findings replaced, and the kinds found (in `KINDS` order, once each)."""

    masked: str
    kinds: tuple[Kind, ...]


def mask_pii(text: str, *, language: Language = "fr") -> MaskResult:
    """Mask cards, IBANs, accounts, phones, e-mails and addresses with `language` placeholders."""
    if language not in PLACEHOLDERS:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    placeholders = PLACEHOLDERS[language]
    findings = find_pii(text)
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(placeholders[finding.kind])
        position = finding.end
    parts.append(text[position:])
    found = {finding.kind for finding in findings}
    return MaskResult("".join(parts), tuple(kind for kind in KINDS if kind in found))
