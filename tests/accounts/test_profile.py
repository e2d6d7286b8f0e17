from django.urls import reverse

from community.comments.services import comment_create
from ideas.services import vote_toggle
from tests.factories import IdeaFactory


def test_profile_needs_login(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302


def test_profile_lists_my_ideas_votes_and_comments(client, alice, bob, category):
    mine = IdeaFactory(author=alice, category=category, title="My own idea")
    theirs = IdeaFactory(author=bob, category=category, title="Bob's idea")
    vote_toggle(user=alice, idea=theirs)
    comment_create(idea=theirs, author=alice, body="Love it")
    client.force_login(alice)
    response = client.get(reverse("accounts:profile"))
    assert [i.title for i in response.context["ideas"]] == [mine.title]
    assert [i.title for i in response.context["voted_ideas"]] == [theirs.title]
    assert [c.body for c in response.context["comments"]] == ["Love it"]


def test_profile_updates_the_display_name(client, alice):
    client.force_login(alice)
    client.post(reverse("accounts:profile"), {"display_name": "Alice B."})
    alice.refresh_from_db()
    assert alice.display_name == "Alice B."


def test_profile_refuses_an_empty_display_name(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:profile"), {"display_name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
