"""Staff must use an authenticator app before any staff page; allauth then asks for a code at
every sign-in. Members are not forced."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts import roles
from accounts.mfa import mfa_enrol, totp_code
from tests.factories import UserFactory, complaints_team_member, given_a_staff_permission

PASSWORD = "correct-horse-battery"
STAFF_PAGES = [
    reverse("moderation:queue"),
    reverse("themes:dashboard"),
    reverse("campaigns:create"),
]


def verified(user):  # type: ignore[no-untyped-def]
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def moderator_without_mfa(db):
    return UserFactory(email="newmod@example.com", role=roles.MODERATOR, mfa=False)


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, moderator_without_mfa, url):
    moderator_without_mfa.groups.add(*roles_groups(roles.PRODUCT_MANAGER))
    client.force_login(moderator_without_mfa)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert "next=" in response["Location"]


def roles_groups(*names: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=names)


def test_the_admin_is_guarded_too(client, db):
    admin = UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True, mfa=False)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_with_an_authenticator_reach_staff_pages(client, moderator):
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()
    client.force_login(moderator)
    assert client.get(reverse("moderation:queue")).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth announces a new authenticator on commit
def test_the_setup_page_shows_a_qr_code_and_activating_with_a_code_lets_staff_in(
    client, moderator_without_mfa
):
    verified(moderator_without_mfa)
    login = {"login": moderator_without_mfa.email, "password": PASSWORD}
    assert client.post(reverse("account_login"), login).status_code == 302
    redirect = client.get(reverse("moderation:queue"))
    assert redirect["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before a second factor is added.
    confirm = client.get(redirect["Location"])
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    client.post(confirm["Location"], {"password": PASSWORD})
    page = client.get(redirect["Location"])
    assert page.status_code == 200
    assert b'<img src="data:image/svg+xml' in page.content  # the QR code, inline: CSP allows data:
    secret = page.context["form"].secret
    # Typing that code counts as this session's second factor (accounts.mfa).
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret, valid_for=10)})
    assert response.status_code == 302
    # Next allauth shows the recovery codes it generated, to be stored somewhere safe.
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(
        user=moderator_without_mfa, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    assert Authenticator.objects.filter(
        user=moderator_without_mfa, type=Authenticator.Type.TOTP
    ).exists()
    assert client.get(reverse("moderation:queue")).status_code == 200


def test_members_pages_and_members_are_not_forced(client, alice):
    client.force_login(alice)
    assert client.get(reverse("ideas:list")).status_code == 200
    assert client.get(reverse("moderation:queue")).status_code == 403


def test_signing_in_as_staff_asks_for_the_code_and_refuses_a_wrong_one(client, db):
    staff = UserFactory(email="pm2@example.com", role=roles.PRODUCT_MANAGER, mfa=False)
    secret = mfa_enrol(staff)
    verified(staff)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in on the password alone

    wrong = "000000" if totp_code(secret, valid_for=10) != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, valid_for=10)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get(reverse("themes:dashboard")).status_code == 200


def test_staff_without_an_authenticator_reach_no_page_until_they_set_one_up(
    client, moderator_without_mfa, alice
):
    """Not only staff pages: staff see private complaints, hidden posts and more elsewhere."""
    from community.complaints.services import complaint_open

    case = complaint_open(
        member=alice, subject="Charged twice", body="On my account.", language="en"
    )
    client.force_login(moderator_without_mfa)
    for url in (reverse("complaints:detail", args=[case.reference]), reverse("ideas:list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # What they need to enrol, or to leave, stays open.
    assert client.get(reverse("privacy:notice")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200


@pytest.mark.parametrize("power", sorted(set().union(*roles.ROLE_PERMISSIONS.values())))
def test_a_staff_power_held_through_a_group_of_ones_own_needs_the_second_factor(client, db, power):
    """An administrator may build a group in the Django admin ("complaints team", given
    moderate_content): whoever holds any staff power is staff, whatever the group's name."""
    from django.contrib.auth.models import Group, Permission

    app_label, codename = power.split(".")
    team = Group.objects.create(name="complaints team")
    team.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    handler = verified(UserFactory(email="handler@example.com", mfa=False))
    handler.groups.add(team)
    assert roles.user_holds_staff_role(handler)

    login = {"login": handler.email, "password": PASSWORD, "remember": "on"}
    assert client.post(reverse("account_login"), login).status_code == 302
    response = client.get(reverse("ideas:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.session.get_expire_at_browser_close()  # a staff session, "remember me" or not

    secret = mfa_enrol(handler)
    client.logout()
    response = client.post(reverse("account_login"), login)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, valid_for=10)})
    assert client.session["_auth_user_id"] == str(handler.pk)


def test_staff_accounts_are_the_accounts_that_hold_a_staff_role(db, alice, moderator):
    handler = complaints_team_member()
    direct = given_a_staff_permission()
    admin_only = UserFactory(mfa=False, is_staff=True)
    everyone = [alice, moderator, handler, direct, admin_only]

    staff = set(roles.staff_accounts().values_list("pk", flat=True))
    assert staff == {user.pk for user in everyone if roles.user_holds_staff_role(user)}
    assert staff == {moderator.pk, handler.pk, direct.pk, admin_only.pk}
