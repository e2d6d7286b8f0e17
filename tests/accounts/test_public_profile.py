import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import BadgeAward, BadgeCode, PointsEntry
from tests.community.campaigns.helpers import make_campaign
from tests.factories import CommentFactory, IdeaFactory, UserFactory
from tests.helpers import queries_to_get


def _url(user) -> str:  # type: ignore[no-untyped-def]
    return reverse("members:detail", args=[user.pk])


def _points(user, points: int, key: str) -> None:  # type: ignore[no-untyped-def]
    PointsEntry.objects.create(
        user=user, reason="comment", points=points, key=key, created_at=timezone.now()
    )


def test_a_public_profile_shows_name_organisation_badges_points_ideas_and_comments(
    client, partner, moderator, category
):
    IdeaFactory(author=partner, category=category, title="Open banking for SMEs")
    CommentFactory(author=partner)
    CommentFactory(author=partner, removed_at=timezone.now())  # removed: not counted
    _points(partner, 10, "a")
    _points(partner, 2, "b")
    campaign = make_campaign(moderator, title="Paying abroad", ends_in_days=-1, starts_in_days=-5)
    BadgeAward.objects.create(user=partner, code=BadgeCode.FIRST_IDEA)
    BadgeAward.objects.create(user=partner, code=BadgeCode.CAMPAIGN_TOP, campaign=campaign)
    response = client.get(_url(partner))
    assert response.status_code == 200
    context = response.context
    assert context["points"] == 12
    assert context["comment_count"] == 1
    assert [i.title for i in context["page"]] == ["Open banking for SMEs"]
    text = response.text
    assert "Pat" in text
    assert "Fintech Partners SAS" in text
    assert "First idea" in text
    assert "Top contributor of a campaign" in text
    assert "Paying abroad" in text
    assert partner.email not in text


def test_a_members_organisation_is_shown_only_for_partners(client, db):
    member = UserFactory(display_name="Jo", organisation="Somewhere Ltd")
    assert "Somewhere Ltd" not in client.get(_url(member)).text


@pytest.mark.parametrize("viewer", [None, "bob", "partner"])
def test_a_private_profile_is_404_to_others(client, alice, request, viewer):
    alice.profile_public = False
    alice.save()
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    assert client.get(_url(alice)).status_code == 404


@pytest.mark.parametrize("viewer", ["alice", "moderator", "product_manager", "admin_user"])
def test_a_private_profile_is_visible_to_its_owner_and_staff(client, alice, request, viewer):
    alice.profile_public = False
    alice.save()
    client.force_login(request.getfixturevalue(viewer))
    response = client.get(_url(alice))
    assert response.status_code == 200
    assert "private" in response.text


def test_an_unknown_or_deactivated_member_is_404(client, alice):
    assert client.get(reverse("members:detail", args=[99999])).status_code == 404
    alice.is_active = False
    alice.save()
    assert client.get(_url(alice)).status_code == 404


def test_members_choose_on_their_profile_whether_it_is_public(client, alice):
    client.force_login(alice)
    assert "profile_public" in client.get(reverse("accounts:profile")).context["form"].fields
    client.post(reverse("accounts:profile"), {"display_name": "Alice"})  # box unticked
    alice.refresh_from_db()
    assert alice.profile_public is False
    client.post(reverse("accounts:profile"), {"display_name": "Alice", "profile_public": "on"})
    alice.refresh_from_db()
    assert alice.profile_public is True


def test_names_link_to_public_profiles_only(client, alice, bob, category):
    bob.profile_public = False
    bob.save()
    IdeaFactory(author=alice, category=category)
    IdeaFactory(author=bob, category=category)
    text = client.get(reverse("ideas:list")).text
    assert f'href="{_url(alice)}"' in text
    assert f'href="{_url(bob)}"' not in text
    assert "Bob" in text


def test_the_profile_query_count_does_not_grow_with_the_ideas(client, alice, bob, category):
    client.force_login(bob)
    IdeaFactory.create_batch(2, author=alice, category=category)
    few = queries_to_get(client, _url(alice))
    IdeaFactory.create_batch(15, author=alice, category=category)
    many = queries_to_get(client, _url(alice))
    assert many == few
