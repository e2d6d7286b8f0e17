"""Check digits: Luhn (cards), ISO 7064 mod 97-10 (IBANs), the French RIB key.

A detector only reports a card, an IBAN or a RIB when its check digits agree, which is what keeps
order numbers, amounts and typos out of the masked text.
"""

from __future__ import annotations

# ISO 13616 registry: total IBAN length per country (country code and check digits included).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

IBAN_MIN_LENGTH = 15
IBAN_MAX_LENGTH = 34

# French RIB: letters in an account number stand for digits (A/J -> 1, B/K/S -> 2, ...).
_RIB_LETTERS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "12345678912345678923456789",
)


def luhn_valid(digits: str) -> bool:
    """True when `digits` (ASCII digits only) passes the Luhn check used by payment cards."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """True when `iban` (no spaces, any case) has a valid ISO 7064 mod 97-10 checksum.

    Only the checksum and the 15–34 length range are checked here; per-country lengths are
    the detector's business (it needs them to know where an IBAN ends).
    """
    iban = iban.upper()
    if not (IBAN_MIN_LENGTH <= len(iban) <= IBAN_MAX_LENGTH) or not iban.isascii():
        return False
    if not (iban[:2].isalpha() and iban[2:4].isdigit() and iban[4:].isalnum()):
        return False
    rearranged = iban[4:] + iban[:4]
    # A -> 10 ... Z -> 35; int(char, 36) does exactly that and leaves digits alone.
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def rib_key(bank: str, branch: str, account: str) -> int:
    """The two-digit key of a French RIB (5-digit bank, 5-digit branch, 11-character account)."""
    account_digits = account.upper().translate(_RIB_LETTERS)
    return 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account_digits)) % 97


def rib_valid(bank: str, branch: str, account: str, key: str) -> bool:
    """True when the key of a French RIB agrees with its bank, branch and account numbers."""
    if not all(part.isascii() and part.isdigit() for part in (bank, branch, key)):
        return False
    if len(bank) != 5 or len(branch) != 5 or len(account) != 11 or len(key) != 2:
        return False
    if not account.isascii() or not account.isalnum():
        return False
    return rib_key(bank, branch, account) == int(key)
