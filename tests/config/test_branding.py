"""Per-bank branding from settings (config/branding.py): the name, logo, colour and footer links
reach every page and the error pages; a colour white text cannot be read on, a missing logo
or an unsafe link stop the system check."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse

from config.branding import brand, brand_problems, contrast

BANK = {
    "name": "Banque Exemple",
    "logo": "favicon.svg",
    "colour": "#00507a",
    "footer_links": [
        ["Nos agences", "https://bank.example/agences"],
        ["Mentions", "/pages/terms/"],
    ],
}


def test_wcag_contrast_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#9c6500", "#ffffff") == pytest.approx(4.9, abs=0.05)  # the default brand
    assert contrast("#c47f00", "#ffffff") == pytest.approx(3.29, abs=0.01)  # the old one


@override_settings(BRANDING=BANK)
def test_the_banks_name_logo_and_links_on_every_page(client, db):
    page = client.get(reverse("ideas:home")).content.decode()
    assert "· Banque Exemple</title>" in page
    assert 'src="/static/favicon.svg"' in page
    assert '<a href="https://bank.example/agences">Nos agences</a>' in page
    assert '<a href="/pages/terms/">Mentions</a>' in page
    assert ">Ruche<" not in page


@override_settings(BRANDING={**BANK, "colour": "#3a7bd5"})
def test_the_colour_reaches_the_css_with_shades_that_read_on_white(client):
    css = client.get(reverse("brand_css"))
    assert css["Content-Type"].startswith("text/css")
    body = css.content.decode()
    assert "--brand: #3a7bd5;" in body
    current = brand()
    assert f"--brand-dark: {current.colour_dark};" in body
    assert contrast(current.colour_ink, "#ffffff") >= 4.5
    assert current.colour_ink != current.colour  # #3a7bd5 itself reads at 4.3:1 on white


def test_bad_settings_are_named_by_the_check():
    problems = brand_problems(
        {
            "name": " ",
            "logo": "no/such/logo.svg",
            "colour": "#f5c400",
            "footer_links": [["Click", "javascript:alert(1)"], ["only a label"]],
        }
    )
    text = "\n".join(problems)
    assert "BRAND_NAME is empty" in text
    assert "no/such/logo.svg" in text
    assert "BRAND_COLOUR #f5c400 gives white button text a contrast of" in text
    assert "javascript:alert(1)" in text
    assert "['only a label']" in text
    assert brand_problems(BANK) == []


@override_settings(BRANDING={**BANK, "colour": "#ffcc00"})
def test_the_system_check_refuses_an_unreadable_colour():
    with pytest.raises(SystemCheckError, match="BRAND_COLOUR #ffcc00"):
        call_command("check")


@override_settings(BRANDING=BANK, DEBUG=False)
def test_the_error_pages_carry_the_banks_name():
    from config.ops.errors import outage_response

    assert "Banque Exemple is briefly unavailable" in outage_response().content.decode()
