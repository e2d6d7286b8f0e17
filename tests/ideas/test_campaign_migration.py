"""ideas 0014 / community 0014 move the Campaign model from community to ideas without touching
the table: a database migrated before the move keeps its campaigns, the rows that point at
them (ideas, badges, results, masked originals) and the permissions granted on them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

MOVED_APPS = ("ideas", "community")
BEFORE = [("ideas", "0013_signals"), ("community", "0013_webhooks")]
AFTER = [("ideas", "0014_campaign_moves_to_ideas"), ("community", "0014_campaign_moves_to_ideas")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    """Migrate ideas and community to `targets`, every other app to its latest; their models."""
    executor = MigrationExecutor(connection)
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] not in MOVED_APPS]
    executor.migrate(others + targets)
    return MigrationExecutor(connection).loader.project_state(others + targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_after():  # type: ignore[no-untyped-def]
    """Leave the database as the rest of the suite expects it, even when an assertion fails:
    every app at its latest migration (later tests and their worker processes use this schema)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _references(table: str, column: str) -> str:
    """The table a column's foreign-key constraint points at, from PostgreSQL's catalogue."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ccu.table_name FROM information_schema.key_column_usage kcu
            JOIN information_schema.table_constraints tc
              ON tc.constraint_name = kcu.constraint_name AND tc.constraint_type = 'FOREIGN KEY'
            JOIN information_schema.constraint_column_usage ccu
              ON ccu.constraint_name = tc.constraint_name
            WHERE kcu.table_name = %s AND kcu.column_name = %s
            """,
            [table, column],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="checks PostgreSQL's catalogue")
@pytest.mark.django_db(transaction=True)
def test_migrating_past_the_move_keeps_campaigns_and_what_points_at_them():
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Group = old.get_model("auth", "Group")
    Permission = old.get_model("auth", "Permission")
    ContentType = old.get_model("contenttypes", "ContentType")
    staff = User.objects.create(email="staff@example.com", display_name="Staff")
    member = User.objects.create(email="member@example.com", display_name="Member")
    category = old.get_model("ideas", "Category").objects.create(
        name_en="Cards", name_fr="Cartes", slug="cards"
    )
    now = timezone.now()
    campaigns = [
        old.get_model("community", "Campaign").objects.create(
            title=f"Campaign {n}",
            slug=f"campaign-{n}",
            description="Save more",
            starts_at=now - timedelta(days=10),
            ends_at=now + timedelta(days=n + 1),
            category=category,
            created_by=staff,
        )
        for n in range(3)
    ]
    idea = old.get_model("ideas", "Idea").objects.create(
        title="Round up",
        body="b",
        author=member,
        category=category,
        campaign=campaigns[1],
        language="en",
    )
    old.get_model("community", "BadgeAward").objects.create(
        user=member, code="campaign_top", campaign=campaigns[2]
    )
    old.get_model("community", "CampaignResults").objects.create(campaign=campaigns[0])
    old.get_model("ideas", "MaskedOriginal").objects.create(
        campaign=campaigns[0],
        typed_by=staff,
        field="title",
        original="t",
        kinds=["email"],
        delete_after=now + timedelta(days=1),
    )
    # The permission exists on a database migrated before (post_migrate made it).
    content_type, _ = ContentType.objects.get_or_create(app_label="community", model="campaign")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="change_campaign", defaults={"name": "Can change"}
    )
    group = Group.objects.create(name="Campaign editors")
    group.permissions.add(permission)

    new = _migrate(AFTER)

    Campaign = new.get_model("ideas", "Campaign")
    assert sorted(Campaign.objects.values_list("pk", "slug")) == sorted(
        (c.pk, c.slug) for c in campaigns
    )
    assert new.get_model("ideas", "Idea").objects.get(pk=idea.pk).campaign.slug == "campaign-1"
    badge = new.get_model("community", "BadgeAward").objects.get()
    assert badge.campaign.slug == "campaign-2"
    results = new.get_model("community", "CampaignResults").objects.get()
    assert results.campaign.slug == "campaign-0"
    kept = new.get_model("ideas", "MaskedOriginal").objects.get()
    assert kept.campaign.slug == "campaign-0"
    # The constraints still point at the same table: nothing was copied.
    for table in ("ideas_idea", "ideas_maskedoriginal", "community_badgeaward"):
        assert _references(table, "campaign_id") == "community_campaign"
    assert _references("community_campaignresults", "campaign_id") == "community_campaign"
    # The permission (and the group holding it) moved with the content type.
    moved = new.get_model("auth", "Permission").objects.get(pk=permission.pk)
    assert (moved.content_type.app_label, moved.codename) == ("ideas", "change_campaign")
    assert new.get_model("auth", "Group").objects.get(pk=group.pk).permissions.count() == 1
    # And back: the reverse migrations are state only too.
    back = _migrate(BEFORE)
    assert back.get_model("community", "Campaign").objects.count() == 3
    assert (
        back.get_model("auth", "Permission").objects.get(pk=permission.pk).content_type.app_label
        == "community"
    )
