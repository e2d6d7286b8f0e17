"""Comments kept as fragments (community.comments.rows) on a real Redis: one fragment for every
viewer, each viewer's own buttons, and never a comment older than its text."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from community.comments import services as comment_services
from community.models import Comment
from ideas.models import Idea
from tests.factories import CommentFactory
from tests.helpers import fragment_keys, signed_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()  # type: ignore[no-untyped-def,no-any-return]


def row(html: str, comment: Comment) -> str:
    """The comment's own part of the page: up to the next comment, or the end of the section."""
    start = html.index(f'id="comment-{comment.pk}"')
    ends = [html.find(end, start + 1) for end in ('id="comment-', "</section>")]
    return html[start : min(e for e in ends if e > 0)]


@pytest.fixture
def thread(idea, alice, bob):  # type: ignore[no-untyped-def]
    top = CommentFactory(idea=idea, author=alice, body="Please add Apple Pay")
    reply = CommentFactory(idea=idea, author=bob, body="Yes, and Google Pay", parent=top)
    Idea.objects.filter(pk=idea.pk).update(comment_count=2)
    return top, reply


def test_a_comment_rendered_once_gets_each_viewers_own_buttons(  # type: ignore[no-untyped-def]
    shared_cache, idea, thread, alice, bob, moderator
) -> None:
    top, reply = thread
    url = idea.get_absolute_url()
    page(signed_in(bob), url)
    keys = fragment_keys(shared_cache, "comment")
    assert len(keys) == 2
    for key in keys:  # only a comment served from the cache shows the mark
        name = key.split(":", 2)[2]
        generation, html = cache.get(name)
        cache.set(
            name,
            (generation, html.replace('class="comment-body">', 'class="comment-body">[cached]')),
            30,
        )

    for_alice = page(signed_in(alice), url)
    for_bob = page(signed_in(bob), url)
    for_moderator = page(signed_in(moderator), url)
    visitor = page(Client(), url)
    assert fragment_keys(shared_cache, "comment") == keys
    assert all(h.count("[cached]") == 2 for h in (for_alice, for_bob, for_moderator, visitor))

    # Alice wrote the top comment: edit and delete it, report Bob's reply, reply under hers.
    assert f'href="/comments/{top.pk}/edit/"' in row(for_alice, top)
    assert f'action="/comments/{top.pk}/flag/"' not in for_alice
    assert f'action="/comments/{reply.pk}/flag/"' in row(for_alice, reply)
    assert f'id="reply-{top.pk}"' in for_alice
    assert f'name="parent" value="{top.pk}"' in for_alice
    # Bob sees the opposite, and no moderator's button.
    assert f'href="/comments/{reply.pk}/edit/"' in row(for_bob, reply)
    assert f'href="/comments/{top.pk}/edit/"' not in for_bob
    assert f'action="/comments/{top.pk}/flag/"' in row(for_bob, top)
    assert "Remove (moderator)" not in for_bob
    assert "Remove (moderator)" not in for_alice
    # The moderator may remove both; the visitor gets no button and no form at all.
    assert for_moderator.count("Remove (moderator)") == 2
    assert f'action="/comments/{top.pk}/remove/"' in row(for_moderator, top)
    assert "<form" not in row(visitor, top)
    assert f'id="reply-{top.pk}"' not in visitor
    token = re.compile(r'name="csrfmiddlewaretoken" value="(\w+)"')
    tokens = {token.findall(row(h, top))[0] for h in (for_alice, for_bob)}
    assert len(tokens) == 2


def test_an_edited_or_removed_comment_is_never_shown_from_an_older_fragment(  # type: ignore[no-untyped-def]
    shared_cache, idea, thread, alice, moderator, bob
) -> None:
    top, _reply = thread
    url = idea.get_absolute_url()
    client = signed_in(bob)
    assert "Please add Apple Pay" in page(client, url)
    comment_services.comment_update(comment=top, editor=alice, body="Please add Apple Pay and Wero")
    assert "Please add Apple Pay and Wero" in page(client, url)
    comment_services.comment_remove(comment=top, actor=moderator)
    html = page(client, url)
    assert "Apple Pay" not in html
    assert "This comment was removed by a moderator." in html
    assert "Yes, and Google Pay" in html  # the replies stay
    # The moderator, on the same fragment, gets the restore buttons; Bob does not.
    assert "Restore (moderator)" in page(signed_in(moderator), url)
    assert "Restore (moderator)" not in page(client, url)


def test_a_pending_comment_is_shown_only_to_its_author_and_moderators(  # type: ignore[no-untyped-def]
    shared_cache, settings, idea, alice, bob, moderator
) -> None:
    settings.RUCHE_PREMODERATE_FIRST_POST = True
    comment_services.comment_create(idea=idea, author=bob, body="My first ever comment")
    url = idea.get_absolute_url()
    assert "My first ever comment" in page(signed_in(bob), url)  # stored, pending
    assert "My first ever comment" not in page(signed_in(alice), url)
    assert "My first ever comment" not in page(Client(), url)
    moderated = page(signed_in(moderator), url)
    assert "My first ever comment" in moderated
    assert "Approve" in moderated
