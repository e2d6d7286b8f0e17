"""The theme granularity a product manager sets on the dashboard (issue #14): automatic by
default, or an expected number of themes that the next run aims at."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.audit import AuditEntry
from ideas.models import RunState, Theme, ThemeEvent, ThemeSettings
from ideas.themes import runs
from ideas.themes.services import THEME_GRANULARITY, theme_granularity_set, theme_update
from tests.themes.data import GROUPS


def test_the_dashboard_offers_automatic_by_default(client, product_manager):
    client.force_login(product_manager)
    page = client.get(reverse("themes:dashboard")).text
    assert ThemeSettings.current().target_themes is None
    assert 'value="auto" id="id_mode_0" required checked' in page
    assert "<legend>How finely should ideas be grouped?</legend>" in page
    assert '<label for="id_target_themes">Expected number of themes:</label>' in page


@pytest.mark.parametrize("who", ["alice", "moderator"])
def test_members_and_moderators_cannot_set_the_granularity(request, who):
    with pytest.raises(PermissionDenied):
        theme_granularity_set(editor=request.getfixturevalue(who), target_themes=40)
    assert not ThemeSettings.objects.exists()
    assert not AuditEntry.objects.filter(action=THEME_GRANULARITY).exists()


@pytest.mark.parametrize("who", ["alice", "moderator"])
def test_the_granularity_form_refuses_members_and_moderators(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("themes:granularity"), {"mode": "target", "target_themes": 9})
    assert response.status_code == 403
    assert not ThemeSettings.objects.exists()


@pytest.mark.parametrize("who", ["product_manager", "admin_user"])
def test_product_managers_and_admins_set_an_expected_number(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("themes:granularity"), {"mode": "target", "target_themes": 40})
    assert response.status_code == 302
    assert ThemeSettings.current().target_themes == 40
    page = client.get(reverse("themes:dashboard")).text
    assert "Saved: the next run aims at about 40 themes." in page
    assert "Theme granularity: about 40 themes" in page
    assert 'value="target" id="id_mode_1" required checked' in page


def test_back_to_automatic_clears_the_number_whatever_the_box_holds(client, product_manager):
    theme_granularity_set(editor=product_manager, target_themes=12)
    client.force_login(product_manager)
    response = client.post(reverse("themes:granularity"), {"mode": "auto", "target_themes": 999})
    assert response.status_code == 302
    assert ThemeSettings.current().target_themes is None


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"mode": "target", "target_themes": "1"}, "greater than or equal to 2"),
        ({"mode": "target", "target_themes": "301"}, "less than or equal to 300"),
        ({"mode": "target", "target_themes": "many"}, "Enter a whole number."),
        ({"mode": "target", "target_themes": ""}, "Enter the number of themes you expect"),
    ],
)
def test_a_bad_number_is_a_field_error_linked_to_its_field(client, product_manager, posted, error):
    client.force_login(product_manager)
    response = client.post(reverse("themes:granularity"), posted)
    assert response.status_code == 400
    page = response.text
    assert error in page
    # The error is announced with the field: aria-describedby names the error list's id.
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_target_themes_helptext id_target_themes_error"' in page
    assert '<ul class="errorlist" id="id_target_themes_error">' in page
    assert '<details class="granularity" open>' in page
    assert not ThemeSettings.objects.exists()


@pytest.mark.parametrize("posted", [{}, {"target_themes": "40"}, {"mode": "finest"}])
def test_a_post_without_a_mode_is_a_field_error_on_the_choice(client, product_manager, posted):
    client.force_login(product_manager)
    response = client.post(reverse("themes:granularity"), posted)
    assert response.status_code == 400
    page = response.text
    # Said beside the two choices, announced with them, and the box opened to show it.
    assert '<ul class="errorlist" id="id_mode_error">' in page
    assert "Choose Automatic or an expected number of themes." in page
    assert '<fieldset aria-describedby="granularity-help id_mode_error">' in page
    assert page.count('name="mode"') == page.count('required aria-invalid="true"') == 2
    assert '<details class="granularity" open>' in page
    if "target_themes" in posted:  # what was typed stays in the box
        assert 'name="target_themes" value="40"' in page
    assert not ThemeSettings.objects.exists()


def test_the_service_checks_the_bounds_itself(product_manager):
    for bad in (0, 1, 301):
        with pytest.raises(ValidationError):
            theme_granularity_set(editor=product_manager, target_themes=bad)
    assert not ThemeSettings.objects.exists()


def test_each_change_is_audited_with_before_and_after(client, product_manager, admin_user):
    theme_granularity_set(editor=product_manager, target_themes=40)
    theme_granularity_set(editor=product_manager, target_themes=40)  # no change, no entry
    theme_granularity_set(editor=admin_user, target_themes=None)
    entries = list(AuditEntry.objects.filter(action=THEME_GRANULARITY).order_by("pk"))
    assert [(e.actor, e.before, e.after) for e in entries] == [
        (product_manager, {"target_themes": None}, {"target_themes": 40}),
        (admin_user, {"target_themes": 40}, {"target_themes": None}),
    ]
    assert entries[0].summary == "Theme granularity: automatic → 40"
    assert entries[0].target_type == "themesettings"
    assert entries[0].get_action_display() == "Theme granularity changed"
    client.force_login(admin_user)
    log = client.get(reverse("moderation:audit"), {"action": THEME_GRANULARITY}).text
    assert "Theme granularity: automatic → 40" in log
    assert "Theme granularity: 40 → automatic" in log


def test_the_page_speaks_french(client, product_manager):
    client.force_login(product_manager)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.post(reverse("themes:granularity"), {"mode": "target", "target_themes": ""})
    assert "Granularité des thèmes : automatique" in response.text  # a space before the colon
    assert "Indiquez le nombre de thèmes attendu, ou choisissez Automatique." in response.text


def test_the_next_run_honours_the_setting_and_keeps_theme_identity(make_ideas, product_manager):
    groups = make_ideas(GROUPS)
    automatic = runs.run_recluster(trigger="manual")
    assert automatic.parameters["target_themes"] is None
    assert automatic.theme_count == 3
    card = Theme.objects.get(is_active=True, memberships__idea=groups["card"][0])
    theme_update(theme=card, editor=product_manager, name="Card freeze", note="", status="new")

    theme_granularity_set(editor=product_manager, target_themes=2)
    coarser = runs.run_recluster(trigger="manual")
    assert coarser.state == RunState.PUBLISHED
    assert coarser.parameters["target_themes"] == 2
    assert coarser.theme_count == 2
    # Two of the three themes went together: two continued (same ids as before), the third
    # merged into one of them; its name and history stay on the retired theme.
    before = set(automatic.events.values_list("theme_id", flat=True))
    events = list(ThemeEvent.objects.filter(run=coarser).values_list("kind", "theme_id"))
    assert sorted(kind for kind, _ in events) == ["continued", "continued", "merged"]
    assert {theme for _, theme in events} == before
    card.refresh_from_db()
    assert card.name == "Card freeze"

    theme_granularity_set(editor=product_manager, target_themes=None)
    again = runs.run_recluster(trigger="manual")
    assert again.parameters["target_themes"] is None
    assert again.theme_count == automatic.theme_count
