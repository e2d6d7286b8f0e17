"""Ideas, votes and comments through the API follow the site's rules: the same lists, sorts
and filters, pre-moderation, masking, limits and the edit window; bad input is a 400 naming
the field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ideas.models import Idea
from tests.api.conftest import bearer, token_for
from tests.factories import CategoryFactory, IdeaFactory, UserFactory


def _new(**values: str) -> dict[str, str]:
    return {
        "title": "Round-ups into savings",
        "body": "Save the change.",
        "category": "cards",
        "language": "en",
        **values,
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 141}, "title"),
        ({"category": "no-such-category"}, "category"),
        ({"language": "de"}, "language"),
        ({"campaign": "no-such-campaign"}, "campaign"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, alice, category, data, field):
    response = api.post("/api/v1/ideas/", _new(**data), format="json", **bearer(token_for(alice)))
    assert response.status_code == 400
    assert field in response.json()
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=best", "sort"),
        ("status=open", "status"),
        ("category=nope", "category"),
        ("after=garbage", "after"),
        ("page_size=1000", "page_size"),
    ],
)
def test_bad_list_filters_are_a_400_naming_the_field(api, db, query, field):
    response = api.get(f"/api/v1/ideas/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_body_that_is_not_json_is_a_400(api, alice):
    response = api.post(
        "/api/v1/ideas/",
        "{not json",
        content_type="application/json",
        **bearer(token_for(alice)),
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_first_idea_waits_for_a_moderator(api, settings, category):
    settings.RUCHE_PREMODERATE_FIRST_POST = True
    newcomer = UserFactory()
    response = api.post("/api/v1/ideas/", _new(), format="json", **bearer(token_for(newcomer)))
    assert response.status_code == 201
    assert response.json()["visibility"] == "pending"
    idea_id = response.json()["id"]
    assert api.get(f"/api/v1/ideas/{idea_id}/").status_code == 404  # not public
    assert idea_id not in [i["id"] for i in api.get("/api/v1/ideas/").json()["results"]]


def test_personal_data_is_masked_before_it_is_stored(api, alice, category):
    data = _new(body="Call me on 06 12 34 56 78 or write to alice.martin@example.org")
    response = api.post("/api/v1/ideas/", data, format="json", **bearer(token_for(alice)))
    assert response.status_code == 201
    stored = Idea.objects.get(pk=response.json()["id"]).body
    assert "06 12 34 56 78" not in stored
    assert "alice.martin@example.org" not in stored


def test_submitting_is_rate_limited_like_the_site(api, settings, alice, category):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "idea_create": (2, 3600)}
    secret = token_for(alice)
    codes = [
        api.post(
            "/api/v1/ideas/", _new(title=f"Idea {n}"), format="json", **bearer(secret)
        ).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]
    assert Idea.objects.count() == 2


def test_authors_edit_within_the_window_only(api, settings, alice, idea):
    secret = token_for(alice)
    response = api.patch(
        f"/api/v1/ideas/{idea.pk}/", {"title": "Freeze it"}, format="json", **bearer(secret)
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Freeze it"
    assert response.json()["body"] == idea.body  # a partial edit keeps the rest
    Idea.objects.filter(pk=idea.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.IDEA_EDIT_WINDOW_MINUTES + 1)
    )
    response = api.patch(
        f"/api/v1/ideas/{idea.pk}/", {"title": "Later"}, format="json", **bearer(secret)
    )
    assert response.status_code == 403
    assert "no longer" in response.json()["detail"]


def test_voting_twice_counts_once_and_withdrawing_undoes_it(api, bob, idea):
    secret = token_for(bob)
    url = f"/api/v1/ideas/{idea.pk}/vote/"
    assert api.post(url, **bearer(secret)).json() == {"voted": True, "vote_count": 1}
    assert api.post(url, **bearer(secret)).json() == {"voted": True, "vote_count": 1}
    assert api.get(f"/api/v1/ideas/{idea.pk}/", **bearer(secret)).json()["voted"] is True
    assert api.delete(url, **bearer(secret)).json() == {"voted": False, "vote_count": 0}


def test_the_list_sorts_filters_and_pages_by_cursor(api, db):
    cards, loans = CategoryFactory(slug="cards"), CategoryFactory(slug="loans")
    ideas = [IdeaFactory(category=cards, vote_count=n) for n in range(5)]
    IdeaFactory(category=loans, vote_count=99)
    first = api.get("/api/v1/ideas/?sort=top&category=cards&page_size=2").json()
    assert [i["id"] for i in first["results"]] == [ideas[4].pk, ideas[3].pk]
    second = api.get(first["next"]).json()
    assert [i["id"] for i in second["results"]] == [ideas[2].pk, ideas[1].pk]
    back = api.get(second["previous"]).json()
    assert [i["id"] for i in back["results"]] == [ideas[4].pk, ideas[3].pk]
    last = api.get(api.get(first["next"]).json()["next"]).json()
    assert [i["id"] for i in last["results"]] == [ideas[0].pk]
    assert last["next"] is None


def test_search_finds_by_words(api, db):
    IdeaFactory(title="Freeze my card from the app", body="Stolen wallet.")
    IdeaFactory(title="Cheaper transfers abroad", body="Fees are too high.")
    results = api.get("/api/v1/ideas/?q=freeze").json()["results"]
    assert [i["title"] for i in results] == ["Freeze my card from the app"]


def test_a_reply_to_a_comment_of_another_idea_names_the_parent_field(api, bob, idea):
    other = IdeaFactory()
    secret = token_for(bob)
    posted = api.post(
        f"/api/v1/ideas/{other.pk}/comments/", {"body": "Hi"}, format="json", **bearer(secret)
    ).json()
    response = api.post(
        f"/api/v1/ideas/{idea.pk}/comments/",
        {"body": "Re", "parent": posted["id"]},
        format="json",
        **bearer(secret),
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_replies_come_with_their_comment(api, bob, idea):
    secret = token_for(bob)
    top = api.post(
        f"/api/v1/ideas/{idea.pk}/comments/", {"body": "Top"}, format="json", **bearer(secret)
    ).json()
    api.post(
        f"/api/v1/ideas/{idea.pk}/comments/",
        {"body": "Reply", "parent": top["id"]},
        format="json",
        **bearer(secret),
    )
    page = api.get(f"/api/v1/ideas/{idea.pk}/comments/").json()
    assert page["count"] == 1
    assert [r["body"] for r in page["results"][0]["replies"]] == ["Reply"]


def test_a_session_write_needs_the_csrf_token(alice, idea):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/api/v1/me/").status_code == 200
    assert browser.post(f"/api/v1/ideas/{idea.pk}/vote/").status_code == 403
