"""Role changes are recorded in the audit log: who, when, and the roles before and after."""

from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from accounts.audit import AuditAction, AuditEntry
from accounts.models import User


def fresh(user: User) -> User:
    # A new instance: Django caches permissions on the object it checked them on.
    return User.objects.get(pk=user.pk)


# --- The Django admin's user form ----------------------------------------------------------------


def change_form_data(user: User, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "email": user.email,
        "display_name": user.display_name,
        "organisation": user.organisation,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return data


def test_a_role_change_in_the_django_admin_is_audited_with_the_admin_as_actor(
    client, admin_user, alice
):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    moderators = Group.objects.get(name=roles.MODERATOR)
    response = client.post(url, change_form_data(alice, groups=[moderators.pk], is_staff="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert fresh(alice).has_perm(roles.MODERATE_CONTENT)
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.ROLE_CHANGE
    assert (entry.actor, entry.target_id) == (admin_user, alice.pk)
    assert entry.before == {"roles": [roles.MEMBER], "is_staff": False, "is_superuser": False}
    assert entry.after == {"roles": [roles.MODERATOR], "is_staff": True, "is_superuser": False}


def test_saving_the_admin_form_without_a_role_change_records_nothing(client, admin_user, alice):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    response = client.post(url, change_form_data(alice, display_name="Alice B."))
    assert response.status_code == 302
    assert fresh(alice).display_name == "Alice B."
    assert not AuditEntry.objects.exists()


def test_the_admin_shows_sanctions_read_only(client, admin_user, alice):
    client.force_login(admin_user)
    response = client.get(reverse("admin:accounts_user_change", args=[alice.pk]))
    assert response.status_code == 200
    assert "suspended_until" not in response.context["adminform"].form.fields
    assert "Sanction" in response.text
