"""The endpoints added for issue #15 do what the site's pages do, through the same services:
status changes, campaigns, notifications and the moderation queue's actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from accounts.audit import AuditEntry
from community.models import Comment, Notification
from community.moderation.services import flag_create
from community.notifications.services import notify_badge
from ideas.models import Campaign, Idea, StatusChange
from tests.api.conftest import bearer, token_for
from tests.factories import CommentFactory, IdeaFactory, UserFactory


@pytest.fixture
def mod_headers(moderator):  # type: ignore[no-untyped-def]
    return bearer(token_for(moderator, "write", days=7))


def test_staff_change_a_status_with_an_official_answer_masked_and_audited(
    api, idea, product_manager
):
    headers = bearer(token_for(product_manager, "write", days=7))
    response = api.post(
        f"/api/v1/ideas/{idea.pk}/status/",
        {"to_status": "planned", "response": "Call me on 06 12 34 56 78"},
        format="json",
        **headers,
    )
    assert response.status_code == 201, response.content
    change = StatusChange.objects.get(idea=idea)
    assert "06 12 34 56 78" not in change.response
    assert response.json()["response"] == change.response
    assert AuditEntry.objects.filter(action="status_change", actor=product_manager).exists()
    again = api.post(
        f"/api/v1/ideas/{idea.pk}/status/",
        {"to_status": "new", "response": "Back"},
        format="json",
        **headers,
    )
    assert again.status_code == 400
    assert "to_status" in again.json()
    blank = api.post(
        f"/api/v1/ideas/{idea.pk}/status/", {"to_status": "done"}, format="json", **headers
    )
    assert blank.status_code == 400
    assert "response" in blank.json()


def test_a_moderation_action_needs_its_reason_named(api, idea, mod_headers):
    response = api.post(
        f"/api/v1/moderation/ideas/{idea.pk}/hide/", {}, format="json", **mod_headers
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    idea.refresh_from_db()
    assert idea.hidden_at is None


def test_approving_through_the_api_publishes_the_idea_and_audits_it(
    api, alice, category, mod_headers, moderator
):
    waiting = IdeaFactory(author=alice, category=category, pending_at=timezone.now())
    assert api.get(f"/api/v1/ideas/{waiting.pk}/").status_code == 404
    listed = api.get("/api/v1/moderation/waiting/", **mod_headers).json()
    assert [item["idea"]["id"] for item in listed["results"]] == [waiting.pk]
    assert "approve" in listed["results"][0]["actions"]
    seen = {"seen": listed["results"][0]["seen"]}  # the version read
    unseen = api.post(
        f"/api/v1/moderation/ideas/{waiting.pk}/approve/", {}, format="json", **mod_headers
    )
    assert unseen.status_code == 400
    assert "seen" in unseen.json()
    done = api.post(
        f"/api/v1/moderation/ideas/{waiting.pk}/approve/", seen, format="json", **mod_headers
    )
    assert done.json() == {"action": "approve", "changed": True, "detail": done.json()["detail"]}
    assert api.get(f"/api/v1/ideas/{waiting.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="idea_approve", actor=moderator).exists()
    twice = api.post(
        f"/api/v1/moderation/ideas/{waiting.pk}/approve/", seen, format="json", **mod_headers
    )
    assert twice.json()["changed"] is False


def test_rejecting_a_waiting_comment_hides_it_and_tells_its_author(
    api, idea, bob, mod_headers, django_capture_on_commit_callbacks
):
    comment = CommentFactory(idea=idea, author=bob, pending_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):  # the outbox's consumers
        response = api.post(
            f"/api/v1/moderation/comments/{comment.pk}/reject/",
            {"reason": "Off-topic"},
            format="json",
            **mod_headers,
        )
    assert response.status_code == 200
    assert response.json()["changed"] is True
    rejected = Comment.objects.get(pk=comment.pk)
    assert rejected.removed_at is not None
    assert rejected.pending_at is None
    assert Notification.objects.filter(recipient=bob, kind="post_rejected").exists()


def test_the_reported_list_groups_the_flags_of_an_item(api, idea, alice, bob, mod_headers):
    for reporter in (alice, bob):
        flag_create(reporter=reporter, idea=idea, reason="spam")
    page = api.get("/api/v1/moderation/reported/", **mod_headers).json()
    assert page["count"] == 1
    assert page["results"][0]["flag_count"] == 2
    assert page["results"][0]["idea"]["id"] == idea.pk


def test_the_waiting_list_pages(api, category, mod_headers):
    author = UserFactory()
    for minutes in range(5):
        IdeaFactory(
            author=author, category=category, pending_at=timezone.now() - timedelta(minutes=minutes)
        )
    first = api.get("/api/v1/moderation/waiting/?page_size=2", **mod_headers).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"]
    third = api.get("/api/v1/moderation/waiting/?page_size=2&page=3", **mod_headers).json()
    assert len(third["results"]) == 1
    assert third["next"] is None
    seen = [i["idea"]["id"] for i in first["results"] + third["results"]]
    assert len(set(seen)) == 3
    assert api.get("/api/v1/moderation/waiting/?page=x", **mod_headers).status_code == 400


def test_notifications_are_the_callers_own_and_are_marked_read(api, alice, bob):
    notify_badge(user=alice, badge="first_idea", event="a1")
    notify_badge(user=alice, badge="first_comment", event="a2")
    notify_badge(user=bob, badge="first_idea", event="b1")
    headers = bearer(token_for(alice, "write"))
    page = api.get("/api/v1/notifications/", **headers).json()
    assert page["count"] == 2
    assert {n["read"] for n in page["results"]} == {False}
    first = page["results"][0]["id"]
    marked = api.post("/api/v1/notifications/read/", {"id": first}, format="json", **headers)
    assert marked.json() == {"marked": 1}
    assert api.get("/api/v1/notifications/?unread=true", **headers).json()["count"] == 1
    again = api.post("/api/v1/notifications/read/", {"id": first}, format="json", **headers)
    assert (again.status_code, again.json()) == (200, {"marked": 0})  # hers, read already
    assert api.post("/api/v1/notifications/read/", {}, format="json", **headers).json() == {
        "marked": 1
    }
    assert Notification.objects.get(recipient=bob).read_at is None


def test_another_members_notification_is_not_found_by_the_api_as_on_the_page(
    api, client, alice, bob
):
    """The page answers 404 for a notification that is not the caller's; the API answered 200
    {"marked": 0}, as for one of the caller's read already. Both now answer as for an id that
    does not exist, so neither tells that it does."""
    notify_badge(user=bob, badge="first_idea", event="b1")
    bobs = Notification.objects.get(recipient=bob).pk
    missing = bobs + 1000
    headers = bearer(token_for(alice, "write"))
    answers = [
        api.post("/api/v1/notifications/read/", {"id": pk}, format="json", **headers)
        for pk in (bobs, missing)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json() == {"detail": "No such notification."}
    client.force_login(alice)
    for pk in (bobs, missing):
        assert client.get(f"/notifications/{pk}/").status_code == 404
    assert Notification.objects.get(recipient=bob).read_at is None


def test_campaigns_by_phase_and_one_with_its_top_ideas(api, moderator, category, alice):
    now = timezone.now()

    def campaign(slug, starts, ends):  # type: ignore[no-untyped-def]
        return Campaign.objects.create(
            title=slug,
            slug=slug,
            description="Q?",
            starts_at=now + timedelta(days=starts),
            ends_at=now + timedelta(days=ends),
            created_by=moderator,
        )

    running = campaign("running", -1, 5)
    campaign("later", 3, 9)
    campaign("past", -9, -3)
    IdeaFactory(author=alice, category=category, campaign=running, vote_count=4)
    phases = {
        phase: [c["slug"] for c in api.get(f"/api/v1/campaigns/?phase={phase}").json()["results"]]
        for phase in ("open", "upcoming", "finished")
    }
    assert phases == {"open": ["running"], "upcoming": ["later"], "finished": ["past"]}
    detail = api.get("/api/v1/campaigns/running/").json()
    assert detail["phase"] == "open"
    assert detail["idea_count"] == 1
    assert [i["vote_count"] for i in detail["top_ideas"]] == [4]
    assert api.get("/api/v1/campaigns/?phase=soon").json() == {
        "phase": ['"soon" is not a valid choice.']
    }
    ideas = api.get("/api/v1/ideas/?campaign=running").json()["results"]
    assert len(ideas) == 1
    assert Idea.objects.get(pk=ideas[0]["id"]).campaign == running


def test_a_read_only_token_cannot_act_as_a_moderator(api, idea):
    moderator = UserFactory(role=roles.MODERATOR)
    headers = bearer(token_for(moderator, "read", days=7))
    response = api.post(
        f"/api/v1/moderation/ideas/{idea.pk}/hide/", {"reason": "x"}, format="json", **headers
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
