import html
import re

import pytest
from django.urls import reverse

from ideas.models import Idea, Status, StatusChange, Vote
from tests.factories import CategoryFactory, IdeaFactory
from tests.helpers import queries_to_get


def test_home_shows_trending_ideas_and_categories(client, idea):
    response = client.get(reverse("ideas:home"))
    assert response.status_code == 200
    assert "Freeze my card from the app" in response.text
    assert "Cards" in response.text


def test_idea_detail_shows_body_status_history_and_comments(client, idea, moderator):
    from community.comments.services import comment_create
    from ideas.services import idea_change_status

    comment_create(idea=idea, author=moderator, body="Thanks for the idea")
    idea_change_status(idea=idea, actor=moderator, to_status=Status.PLANNED, response="Coming soon")
    response = client.get(idea.get_absolute_url())
    assert response.status_code == 200
    assert "<strong>freeze</strong>" in response.text
    assert "Coming soon" in response.text
    assert "Official response" in response.text
    assert "Thanks for the idea" in response.text
    assert 'class="badge badge-staff"' in response.text


def test_a_missing_idea_is_404(client, db):
    assert client.get(reverse("ideas:detail", args=[12345])).status_code == 404


def test_an_idea_id_no_integer_column_can_hold_is_a_404(client, bob):  # type: ignore[no-untyped-def]
    huge = 22484442494529772569231360  # beyond 64 bits (the schema fuzz test's find, on SQLite)
    assert client.get(reverse("ideas:detail", args=[huge])).status_code == 404
    client.force_login(bob)
    assert client.get(reverse("ideas:detail", args=[huge])).status_code == 404
    assert client.post(reverse("ideas:vote", args=[huge])).status_code == 404


@pytest.mark.parametrize("sort", ["trending", "top", "new"])
def test_idea_list_sorts(client, category, sort):
    low = IdeaFactory(category=category, title="Low", vote_count=1)
    high = IdeaFactory(category=category, title="High", vote_count=50)
    response = client.get(reverse("ideas:list"), {"sort": sort})
    titles = [i.title for i in response.context["page"]]
    if sort == "new":
        assert titles == ["High", "Low"]  # High was created last
    else:
        assert titles.index(high.title) < titles.index(low.title)


def test_idea_list_filters_by_category_and_status(client, category):
    other = CategoryFactory(slug="loans", name_en="Loans")
    IdeaFactory(category=category, title="Card idea")
    IdeaFactory(category=other, title="Loan idea")
    IdeaFactory(category=other, title="Planned loan idea", status=Status.PLANNED)
    response = client.get(reverse("ideas:list"), {"category": "loans", "status": "planned"})
    assert [i.title for i in response.context["page"]] == ["Planned loan idea"]


def test_idea_list_ignores_unknown_filter_values(client, idea):
    response = client.get(
        reverse("ideas:list"), {"sort": "bogus", "category": "nope", "status": "x"}
    )
    assert response.status_code == 200
    assert [i.title for i in response.context["page"]] == [idea.title]


def _link(page: str, rel: str) -> str:
    """The href of the page's rel="next" / rel="prev" link."""
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', page)
    assert match, f"no {rel} link"
    return html.unescape(match.group(1))


def test_idea_list_is_paginated_by_next_and_previous_links(client, category):
    IdeaFactory.create_batch(25, category=category)
    url = reverse("ideas:list")
    first = client.get(url)
    second = client.get(url + _link(first.text, "next"))
    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 5
    seen = [i.pk for i in first.context["page"]] + [i.pk for i in second.context["page"]]
    assert sorted(seen) == sorted(Idea.objects.values_list("pk", flat=True))
    assert 'rel="next"' not in second.text
    back = client.get(url + _link(second.text, "prev"))
    assert [i.pk for i in back.context["page"]] == [i.pk for i in first.context["page"]]
    assert 'rel="prev"' not in back.text


def test_idea_list_query_count_does_not_grow_with_page_size(client, category, bob):
    client.force_login(bob)
    IdeaFactory.create_batch(3, category=category)
    few = queries_to_get(client, reverse("ideas:list"))
    IdeaFactory.create_batch(17, category=category)
    many = queries_to_get(client, reverse("ideas:list"))
    assert many == few


def test_home_query_count_is_fixed(client, category, bob):
    client.force_login(bob)
    IdeaFactory.create_batch(2, category=category)
    few = queries_to_get(client, reverse("ideas:home"))
    IdeaFactory.create_batch(10, category=category)
    many = queries_to_get(client, reverse("ideas:home"))
    assert many == few


# --- voting -----------------------------------------------------------------------------------


def test_vote_needs_post(client, bob, idea):
    client.force_login(bob)
    assert client.get(reverse("ideas:vote", args=[idea.pk])).status_code == 405


def test_anonymous_vote_is_sent_to_log_in(client, idea):
    response = client.post(reverse("ideas:vote", args=[idea.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Vote.objects.exists()


def test_vote_without_javascript_redirects_back(client, bob, idea):
    client.force_login(bob)
    response = client.post(reverse("ideas:vote", args=[idea.pk]), {"next": "/ideas/?sort=top"})
    assert response.status_code == 302
    assert response["Location"] == "/ideas/?sort=top"
    idea.refresh_from_db()
    assert idea.vote_count == 1


def test_vote_refuses_to_redirect_off_site(client, bob, idea):
    client.force_login(bob)
    response = client.post(reverse("ideas:vote", args=[idea.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == idea.get_absolute_url()


def test_vote_with_htmx_returns_the_button_fragment(client, bob, idea):
    client.force_login(bob)
    response = client.post(
        reverse("ideas:vote", args=[idea.pk]), {"voted": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<form id="vote-{idea.pk}" class="vote voted"')
    assert '<span class="vote-count">1</span>' in response.text
    response = client.post(
        reverse("ideas:vote", args=[idea.pk]), {"voted": "0"}, HTTP_HX_REQUEST="true"
    )
    assert '<span class="vote-count">0</span>' in response.text
    assert 'voted"' not in response.text.split(">")[0]


def test_vote_on_a_missing_idea_is_404(client, bob, db):
    client.force_login(bob)
    assert client.post(reverse("ideas:vote", args=[999])).status_code == 404


def test_a_hidden_idea_takes_votes_from_its_author_and_moderators_only(client, bob, db):
    from django.utils import timezone

    from tests.factories import UserFactory

    moderator = UserFactory(role="moderator")
    hidden = IdeaFactory(author=bob, hidden_at=timezone.now())
    url = reverse("ideas:vote", args=[hidden.pk])
    for voter, status in ((UserFactory(), 404), (bob, 200), (moderator, 200), (bob, 200)):
        client.force_login(voter)
        assert client.post(url, HTTP_HX_REQUEST="true").status_code == status, voter
    hidden.refresh_from_db()
    assert hidden.vote_count == 1  # the moderator's vote stands; the author's was taken back


# --- submitting and editing ---------------------------------------------------------------------


def test_submit_form_needs_login(client, db):
    response = client.get(reverse("ideas:create"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_submit_an_idea(client, bob, category):
    client.force_login(bob)
    response = client.post(
        reverse("ideas:create"),
        {
            "title": "Round up my purchases",
            "body": "Into savings",
            "category": category.pk,
            "language": "en",
        },
    )
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert idea.author == bob


@pytest.mark.parametrize(
    ("page_language", "title", "body", "chosen", "stored"),
    [
        (
            "en",
            "Recevoir une alerte quand mon salaire arrive",
            "Dès que le virement est là.",
            "",
            "fr",
        ),
        ("fr", "Notify me when my salary lands", "As soon as it is in my account.", "", "en"),
        ("fr", "Apple Pay", "Apple Pay", "", "fr"),  # no evidence: the page's language
        ("en", "Apple Pay", "Apple Pay", "", "en"),
        ("en", "Recevoir une alerte quand mon salaire arrive", "Dès que possible.", "en", "en"),
    ],
)
def test_a_new_idea_s_language_is_read_from_its_text_unless_the_member_chooses(  # type: ignore[no-untyped-def]
    client, bob, category, page_language, title, body, chosen, stored
) -> None:
    client.force_login(bob)
    form = client.get(reverse("ideas:create"), HTTP_ACCEPT_LANGUAGE=page_language).text
    assert re.search(r'<option value="" selected>', form)  # "read from my text" by default
    response = client.post(
        reverse("ideas:create"),
        {"title": title, "body": body, "category": category.pk, "language": chosen},
        HTTP_ACCEPT_LANGUAGE=page_language,
    )
    assert response.status_code == 302
    assert Idea.objects.get().language == stored


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "body": "b"}, "title", "This field is required."),
        ({"title": "t" * 141, "body": "b"}, "title", "at most 140 characters"),
        ({"title": "t", "body": "b" * 10_001}, "body", "at most 10000 characters"),
        ({"title": "t", "body": "   "}, "body", "This field is required."),
    ],
)
def test_submit_shows_field_errors_and_keeps_the_input(client, bob, category, data, field, message):
    client.force_login(bob)
    response = client.post(
        reverse("ideas:create"), {**data, "category": category.pk, "language": "en"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert not Idea.objects.exists()
    if data["title"]:
        assert data["title"][:20] in response.text


def test_the_category_is_chosen_not_taken_by_default(client, bob, category):
    client.force_login(bob)
    form = client.get(reverse("ideas:create")).text
    assert re.search(r'<option value="" selected>Choose a category</option>', form)
    response = client.post(reverse("ideas:create"), {"title": "t", "body": "b", "language": "en"})
    assert response.status_code == 200
    assert response.context["form"].errors["category"] == ["This field is required."]
    assert not Idea.objects.exists()


def test_author_edits_their_idea(client, alice, idea):
    client.force_login(alice)
    response = client.post(
        reverse("ideas:edit", args=[idea.pk]),
        {"title": "Edited", "body": "Edited body", "category": idea.category.pk, "language": "en"},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Edited"


@pytest.mark.parametrize(
    ("stored", "offered"),
    [("en", ""), ("fr", "fr")],  # read from the text, or chosen against it
)
def test_an_idea_rewritten_in_the_other_language_is_read_again_unless_its_language_was_chosen(  # type: ignore[no-untyped-def]
    client, alice, idea, stored, offered
) -> None:
    idea.title, idea.body, idea.language = (
        "Notify me when my salary lands",
        "As soon as it is in.",
        stored,
    )
    idea.save()
    client.force_login(alice)
    form = client.get(reverse("ideas:edit", args=[idea.pk]), HTTP_ACCEPT_LANGUAGE="en").text
    assert re.search(rf'<option value="{offered}" selected>', form)
    response = client.post(
        reverse("ideas:edit", args=[idea.pk]),
        {
            "title": "Recevoir une alerte quand mon salaire arrive",
            "body": "Dès que le virement est là.",
            "category": idea.category.pk,
            "language": offered,  # as the form offered it
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.language == "fr"


def test_someone_else_cannot_edit(client, bob, idea):
    client.force_login(bob)
    assert client.get(reverse("ideas:edit", args=[idea.pk])).status_code == 403
    response = client.post(
        reverse("ideas:edit", args=[idea.pk]),
        {"title": "Hacked", "body": "x", "category": idea.category.pk, "language": "en"},
    )
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.title != "Hacked"


def test_my_ideas_lists_only_mine(client, alice, bob, idea, category):
    IdeaFactory(author=bob, category=category, title="Bob's idea")
    client.force_login(alice)
    response = client.get(reverse("ideas:mine"))
    assert [i.title for i in response.context["page"]] == [idea.title]


# --- status changes -----------------------------------------------------------------------------


def test_status_change_needs_post(client, moderator, idea):
    client.force_login(moderator)
    assert client.get(reverse("ideas:change_status", args=[idea.pk])).status_code == 405


def test_anonymous_status_change_is_sent_to_log_in(client, idea):
    response = client.post(reverse("ideas:change_status", args=[idea.pk]), {"to_status": "planned"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["alice", "bob", "partner"])
def test_members_and_partners_cannot_change_status(client, request, idea, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("ideas:change_status", args=[idea.pk]), {"to_status": "planned", "response": "Yes"}
    )
    assert response.status_code == 403
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("who", ["moderator", "product_manager", "admin_user"])
def test_staff_change_status_with_an_official_response(client, request, idea, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("ideas:change_status", args=[idea.pk]), {"to_status": "planned", "response": "Yes!"}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.PLANNED
    page = client.get(idea.get_absolute_url()).text
    assert "Yes!" in page


def test_staff_see_the_answer_form_and_members_do_not(client, idea, moderator, bob):
    client.force_login(bob)
    assert "Answer officially" not in client.get(idea.get_absolute_url()).text
    client.force_login(moderator)
    assert "Answer officially" in client.get(idea.get_absolute_url()).text


def test_status_change_without_response_shows_a_field_error(client, moderator, idea):
    client.force_login(moderator)
    response = client.post(reverse("ideas:change_status", args=[idea.pk]), {"to_status": "planned"})
    assert response.status_code == 400
    assert response.context["status_form"].errors["response"]
    assert not StatusChange.objects.exists()


def test_status_change_outside_the_workflow_shows_an_error(client, moderator, idea):
    client.force_login(moderator)
    response = client.post(
        reverse("ideas:change_status", args=[idea.pk]), {"to_status": "done", "response": "Done"}
    )
    assert response.status_code == 400
    assert "cannot become Done" in response.text
    idea.refresh_from_db()
    assert idea.status == Status.NEW


def test_partner_organisation_is_shown_beside_their_idea(client, partner, category):
    idea = IdeaFactory(author=partner, category=category)
    assert "Fintech Partners SAS" in client.get(idea.get_absolute_url()).text


def test_latest_answers_name_each_idea_once(client, idea, moderator):
    other = IdeaFactory(title="Another answered idea")
    for step, (before, after) in enumerate([("new", "under_review"), ("under_review", "planned")]):
        StatusChange.objects.create(
            idea=idea, changed_by=moderator, from_status=before, to_status=after, response=f"{step}"
        )
    StatusChange.objects.create(
        idea=other, changed_by=moderator, from_status="new", to_status="declined", response="No"
    )
    updates = list(client.get(reverse("ideas:home")).context["status_updates"])
    assert [u.idea for u in updates] == [other, idea]
    assert updates[1].to_status == "planned"  # the idea's newest answer
