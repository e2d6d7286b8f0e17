import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from community.comments import services
from community.models import Comment
from tests.factories import CommentFactory


def test_comment_on_an_idea_counts_it(client, bob, idea):
    client.force_login(bob)
    response = client.post(
        reverse("community:comment_create", args=[idea.pk]), {"body": "Great *idea*"}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.body_html == "<p>Great <em>idea</em></p>"
    idea.refresh_from_db()
    assert idea.comment_count == 1


def test_comment_needs_login_and_post(client, idea):
    assert client.get(reverse("community:comment_create", args=[idea.pk])).status_code == 405
    response = client.post(reverse("community:comment_create", args=[idea.pk]), {"body": "Hi"})
    assert response.status_code == 302
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_bad_comment_shows_a_field_error_and_saves_nothing(client, bob, idea, body):
    client.force_login(bob)
    response = client.post(reverse("community:comment_create", args=[idea.pk]), {"body": body})
    assert response.status_code == 400
    assert response.context["form"].errors["body"]
    idea.refresh_from_db()
    assert idea.comment_count == 0
    assert not Comment.objects.exists()


def test_author_edits_their_comment(client, bob, idea):
    comment = services.comment_create(idea=idea, author=bob, body="Frist")
    client.force_login(bob)
    client.post(reverse("community:comment_edit", args=[comment.pk]), {"body": "First"})
    comment.refresh_from_db()
    assert comment.body == "First"


def test_others_cannot_edit_or_delete_a_comment(client, alice, bob, idea):
    comment = services.comment_create(idea=idea, author=bob, body="Mine")
    client.force_login(alice)
    assert (
        client.post(reverse("community:comment_edit", args=[comment.pk]), {"body": "X"}).status_code
        == 403
    )
    assert client.post(reverse("community:comment_remove", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine"
    assert not comment.is_removed


def test_author_deletes_their_comment(client, bob, idea):
    comment = services.comment_create(idea=idea, author=bob, body="Oops")
    client.force_login(bob)
    client.post(reverse("community:comment_remove", args=[comment.pk]))
    assert not Comment.objects.exists()
    idea.refresh_from_db()
    assert idea.comment_count == 0


def test_moderator_removal_leaves_a_trace_and_hides_the_text(client, bob, moderator, idea):
    comment = services.comment_create(idea=idea, author=bob, body="Rude words")
    client.force_login(moderator)
    client.post(reverse("community:comment_remove", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.removed_by == moderator
    page = client.get(idea.get_absolute_url()).text
    assert "Rude words" not in page
    assert "removed by a moderator" in page
    idea.refresh_from_db()
    assert idea.comment_count == 0


def test_removing_twice_counts_once(bob, moderator, admin_user, idea):
    comment = services.comment_create(idea=idea, author=bob, body="Spam")
    services.comment_remove(comment=comment, actor=moderator)
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.comment_remove(comment=comment, actor=admin_user)
    idea.refresh_from_db()
    assert idea.comment_count == 0


def test_product_managers_cannot_remove_comments(product_manager, idea):
    comment = CommentFactory(idea=idea)
    with pytest.raises(PermissionDenied):
        services.comment_remove(comment=comment, actor=product_manager)
