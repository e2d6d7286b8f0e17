"""The Django admin cannot change what members wrote: it would skip the masking of personal data
and the rendering that the services do (a card number "deleted" there stayed on the page)."""

import pytest
from django.urls import reverse

from ideas.models import Idea
from tests.admin_forms import change_form_data

CARD = "4970 1012 3456 7893"


@pytest.fixture
def masked_idea(alice, category):  # type: ignore[no-untyped-def]
    from ideas.services import idea_create

    return idea_create(
        author=alice,
        category=category,
        title="Pay by card",
        body=f"My card is {CARD}, help",
        language="en",
    )


def test_an_admin_posting_a_changed_title_or_body_leaves_them_as_the_services_wrote_them(
    client, admin_user, masked_idea, category
):
    before = Idea.objects.get(pk=masked_idea.pk)
    assert CARD not in before.body + before.body_html  # masked by the service
    client.force_login(admin_user)
    url = reverse("admin:ideas_idea_change", args=[masked_idea.pk])
    changed = f"Call me, my card is {CARD}"
    response = client.post(
        url, change_form_data(client, url, title="Card 4970", body=changed, body_html=changed)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    after = Idea.objects.get(pk=masked_idea.pk)
    assert (after.title, after.body, after.body_html) == (
        before.title,
        before.body,
        before.body_html,
    )
    page = client.get(url).text
    assert 'name="body"' not in page
    assert 'name="title"' not in page


def test_ideas_cannot_be_added_in_the_admin(client, admin_user, category):
    client.force_login(admin_user)
    assert client.get(reverse("admin:ideas_idea_add")).status_code == 403
    data = {"title": "Unmasked", "body": f"Card {CARD}", "category": category.pk}
    assert client.post(reverse("admin:ideas_idea_add"), data).status_code == 403
    assert not Idea.objects.filter(title="Unmasked").exists()
