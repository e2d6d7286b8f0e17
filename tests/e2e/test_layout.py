"""Layout on small screens, for every role, in Chromium: the header stays one line on a phone (the
staff links fold behind the Menu button with the main links), every main page reflows at 320 CSS
px (WCAG 1.4.10: 1280 px at 400 % zoom) and has one h1, the landmarks and no skipped heading
level. The pages are those of the axe test (tests/e2e/pages.py). Figures: docs/accessibility.md.
"""

from typing import Any

import pytest

from tests.e2e.accessibility import (
    REFLOW,
    SCREENSHOTS,
    VIEWPORTS,
    build_scene,
    clipped_choices,
    scene_sample,
    sideways_overflow,
    sign_in,
    structure_problems,
    tab_to,
)
from tests.e2e.pages import ROLES, pages_for
from tests.factories import CategoryFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STAFF = ["moderator", "product_manager", "admin"]


@pytest.fixture
def scene(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return build_scene()


def _focused_region(page: Any) -> str:
    return page.evaluate(  # type: ignore[no-any-return]
        """() => { const region = document.activeElement.closest('#site-menu, #staff-menu, main');
                   return region ? region.id : document.activeElement.className; }"""
    )


@pytest.mark.parametrize("role", STAFF)
def test_the_staff_links_fold_behind_the_menu_button_on_a_phone(page, live_server, scene, role):
    sign_in(page, live_server.url, scene["people"][role])
    page.set_viewport_size(VIEWPORTS["mobile"])
    page.goto(f"{live_server.url}/ideas/")
    button, staff = page.locator(".menu-button"), page.locator("#staff-menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == "site-menu staff-menu"
    assert not staff.is_visible()
    # One line: the header is the bar (brand, bell, Menu) and nothing under it.
    header = page.locator("header.site-header").bounding_box()
    bar = page.locator(".site-header .bar").bounding_box()
    assert header["height"] <= bar["height"] + 2, (header, bar)
    assert bar["height"] < 80, bar

    # Opened from the keyboard, the main links then the staff links follow the button in the
    # Tab order, before the page; every staff link fits in the screen.
    tab_to(page, ".menu-button")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert staff.is_visible()
    links = staff.locator("a")
    for n in range(links.count()):
        box = links.nth(n).bounding_box()
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= VIEWPORTS["mobile"]["width"], box
    assert not sideways_overflow(page), sideways_overflow(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{role}-menu-open-mobile.png")
    regions = []
    for _ in range(40):
        page.keyboard.press("Tab")
        regions.append(_focused_region(page))
        if regions[-1] == "main":
            break
    visited = [region for n, region in enumerate(regions) if n == 0 or regions[n - 1] != region]
    assert visited == ["site-menu", "staff-menu", "main"], regions
    assert regions.count("staff-menu") == links.count()

    # Escape folds both and gives the focus back to the button.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-button')")
    assert not staff.is_visible()


@pytest.mark.parametrize("role", STAFF)
def test_the_staff_bar_is_one_line_on_a_desktop(page, live_server, scene, role):
    sign_in(page, live_server.url, scene["people"][role])
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(f"{live_server.url}/ideas/")
    assert not page.locator(".menu-button").is_visible()
    links = page.locator("#staff-menu a")
    tops = {round(links.nth(n).bounding_box()["y"]) for n in range(links.count())}
    assert len(tops) == 1, tops


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_reflow_at_320_px_and_have_one_h1_landmarks_and_ordered_headings(
    page, live_server, scene, role
):
    if role != "anonymous":
        sign_in(page, live_server.url, scene["people"][role])
    page.set_viewport_size(REFLOW)
    problems = []
    for name, path in pages_for(role, scene_sample(role, scene)).items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None, (role, path)
        assert response.status < 400, (role, path, response.status)
        problems += [f"{role} {name}: {p}" for p in sideways_overflow(page)]
        problems += [f"{role} {name}: {p}" for p in structure_problems(page)]
    assert not problems, "\n".join(problems)


FILTER_PAGES = {"anonymous": ["/ideas/"], "product_manager": ["/ideas/", "/themes/"]}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("role", FILTER_PAGES)
def test_filters_show_their_whole_choice_on_a_phone(page, live_server, scene, role, language):
    """No filter may cut the choice it shows on a phone, in either language, at the usual phone
    width or at 320 px; at the usual width, no choice of the ideas list's either, a long category
    name included."""
    # The demo's longest category name.
    CategoryFactory(
        slug="branches",
        name_en="Branches and customer service",
        name_fr="Agences et service client",
    )
    if role != "anonymous":
        sign_in(page, live_server.url, scene["people"][role])
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    problems = []
    for size in (VIEWPORTS["mobile"], REFLOW):
        page.set_viewport_size(size)
        for path in FILTER_PAGES[role]:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None, path
            assert response.status == 200, (role, path)
            assert page.locator("main select").count() >= 2, path
            problems += [f"{size['width']} px {path}: {p}" for p in clipped_choices(page)]
            if SCREENSHOTS:
                name = path.strip("/")
                page.screenshot(path=f"{SCREENSHOTS}/filters-{name}-{language}-{size['width']}.png")
        if size == REFLOW:
            continue  # at 320 px a long category name may be cut; the list shows it whole
        page.goto(f"{live_server.url}/ideas/")
        for name in ("sort", "category", "status"):
            select = page.locator(f"main select[name={name}]")
            for value in select.locator("option").evaluate_all("(os) => os.map((o) => o.value)"):
                select.select_option(value)
                problems += [
                    f"{size['width']} px {name}={value}: {p}" for p in clipped_choices(page)
                ]
    assert not problems, "\n".join(problems)
