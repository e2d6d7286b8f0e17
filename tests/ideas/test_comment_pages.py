"""Comments on an idea page come 50 top-level comments at a time (each with its replies), with
"More comments" (a plain link, or htmx appending the next page), and a link to one comment
opens the page that holds it."""

import re

import pytest
from django.urls import reverse

from community.models import Comment, Notification
from tests.factories import CommentFactory, IdeaFactory


def _shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="comment[^"]*" id="comment-(\d+)"', page)]


@pytest.fixture
def discussed(db):  # type: ignore[no-untyped-def]
    """An idea with 120 top-level comments, the 70th with two replies."""
    idea = IdeaFactory(title="Instant card freeze")
    tops = [CommentFactory(idea=idea, body=f"Comment {i}") for i in range(120)]
    for text in ("First reply", "Second reply"):
        CommentFactory(idea=idea, parent=tops[69], body=text)
    return idea


def _tops(idea) -> list[int]:  # type: ignore[no-untyped-def]
    return list(
        Comment.objects.filter(idea=idea, parent=None)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def test_the_idea_page_shows_the_first_50_comments_and_a_link_to_more(client, discussed):
    page = client.get(discussed.get_absolute_url()).text
    assert _shown(page) == _tops(discussed)[:50]
    assert 'href="?comments=2#comments"' in page
    assert "More comments" in page


def test_more_comments_without_javascript_opens_the_next_page(client, discussed):
    tops = _tops(discussed)
    second = client.get(discussed.get_absolute_url(), {"comments": 2}).text
    shown = _shown(second)
    replies = list(Comment.objects.filter(parent_id=tops[69]).values_list("pk", flat=True))
    assert [pk for pk in shown if pk not in replies] == tops[50:100]
    assert set(replies) <= set(shown)  # replies come with their comment
    assert "Earlier comments" in second
    third = client.get(discussed.get_absolute_url(), {"comments": 3}).text
    assert _shown(third) == tops[100:]
    assert "More comments" not in third


def test_more_comments_with_htmx_returns_only_the_next_comments(client, discussed):
    response = client.get(
        discussed.get_absolute_url(), {"comments": 2}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.text
    assert "Instant card freeze" not in response.text  # not the idea again
    assert _shown(response.text)[0] == _tops(discussed)[50]
    assert 'hx-get="?comments=3"' in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("which", ["top-level", "reply"])
def test_a_link_to_a_comment_opens_the_page_that_holds_it(client, discussed, which):
    tops = _tops(discussed)
    target = tops[110] if which == "top-level" else Comment.objects.filter(parent=tops[69]).last()
    target_pk = target if isinstance(target, int) else target.pk
    page = client.get(discussed.get_absolute_url(), {"comment": target_pk}).text
    assert f'id="comment-{target_pk}"' in page


def test_posting_a_comment_on_a_long_discussion_lands_on_it(client, alice, discussed):
    client.force_login(alice)
    response = client.post(
        reverse("community:comment_create", args=[discussed.pk]), {"body": "Late but keen"}
    )
    comment = Comment.objects.get(body="Late but keen")
    assert response["Location"].endswith(f"?comment={comment.pk}#comment-{comment.pk}")
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).text


def test_a_link_to_a_comment_that_is_not_there_shows_the_first_page(client, discussed):
    response = client.get(discussed.get_absolute_url(), {"comment": 999_999})
    assert response.status_code == 200
    assert _shown(response.text) == _tops(discussed)[:50]


def test_the_idea_page_loads_the_script_that_finds_a_linked_comment(client, discussed):
    page = client.get(discussed.get_absolute_url()).text
    assert "/static/js/comment-anchor.js" in page


def test_a_notification_about_a_late_comment_opens_it_without_javascript(
    client, alice, bob, discussed, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    client.post(reverse("community:idea_follow", args=[discussed.pk]))
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("community:comment_create", args=[discussed.pk]), {"body": "Late"})
    comment = Comment.objects.get(body="Late")
    notification = Notification.objects.get(recipient=bob)
    client.force_login(bob)
    assert f'id="comment-{comment.pk}"' in client.get(notification.url).text
