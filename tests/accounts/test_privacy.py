"""Privacy: consent at sign-up, the privacy page, "Download my data" and "Delete my account"."""

import csv
import dataclasses
import io
import json
import logging
from datetime import datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import privacy
from accounts.adapters import SocialAccountAdapter
from accounts.audit import AuditAction, audit_record
from accounts.mfa import mfa_enrol
from accounts.models import Consent, User
from accounts.privacy import (
    EXPORTED_RELATIONS,
    NOT_EXPORTED_RELATIONS,
    USER_FIELDS_NOT_EXPORTED,
    PrivacySection,
    account_delete,
    consents_missing,
    consents_record,
    personal_data_export,
    privacy_sections,
)
from accounts.tokens import token_create
from community.comments.services import comment_create
from community.complaints.services import complaint_open
from community.models import (
    BadgeAward,
    Comment,
    FlagReason,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
    PointsEntry,
)
from community.moderation.services import flag_create
from community.notifications.follows import category_followed_by
from community.notifications.preferences import preferences_update
from community.notifications.services import notify_comment
from community.recognition.services import recognise_idea
from ideas.models import Idea, Vote
from ideas.services import idea_create, vote_set
from ideas.themes import runs
from tests.factories import IdeaFactory, UserFactory
from tests.themes.data import GROUPS

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def _login_page_accepts(client: Client, email: str) -> bool:
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    client.logout()
    return response.status_code == 302


@pytest.fixture
def busy_alice(alice, bob, moderator, category):  # type: ignore[no-untyped-def]
    """Alice has done one of everything; Bob has done things too, which must not leak."""
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    SocialAccount.objects.create(
        user=alice, provider="google", uid="g-123", extra_data={"name": "Alice Martin"}
    )
    mfa_enrol(alice)
    consents_record(user=alice)
    token_create(user=alice, name="CRM export", scope="read", days=30, second_factor=False)
    mine = IdeaFactory(author=alice, category=category, title="Round up my card payments")
    complaint_open(
        member=alice,
        subject="Charged twice",
        body="I was charged twice for the same payment on my account.",
        language="en",
    )
    recognise_idea(idea=mine)  # points, the first-idea badge and its notification
    bobs = IdeaFactory(author=bob, category=category, title="Dark mode in the app")
    comment_create(idea=bobs, author=alice, body="Yes, and larger text too.")
    vote_set(user=alice, idea=bobs, voted=True, network="0123456789abcdef")
    category_followed_by(user=alice, category=category)
    preferences_update(user=alice, choices={NotificationKind.COMMENT: "off"})
    spam = comment_create(idea=bobs, author=bob, body="Bob's private remark about cheap loans")
    flag_create(reporter=alice, idea=bobs, comment=spam, reason=FlagReason.SPAM, note="An ad")
    audit_record(
        actor=moderator,
        action=AuditAction.MEMBER_SUSPEND,
        target=alice,
        summary="Suspended for a week: insults",
    )
    # Bob's own activity, none of which belongs in Alice's export.
    EmailAddress.objects.create(user=bob, email=bob.email, primary=True, verified=True)
    vote_set(user=bob, idea=mine, voted=True)
    recognise_idea(idea=bobs)
    consents_record(user=bob)
    return alice


# --- Export --------------------------------------------------------------------------------------


def test_every_relation_to_the_user_is_exported_or_excluded_with_a_reason():
    user_model = get_user_model()
    relations = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model is user_model
    }
    listed = set(EXPORTED_RELATIONS) | set(NOT_EXPORTED_RELATIONS)
    assert relations - listed == set(), "add them to accounts.privacy, exported or excluded"
    assert listed - relations == set(), "accounts.privacy lists relations that no longer exist"
    assert not set(EXPORTED_RELATIONS) & set(NOT_EXPORTED_RELATIONS)
    assert all(reason.strip() for reason in NOT_EXPORTED_RELATIONS.values())


def test_the_export_has_a_row_of_every_kind_for_a_member_who_did_everything(busy_alice):
    data = personal_data_export(user=busy_alice)
    json.dumps(data)  # a file, as it is
    for section in set(EXPORTED_RELATIONS.values()) | {"sanctions"}:
        assert data[section], f"nothing in {section!r}"
    user_fields = {field.name for field in User._meta.concrete_fields}
    assert set(data["profile"]) >= user_fields - set(USER_FIELDS_NOT_EXPORTED)
    assert data["profile"]["email"] == "alice@example.com"
    assert data["profile"]["roles"] == ["member"]
    assert [i["title"] for i in data["ideas"]] == ["Round up my card payments"]
    assert data["complaints"][0]["subject"] == "Charged twice"
    assert data["complaints"][0]["acknowledge_by"]
    assert data["comments"][0]["body"] == "Yes, and larger text too."
    assert data["votes"][0]["idea"]["title"] == "Dark mode in the app"
    assert data["votes"][0]["network_hash"] == "0123456789abcdef"
    assert {f["category"] for f in data["follows"]} == {"cards", None}
    assert data["flags"][0]["note"] == "An ad"
    assert {b["badge"] for b in data["badges"]} == {"first_idea"}
    assert data["points_total"] == sum(p["points"] for p in data["points"]) > 0
    assert {(c["document"], c["version"]) for c in data["consents"]} == {
        ("terms", "2026-11"),
        ("privacy", "2026-11"),
    }
    assert data["sanctions"][0]["action"] == "member_suspend"
    assert data["social_accounts"][0]["data_received"] == {"name": "Alice Martin"}
    assert {a["type"] for a in data["two_factor"]} == {"totp", "recovery_codes"}


def test_the_ideas_and_community_apps_register_their_sections_of_the_export(busy_alice):
    """accounts imports neither app: each registers its section from AppConfig.ready, the
    ideas app's first (the community's adds the sentiment of the member's ideas)."""
    sections = privacy_sections()
    assert [s.export.__module__ for s in sections] == ["ideas.privacy", "community.privacy"]
    data = personal_data_export(user=busy_alice)
    for section in sections:
        assert set(section.exported.values()) <= set(data), section.export.__module__
        assert set(section.exported) <= set(EXPORTED_RELATIONS)
        assert set(section.not_exported) <= set(NOT_EXPORTED_RELATIONS)
    assert list(data)[:7] == [
        "format",
        "generated_at",
        "profile",
        "email_addresses",
        "social_accounts",
        "two_factor",
        "consents",
    ]
    assert list(data)[-1] == "sanctions"
    assert list(data["ideas"][0])[-1] == "sentiment"  # added by the community's section


def test_the_export_holds_nothing_of_another_member_nor_any_secret(busy_alice, bob):
    text = json.dumps(personal_data_export(user=busy_alice))
    assert "bob@example.com" not in text
    assert '"Bob"' not in text
    assert "cheap loans" not in text  # Bob's comment, which Alice reported
    assert busy_alice.password not in text
    for authenticator in Authenticator.objects.filter(user=busy_alice):
        assert json.dumps(authenticator.data) not in text
    # Bob's export holds his own things and not Alice's.
    bobs = personal_data_export(user=bob)
    assert [i["title"] for i in bobs["ideas"]] == ["Dark mode in the app"]
    assert "alice@example.com" not in json.dumps(bobs)


def test_download_my_data_gives_a_json_file(client, busy_alice):
    client.force_login(busy_alice)
    response = client.get(reverse("accounts:data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    stamp = timezone.localdate().isoformat()
    expected = f'attachment; filename="ruche-my-data-{stamp}.json"'
    assert response["Content-Disposition"] == expected
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["profile"]["email"] == "alice@example.com"


def test_download_my_data_is_rate_limited(client, alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "data_export": (2, 3600)}
    client.force_login(alice)
    url = reverse("accounts:data_download")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_download_my_data_needs_a_login_and_a_get(client, alice):
    url = reverse("accounts:data_download")
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    client.force_login(alice)
    assert client.post(url).status_code == 405


def test_the_profile_page_offers_the_download_and_the_deletion(client, alice):
    client.force_login(alice)
    page = client.get(reverse("accounts:profile")).text
    assert reverse("accounts:data_download") in page
    assert reverse("accounts:delete") in page


# --- Deletion ------------------------------------------------------------------------------------


def _delete(client: Client, member: User, content: str = "keep", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client.post(reverse("accounts:delete"), {"password": password, "content": content})


def test_deleting_and_keeping_content_shows_it_under_former_member(client, busy_alice, bob):
    idea = Idea.objects.get(author=busy_alice)
    assert _login_page_accepts(client, "alice@example.com")
    assert "Alice" in Client().get(idea.get_absolute_url()).text
    response = _delete(client, busy_alice, "keep")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:goodbye")
    assert "Your account is deleted" in client.get(response["Location"]).text
    # Logged out: the profile asks for a login again.
    assert client.get(reverse("accounts:profile")).status_code == 302

    page = Client().get(idea.get_absolute_url()).text
    assert "Round up my card payments" in page
    assert "Former member" in page
    assert "alice@example.com" not in page
    assert "Alice" not in page
    bobs_page = Client().get(Idea.objects.get(author=bob).get_absolute_url()).text
    assert "Yes, and larger text too." in bobs_page
    assert "Alice" not in bobs_page

    alice = User.objects.get(pk=busy_alice.pk)
    assert alice.is_erased
    assert not alice.is_active
    assert not alice.has_usable_password()
    assert (alice.email, alice.display_name, alice.organisation) == (
        f"former-{alice.pk}@erased.invalid",
        "",
        "",
    )
    assert str(alice) == "Former member"
    # Everything only about her is gone; her votes stay, without their network.
    for model in (EmailAddress, SocialAccount, Authenticator, Consent, Follow, PointsEntry):
        assert not model.objects.filter(user=alice).exists(), model
    assert not BadgeAward.objects.filter(user=alice).exists()
    assert not NotificationPreference.objects.filter(user=alice).exists()
    assert not Notification.objects.filter(recipient=alice).exists()
    assert list(Vote.objects.filter(user=alice).values_list("network", flat=True)) == [""]
    assert not alice.groups.exists()
    # Nothing personal is left on the row.
    assert "Alice" not in json.dumps(personal_data_export(user=alice))


def test_the_old_email_cannot_log_in_and_can_sign_up_again(client, busy_alice):
    _delete(client, busy_alice)
    client.logout()
    assert not _login_page_accepts(client, "alice@example.com")
    response = client.post(
        reverse("account_signup"),
        {
            "email": "alice@example.com",
            "display_name": "Alice again",
            "password1": "a-long-and-unusual-pass",
            "password2": "a-long-and-unusual-pass",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302
    again = User.objects.get(email="alice@example.com")
    assert again.pk != busy_alice.pk
    assert not Idea.objects.filter(author=again).exists()


def test_deleting_and_removing_content_erases_the_texts(client, busy_alice, bob):
    mine = Idea.objects.get(author=busy_alice)
    bobs = Idea.objects.get(author=bob)
    bobs_reply = comment_create(idea=mine, author=bob, body="Bob agrees with this.")
    comments_before = Idea.objects.get(pk=bobs.pk).comment_count
    _delete(client, busy_alice, "remove")

    mine.refresh_from_db()
    assert (mine.title, mine.body, mine.body_html) == ("", "", "")
    assert mine.is_hidden
    assert Client().get(mine.get_absolute_url()).status_code == 404
    # Other people's comments on her idea stay as they were.
    bobs_reply.refresh_from_db()
    assert bobs_reply.body == "Bob agrees with this."
    assert not bobs_reply.is_removed
    # Her comment on Bob's idea is shown as removed, and no longer counted.
    hers = Comment.objects.get(author=busy_alice)
    assert hers.is_removed
    assert hers.body == ""
    page = Client().get(bobs.get_absolute_url()).text
    assert "larger text" not in page
    assert "This comment was deleted by its author." in page
    assert Idea.objects.get(pk=bobs.pk).comment_count == comments_before - 1
    assert personal_data_export(user=busy_alice)["flags"][0]["note"] == ""


def test_the_sections_erase_top_down_while_the_member_is_as_they_were(busy_alice, monkeypatch):
    """One registry, run in reverse for the erasure: the community's section (which rewrites the
    stored webhook payloads found through the member's ideas and name) sees her ideas and her
    name untouched; the ideas app's runs next, still before the user row is erased."""
    seen = []

    def watched(section: PrivacySection) -> PrivacySection:
        def erase(*, user: User, now: datetime, keep_content: bool) -> None:
            stored = User.objects.get(pk=user.pk)
            titles = list(Idea.objects.filter(author=user).values_list("title", flat=True))
            seen.append((section.export.__module__, stored.display_name, titles))
            section.erase(user=user, now=now, keep_content=keep_content)

        return dataclasses.replace(section, erase=erase)

    monkeypatch.setattr(privacy, "_SECTIONS", [watched(s) for s in privacy_sections()])
    account_delete(user=busy_alice, keep_content=False)
    assert seen == [
        ("community.privacy", "Alice", ["Round up my card payments"]),
        ("ideas.privacy", "Alice", ["Round up my card payments"]),
    ]
    assert Idea.objects.get(author=busy_alice).title == ""


@pytest.mark.parametrize("keep_content", [True, False])
def test_vote_counts_stay_consistent_after_a_deletion(busy_alice, bob, category, keep_content):
    carol = UserFactory()
    bobs = Idea.objects.get(author=bob)
    mine = Idea.objects.get(author=busy_alice)
    vote_set(user=carol, idea=bobs, voted=True)
    vote_set(user=carol, idea=mine, voted=True)
    Vote.objects.filter(user=carol, idea=bobs).update(discounted_at=timezone.now())
    Idea.objects.filter(pk=bobs.pk).update(vote_count=1)  # as the discounting service leaves it
    account_delete(user=busy_alice, keep_content=keep_content)
    for idea in Idea.objects.all():
        counted = Vote.objects.filter(idea=idea, discounted_at__isnull=True).count()
        assert idea.vote_count == counted, idea
    assert Idea.objects.get(pk=bobs.pk).vote_count == 1  # Alice's vote still counts


def test_a_wrong_password_deletes_nothing(client, busy_alice):
    response = _delete(client, busy_alice, password="not-my-password")
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    busy_alice.refresh_from_db()
    assert busy_alice.is_active
    assert not busy_alice.is_erased
    assert busy_alice.email == "alice@example.com"


def test_an_account_without_a_password_confirms_with_its_email(client, alice):
    alice.set_unusable_password()
    alice.save()
    client.force_login(alice)
    url = reverse("accounts:delete")
    response = client.post(url, {"email": "someone@example.com", "content": "keep"})
    assert "email" in response.context["form"].errors
    response = client.post(url, {"email": "ALICE@example.com", "content": "keep"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.is_erased


@pytest.mark.parametrize("who", ["moderator", "product_manager", "admin_user"])
def test_staff_cannot_delete_their_account_while_they_hold_a_role(client, request, who):
    staff = request.getfixturevalue(who)
    client.force_login(staff)
    page = client.get(reverse("accounts:delete"))
    assert page.status_code == 200
    assert "Ask an administrator" in page.text
    assert 'name="password"' not in page.text
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "content": "keep"})
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.is_active
    assert not staff.is_erased
    with pytest.raises(PermissionDenied):
        account_delete(user=staff, keep_content=True)


def test_an_erased_account_cannot_be_deleted_twice(alice):
    account_delete(user=alice, keep_content=True)
    with pytest.raises(PermissionDenied):
        account_delete(user=alice, keep_content=True)


def test_deleting_needs_a_login_and_a_csrf_token(alice):
    url = reverse("accounts:delete")
    response = Client().get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(url, {"password": PASSWORD, "content": "keep"}).status_code == 403
    alice.refresh_from_db()
    assert alice.is_active


def test_the_deletion_ends_every_session_of_the_member(alice):
    elsewhere = Client()
    elsewhere.force_login(alice)
    assert elsewhere.get(reverse("accounts:profile")).status_code == 200
    _delete(Client(), alice)
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302


def test_the_deletion_is_logged_with_the_account_id_only(
    busy_alice, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.INFO, logger="accounts.privacy"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        account_delete(user=busy_alice, keep_content=True)
    lines = [r.getMessage() for r in caplog.records if r.name == "accounts.privacy"]
    assert lines == [f"Account {busy_alice.pk} deleted by its owner; content kept"]


def test_others_notifications_naming_the_member_go(busy_alice, bob):
    mine = Idea.objects.get(author=busy_alice)
    mention = comment_create(idea=mine, author=busy_alice, body="@Bob what do you think?")
    comment_create(idea=mine, author=bob, body="Good idea")
    notify_comment(comment=mention)
    assert Notification.objects.filter(recipient=bob, kind=NotificationKind.MENTION).exists()
    account_delete(user=busy_alice, keep_content=True)
    assert not Notification.objects.filter(recipient=bob, kind=NotificationKind.MENTION).exists()


# --- Consent -------------------------------------------------------------------------------------


def test_a_new_version_asks_members_to_accept_again(client, alice, settings):
    consents_record(user=alice)
    client.force_login(alice)
    home = reverse("ideas:home")
    assert reverse("privacy:accept") not in client.get(home).text
    settings.PRIVACY_NOTICE_VERSION = "2027-01"
    assert consents_missing(user=alice) == ["privacy"]
    assert reverse("privacy:accept") in client.get(home).text
    response = client.post(reverse("privacy:accept"), {"next": reverse("ideas:list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("ideas:list")
    assert Consent.objects.filter(user=alice, document="privacy", version="2027-01").exists()
    assert reverse("privacy:accept") not in client.get(home).text


def test_accepting_needs_a_post_and_goes_to_a_local_page_only(client, alice):
    client.force_login(alice)
    assert client.get(reverse("privacy:accept")).status_code == 405
    response = client.post(reverse("privacy:accept"), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("ideas:home")
    assert consents_missing(user=alice) == []


def test_social_sign_up_always_shows_the_form_with_the_name_filled_in(db, rf):
    sociallogin = SocialLogin(
        user=User(email="ana@example.com"),
        account=SocialAccount(provider="google", uid="1", extra_data={"name": "Ana Lopez"}),
    )
    adapter = SocialAccountAdapter()
    assert adapter.is_auto_signup_allowed(rf.get("/"), sociallogin) is False
    initial = adapter.get_signup_form_initial_data(sociallogin)
    assert initial["display_name"] == "Ana Lopez"
    assert initial["email"] == "ana@example.com"


# --- Pages ---------------------------------------------------------------------------------------


def test_the_privacy_page_is_public_and_linked_from_every_page(client, db):
    page = client.get(reverse("privacy:notice"))
    assert page.status_code == 200
    assert "Privacy notice" in page.text
    assert "Former member" in page.text  # what deletion does, as the code does it
    assert f'href="{reverse("privacy:notice")}"' in client.get(reverse("ideas:home")).text
    assert client.get(reverse("privacy:terms")).status_code == 200


def test_the_privacy_page_follows_the_language(client, db):
    english = client.get(reverse("privacy:notice"))
    assert '<html lang="en">' in english.text
    french = client.get(reverse("privacy:notice"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert '<html lang="fr">' in french.text
    assert "Déposer une idée" in french.text  # the page is served in French around it
    assert "Ce que Ruche conserve, et pourquoi" in french.text  # and its own text is French


# --- No personal data for product managers -----------------------------------------------------


def test_theme_pages_and_export_show_no_author_email_or_name(client, product_manager, category):
    authors = [
        UserFactory(email=f"author{n}@bank-customer.example", display_name=f"Zephyrine {n}")
        for n in range(3)
    ]
    for n, title in enumerate(title for titles in GROUPS.values() for title in titles):
        IdeaFactory(author=authors[n % 3], category=category, title=title, body=title)
    run = runs.run_recluster(trigger="manual")
    assert run.themed_count > 0
    client.force_login(product_manager)
    export = b"".join(client.get(reverse("themes:export")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert len(rows) == run.themed_count
    theme_id = rows[0]["theme_id"]
    pages = [
        export,
        client.get(reverse("themes:dashboard")).text,
        client.get(reverse("themes:detail", args=[theme_id])).text,
    ]
    for text in pages:
        assert "bank-customer.example" not in text
        assert "Zephyrine" not in text
    assert not {"author", "author_id", "author_name"} & set(rows[0])


def test_an_erased_member_has_no_profile_page(client, alice):
    account_delete(user=alice, keep_content=True)
    assert client.get(reverse("members:detail", args=[alice.pk])).status_code == 404
    assert timezone.now() - User.objects.get(pk=alice.pk).erased_at < timedelta(minutes=1)


def test_texts_kept_before_masking_are_exported_and_go_with_the_account(alice, category, settings):
    settings.PII_KEEP_ORIGINALS_DAYS = 30
    typed = "My number is 06 39 98 12 34, call me about the round-ups"
    idea = idea_create(
        author=alice, title="Call me back", body=typed, category=category, language="en"
    )
    assert "06 39" not in idea.body
    kept = personal_data_export(user=alice)["texts_before_masking"]
    assert [(o["idea"], o["original"], o["kinds"]) for o in kept] == [(idea.pk, typed, ["phone"])]

    account_delete(user=alice, keep_content=True)
    assert personal_data_export(user=alice)["texts_before_masking"] == []
