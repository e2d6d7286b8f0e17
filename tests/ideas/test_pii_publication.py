"""Personal and financial data is masked before ideas, comments and official responses are
published (ideas.pii_services); authors are told; profile names holding it are refused; the
texts as typed are kept only when PII_KEEP_ORIGINALS_DAYS says so, for superusers only."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.forms import SignupForm
from accounts.models import User
from accounts.services import user_create, user_update_profile
from community.comments.services import comment_create, comment_update
from community.complaints.forms import ROUTE_PUBLISH
from community.models import AuditEntry, Comment, Notification
from community.notifications.follows import idea_followed_by
from ideas.models import TITLE_MAX_LENGTH, Idea, MaskedOriginal, Status
from ideas.pii import luhn_valid
from ideas.services import idea_change_status, idea_create, idea_update
from ideas.tasks import purge_masked_originals
from tests.factories import IdeaFactory

CARD = "4970 1012 3456 7893"  # made up; passes the Luhn check, like a real card number
IBAN = "FR76 3000 6000 0112 3456 7890 189"
PHONE = "07700 900123"  # a UK range kept for drama
DIGITS = ("4970", "7893", "3000 6000", "7890 189", "900123")


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in response.context["messages"]]


def assert_no_digits(*texts: str) -> None:
    for text in texts:
        for digits in DIGITS:
            assert digits not in text, (digits, text)


def post_idea(client, category, **fields: str):  # type: ignore[no-untyped-def]
    data = {"title": "Pay me back", "body": "x", "category": category.pk, "language": "en"}
    # Published as an idea even when it reads like a personal complaint
    # (community.complaints.services).
    data["route"] = ROUTE_PUBLISH
    return client.post(reverse("ideas:create"), {**data, **fields}, follow=True)


@pytest.fixture
def keep_originals(settings):  # type: ignore[no-untyped-def]
    settings.PII_KEEP_ORIGINALS_DAYS = 30


# --- Ideas ---------------------------------------------------------------------------------------


def test_an_idea_is_published_with_its_card_iban_and_phone_masked_and_its_author_told(
    client, alice, category
):
    client.force_login(alice)
    response = post_idea(
        client,
        category,
        title=f"Call me back on {PHONE}",
        body=f"My card **{CARD}** was charged twice.\n\nRefund to {IBAN} please.",
    )
    assert response.status_code == 200
    idea = Idea.objects.get()
    assert idea.title == "Call me back on [phone removed]"
    assert idea.body == (
        "My card **[card removed]** was charged twice.\n\nRefund to [IBAN removed] please."
    )
    assert "<strong>[card removed]</strong>" in idea.body_html
    assert_no_digits(idea.title, idea.body, idea.body_html, response.text)
    assert messages_of(response) == [
        "Thank you! Your idea is published.",
        "To protect you, we hid a card number, an IBAN and a phone number from your idea. Never "
        "share them publicly: our advisers will never ask you for them here.",
    ]


def test_a_french_idea_gets_french_placeholders_and_one_kind_is_named_in_the_singular(
    client, alice, category
):
    client.force_login(alice)
    response = post_idea(client, category, body=f"Ma carte {CARD} est bloquée", language="fr")
    assert Idea.objects.get().body == "Ma carte [carte masquée] est bloquée"
    assert (
        "To protect you, we hid a card number from your idea. Never share it publicly: our "
        "advisers will never ask you for it here."
    ) in messages_of(response)


def test_counts_and_amounts_are_left_alone_and_nothing_is_said(client, alice, category):
    client.force_login(alice)
    body = "J'ai 4 cartes et 1 500 € sur mon livret, et 2 comptes depuis 2019."
    response = post_idea(client, category, title="4 cartes, 1 500 €", body=body, language="fr")
    idea = Idea.objects.get()
    assert (idea.title, idea.body) == ("4 cartes, 1 500 €", body)
    assert messages_of(response) == ["Thank you! Your idea is published."]
    assert not MaskedOriginal.objects.exists()


def test_an_edited_idea_is_masked_too(client, alice, category):
    idea = idea_create(
        author=alice, title="Refunds", body="Faster", category=category, language="en"
    )
    client.force_login(alice)
    response = client.post(
        reverse("ideas:edit", args=[idea.pk]),
        {
            "title": "Refunds",
            "body": f"Text me on {PHONE}",
            "category": category.pk,
            "language": "en",
        },
        follow=True,
    )
    idea.refresh_from_db()
    assert idea.body == "Text me on [phone removed]"
    assert "from your idea" in messages_of(response)[-1]


def test_a_title_too_long_once_masked_is_refused_with_a_field_error_and_nothing_stored(
    client, alice, category
):
    title = f"{'x' * (TITLE_MAX_LENGTH - len(PHONE) - 1)} {PHONE}"  # fits as typed
    assert len(title) == TITLE_MAX_LENGTH
    client.force_login(alice)
    response = post_idea(client, category, title=title)
    assert response.status_code == 200
    assert "once hidden it is too long" in response.context["form"].errors["title"][0]
    assert not Idea.objects.exists()
    idea = IdeaFactory(author=alice, category=category, title="As it was")
    with pytest.raises(ValidationError):
        idea_update(
            idea=idea, editor=alice, title=title, body="b", category=category, language="en"
        )
    idea.refresh_from_db()
    assert idea.title == "As it was"


# --- Comments and official responses --------------------------------------------------------------


def test_a_comment_is_published_masked_and_its_author_told(client, bob, idea):
    client.force_login(bob)
    response = client.post(
        reverse("community:comment_create", args=[idea.pk]),
        {"body": f"Same here, write to me at bob.smith@mail.example or {PHONE}"},
        follow=True,
    )
    comment = Comment.objects.get()
    assert comment.body == "Same here, write to me at [email removed] or [phone removed]"
    assert_no_digits(comment.body_html, response.text)
    assert "bob.smith@mail.example" not in response.text
    assert messages_of(response) == [
        "To protect you, we hid a phone number and an email address from your comment. Never "
        "share them publicly: our advisers will never ask you for them here."
    ]


def test_a_comment_takes_the_placeholders_of_the_language_its_author_uses(client, bob, idea):
    client.force_login(bob)
    client.post(
        reverse("community:comment_create", args=[idea.pk]),
        {"body": f"Ma carte {CARD}"},
        headers={"accept-language": "fr"},
    )
    assert Comment.objects.get().body == "Ma carte [carte masquée]"


def test_an_edited_comment_is_masked_too(client, bob, idea):
    comment = comment_create(idea=idea, author=bob, body="Me too")
    client.force_login(bob)
    response = client.post(
        reverse("community:comment_edit", args=[comment.pk]), {"body": f"IBAN {IBAN}"}, follow=True
    )
    comment.refresh_from_db()
    assert comment.body == "IBAN [IBAN removed]"
    assert "[IBAN removed]" in comment.body_html
    assert "an IBAN from your comment" in messages_of(response)[-1]


def test_followers_are_notified_of_the_masked_comment(
    alice, bob, idea, django_capture_on_commit_callbacks
):
    idea_followed_by(user=alice, idea=idea)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(idea=idea, author=bob, body=f"Call me on {PHONE}")
    told = Notification.objects.filter(recipient=alice, kind="comment")
    assert [n.body for n in told] == ["Call me on [phone removed]"]


def test_an_official_response_is_masked_in_the_page_the_audit_and_the_notifications(
    client, idea, moderator, django_capture_on_commit_callbacks
):
    idea_followed_by(user=idea.author, idea=idea)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ideas:change_status", args=[idea.pk]),
            {"to_status": Status.PLANNED, "response": f"We refunded {IBAN}."},
            follow=True,
        )
    change = idea.status_changes.get()
    assert change.response == "We refunded [IBAN removed]."
    assert AuditEntry.objects.get().after["response"] == "We refunded [IBAN removed]."
    told = Notification.objects.filter(recipient=idea.author, kind="status_change")
    assert [n.body for n in told] == [change.response]
    assert mail.outbox
    assert_no_digits(change.response_html, response.text, *(m.body for m in mail.outbox))
    assert "We hid an IBAN from your official response: it is public." in messages_of(response)


# --- Profiles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice@example.com", "06 39 98 12 34", "Alice +33 6 39 98 12 34"])
def test_a_display_name_holding_an_email_or_a_phone_is_refused_with_a_field_error(
    client, alice, name
):
    client.force_login(alice)
    response = client.post(reverse("accounts:profile"), {"display_name": name})
    assert response.status_code == 200
    assert "shown to everyone" in response.context["form"].errors["display_name"][0]
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
    with pytest.raises(ValidationError) as refused:
        user_update_profile(user=alice, display_name=name)
    assert "display_name" in refused.value.message_dict


def test_sign_up_refuses_a_display_name_that_is_an_email(db):
    form = SignupForm({"display_name": "newcomer@mail.example", "accept_terms": "on"})
    assert not form.is_valid()
    assert "an email address" in form.errors["display_name"][0]


def test_accounts_made_by_admins_and_the_demo_are_checked_too(db):
    with pytest.raises(ValidationError) as refused:
        user_create(
            email="p@example.com",
            password=None,
            display_name="Pat",
            organisation="Call 06 39 98 12 34",
        )
    assert set(refused.value.message_dict) == {"organisation"}
    assert not User.objects.filter(email="p@example.com").exists()


# --- Originals -----------------------------------------------------------------------------------


def test_originals_are_not_stored_by_default(alice, category):
    idea = idea_create(
        author=alice, title="Refund", body=f"Card {CARD}", category=category, language="en"
    )
    comment_create(idea=idea, author=alice, body=f"IBAN {IBAN}")
    assert not MaskedOriginal.objects.exists()


def test_with_a_retention_period_the_originals_are_kept_until_it_ends(
    keep_originals, alice, category, moderator
):
    idea = idea_create(
        author=alice,
        title=f"Call {PHONE}",
        body=f"Card {CARD}",
        category=category,
        language="en",
    )
    comment = comment_create(idea=idea, author=alice, body="Nothing personal")
    comment_update(comment=comment, editor=alice, body=f"IBAN {IBAN}")
    change = idea_change_status(
        idea=idea, actor=moderator, to_status=Status.PLANNED, response=f"Refunded to {IBAN}"
    )
    kept = {
        (row.comment_id, row.status_change_id, row.field): (row.original, row.kinds)
        for row in MaskedOriginal.objects.all()
    }
    assert kept == {
        (None, None, "title"): (f"Call {PHONE}", ["phone"]),
        (None, None, "body"): (f"Card {CARD}", ["card"]),
        (comment.pk, None, "body"): (f"IBAN {IBAN}", ["iban"]),
        (None, change.pk, "response"): (f"Refunded to {IBAN}", ["iban"]),
    }
    row = MaskedOriginal.objects.get(field="title")
    assert row.idea == idea
    assert timedelta(days=29) < row.delete_after - row.created_at <= timedelta(days=30)


def test_the_purge_task_deletes_the_originals_whose_time_is_up(keep_originals, alice, category):
    old = idea_create(
        author=alice, title="Old", body=f"Card {CARD}", category=category, language="en"
    )
    idea_create(author=alice, title="New", body=f"Card {CARD}", category=category, language="en")
    assert purge_masked_originals() == 0
    past = MaskedOriginal.objects.get(idea=old)
    MaskedOriginal.objects.filter(pk=past.pk).update(
        created_at=past.created_at - timedelta(days=31),
        delete_after=past.delete_after - timedelta(days=31),
    )
    assert purge_masked_originals() == 1
    assert list(MaskedOriginal.objects.values_list("idea__title", flat=True)) == ["New"]


def test_setting_the_retention_to_0_purges_what_was_kept(settings, keep_originals, alice, category):
    idea_create(author=alice, title="Old", body=f"Card {CARD}", category=category, language="en")
    settings.PII_KEEP_ORIGINALS_DAYS = 0
    assert purge_masked_originals() == 1
    assert not MaskedOriginal.objects.exists()


def test_only_superusers_read_the_originals_in_the_admin(
    client, keep_originals, alice, category, admin_user, moderator
):
    idea_create(author=alice, title="Refund", body=f"Card {CARD}", category=category, language="en")
    row = MaskedOriginal.objects.get()
    pages = [
        reverse("admin:ideas_maskedoriginal_changelist"),
        reverse("admin:ideas_maskedoriginal_change", args=[row.pk]),
    ]
    client.force_login(alice)  # a member: not allowed into the admin at all
    assert [client.get(page).status_code for page in pages] == [302, 302]
    # Staff who may enter the admin, even with the model's view permission, are refused.
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    moderator.user_permissions.add(Permission.objects.get(codename="view_maskedoriginal"))
    client.force_login(moderator)
    assert [client.get(page).status_code for page in pages] == [403, 403]
    assert "masked originals" not in client.get(reverse("admin:index")).text.lower()
    client.force_login(admin_user)
    assert client.get(pages[0]).status_code == 200
    page = client.get(pages[1])
    assert page.status_code == 200
    assert CARD in page.text
    assert client.get(reverse("admin:ideas_maskedoriginal_add")).status_code == 403
    assert client.post(pages[1], {"original": "changed"}).status_code == 403
    row.refresh_from_db()
    assert row.original == f"Card {CARD}"


# --- Demo ----------------------------------------------------------------------------------------


def test_the_demo_idea_is_published_with_its_card_and_phone_masked(alice, category):
    from community.demo.seed import MASKED_IDEA, seed_masked_idea

    typed = MASKED_IDEA[1]
    assert luhn_valid("4970101234567893")
    assert "4970 1012 3456 7893" in typed
    assert "06 39 98 12 34" in typed
    idea = seed_masked_idea(author=alice, category=category)
    assert "[carte masquée]" in idea.body
    assert "[téléphone masqué]" in idea.body
    assert "4970" not in idea.body_html
    assert "06 39 98" not in idea.body_html
    assert not idea.is_pending


def test_forgetting_a_person_deletes_only_what_they_typed(keep_originals, alice, bob, category):
    from ideas.pii_services import masked_originals_forget

    idea = idea_create(
        author=alice, title="Refund", body=f"Card {CARD}", category=category, language="en"
    )
    comment_create(idea=idea, author=bob, body=f"Call {PHONE}")
    comment_create(idea=idea, author=alice, body=f"IBAN {IBAN}")
    assert masked_originals_forget(user_id=alice.pk) == 2
    assert [row.original for row in MaskedOriginal.objects.all()] == [f"Call {PHONE}"]


def test_the_privacy_page_says_what_becomes_of_the_typed_text(client, db, settings):
    from django.urls import reverse

    assert "The text as you typed it is not kept." in client.get(reverse("privacy:notice")).text
    settings.PII_KEEP_ORIGINALS_DAYS = 30
    page = client.get(reverse("privacy:notice")).text
    assert "kept for 30 days, readable by administrators only" in page
