"""Identity-provider groups → Ruche roles, on every single sign-on.

The identity provider is the authority for the staff roles it maps (SSO_ROLE_GROUPS): each
sign-in grants the roles its groups map to and removes those that single sign-on granted before
and that no group maps to any more. A role an admin granted in Ruche is left alone, whatever the
groups say: `SsoRoleGrant` rows tell the two apart. Each change is audited.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.audit import audit_record, audit_type
from accounts.models import SsoRoleGrant, User

# Stored in rows: never rename them.
SSO_ROLE_GRANT = audit_type("sso_role_grant", gettext_lazy("Role granted by single sign-on"))
SSO_ROLE_REMOVE = audit_type("sso_role_remove", gettext_lazy("Role removed by single sign-on"))

# The admin role also opens Django's admin, as accounts.services.user_create gives it.
ROLE_FLAGS = {roles.ADMIN: ("is_staff", "is_superuser")}


@dataclass(frozen=True)
class RoleSync:
    granted: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def roles_for_groups(
    *, groups: Iterable[str], role_groups: Mapping[str, Iterable[str]]
) -> set[str]:
    held = set(groups)
    return {role for role, wanted in role_groups.items() if held & set(wanted)}


def groups_from_claims(value: Any) -> list[str]:
    """A groups claim or attribute as a list of names: a list, or one string."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if isinstance(item, str | int)]
    return []


@transaction.atomic
def sso_roles_sync(
    *, user: User, groups: Iterable[str], role_groups: Mapping[str, Iterable[str]]
) -> RoleSync:
    """Make the user's SSO-granted roles those their identity-provider groups map to now.

    1. The user's row is locked (select_for_update): two sign-ins of one person at once run
       one after the other, so the second sees the first's grants instead of adding them again.
    2. Roles wanted and not held are added, with a grant row; a role held without a grant row
       was given by an admin and stays theirs.
    3. Grant rows whose role is no longer wanted lose the role (and the flags they set)."""
    wanted = roles_for_groups(groups=groups, role_groups=role_groups)
    User.objects.select_for_update().filter(pk=user.pk).first()
    grants = {g.role: g for g in SsoRoleGrant.objects.filter(user=user)}
    before = sorted(user.groups.values_list("name", flat=True))
    held = set(before)
    result = RoleSync()
    changed_flags: set[str] = set()
    for role in sorted(wanted):
        if role in held and role not in grants:
            continue  # an admin's grant: not single sign-on's to manage
        if role in held:
            continue  # already granted by single sign-on
        user.groups.add(Group.objects.get(name=role))
        flags = [name for name in ROLE_FLAGS.get(role, ()) if not getattr(user, name)]
        for name in flags:
            setattr(user, name, True)
        changed_flags.update(flags)
        grant = grants.get(role)
        if grant is None:
            SsoRoleGrant.objects.create(user=user, role=role, flags=flags)
        elif flags:
            grant.flags = sorted(set(grant.flags) | set(flags))
            grant.save(update_fields=["flags"])
        result.granted.append(role)
    for role, grant in sorted(grants.items()):
        if role in wanted:
            continue
        group = Group.objects.filter(name=role).first()
        if group is not None:
            user.groups.remove(group)
        for name in grant.flags:
            setattr(user, name, False)
        changed_flags.update(grant.flags)
        grant.delete()
        if role in held:
            result.removed.append(role)
    if changed_flags:
        user.save(update_fields=sorted(changed_flags))
    if result.granted or result.removed:
        # Permissions read earlier in this request are cached on the object (accounts.backends).
        for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(cache, None)
    after = sorted(user.groups.values_list("name", flat=True))
    for action, changed in ((SSO_ROLE_GRANT, result.granted), (SSO_ROLE_REMOVE, result.removed)):
        for role in changed:
            audit_record(
                actor=None,
                action=action,
                target=user,
                # The account's id, not its name: the audit log outlives the right to erasure.
                summary=(
                    _("Role %(role)s granted to user #%(pk)s by single sign-on")
                    if action == SSO_ROLE_GRANT
                    else _("Role %(role)s removed from user #%(pk)s by single sign-on")
                )
                % {"role": role, "pk": user.pk},
                before={"roles": before},
                after={"roles": after},
            )
    return result
