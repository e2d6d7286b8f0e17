"""Names and organisations typed in the Django admin pass the same check as on the site: they are
shown beside every post, so no personal data (the site refuses it in profiles)."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_role_audit import change_form_data


@pytest.mark.parametrize(
    ("field", "text"),
    [("display_name", "Alice 4970 1012 3456 7893"), ("organisation", "Call +33 6 12 34 56 78")],
)
def test_the_admin_refuses_personal_data_in_a_name_or_an_organisation(
    client, admin_user, alice, field, text
):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    response = client.post(url, change_form_data(alice, **{field: text}))
    assert response.status_code == 200
    assert "please leave out" in response.context["adminform"].form.errors[field][0]
    fresh = User.objects.get(pk=alice.pk)
    assert (fresh.display_name, fresh.organisation) == ("Alice", "")


def test_the_admin_still_renames_a_member_and_sets_a_partners_organisation(
    client, admin_user, alice
):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    data = change_form_data(alice, display_name="Alice B.", organisation="Fintech SAS")
    assert client.post(url, data).status_code == 302
    fresh = User.objects.get(pk=alice.pk)
    assert (fresh.display_name, fresh.organisation) == ("Alice B.", "Fintech SAS")


def test_the_admin_shows_an_accounts_dates_without_letting_them_be_changed(
    client, admin_user, alice
):
    """Facts, not settings; and Django's split date and time inputs have no labels (axe)."""
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    page = client.get(url).text
    assert 'name="date_joined_0"' not in page
    assert 'name="last_login_0"' not in page
    data = change_form_data(alice)
    data |= {"date_joined_0": "2001-01-01", "date_joined_1": "00:00:00"}
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=alice.pk).date_joined == alice.date_joined
