"""Pre-moderation covers edits: an edited post waits for a moderator again when, as edited, it
would wait if it were posted now, or when it is public only because a moderator let it through
(issue #11, finding 4). Every step goes through the pages a member and a moderator use."""

import html
import re

import pytest
from django.urls import reverse

from accounts.audit import AuditAction, AuditEntry
from community.comments import services
from community.models import Comment
from ideas.models import Idea
from tests.community.campaigns.helpers import make_campaign
from tests.factories import CategoryFactory, IdeaFactory

QUEUE = reverse("moderation:queue")
SPAM = "BUY CHEAP PILLS at pills.example"


@pytest.fixture(autouse=True)
def _first_post_rule(settings):  # type: ignore[no-untyped-def]
    """The rule as it runs in production (tests/conftest.py turns it off for other tests)."""
    settings.RUCHE_PREMODERATE_FIRST_POST = True


@pytest.fixture
def public_idea(bob, category):  # type: ignore[no-untyped-def]
    return IdeaFactory(author=bob, category=category, title="Freeze my card from the app")


def comment_via_page(client, idea, body):  # type: ignore[no-untyped-def]
    response = client.post(reverse("community:comment_create", args=[idea.pk]), {"body": body})
    assert response.status_code == 302, response.content
    return Comment.objects.filter(idea=idea).latest("pk")


def edit_comment(client, comment, body):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("community:comment_edit", args=[comment.pk]), {"body": body}, follow=True
    )


def seen(item):  # type: ignore[no-untyped-def]
    """The version a moderator's page shows now (the approve form's hidden `seen`)."""
    return type(item).objects.get(pk=item.pk).updated_at.isoformat()


def approve(client, *, idea=None, comment=None, version=None):  # type: ignore[no-untyped-def]
    item = comment if comment is not None else idea
    code = "comment_action" if comment is not None else "idea_action"
    url = reverse(f"moderation:{code}", args=[item.pk, "approve"])
    response = client.post(url, {"seen": version or seen(item)})
    assert response.status_code == 302, response.content
    return response


def test_an_approval_from_a_page_drawn_before_an_edit_is_refused(
    client, alice, moderator, public_idea
):
    """The moderator opened the queue and read the comment; its author then edited it. The old
    page's Approve button must not publish a text the moderator never saw."""
    client.force_login(alice)
    comment = comment_via_page(client, public_idea, "Great idea, I would use it daily.")
    _waiting, page = waiting_in_queue(client, moderator)
    read = re.search(r'name="seen" value="([^"]+)"', page.text)
    assert read is not None
    version = html.unescape(read.group(1))

    client.force_login(alice)
    edit_comment(client, comment, SPAM)
    client.force_login(moderator)
    url = reverse("moderation:comment_action", args=[comment.pk, "approve"])
    response = client.post(url, {"seen": version})
    assert response.status_code == 400
    assert "edited this post after you opened the page" in response.text
    comment.refresh_from_db()
    assert comment.is_pending
    assert not AuditEntry.objects.filter(action=AuditAction.COMMENT_APPROVE).exists()

    # Read again (a fresh page), the edit can be approved.
    _waiting, page = waiting_in_queue(client, moderator)
    assert SPAM in page.text
    approve(client, comment=comment)
    comment.refresh_from_db()
    assert not comment.is_pending


def test_an_approval_without_the_version_read_is_refused(client, alice, moderator, public_idea):
    client.force_login(alice)
    comment = comment_via_page(client, public_idea, "Great idea, I would use it daily.")
    client.force_login(moderator)
    url = reverse("moderation:comment_action", args=[comment.pk, "approve"])
    assert client.post(url).status_code == 400
    comment.refresh_from_db()
    assert comment.is_pending


def idea_form(idea, **changes):  # type: ignore[no-untyped-def]
    data = {
        "title": idea.title,
        "body": idea.body,
        "category": idea.category_id,
        "language": idea.language,
    }
    return {**data, **changes}


def edit_idea(client, idea, **changes):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("ideas:edit", args=[idea.pk]), idea_form(idea, **changes), follow=True
    )


def waiting_in_queue(client, moderator):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    page = client.get(QUEUE)
    assert page.status_code == 200
    items = page.context["pending"].items
    return [(item.idea.pk, item.comment and item.comment.pk) for item in items], page


# --- comments -----------------------------------------------------------------------------------


def test_an_approved_first_comment_edited_into_spam_waits_for_a_moderator_again(
    client, alice, bob, moderator, public_idea
):
    client.force_login(alice)
    comment = comment_via_page(client, public_idea, "Great idea, I would use it daily.")
    assert comment.is_pending
    client.force_login(moderator)
    approve(client, comment=comment)
    public_idea.refresh_from_db()
    assert public_idea.comment_count == 1

    client.force_login(alice)
    response = edit_comment(client, comment, SPAM)
    assert response.status_code == 200
    # The author sees the edit, marked as waiting, and is told why.
    assert SPAM in response.text
    assert "Pending review" in response.text
    assert "once a moderator has reviewed" in response.text

    # Nobody else sees the new text: not a visitor, not another member.
    client.logout()
    assert SPAM not in client.get(public_idea.get_absolute_url()).text
    client.force_login(bob)
    assert SPAM not in client.get(public_idea.get_absolute_url()).text
    public_idea.refresh_from_db()
    assert public_idea.comment_count == 0  # a waiting comment is not counted

    waiting, page = waiting_in_queue(client, moderator)
    assert waiting == [(public_idea.pk, comment.pk)]
    assert "Edited after a moderator approved it." in page.text
    assert SPAM in page.text

    # Approving publishes the edit.
    approve(client, comment=comment)
    client.logout()
    assert SPAM in client.get(public_idea.get_absolute_url()).text
    public_idea.refresh_from_db()
    assert public_idea.comment_count == 1


def test_an_approved_comment_waits_after_every_edit_even_once_the_member_is_established(
    client, alice, moderator, public_idea, category
):
    client.force_login(alice)
    first = comment_via_page(client, public_idea, "First words")
    client.force_login(moderator)
    approve(client, comment=first)
    client.force_login(alice)
    later = comment_via_page(client, public_idea, "Second words")  # no longer a first post
    assert not later.is_pending

    edit_comment(client, first, "First words, edited")
    edit_comment(client, later, "Second words, edited")
    first.refresh_from_db()
    later.refresh_from_db()
    # The moderator read "First words", not the edit; nobody reviewed "Second words".
    assert first.is_pending
    assert not later.is_pending


def test_a_post_published_before_the_first_post_rule_was_on_stays_public_when_edited(
    client, settings, alice, bob, public_idea
):
    """As a new post would: the member has a public post (this one), so the rule passes them."""
    settings.RUCHE_PREMODERATE_FIRST_POST = False
    client.force_login(alice)
    comment = comment_via_page(client, public_idea, "Hello")
    settings.RUCHE_PREMODERATE_FIRST_POST = True
    edit_comment(client, comment, "Hello again")
    client.force_login(bob)
    assert "Hello again" in client.get(public_idea.get_absolute_url()).text


def test_an_edit_of_a_comment_still_waiting_keeps_it_waiting(client, alice, bob, public_idea):
    client.force_login(alice)
    comment = comment_via_page(client, public_idea, "Hello")
    edit_comment(client, comment, SPAM)
    comment.refresh_from_db()
    assert comment.is_pending
    assert comment.body == SPAM
    client.force_login(bob)
    assert SPAM not in client.get(public_idea.get_absolute_url()).text


def test_an_established_members_edit_stays_public(client, alice, moderator, public_idea):
    client.force_login(alice)
    first = comment_via_page(client, public_idea, "First words")
    client.force_login(moderator)
    approve(client, comment=first)
    client.force_login(alice)
    later = comment_via_page(client, public_idea, "A typo hre")
    response = edit_comment(client, later, "A typo here, fixed")
    assert "Your comment was updated." in response.text
    client.logout()
    assert "A typo here, fixed" in client.get(public_idea.get_absolute_url()).text


def test_staff_edits_never_wait(client, moderator, public_idea):
    client.force_login(moderator)
    comment = comment_via_page(client, public_idea, "Official words")
    edit_comment(client, comment, "Official words, edited")
    client.logout()
    assert "Official words, edited" in client.get(public_idea.get_absolute_url()).text


def test_a_comment_rejected_then_restored_waits_again_when_edited(
    client, alice, moderator, public_idea
):
    from community.moderation import premoderation
    from community.moderation.services import content_restore

    comment = services.comment_create(idea=public_idea, author=alice, body="Borderline")
    premoderation.content_reject(
        actor=moderator, idea=public_idea, comment=comment, reason="Unclear"
    )
    content_restore(actor=moderator, idea=public_idea, comment=comment, reason="On appeal")
    client.force_login(alice)
    edit_comment(client, comment, SPAM)
    comment.refresh_from_db()
    assert comment.is_pending


# --- ideas --------------------------------------------------------------------------------------


def test_an_idea_edited_into_a_pre_moderated_category_waits(
    client, settings, alice, bob, moderator, category
):
    settings.RUCHE_PREMODERATE_FIRST_POST = False
    held = CategoryFactory(slug="loans", name_en="Loans", premoderated=True)
    client.force_login(alice)
    data = {"title": "Cheaper loans", "body": "Lower rates.", "category": category.pk}
    response = client.post(reverse("ideas:create"), {**data, "language": "en"})
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert not idea.is_pending

    response = edit_idea(client, idea, body=SPAM, category=held.pk)
    assert response.status_code == 200
    assert "once a moderator has reviewed" in response.text
    assert "Pending review" in response.text

    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert "Cheaper loans" not in client.get(reverse("ideas:list")).text
    client.logout()
    assert client.get(idea.get_absolute_url()).status_code == 404

    waiting, page = waiting_in_queue(client, moderator)
    assert waiting == [(idea.pk, None)]
    assert "The category “Loans” is pre-moderated." in page.text
    approve(client, idea=idea)
    client.logout()
    assert SPAM in client.get(idea.get_absolute_url()).text


def test_an_idea_in_a_campaign_pre_moderated_since_it_was_posted_waits_when_edited(
    client, settings, alice, bob, moderator, category
):
    settings.RUCHE_PREMODERATE_FIRST_POST = False
    campaign = make_campaign(moderator)
    client.force_login(alice)
    data = {"title": "Round up", "body": "Into savings", "category": category.pk}
    data |= {"language": "en", "campaign": campaign.slug}
    assert client.post(reverse("ideas:create"), data).status_code == 302
    idea = Idea.objects.get()
    assert not idea.is_pending
    campaign.premoderated = True
    campaign.save(update_fields=["premoderated"])

    edit_idea(client, idea, body=SPAM)
    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 404
    waiting, page = waiting_in_queue(client, moderator)
    assert waiting == [(idea.pk, None)]
    assert "is pre-moderated." in page.text


def test_an_approved_first_idea_edited_within_the_window_waits_again(
    client, alice, bob, moderator, category
):
    client.force_login(alice)
    data = {"title": "Round up", "body": "Into savings", "category": category.pk, "language": "en"}
    assert client.post(reverse("ideas:create"), data).status_code == 302
    idea = Idea.objects.get()
    assert idea.is_pending
    client.force_login(moderator)
    approve(client, idea=idea)
    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 200

    client.force_login(alice)
    edit_idea(client, idea, title="Cheap pills", body=SPAM)
    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert "Cheap pills" not in client.get(reverse("ideas:list")).text
    waiting, page = waiting_in_queue(client, moderator)
    assert waiting == [(idea.pk, None)]
    assert "Edited after a moderator approved it." in page.text


def test_an_established_members_idea_edit_stays_public(client, settings, alice, bob, category):
    settings.RUCHE_PREMODERATE_FIRST_POST = False
    client.force_login(alice)
    data = {"title": "Round up", "body": "Into savings", "category": category.pk, "language": "en"}
    assert client.post(reverse("ideas:create"), data).status_code == 302
    idea = Idea.objects.get()
    response = edit_idea(client, idea, body="Into my savings pot")
    assert "Your idea was updated." in response.text
    client.force_login(bob)
    assert "Into my savings pot" in client.get(idea.get_absolute_url()).text
