"""A page of an idea's comments read by one statement compiled once per shape
(community.comments.page_rows): the same comments, replies, placeholders and page links as the
ORM's queryset under Django's Paginator, for visitors, members and moderators, on any page
number; the same HTML; nothing counted or read beyond the page; and what must show at once
does."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.comments import page_rows
from community.comments import services as comment_services
from community.comments.selectors import comments_for_idea
from community.models import Comment
from ideas.models import Idea
from tests.factories import CommentFactory, UserFactory
from tests.helpers import assert_kept_page_is_whole, compiled_models, signed_in

pytestmark = pytest.mark.django_db

NUMBERS = [None, "1", "2", "3", "4", "5", "0", "-1", "99", "x", "2.0", " 2", "9" * 30]


@pytest.fixture
def discussion(idea, alice, bob, moderator):  # type: ignore[no-untyped-def]
    """11 top-level comments, some with replies: Bob's own waiting comment (5), Alice's waiting
    comment with a public reply under it (7: shown to others as waiting, for its reply), one
    removed (3), a waiting reply by Alice (under 2), and Alice's waiting comment with no reply
    (9: shown to her and moderators only)."""
    carol = UserFactory()
    now = timezone.now()
    tops = []
    for n in range(11):
        author = [alice, bob, carol][n % 3]
        pending = now if n in (5, 7, 9) else None
        author = bob if n == 5 else alice if n in (7, 9) else author
        tops.append(CommentFactory(idea=idea, author=author, body=f"Top {n}", pending_at=pending))
    Comment.objects.filter(pk=tops[3].pk).update(removed_at=now, removed_by=moderator)
    CommentFactory(idea=idea, author=carol, parent=tops[2], body="Reply to 2")
    CommentFactory(idea=idea, author=alice, parent=tops[2], body="Waiting reply", pending_at=now)
    CommentFactory(idea=idea, author=bob, parent=tops[7], body="Reply under a waiting one")
    CommentFactory(idea=idea, author=carol, parent=tops[10], body="Reply to 10")
    # Days old, so "3 days ago" reads the same however long a test takes; in the order written.
    for comment in Comment.objects.filter(idea=idea):
        at = now - timedelta(days=3) + timedelta(minutes=comment.pk)
        Comment.objects.filter(pk=comment.pk).update(created_at=at, updated_at=at)
    Idea.objects.filter(pk=idea.pk).update(created_at=now - timedelta(days=4))
    return tops


def _orm(idea, viewer, number):  # type: ignore[no-untyped-def]
    page = Paginator(comments_for_idea(idea=idea, viewer=viewer), 3).get_page(number)
    tops = [(t.pk, bool(t.held), [r.pk for r in t.replies.all()]) for t in page]
    return tops, page.number, page.has_next(), page.has_previous()


def _compiled(idea, viewer, number):  # type: ignore[no-untyped-def]
    page = page_rows.comment_page(idea=idea, viewer=viewer, number=number, per_page=3)
    tops = [(t.pk, bool(t.held), [r.pk for r in _replies(t)]) for t in page]
    return tops, page.number, page.has_next(), page.has_previous()


@pytest.mark.parametrize("cache_on", [True, False])
@pytest.mark.parametrize("who", ["anonymous", "alice", "bob", "moderator"])
def test_compiled_comment_pages_match_the_orm_under_djangos_paginator_on_every_number(  # type: ignore[no-untyped-def]
    who, cache_on, settings, idea, discussion, alice, bob, moderator
) -> None:
    settings.PAGE_CACHE_SECONDS = 30 if cache_on else 0
    viewer = {"anonymous": None, "alice": alice, "bob": bob, "moderator": moderator}[who]
    for number in NUMBERS:
        assert _compiled(idea, viewer, number) == _orm(idea, viewer, number), number
    if cache_on:
        page = page_rows.comment_page(idea=idea, viewer=viewer, number=1, per_page=3)
        assert all(isinstance(top, page_rows.CommentRow) for top in page)


def _replies(top):  # type: ignore[no-untyped-def]
    return top.replies if isinstance(top, page_rows.CommentRow) else top.replies.all()


@pytest.mark.integration
@pytest.mark.parametrize("who", ["anonymous", "alice", "bob", "moderator"])
def test_idea_pages_are_the_same_html_from_compiled_rows(  # type: ignore[no-untyped-def]
    who, shared_cache, settings, idea, discussion, alice, bob, moderator
) -> None:
    """Slim rows and fragments (cache on) against whole comments rendered in full (cache off):
    whole pages, and the htmx page of more comments."""
    clients: dict[str, Any] = {"anonymous": Client, "alice": lambda: signed_in(alice)}
    clients |= {"bob": lambda: signed_in(bob), "moderator": lambda: signed_in(moderator)}
    client = clients[who]()
    settings.COMMENTS_PER_PAGE = 3
    url = idea.get_absolute_url()
    reply = Comment.objects.get(body="Reply to 10")
    urls = [url, f"{url}?comments=2", f"{url}?comments=99", f"{url}?comment={reply.pk}"]
    htmx = [f"{url}?comments=2", f"{url}?comments=3"]
    for target, headers in [(u, {}) for u in urls] + [
        (u, {"HTTP_HX_REQUEST": "true"}) for u in htmx
    ]:
        assert_kept_page_is_whole(client, settings, target, 'class="comment', **headers)


@pytest.mark.integration
def test_a_page_of_comments_counts_nothing_and_compiles_nothing_once_warm(  # type: ignore[no-untyped-def]
    shared_cache, settings, monkeypatch, idea, discussion, bob
) -> None:
    """The busiest idea's page cost three times an average one's: Paginator counted every
    comment, and the page's comments were read whole although their HTML came from fragments."""
    settings.COMMENTS_PER_PAGE = 3
    client = signed_in(bob)
    compiled = compiled_models(monkeypatch)
    for url in (idea.get_absolute_url(), f"{idea.get_absolute_url()}?comments=2"):
        client.get(url)
        client.get(url)  # fragments stored, every shape compiled once
        compiled.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert "community.Comment" not in compiled, url
        on_comments = [q["sql"] for q in queries if '"community_comment"' in q["sql"]]
        assert len(on_comments) == 1, on_comments  # the page's rows, in one statement
        assert "COUNT(" not in on_comments[0].upper()
        # No author, badge or group read for comments whose HTML is a fragment.
        people = ("community_badgeaward", "_prefetch_related_val_user_id")
        assert not any(table in q["sql"] for q in queries for table in people)


@pytest.mark.integration
def test_what_changes_shows_at_once_on_a_warm_page(  # type: ignore[no-untyped-def]
    shared_cache, settings, idea, discussion, alice, bob, moderator
) -> None:
    """A new comment, a reply, an edit, a take-down and a vote, each on the next request."""
    settings.COMMENTS_PER_PAGE = 3
    url = f"{idea.get_absolute_url()}?comments=4"
    client = signed_in(bob)
    client.get(url)
    assert "Top 10" in client.get(url).text
    top = Comment.objects.get(body="Top 10")
    comment_services.comment_create(idea=idea, author=alice, body="A late comment")
    comment_services.comment_create(idea=idea, author=alice, body="A late reply", parent=top)
    html = client.get(url).text
    assert "A late comment" in html
    assert "A late reply" in html
    reply = Comment.objects.get(body="Reply to 10")
    comment_services.comment_update(comment=reply, editor=reply.author, body="Reply, edited")
    assert "Reply, edited" in client.get(url).text
    comment_services.comment_remove(comment=top, actor=moderator)
    html = client.get(url).text
    assert "Top 10" not in html
    assert "This comment was removed by a moderator." in html
    before = client.get(url).context["idea"].vote_count
    client.post(reverse("ideas:vote", args=[idea.pk]), {"voted": "1"})
    after = client.get(url)
    assert after.context["idea"].vote_count == before + 1
    assert after.context["idea"].viewer_voted
