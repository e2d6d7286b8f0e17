"""One account per email address whatever its capitals, guaranteed by the database
(User.Meta.constraints): the forms' checks cannot see an account saved at the same moment.
Migration accounts 0014 stops, naming them, on a database that already holds case-duplicates."""

import importlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User

MIGRATION = importlib.import_module("accounts.migrations.0014_user_email_unique_ignoring_case")
BEFORE = [("accounts", "0013_audit_exports")]
AFTER = [("accounts", "0014_user_email_unique_ignoring_case")]


@pytest.mark.django_db
@pytest.mark.parametrize("other", ["ANA@BANK.FR", "Ana@bank.fr", "ana@Bank.fr"])
def test_the_database_refuses_an_address_another_account_has_in_other_capitals(other):
    User.objects.create_user(email="ana@bank.fr", display_name="Ana")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email=other, display_name="Ana again")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_change_to_an_address_another_account_has(alice, bob):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=bob.pk).update(email=alice.email.upper())


@pytest.mark.django_db
def test_the_database_still_takes_different_addresses_and_a_change_of_capitals(alice):
    User.objects.create_user(email="alice.martin@example.com", display_name="Another Alice")
    User.objects.filter(pk=alice.pk).update(email=alice.email.upper())
    assert User.objects.filter(email__iexact="ALICE@EXAMPLE.COM").get() == alice


@pytest.mark.django_db
def test_an_accounts_address_is_found_whatever_its_capitals_by_its_natural_key(alice):
    """Django's admin login and createsuperuser's "already taken" look accounts up this way."""
    assert User.objects.get_by_natural_key("ALICE@Example.com") == alice


@pytest.mark.django_db
def test_createsuperuser_refuses_an_address_another_account_has_in_other_capitals(alice):
    """Its check looks the address up by natural key: exact, it let the database refuse it with
    a traceback."""
    with pytest.raises(CommandError, match="That email address is already taken"):
        call_command("createsuperuser", "--noinput", email="Alice@EXAMPLE.com", display_name="Root")
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plan")
@pytest.mark.django_db
def test_looking_an_address_up_whatever_its_capitals_uses_the_constraints_index():
    """iexact is UPPER(email) = UPPER(%s) on PostgreSQL: the constraint's index serves it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask for the index
        sql, params = User.objects.filter(email__iexact="A@b.fr").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "user_email_unique_ignoring_case" in plan


# --- The migration --------------------------------------------------------------------------------


def test_the_message_names_every_duplicated_address_and_its_accounts():
    groups = [
        ("ANA@BANK.FR", [(3, "Ana@bank.fr"), (9, "ana@bank.fr")]),
        ("BO@BANK.FR", [(4, "bo@bank.fr"), (5, "BO@bank.fr"), (6, "Bo@Bank.fr")]),
    ]
    message = MIGRATION.duplicates_message(groups)
    assert message.startswith("2 email address(es) belong to more than one account")
    assert "  account #3 <Ana@bank.fr>, account #9 <ana@bank.fr>\n" in message
    assert message.endswith(
        "account #4 <bo@bank.fr>, account #5 <BO@bank.fr>, account #6 <Bo@Bank.fr>"
    )
    assert "docs/operations.md" in message


def test_a_long_list_is_cut_and_says_how_many_more():
    groups = [(f"M{n}@X.FR", [(n, f"m{n}@x.fr"), (n + 100, f"M{n}@x.fr")]) for n in range(25)]
    message = MIGRATION.duplicates_message(groups)
    assert message.count("account #") == 2 * MIGRATION.SHOWN
    assert message.endswith("... and 5 more (the query is in docs/operations.md)")


def _migrate(targets):  # type: ignore[no-untyped-def]
    """Migrate accounts to `targets`, every other app to its latest; the models of then."""
    executor = MigrationExecutor(connection)
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "accounts"]
    executor.migrate(others + targets)
    return MigrationExecutor(connection).loader.project_state(others + targets).apps


@pytest.fixture
def _latest_schema_after():  # type: ignore[no-untyped-def]
    """Leave the database as the rest of the suite expects it, even when an assertion fails."""
    yield
    User.objects.all().delete()  # what a test left, so that the constraint can come back
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_latest_schema_after")
def test_the_migration_stops_on_case_duplicates_and_changes_nothing():
    old = _migrate(BEFORE)
    OldUser = old.get_model("accounts", "User")
    first = OldUser.objects.create(email="Ana@bank.fr", display_name="Ana")
    second = OldUser.objects.create(email="ana@bank.fr", display_name="Ana again")
    OldUser.objects.create(email="bo@bank.fr", display_name="Bo")
    with pytest.raises(CommandError) as refused:
        _migrate(AFTER)
    assert f"account #{first.pk} <Ana@bank.fr>, account #{second.pk} <ana@bank.fr>" in str(
        refused.value
    )
    assert "bo@bank.fr" not in str(refused.value)
    # Both accounts are still there, as they were, and the migration is not recorded.
    assert sorted(OldUser.objects.values_list("email", flat=True)) == [
        "Ana@bank.fr",
        "ana@bank.fr",
        "bo@bank.fr",
    ]
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert AFTER[0] not in applied


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_latest_schema_after")
def test_the_migration_goes_through_once_each_address_has_one_account():
    old = _migrate(BEFORE)
    OldUser = old.get_model("accounts", "User")
    OldUser.objects.create(email="Ana@bank.fr", display_name="Ana")
    second = OldUser.objects.create(email="ana@bank.fr", display_name="Ana again")
    with pytest.raises(CommandError):
        _migrate(AFTER)
    # What docs/operations.md tells the operator to do: the other account gets its own address.
    OldUser.objects.filter(pk=second.pk).update(email=f"duplicate-{second.pk}@example.invalid")
    _migrate(AFTER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="ANA@bank.fr", display_name="Ana thrice")
