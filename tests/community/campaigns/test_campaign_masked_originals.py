"""Campaign texts keep their text as typed (MaskedOriginal) like ideas and comments, for the same
period; complaint cases keep nothing as typed (docs/pii.md says why)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import personal_data_export
from community.campaigns.services import campaign_create, campaign_update
from community.complaints.services import complaint_open
from ideas.models import MaskedOriginal
from ideas.pii_services import masked_originals_forget
from ideas.tasks import purge_masked_originals
from tests.factories import UserFactory
from tests.ideas.test_pii_publication import CARD, IBAN, PHONE


@pytest.fixture
def keep_originals(settings):  # type: ignore[no-untyped-def]
    settings.PII_KEEP_ORIGINALS_DAYS = 30


def _create(creator, title: str, description: str):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return campaign_create(
        creator=creator,
        title=title,
        description=description,
        starts_at=now,
        ends_at=now + timedelta(days=10),
    )


def _update(campaign, editor, title: str, description: str):  # type: ignore[no-untyped-def]
    return campaign_update(
        campaign=campaign,
        editor=editor,
        title=title,
        description=description,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        slug=campaign.slug,
    )


def test_a_campaign_keeps_its_masked_texts_as_typed_with_who_typed_them(keep_originals, moderator):
    editor = UserFactory(role="product_manager")
    campaign = _create(moderator, f"Call {PHONE}", f"Pay to {IBAN}")
    assert PHONE not in campaign.title
    _update(campaign, editor, "Saving", f"Card {CARD}")
    kept = {
        (row.typed_by_id, row.field): (row.original, row.kinds)
        for row in MaskedOriginal.objects.filter(campaign=campaign)
    }
    assert kept == {
        (moderator.pk, "title"): (f"Call {PHONE}", ["phone"]),
        (moderator.pk, "description"): (f"Pay to {IBAN}", ["iban"]),
        (editor.pk, "description"): (f"Card {CARD}", ["card"]),
    }
    row = MaskedOriginal.objects.filter(campaign=campaign).first()
    assert row is not None
    assert row.idea_id is None
    assert timedelta(days=29) < row.delete_after - row.created_at <= timedelta(days=30)


def test_a_campaign_keeps_nothing_when_nothing_was_masked_or_the_period_is_0(
    settings, keep_originals, moderator
):
    _create(moderator, "Saving", "Tell us how")
    settings.PII_KEEP_ORIGINALS_DAYS = 0
    _create(moderator, f"Call {PHONE}", "Tell us how")
    assert not MaskedOriginal.objects.exists()


def test_a_campaigns_originals_are_purged_exported_and_forgotten_like_the_others(
    keep_originals, moderator
):
    editor = UserFactory(role="product_manager")
    campaign = _create(moderator, "Saving", f"Card {CARD}")
    _update(campaign, editor, "Saving", f"Pay to {IBAN}")
    exported = personal_data_export(user=editor)["texts_before_masking"]
    assert [(row["campaign"], row["original"]) for row in exported] == [
        (campaign.pk, f"Pay to {IBAN}")
    ]
    assert masked_originals_forget(user_id=editor.pk) == 1
    assert [row.original for row in MaskedOriginal.objects.all()] == [f"Card {CARD}"]

    MaskedOriginal.objects.update(delete_after=timezone.now() - timedelta(seconds=1))
    assert purge_masked_originals() == 1
    assert not MaskedOriginal.objects.exists()


def test_superusers_see_a_campaigns_original_in_the_admin(
    client, keep_originals, moderator, admin_user
):
    campaign = _create(moderator, "Saving", f"Card {CARD}")
    row = MaskedOriginal.objects.get()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:ideas_maskedoriginal_changelist"))
    assert f"Campaign #{campaign.pk}" in listing.text
    page = client.get(reverse("admin:ideas_maskedoriginal_change", args=[row.pk]))
    assert CARD in page.text


def test_a_complaint_keeps_no_text_as_typed(keep_originals, alice):
    case = complaint_open(member=alice, subject="Card", body=f"My card {CARD}", language="en")
    assert CARD not in case.body
    assert not MaskedOriginal.objects.exists()
