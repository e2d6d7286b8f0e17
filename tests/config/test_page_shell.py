"""The page shell (config.page_shell): the header and footer kept per language, role and page
give every page exactly the HTML around its content that the templates render afresh (DEBUG on
renders them for each request), for every kind of visitor, and a role given or taken away shows
on the next page."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from community.models import Notification, NotificationKind
from config import page_shell
from tests.factories import UserFactory
from tests.helpers import SignedInClient, page_html

HOSTILE_NAME = "<b>Ann & \"Bob\" 'O'</b>"


def _page(client, url: str, settings, *, kept: bool) -> str:  # type: ignore[no-untyped-def]
    body = page_html(client, url, settings, kept=kept)
    # The shell is everything around <main> (whose "a second ago" may change between requests).
    return body[: body.index("<main ")] + body[body.index("</main>") :]


def _unread(user, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        Notification.objects.create(
            recipient=user,
            kind=NotificationKind.COMMENT,
            key=f"shell-test:{user.pk}:{i}",
            title="A reply",
            url="/",
        )


def _visitor(kind: str):  # type: ignore[no-untyped-def]
    client = SignedInClient()
    if kind == "anonymous":
        return client
    role = {"member": roles.MEMBER, "moderator": roles.MODERATOR, "admin": roles.ADMIN}[kind]
    user = UserFactory(display_name=HOSTILE_NAME, role=role, is_staff=kind == "admin")
    _unread(user, 3 if kind != "moderator" else 0)
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", ["anonymous", "member", "moderator", "admin"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_kept_shell_pages_are_those_rendered_afresh(db, settings, idea, kind, language):
    client = _visitor(kind)
    client.cookies["django_language"] = language
    urls = [
        reverse("ideas:home"),
        reverse("ideas:list") + "?sort=top&q=%22%3E%3Cscript%3E&category=x",
        idea.get_absolute_url(),
        reverse("community:leaderboard"),
        reverse("campaigns:list"),
    ]
    if kind != "anonymous":
        urls.append(reverse("community:notifications"))
    if kind in ("moderator", "admin"):
        urls.append(reverse("moderation:queue"))
    for url in urls:
        afresh = _page(client, url, settings, kept=False)
        for _twice in range(2):  # the first stores the shell, the second reuses it
            assert _page(client, url, settings, kept=True) == afresh, url
    if kind in ("member", "admin"):
        assert 'class="unread">3<' in afresh
        assert "&lt;b&gt;Ann &amp; &quot;Bob&quot; &#x27;O&#x27;&lt;/b&gt;" in afresh
    assert ("staff-nav" in afresh) == (kind in ("moderator", "admin"))
    assert "<script>" not in afresh


def test_a_role_taken_away_leaves_the_header_on_the_next_page(db, settings):
    settings.DEBUG = False
    user = UserFactory(role=roles.MODERATOR)
    client = SignedInClient()
    client.force_login(user)
    home = reverse("ideas:home")
    assert "staff-nav" in client.get(home).content.decode()
    user.groups.remove(Group.objects.get(name=roles.MODERATOR))
    assert "staff-nav" not in client.get(home).content.decode()


def test_the_kept_shell_reads_nothing_from_the_database(client, db, settings, bob):
    """Its key and the values filled in come from the request; the queries a page makes with the
    shell kept are those it makes without it (the bell's count, once)."""
    settings.DEBUG = False
    client.force_login(bob)
    _unread(bob, 2)
    url = reverse("community:leaderboard")
    client.get(url)
    page_shell._kept_header.cache_clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as storing:
        client.get(url)
    with CaptureQueriesContext(connection) as reusing:
        client.get(url)
    assert len(storing) == len(reusing)
    assert sum("community_notification" in q["sql"] for q in reusing.captured_queries) == 1


def test_a_placeholder_in_the_path_is_not_filled_with_the_member_s_values(db, settings):
    """The path goes into the language form as it is: were the member's name filled in after
    it, a path naming the placeholder would carry the name (filled in one pass instead)."""
    client = _visitor("member")
    url = f"{reverse('ideas:list')}?q=PaGeShElLnAmExQzJv+PaGeShElLuNrEaDxQzJv"
    assert _page(client, url, settings, kept=True) == _page(client, url, settings, kept=False)
