"""Inputs an outside check sent to every form and endpoint (2026-12-04) that answered 500, lost
what was typed, or did not name the field. Each now gets a clear answer and loses nothing."""

import base64
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditExport
from community.comments.services import comment_create
from community.models import Comment
from config.redirects import next_path
from ideas.models import Campaign, Idea
from ideas.pagination import decode_cursor, encode_cursor
from ideas.rendering import cleaned_text
from ideas.services import idea_create
from tests.api.conftest import bearer, token_for
from tests.factories import CategoryFactory, CommentFactory, IdeaFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


def _cursor(*tagged: list) -> str:  # type: ignore[type-arg]
    raw = json.dumps(list(tagged)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# --- where a form sends the browser back ---------------------------------------------------------


@pytest.mark.parametrize("given", ["x", "-1", "²", "ideas:home", "//evil.example/", "https://x.y/"])
def test_next_is_only_ever_a_path_on_this_site(given):
    request = RequestFactory().post("/", {"next": given})
    assert next_path(request, default="/back/") == "/back/"


def test_next_keeps_a_path_with_its_query():
    request = RequestFactory().post("/", {"next": "/ideas/?page=2&sort=top"})
    assert next_path(request, default="/back/") == "/ideas/?page=2&sort=top"


def test_a_vote_with_a_next_that_is_not_a_path_is_counted_and_goes_back_to_the_idea(bob, idea):
    response = signed_in(bob).post(reverse("ideas:vote", args=[idea.pk]), {"next": "x"})
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    idea.refresh_from_db()
    assert idea.vote_count == 1


# --- dates a person cannot mean ------------------------------------------------------------------


@pytest.mark.parametrize("starts", ["0001-01-01 00:00", "1899-12-31 23:59"])
def test_a_campaign_starting_before_1900_is_a_field_error_and_nothing_is_saved(moderator, starts):
    client = signed_in(moderator)
    page = client.post(
        reverse("campaigns:create"),
        {
            "title": "Savings",
            "slug": "",
            "description": "Tell us.",
            "starts_at": starts,
            "ends_at": "2027-01-31 12:00",
        },
    )
    assert page.status_code == 400
    assert "Enter a year between 1900 and 9998." in page.text
    assert not Campaign.objects.exists()
    assert client.get(reverse("ideas:home")).status_code == 200


# --- a reply whose comment cannot be found keeps its text ----------------------------------------


@pytest.mark.parametrize("parent", ["²", "abc", "-1", "99999999999999999999", "999999"])
def test_a_reply_to_a_comment_that_is_not_there_comes_back_with_its_text(bob, idea, parent):
    response = signed_in(bob).post(
        reverse("community:comment_create", args=[idea.pk]),
        {"body": "My long, careful answer", "parent": parent},
    )
    assert response.status_code == 400
    assert "The comment you replied to is no longer there." in response.text
    assert "My long, careful answer" in response.text
    assert not Comment.objects.exists()


def test_a_reply_to_a_real_comment_is_still_posted(bob, idea):
    parent = CommentFactory(idea=idea)
    response = signed_in(bob).post(
        reverse("community:comment_create", args=[idea.pk]),
        {"body": "Agreed", "parent": str(parent.pk)},
    )
    assert response.status_code == 302
    assert Comment.objects.get(body="Agreed").parent == parent


# --- slugs and numbers from the address or a form ------------------------------------------------


def test_a_nul_byte_as_a_campaign_is_an_invalid_choice_not_a_500(bob, category):
    client = signed_in(bob)
    assert client.get(reverse("ideas:create") + "?campaign=%00").status_code == 200
    Campaign.objects.create(  # a campaign running: the form has its campaign field
        title="Open",
        slug="open",
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=30),
        created_by=UserFactory(),
    )
    page = client.post(
        reverse("ideas:create"),
        {
            "campaign": "\x00",
            "title": "Pay by phone",
            "body": "In shops, please.",
            "category": category.slug,
            "language": "en",
        },
    )
    assert page.status_code == 200  # the form again, as for any field error on this page
    assert "Select a valid choice" in page.text
    assert "In shops, please." in page.text
    assert not Idea.objects.exists()


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999"])
def test_numbers_in_addresses_are_ascii_digits_or_ignored(moderator, idea, value):
    client = signed_in(moderator)
    assert client.get(f"{idea.get_absolute_url()}?comment={value}").status_code == 200
    merge = reverse("moderation:merge_pick", args=[idea.pk])
    assert client.get(merge, {"q": f"#{value}"}).status_code == 200
    similar = client.post(reverse("ideas:similar"), {"title": "card", "exclude": value})
    assert similar.status_code == 200


# --- page cursors made by hand -------------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(["i", 1e400], ["i", 1]),  # infinity as an integer
        _cursor(["f", 1e400], ["i", 1]),  # infinity
        _cursor(["f", 0.1], ["i", 1]),  # a number where "new" keeps a time
        _cursor(["d", "2026-01-01T00:00:00+00:00"], ["d", "2026-01-01T00:00:00+00:00"]),
        _cursor(["d", "2026-01-01T00:00:00+00:00"], ["i", 2**70]),  # beyond bigint
    ],
)
def test_a_cursor_of_the_wrong_shape_is_refused_by_the_api_and_ignored_by_the_pages(
    client, api, bob, cursor
):
    IdeaFactory.create_batch(3)
    with pytest.raises(ValueError, match="cursor"):
        decode_cursor(cursor, keys=("created_at", "id"))
    page = client.get(reverse("ideas:list"), {"sort": "new", "after": cursor})
    assert page.status_code == 200  # the first page, as for any cursor not of ours
    api.credentials(**bearer(token_for(bob, scope="read")))
    for name in ("after", "before"):
        answer = api.get("/api/v1/ideas/", {"sort": "new", name: cursor})
        assert answer.status_code == 400
        assert name in answer.json()


@pytest.mark.parametrize("sort", ["trending", "top", "new"])
def test_the_cursors_of_every_sort_still_page(client, api, bob, sort):
    IdeaFactory.create_batch(25)
    first = client.get(reverse("ideas:list"), {"sort": sort})
    api.credentials(**bearer(token_for(bob, scope="read")))
    answer = api.get("/api/v1/ideas/", {"sort": sort}).json()
    second = api.get(answer["next"]).json()
    assert len(second["results"]) == 5
    assert not {i["id"] for i in answer["results"]} & {i["id"] for i in second["results"]}
    assert first.status_code == 200


def test_a_cursor_of_ours_decodes_to_its_values():
    idea = IdeaFactory()
    cursor = encode_cursor([idea.vote_count, idea.created_at, idea.pk])
    keys = ("vote_count", "created_at", "id")
    assert decode_cursor(cursor, keys=keys) == [idea.vote_count, idea.created_at, idea.pk]
    assert decode_cursor(encode_cursor([0.0, 7]), keys=("trending_score", "id")) == [0.0, 7]


# --- the API: page numbers, unknown fields, characters no JSON can write ------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "²"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
    ],
)
def test_a_bad_page_number_is_a_400_naming_it(api, bob, query, field):
    api.credentials(**bearer(token_for(bob, scope="read")))
    answer = api.get("/api/v1/categories/", query)
    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_a_page_past_the_last_is_still_not_found(api, bob):
    api.credentials(**bearer(token_for(bob, scope="read")))
    assert api.get("/api/v1/categories/", {"page": "999999"}).status_code == 404


def test_the_last_page_and_an_empty_page_number_still_work(api, bob):
    CategoryFactory.create_batch(3)
    api.credentials(**bearer(token_for(bob, scope="read")))
    last = api.get("/api/v1/categories/", {"page": "last", "page_size": "2"})
    assert last.status_code == 200
    assert last.json()["previous"] is not None
    assert last.json()["next"] is None
    assert api.get("/api/v1/categories/", {"page": ""}).status_code == 200


def test_a_field_an_endpoint_does_not_take_is_a_400_naming_it(api, alice, idea):
    api.credentials(**bearer(token_for(alice)))
    answer = api.patch(f"/api/v1/ideas/{idea.pk}/", {"status": "done"}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"status": ["This endpoint does not take this field."]}
    idea.refresh_from_db()
    assert idea.status != "done"


def test_a_lone_surrogate_in_a_choice_is_a_400_in_json(api, partner, category):
    api.credentials(**bearer(token_for(partner)))
    body = '{"title": "t", "body": "b", "category": "CAT", "language": "\\ud800"}'.replace(
        "CAT", category.slug
    )
    answer = api.post("/api/v1/ideas/", body, content_type="application/json")
    assert answer.status_code == 400
    assert "language" in json.loads(answer.content)
    assert not Idea.objects.filter(title="t").exists()


# --- Markdown that a person can type --------------------------------------------------------------


def test_a_deeply_nested_list_is_saved_and_shown_as_typed(bob, idea):
    text = "- " * 600 + "x"  # Python-Markdown recursed once per level: RecursionError
    response = signed_in(bob).post(
        reverse("community:comment_create", args=[idea.pk]), {"body": text}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == text
    assert comment.body_html.startswith("<p>- - - ")


# --- the Django admin's lists --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "created_at__year=0",
        "created_at__year=99999999999999999999999",
        "status__exact=%00",
        "title__icontains=%00",
        "id__regex=(",
    ],
)
@pytest.mark.django_db(transaction=True)  # as served: a refused statement aborts nothing else
def test_an_admin_lookup_the_database_refuses_is_djangos_invalid_filter_notice(
    admin_user, idea, query
):
    client = signed_in(admin_user)
    response = client.get(f"/admin/ideas/idea/?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/admin/ideas/idea/?e=1"
    assert client.get(response["Location"]).status_code == 200


def test_an_admin_action_on_ids_that_are_not_ids_changes_nothing(admin_user, category):
    client = signed_in(admin_user)
    response = client.post(
        "/admin/ideas/category/",
        {"action": "delete_selected", "_selected_action": "x", "index": "0"},
    )
    assert response.status_code == 302
    assert category.__class__.objects.filter(pk=category.pk).exists()


@pytest.mark.parametrize(
    "path", ["ideas/idea", "ideas/statuschange", "community/comment", "community/flag"]
)
def test_the_admin_deletes_no_member_content_which_no_audit_entry_would_record(admin_user, path):
    client = signed_in(admin_user)
    idea = IdeaFactory()
    comment = CommentFactory(idea=idea)
    target = {"ideas/idea": idea.pk, "community/comment": comment.pk}.get(path, 1)
    response = client.post(f"/admin/{path}/{target}/delete/", {"post": "yes"})
    assert response.status_code in (403, 404)  # 404: no status change or report numbered 1
    assert Idea.objects.filter(pk=idea.pk).exists()
    assert Comment.objects.filter(pk=comment.pk).exists()
    listing = client.get(f"/admin/{path}/").content.decode()
    assert "delete_selected" not in listing


# --- texts no reader sees, filters that name nothing ---------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b\u200b\u200b", " \ufeff\u2060 ", "\u200d"])
def test_a_title_or_comment_of_invisible_characters_is_blank(bob, category, idea, invisible):
    with pytest.raises(ValidationError) as raised:
        idea_create(author=bob, title=invisible, body="Body", category=category, language="en")
    assert "title" in raised.value.message_dict
    with pytest.raises(ValidationError):
        comment_create(idea=idea, author=bob, body=invisible)


def test_invisible_characters_inside_a_text_stay():
    family = "👩\u200d👩\u200d👧"  # one emoji held together by zero-width joiners
    assert cleaned_text(f"\u200b Cards for the {family} \ufeff") == f"Cards for the {family}"


def test_a_themes_export_of_a_category_that_does_not_exist_is_a_400(product_manager):
    response = signed_in(product_manager).get(reverse("themes:export"), {"category": "nope"})
    assert response.status_code == 400
    assert response.content.decode() == "No such category: nope."


def test_an_audit_export_of_a_kind_that_does_not_exist_exports_nothing(admin_user):
    client = signed_in(admin_user)
    response = client.post(reverse("moderation:audit_export"), {"action": "nope"}, follow=True)
    assert "No such kind of entry: nothing was exported." in response.content.decode()
    assert not AuditExport.objects.exists()
