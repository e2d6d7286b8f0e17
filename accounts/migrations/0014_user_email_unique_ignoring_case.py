"""The database refuses a second account whose address another has in other capitals.

A database that already holds such accounts stops here, before the constraint, and names them:
which of two accounts is the person's is for an operator to decide, never for a migration
(docs/operations.md, "Release notes", 2026-12-05). Nothing is changed until they are resolved.
"""

import django.db.models.functions.text
from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Upper

SHOWN = 20  # groups named in the message; the count says how many more


def duplicates(users):
    """[(address in capitals, [(id, address as stored), ...]), ...] for every address held by
    more than one of `users` (a queryset of accounts), whatever the capitals, by address."""
    folded = (
        users.annotate(folded=Upper("email"))
        .values("folded")
        .annotate(accounts=Count("pk"))
        .filter(accounts__gt=1)
        .order_by("folded")
        .values_list("folded", flat=True)
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    rows = (
        users.annotate(folded=Upper("email"))
        .filter(folded__in=list(folded))
        .order_by("folded", "pk")
        .values_list("folded", "pk", "email")
    )
    for key, pk, email in rows:
        groups.setdefault(key, []).append((pk, email))
    return list(groups.items())


def duplicates_message(groups) -> str:
    lines = [
        f"{len(groups)} email address(es) belong to more than one account, in different "
        "capitals. The database cannot refuse case-duplicates until each belongs to one account. "
        "Nothing was changed. For each address below, decide which account is the person's, "
        "give every other one an address of its own on its page in the Django admin, then run "
        "migrate again (docs/operations.md, Release notes, 2026-12-05):"
    ]
    for _key, accounts in groups[:SHOWN]:
        lines.append("  " + ", ".join(f"account #{pk} <{email}>" for pk, email in accounts))
    if len(groups) > SHOWN:
        lines.append(f"  ... and {len(groups) - SHOWN} more (the query is in docs/operations.md)")
    return "\n".join(lines)


def refuse_case_duplicates(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    groups = duplicates(User.objects.using(schema_editor.connection.alias))
    if groups:
        raise CommandError(duplicates_message(groups))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0013_audit_exports'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(refuse_case_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Upper('email'), name='user_email_unique_ignoring_case', violation_error_message='Another account already has this email address (capitals aside).'),
        ),
    ]
