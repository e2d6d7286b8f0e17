import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.comments.services import comment_create, comment_remove
from community.models import Comment, Notification
from community.notifications.services import mentioned_people
from tests.factories import IdeaFactory, UserFactory


def test_a_reply_to_a_reply_joins_the_top_comment(idea, alice, bob):
    top = comment_create(idea=idea, author=alice, body="Top")
    reply = comment_create(idea=idea, author=bob, body="Reply", parent=top)
    deeper = comment_create(idea=idea, author=alice, body="Reply to reply", parent=reply)
    assert reply.parent == top
    assert deeper.parent == top


def test_replies_must_belong_to_the_same_idea(idea, alice, category):
    other = IdeaFactory(category=category)
    elsewhere = comment_create(idea=other, author=alice, body="Elsewhere")
    with pytest.raises(ValidationError):
        comment_create(idea=idea, author=alice, body="Reply", parent=elsewhere)
    assert not Comment.objects.filter(idea=idea).exists()


def test_replies_show_under_their_comment(client, idea, alice, bob):
    top = comment_create(idea=idea, author=alice, body="Top comment")
    comment_create(idea=idea, author=bob, body="A reply", parent=top)
    client.force_login(bob)
    response = client.post(
        reverse("community:comment_create", args=[idea.pk]),
        {"body": "Another reply", "parent": top.pk},
    )
    assert response.status_code == 302
    page = client.get(idea.get_absolute_url()).text
    top_html = page.split(f'id="comment-{top.pk}"', 1)[1]
    assert top_html.index("A reply") < top_html.index("Another reply")
    assert page.count('class="comment reply"') == 2


def test_deleting_a_comment_with_replies_keeps_the_thread(idea, alice, bob):
    top = comment_create(idea=idea, author=alice, body="Top")
    comment_create(idea=idea, author=bob, body="Reply", parent=top)
    comment_remove(comment=top, actor=alice)
    top.refresh_from_db()
    assert top.is_removed
    assert top.replies.count() == 1


def test_at_mentions_find_people_taking_part(idea, alice, bob):
    carol = UserFactory(display_name="Carol Martin")
    comment_create(idea=idea, author=carol, body="I had this problem too")
    comment = comment_create(
        idea=idea, author=bob, body="@Carol Martin and @alice, see this. @Nobody"
    )
    assert {p.display_name for p in mentioned_people(comment=comment)} == {"Carol Martin", "Alice"}


def test_mentioning_an_outsider_does_nothing(idea, bob):
    UserFactory(display_name="Outsider")
    comment = comment_create(idea=idea, author=bob, body="@Outsider look")
    assert mentioned_people(comment=comment) == []


def test_a_mention_notifies_once_instead_of_the_comment_notice(
    idea, alice, bob, django_capture_on_commit_callbacks
):
    from community.notifications.follows import idea_followed_by

    idea_followed_by(user=alice, idea=idea)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(idea=idea, author=bob, body="@Alice what do you think?")
    kinds = list(Notification.objects.filter(recipient=alice).values_list("kind", flat=True))
    assert kinds.count("mention") == 1
    assert "comment" not in kinds


def test_staff_comments_carry_the_staff_badge(client, idea, moderator):
    comment_create(idea=idea, author=moderator, body="Official word")
    page = client.get(idea.get_absolute_url()).text
    comment_html = page.split("Official word")[0].rsplit('id="comment-', 1)[1]
    assert "badge-staff" in comment_html


def test_the_badge_says_what_the_author_was_when_they_wrote(client, idea, bob, moderator):
    """As the answer figures count it (Comment.by_staff): a member's comment stays one."""
    comment_create(idea=idea, author=bob, body="Written as a member")
    bob.groups.add(*moderator.groups.all())
    bob = type(bob).objects.get(pk=bob.pk)
    comment_create(idea=idea, author=bob, body="Written as staff")
    page = client.get(idea.get_absolute_url()).text
    as_member = page.split("Written as a member")[0].rsplit('id="comment-', 1)[1]
    as_staff = page.split("Written as staff")[0].rsplit('id="comment-', 1)[1]
    assert "badge-staff" not in as_member
    assert "badge-staff" in as_staff


def test_replies_stay_visible_under_a_comment_held_for_a_moderator(
    client, idea, alice, bob, partner, moderator
):
    """An approved comment its author edited waits for a moderator again; the replies others
    wrote to it were public and stay so, under a placeholder (as under a removed comment). The
    held text reaches nobody but its author and moderators, on the page and through the API."""
    from django.utils import timezone

    top = comment_create(idea=idea, author=alice, body="Held words after an edit")
    comment_create(idea=idea, author=bob, body="A reply that was public", parent=top)
    Comment.objects.filter(pk=top.pk).update(pending_at=timezone.now())  # as an edit does

    client.force_login(partner)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "A reply that was public" in page
    assert "waiting for a moderator" in page
    assert "Held words" not in page
    api = client.get(f"/api/v1/ideas/{idea.pk}/comments/").json()
    [held] = api["results"]
    assert (held["body"], held["author"], held["pending"]) == ("", None, True)
    assert [reply["body"] for reply in held["replies"]] == ["A reply that was public"]

    for reader in (alice, moderator):
        client.force_login(reader)
        page = client.get(idea.get_absolute_url()).content.decode()
        assert "Held words after an edit" in page
        assert "A reply that was public" in page


def test_a_held_comment_without_visible_replies_stays_out_of_sight(client, idea, alice, bob):
    from django.utils import timezone

    top = comment_create(idea=idea, author=alice, body="Held words after an edit")
    Comment.objects.filter(pk=top.pk).update(pending_at=timezone.now())
    client.force_login(bob)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Held words" not in page
    assert "waiting for a moderator" not in page
