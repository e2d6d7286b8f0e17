"""What members do through the site's forms (shared by the take-down and non-public content
tests)."""

from django.urls import reverse


def post_comment(client, user, idea, body, parent=None):  # type: ignore[no-untyped-def]
    client.force_login(user)
    data = {"body": body} | ({"parent": str(parent.pk)} if parent else {})
    return client.post(reverse("community:comment_create", args=[idea.pk]), data)


def follow(client, user, idea):  # type: ignore[no-untyped-def]
    client.force_login(user)
    assert client.post(reverse("community:idea_follow", args=[idea.pk])).status_code == 302
