"""Age band, customer type and region: optional on the profile, in the member's data export,
erased with the account."""

from django.urls import reverse

from accounts.models import User
from accounts.privacy import account_delete, personal_data_export


def test_the_profile_offers_the_segments_as_optional(client, alice):
    client.force_login(alice)
    page = client.get(reverse("accounts:profile")).content.decode()
    for name in ("age_band", "customer_type", "region"):
        assert f'name="{name}"' in page
    assert "used only for anonymous statistics" in page


def test_a_member_shares_then_withdraws_segments(client, alice):
    client.force_login(alice)
    shared = {
        "display_name": "Alice",
        "age_band": "25-34",
        "customer_type": "business",
        "region": "idf",
    }
    assert client.post(reverse("accounts:profile"), shared).status_code == 302
    alice.refresh_from_db()
    assert (alice.age_band, alice.customer_type, alice.region) == ("25-34", "business", "idf")
    client.post(reverse("accounts:profile"), {"display_name": "Alice"})
    alice.refresh_from_db()
    assert (alice.age_band, alice.customer_type, alice.region) == ("", "", "")


def test_a_value_outside_the_choices_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:profile"), {"display_name": "Alice", "age_band": "12"})
    assert response.status_code == 200
    assert "age_band" in response.context["form"].errors


def test_the_segments_are_in_the_export_and_erased_with_the_account(alice):
    User.objects.filter(pk=alice.pk).update(
        age_band="65+", customer_type="individual", region="bre"
    )
    alice.refresh_from_db()
    profile = personal_data_export(user=alice)["profile"]
    assert (profile["age_band"], profile["customer_type"], profile["region"]) == (
        "65+",
        "individual",
        "bre",
    )
    account_delete(user=alice, keep_content=True)
    alice.refresh_from_db()
    assert (alice.age_band, alice.customer_type, alice.region) == ("", "", "")
