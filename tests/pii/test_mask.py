import pytest

from ideas.pii import PLACEHOLDERS, Finding, find_pii, mask_pii

CARD = "4970 3504 9258 9913"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def kinds_in(text: str) -> list[str]:
    return [finding.kind for finding in find_pii(text)]


def test_a_card_is_masked_only_when_its_luhn_digit_is_right() -> None:
    assert kinds_in(f"carte {CARD} perdue") == ["card"]
    assert kinds_in("carte 4970 3504 9258 9914 perdue") == []


def test_a_card_followed_by_its_expiry_date_is_still_found() -> None:
    assert [f.text for f in find_pii(f"{CARD} 12/26")] == [CARD]
    assert [f.text for f in find_pii(f"{IBAN} {CARD}")] == [IBAN, CARD]


def test_card_digits_inside_a_longer_run_of_groups_are_not_a_card() -> None:
    # A Luhn-valid 16-digit block inside an IBAN that fails its checksum stays untouched.
    assert kinds_in(f"FR00 {CARD} 1234 567") == []


def test_an_iban_is_masked_only_when_mod97_agrees_and_ends_at_its_length() -> None:
    assert find_pii(f"IBAN {IBAN} merci") == [Finding("iban", 5, 5 + len(IBAN), IBAN)]
    assert kinds_in("IBAN FR76 3000 6000 0112 3456 7890 188 merci") == []
    # Two IBANs separated by a space are two findings, not one long candidate.
    two = f"{IBAN} DE89 3704 0044 0532 0130 00"
    assert [f.text for f in find_pii(two)] == [IBAN, "DE89 3704 0044 0532 0130 00"]


def test_accounts_rib_labelled_numbers_and_uk_sort_codes() -> None:
    assert kinds_in("RIB 30004 00823 00010139858 42") == ["account"]
    assert kinds_in("RIB 30004 00823 00010139858 43") == []
    assert [f.text for f in find_pii("compte n° 00012345678 bloqué")] == ["00012345678"]
    assert [f.text for f in find_pii("compte n° 0001 2345 678 bloqué")] == ["0001 2345 678"]
    assert [f.text for f in find_pii("sort code 20-00-00")] == ["20-00-00"]
    assert kinds_in("2 comptes, account 2 of 3, account number please") == []


def test_phones_in_french_uk_and_international_formats() -> None:
    for phone in ("06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678"):
        assert [f.text for f in find_pii(f"tél {phone} svp")] == [phone], phone
    for phone in ("07700 900123", "020 7946 0958", "+44 20 7946 0958", "+1 (555) 123-4567"):
        assert [f.text for f in find_pii(f"call {phone} now")] == [phone], phone
    # Brackets around the whole number stay outside the finding; "(+44)" belongs to it.
    assert [f.text for f in find_pii("(tel +44 20 7946 0958)")] == ["+44 20 7946 0958"]
    assert [f.text for f in find_pii("(+1 (555) 123-4567)")] == ["+1 (555) 123-4567"]
    assert [f.text for f in find_pii("phone (+44) 7700 900123")] == ["(+44) 7700 900123"]


def test_numbers_that_only_look_like_phones_stay() -> None:
    for text in (
        "commande 0612345678",
        "+35 000 000 € de bénéfices",
        "le 12.03.2024",
        "v4.2.1",
        "version 12.3",
        "3,0612345678",
    ):
        assert kinds_in(text) == [], text


def test_emails_including_spelt_out_at_and_dot_but_not_file_names() -> None:
    assert kinds_in("jean.dupont@example.fr") == ["email"]
    assert kinds_in("jean [at] example [dot] fr") == ["email"]
    assert kinds_in("logo@2x.png @ruche_team user@localhost") == []


def test_addresses_need_a_house_number_and_take_the_adjacent_postcode_and_city() -> None:
    found = find_pii("J'habite au 12 rue de la Paix 75002 Paris depuis 2019.")
    assert [f.text for f in found] == ["12 rue de la Paix 75002 Paris"]
    assert [f.text for f in find_pii("at 15 Elm Road, Leeds LS1 4AP today")] == [
        "15 Elm Road, Leeds LS1 4AP"
    ]
    for text in ("la rue est sombre", "une agence avenue Foch serait utile", "10 cours de yoga"):
        assert kinds_in(text) == [], text


def test_masking_leaves_every_other_character_byte_identical() -> None:
    text = f"Bonjour 👋\u00a0ma carte {CARD}\n\tet mon mail: a.b@c.fr — merci !  "
    result = mask_pii(text)
    assert (
        result.masked
        == "Bonjour 👋\u00a0ma carte [carte masquée]\n\tet mon mail: [e-mail masqué] — merci !  "
    )
    assert result.kinds == ("card", "email")


def test_text_without_findings_is_returned_unchanged() -> None:
    for text in ("", "   ", "J'ai 4 cartes 💳 et 1 500 € 🤷", "é" * 1000):
        result = mask_pii(text)
        assert result.masked == text
        assert result.kinds == ()


def test_overlapping_findings_are_merged_into_one_placeholder() -> None:
    # The labelled account value and the UK sort code + account shape overlap.
    text = "sort code 20-00-00 account number 55779911 ok"
    assert find_pii(text) == [Finding("account", 10, 42, "20-00-00 account number 55779911")]
    assert mask_pii(text).masked == "sort code [compte masqué] ok"
    # A phone number that is also a labelled account number: one finding, the stronger kind.
    text = "numéro de compte 0612345678."
    assert find_pii(text) == [Finding("account", 17, 27, "0612345678")]


def test_kinds_are_listed_once_each_in_a_fixed_order() -> None:
    text = f"a@b.fr {IBAN} {CARD} c@d.fr 06 12 34 56 78"
    assert mask_pii(text).kinds == ("card", "iban", "phone", "email")


def test_placeholders_follow_the_language() -> None:
    text = f"{CARD} / {IBAN} / 06 12 34 56 78 / a@b.fr / 3 rue Pasteur / compte n° 12345678"
    french = mask_pii(text).masked
    english = mask_pii(text, language="en").masked
    for kind, placeholder in PLACEHOLDERS["fr"].items():
        assert placeholder in french, kind
        assert PLACEHOLDERS["en"][kind] in english, kind
    with pytest.raises(ValueError, match="language"):
        mask_pii(text, language="de")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "piece",
    [
        "1 ",
        "0",
        "4111 ",
        "FR76 ",
        "a.",
        "a@b.",
        "+1 ",
        "(+1 ",
        "12 rue de ",
        "1 A ",
        "x [at] ",
        "é",
    ],
)
def test_hostile_100_kb_inputs_are_scanned_without_blowing_up(piece: str) -> None:
    # Every pattern is bounded and unambiguous; this only has to finish (no timing assertion).
    text = (piece * (100_000 // len(piece) + 1))[:100_000]
    result = mask_pii(text + " a@b.fr")
    assert result.masked.endswith("[e-mail masqué]")
