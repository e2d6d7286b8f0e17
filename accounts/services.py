from django.contrib.auth.models import Group
from django.db import transaction

from accounts import roles
from accounts.models import User


def user_join_as_member(*, user: User) -> None:
    """Every new account is a member; staff roles are granted by an admin."""
    user.groups.add(Group.objects.get(name=roles.MEMBER))


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str,
    role: str = roles.MEMBER,
    organisation: str = "",
    email_verified: bool = False,
) -> User:
    """Create an account with a role (used by seed_demo, admins and tests)."""
    from allauth.account.models import EmailAddress

    if role not in roles.ROLE_PERMISSIONS:
        raise ValueError(f"Unknown role {role!r}")
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name,
        organisation=organisation,
        is_staff=role == roles.ADMIN,
        is_superuser=role == roles.ADMIN,
    )
    user.groups.add(Group.objects.get(name=role))
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


def user_update_profile(
    *, user: User, display_name: str, profile_public: bool | None = None
) -> User:
    """Change the display name and, when given, whether the public profile page is shown."""
    user.display_name = display_name.strip()
    fields = ["display_name"]
    if profile_public is not None:
        user.profile_public = profile_public
        fields.append("profile_public")
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    return user
