"""A member's permissions come in one query (accounts/backends.py) and are exactly Django's:
the member's own and his roles', everything for a superuser, nothing when inactive, and a role
taken away is gone on the next request."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.backends import ModelBackendOneQuery
from accounts.models import User
from tests.factories import UserFactory


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new request: no per-request cache


def _both(user: User) -> tuple[set[str], set[str]]:
    return (
        ModelBackendOneQuery().get_all_permissions(_fresh(user)),
        ModelBackend().get_all_permissions(_fresh(user)),
    )


def test_the_same_permissions_as_djangos_backend_for_every_kind_of_member(db):
    moderator = UserFactory(role=roles.MODERATOR)
    direct = UserFactory()
    direct.user_permissions.add(Permission.objects.get(codename="manage_themes"))
    both = UserFactory(role=roles.PRODUCT_MANAGER)
    both.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    member = UserFactory()
    superuser = UserFactory(is_superuser=True)
    inactive = UserFactory(role=roles.ADMIN, is_active=False)

    for user in (moderator, direct, both, member, superuser, inactive):
        ours, djangos = _both(user)
        assert ours == djangos, user
    assert roles.MODERATE_CONTENT in _both(moderator)[0]
    assert _both(direct)[0] == {roles.MANAGE_THEMES}
    assert {roles.VIEW_AUDIT, roles.MANAGE_THEMES} <= _both(both)[0]
    assert _both(member)[0] == set()
    assert len(_both(superuser)[0]) == Permission.objects.count()
    assert _both(inactive)[0] == set()


def test_one_query_and_then_none_within_a_request(db):
    user = _fresh(UserFactory(role=roles.MODERATOR))
    with CaptureQueriesContext(connection) as first:
        assert user.has_perm(roles.MODERATE_CONTENT)
    with CaptureQueriesContext(connection) as again:
        assert user.has_perm(roles.CHANGE_IDEA_STATUS)
        assert not user.has_perm("accounts.delete_user")
    assert (len(first), len(again)) == (1, 0)


def test_a_role_taken_away_is_gone_on_the_next_request(db):
    moderator = UserFactory(role=roles.MODERATOR)
    assert _fresh(moderator).has_perm(roles.MODERATE_CONTENT)
    moderator.groups.remove(Group.objects.get(name=roles.MODERATOR))
    assert not _fresh(moderator).has_perm(roles.MODERATE_CONTENT)
