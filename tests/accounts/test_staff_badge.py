"""The staff badge beside a person's posts, on the site and in the API, follows the one
definition of staff (accounts.roles.user_holds_staff_role): a member of a group an administrator
built ("complaints team") or someone given a staff permission directly is staff there too, as
for two-factor and sessions, read for a whole page in one query."""

from typing import Any

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from accounts.models import User
from tests.factories import (
    IdeaFactory,
    UserFactory,
    complaints_team_member,
    given_a_staff_permission,
)

pytestmark = pytest.mark.django_db


def _people() -> dict[str, Any]:
    return {
        "member": UserFactory(display_name="Mia"),
        "partner": UserFactory(display_name="Pat", role=roles.PARTNER),
        "moderator": UserFactory(display_name="Mo", role=roles.MODERATOR, mfa=False),
        "team": complaints_team_member(display_name="Hana"),
        "direct": given_a_staff_permission(display_name="Dora"),
        "django_admin": UserFactory(display_name="Adam", is_staff=True, mfa=False),
    }


STAFF = {"moderator", "team", "direct", "django_admin"}


def _card(html: str, title: str) -> str:
    (card,) = [part for part in html.split("<article")[1:] if title in part]
    return card.split("</article>")[0]


def test_the_badge_follows_the_staff_definition_on_the_list_and_the_idea_page(client, category):
    people = _people()
    ideas = {
        key: IdeaFactory(author=person, category=category, title=f"Idea of {key}")
        for key, person in people.items()
    }
    listed = client.get(reverse("ideas:list")).content.decode()
    for key, idea in ideas.items():
        assert roles.user_holds_staff_role(people[key]) == (key in STAFF), key
        assert ("badge-staff" in _card(listed, idea.title)) == (key in STAFF), key
        page = client.get(idea.get_absolute_url()).content.decode()
        byline = page.split('class="byline"')[1].split("</p>")[0]
        assert ("badge-staff" in byline) == (key in STAFF), key


def test_the_api_staff_field_follows_the_staff_definition(client, category):
    people = _people()
    for key, person in people.items():
        IdeaFactory(author=person, category=category, title=f"Idea of {key}")
    response = client.get("/api/v1/ideas/?page_size=20")
    assert response.status_code == 200
    staff = {row["author"]["name"]: row["author"]["staff"] for row in response.json()["results"]}
    assert staff == {str(person): key in STAFF for key, person in people.items()}


def test_the_badges_of_a_whole_page_are_one_query(category):
    people = _people()
    for person in people.values():
        IdeaFactory(author=person, category=category)
    authors = [idea.author for idea in category.ideas.select_related("author")]
    with CaptureQueriesContext(connection) as captured:
        prefetch_related_objects(authors, "holds_staff_role")
        shown = {author.display_name: author.holds_staff_role for author in authors}
    assert len(captured) == 1
    assert shown == {person.display_name: key in STAFF for key, person in people.items()}


def test_an_account_read_alone_asks_once(db):
    team = complaints_team_member()
    fresh = User.objects.get(pk=team.pk)
    with CaptureQueriesContext(connection) as captured:
        assert fresh.holds_staff_role
        assert fresh.holds_staff_role
    assert len(captured) == 1
    assert not User(display_name="Unsaved").holds_staff_role
