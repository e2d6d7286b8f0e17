"""Every text field of every model is either masked (through the one entry point of the masker)
or listed as exempt with its reason (config/text_fields.py); and the texts masked this way are
really masked when stored."""

import inspect
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.services import user_update_profile
from community.campaigns.services import campaign_create, campaign_update
from community.complaints import services as complaints
from config.text_fields import EXEMPT, MASKED

CARD = "4111 1111 1111 1111"  # a well-known test number, Luhn-valid
IBAN = "FR76 3000 6000 0112 3456 7890 189"
ENTRY_POINTS = ("mask_texts(", "ensure_profile_texts_allowed(", "profile_text_refusal(")


def text_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if model._meta.proxy:  # its fields are its concrete model's (accounts.ServiceAccount)
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                found.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    return found


def test_every_text_field_is_masked_or_exempt_with_a_reason():
    undecided = text_fields() - set(MASKED) - set(EXEMPT)
    assert undecided == set(), (
        "New text fields: send them through ideas.pii_services.mask_texts in their service and "
        "add them to config.text_fields.MASKED, or to EXEMPT with the reason"
    )
    assert set(MASKED) & set(EXEMPT) == set()
    assert all(reason.strip() for reason in EXEMPT.values())


def test_the_lists_name_only_fields_that_exist():
    installed = {config.label for config in apps.get_app_configs()}
    listed = {name for name in {*MASKED, *EXEMPT} if name.split(".")[0] in installed}
    assert listed - text_fields() == set()


@pytest.mark.parametrize("field", sorted(MASKED))
def test_each_masked_field_names_a_function_that_calls_the_masker(field):
    source = inspect.getsource(import_string(MASKED[field]))
    assert any(call in source for call in ENTRY_POINTS), MASKED[field]


def test_campaign_title_and_description_are_masked_when_stored(product_manager):
    now = timezone.now()
    campaign = campaign_create(
        creator=product_manager,
        title="Écrivez au 06 12 34 56 78",
        description=f"Remboursement sur le compte {IBAN}, carte {CARD}.",
        starts_at=now,
        ends_at=now + timedelta(days=3),
    )
    campaign.refresh_from_db()
    assert "06 12 34 56 78" not in campaign.title
    assert IBAN not in campaign.description
    assert CARD not in campaign.description
    assert CARD not in campaign.description_html
    assert "[" in campaign.title

    campaign_update(
        campaign=campaign,
        editor=product_manager,
        title="Ideas",
        description=f"Call 06 12 34 56 78 or write to {CARD}",
        starts_at=now,
        ends_at=now + timedelta(days=3),
    )
    campaign.refresh_from_db()
    assert CARD not in campaign.description
    assert "06 12 34 56 78" not in campaign.description


def test_complaint_subject_body_and_answer_are_masked_when_stored(alice, moderator):
    case = complaints.complaint_open(
        member=alice,
        subject=f"Carte {CARD} débitée deux fois",
        body=f"Mon IBAN {IBAN}, rappelez-moi au 06 12 34 56 78.",
        language="fr",
    )
    case.refresh_from_db()
    assert CARD not in case.subject
    assert "[carte masquée]" in case.subject
    assert IBAN not in case.body
    assert "06 12 34 56 78" not in case.body

    complaints.complaint_answer(actor=moderator, case=case, answer=f"Refunded to {IBAN}.")
    case.refresh_from_db()
    assert IBAN not in case.answer
    assert "[IBAN masqué]" in case.answer


def test_profile_texts_go_through_the_configured_check(alice, settings):
    with pytest.raises(ValidationError):
        user_update_profile(user=alice, display_name="alice@example.com")
    settings.PROFILE_TEXT_CHECK = "tests.test_text_fields.refuse_everything"
    with pytest.raises(ValidationError, match="refused by the configured check"):
        user_update_profile(user=alice, display_name="Alice B.")


def refuse_everything(text: str) -> str:
    return "refused by the configured check"
