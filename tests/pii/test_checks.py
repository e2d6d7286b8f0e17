import pytest

from ideas.pii import iban_valid, luhn_valid, rib_valid
from ideas.pii.checks import IBAN_LENGTHS, rib_key


@pytest.mark.parametrize(
    "number", ["4111111111111111", "5555555555554444", "378282246310005", "4532646173318"]
)
def test_luhn_accepts_valid_card_numbers(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize(
    "number", ["4111111111111112", "1234567890123456", "", "4111 1111", "٤١١١"]
)
def test_luhn_rejects_wrong_check_digits_and_non_digits(number: str) -> None:
    assert not luhn_valid(number)


@pytest.mark.parametrize(
    "iban",
    [
        "FR7630006000011234567890189",
        "DE89370400440532013000",
        "GB29NWBK60161331926819",
        "gb29nwbk60161331926819",
        "BE68539007547034",
    ],
)
def test_mod97_accepts_valid_ibans(iban: str) -> None:
    assert iban_valid(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "FR7630006000011234567890188",  # last digit changed
        "FR7630006000011234567809189",  # two digits swapped
        "FR76",  # too short
        "FR76" + "1" * 40,  # too long
        "7630006000011234567890189FR",  # country code at the end
        "FR76 3000 6000 0112 3456 7890 189",  # spaces are the detector's business
    ],
)
def test_mod97_rejects_invalid_ibans(iban: str) -> None:
    assert not iban_valid(iban)


def test_iban_lengths_cover_the_countries_ruche_banks_see() -> None:
    expected = {"FR": 27, "BE": 16, "DE": 22, "ES": 24, "IT": 27, "LU": 20, "MC": 27, "NL": 18}
    expected |= {"PT": 25, "GB": 22, "CH": 21}
    assert {country: IBAN_LENGTHS[country] for country in expected} == expected


def test_rib_key_matches_published_ribs_and_letters_count_as_digits() -> None:
    assert rib_key("30004", "00823", "00010139858") == 42
    assert rib_valid("30004", "00823", "00010139858", "42")
    # Letters stand for digits (M -> 4): same key as the all-digit account number.
    assert rib_key("20041", "01005", "0500013M026") == rib_key("20041", "01005", "05000134026")
    assert rib_valid("20041", "01005", "0500013M026", "06")


def test_rib_rejects_a_wrong_key_or_wrong_lengths() -> None:
    assert not rib_valid("30004", "00823", "00010139858", "43")
    assert not rib_valid("3000", "00823", "00010139858", "42")
    assert not rib_valid("30004", "00823", "0001013985", "42")
    assert not rib_valid("30004", "00823", "00010139858", "4²")
