"""The staff audit log's filter on a French phone (360×740, Chromium): the list of actions and its
button fit in the screen, "Toutes les actions" is not cut (it was: the label took half the row,
"Toutes les ac"), a chosen name too long for the list is written whole under it, nothing scrolls
sideways and axe finds nothing blocking."""

from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.accessibility import (
    BLOCKING,
    SCREENSHOTS,
    axe_violations,
    build_scene,
    clipped_choices,
    sideways_overflow,
    sign_in,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def scene(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return build_scene()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_audit_filter_fits_a_phone(axe_page, live_server, scene, language):
    page = axe_page
    sign_in(page, live_server.url, scene["people"]["admin"])
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.set_viewport_size(PHONE)
    response = page.goto(f"{live_server.url}{reverse('moderation:audit')}")
    assert response is not None
    assert response.status == 200
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/audit-filter-{language}-360.png")

    for control in ("main select[name=action]", "main form.filters button[type=submit]"):
        box = page.locator(control).bounding_box()
        assert box is not None, control
        assert box["x"] >= 0, (control, box)
        assert box["x"] + box["width"] <= PHONE["width"], (control, box)
    assert not sideways_overflow(page), sideways_overflow(page)
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, blocking

    # A name too long for the list, chosen, is written whole under it once the filter applies.
    select = page.locator("main select[name=action]")
    options = select.locator("option").evaluate_all(
        "(os) => os.map((o) => [o.value, o.textContent.trim()])"
    )
    assert not clipped_choices(page), clipped_choices(page)  # "Toutes les actions"
    cut = []
    for value, name in options:
        select.select_option(value)
        if clipped_choices(page):
            cut.append((value, name))
    assert cut or language == "en"  # French has names longer than a phone's list
    for value, name in cut:
        page.goto(f"{live_server.url}{reverse('moderation:audit')}?action={value}")
        chosen = page.locator("main .filter-chosen")
        assert chosen.is_visible(), value
        assert chosen.text_content() == name, value
        box = chosen.bounding_box()
        assert box is not None, value
        assert box["x"] + box["width"] <= PHONE["width"], (value, box)
        if SCREENSHOTS and value == "webhook_drop_old_secret":
            page.screenshot(path=f"{SCREENSHOTS}/audit-filter-{language}-360-{value}.png")
    assert not sideways_overflow(page), sideways_overflow(page)
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, blocking
