"""The Django admin cannot change what members wrote (comments, report notes, campaign texts):
it would skip the masking and rendering the services do. Moderators act through the site."""

import pytest
from django.urls import reverse

from community.comments import services
from community.models import Comment, Flag
from community.moderation import services as moderation_services
from tests.admin_forms import change_form_data

CARD = "4970 1012 3456 7893"


@pytest.fixture
def comment(bob, idea):  # type: ignore[no-untyped-def]
    return services.comment_create(idea=idea, author=bob, body=f"Card {CARD} here")


def test_an_admin_posting_a_changed_comment_leaves_it_as_the_services_wrote_it(
    client, admin_user, comment
):
    before = Comment.objects.get(pk=comment.pk)
    assert CARD not in before.body + before.body_html
    client.force_login(admin_user)
    url = reverse("admin:community_comment_change", args=[comment.pk])
    changed = f"Now with **{CARD}**"
    response = client.post(url, change_form_data(client, url, body=changed, body_html=changed))
    assert response.status_code == 302, response.context["adminform"].form.errors
    after = Comment.objects.get(pk=comment.pk)
    assert (after.body, after.body_html) == (before.body, before.body_html)
    assert 'name="body"' not in client.get(url).text


def test_an_admin_cannot_rewrite_the_note_of_a_report(client, admin_user, alice, idea):
    flag = moderation_services.flag_create(
        reporter=alice, idea=idea, reason="spam", note="Looks like an advert"
    )
    client.force_login(admin_user)
    url = reverse("admin:community_flag_change", args=[flag.pk])
    response = client.post(url, change_form_data(client, url, note=f"Card {CARD}"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Flag.objects.get(pk=flag.pk).note == "Looks like an advert"


@pytest.mark.parametrize("model", ["comment", "flag"])
def test_comments_and_reports_cannot_be_added_in_the_admin(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:community_{model}_add")).status_code == 403
