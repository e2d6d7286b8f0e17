"""The report and comment forms of an idea page kept rendered (community.page_forms): the pages
are byte for byte those rendered afresh (DEBUG on renders every form for each request) for every
kind of viewer, in both languages, on public, hidden and waiting ideas; a warm page renders
neither form nor any of their widgets."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from community.models import Comment
from ideas.models import Idea
from tests.factories import CommentFactory, IdeaFactory, UserFactory
from tests.helpers import SignedInClient, page_html, signed_in

pytestmark = pytest.mark.django_db

HOSTILE = "<b>Ann & \"Bob\" 'O'</b>"
FORM_TEMPLATES = {
    "community/_flag_form.html",
    "community/_comment_form.html",
    "django/forms/widgets/select.html",
    "django/forms/widgets/textarea.html",
}


@pytest.fixture
def ideas(alice, bob, category):  # type: ignore[no-untyped-def]
    """Alice's public idea with comments by Alice, Bob and Carol (one a reply), her hidden idea
    and her idea waiting for review; all days old, so their relative dates stay put."""
    carol = UserFactory(display_name=HOSTILE)
    public = IdeaFactory(author=alice, category=category, title=f"{HOSTILE} public")
    hidden = IdeaFactory(author=alice, category=category, title="Hidden", hidden_at=timezone.now())
    waiting = IdeaFactory(
        author=alice, category=category, title="Waiting", pending_at=timezone.now()
    )
    top = CommentFactory(idea=public, author=alice, body=f"{HOSTILE} mine")
    CommentFactory(idea=public, author=bob, body="Bob's")
    CommentFactory(idea=public, author=carol, parent=top, body="Carol's reply")
    then = timezone.now() - timedelta(days=3)
    Comment.objects.filter(idea=public).update(created_at=then, updated_at=then)
    Idea.objects.filter(pk__in=[public.pk, hidden.pk, waiting.pk]).update(created_at=then)
    return public, hidden, waiting


@pytest.mark.parametrize("kind", ["anonymous", "member", "author", "moderator", "pm"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_idea_pages_with_kept_forms_are_those_rendered_afresh(  # type: ignore[no-untyped-def]
    settings, ideas, alice, bob, kind, language
):
    settings.COMMENTS_PER_PAGE = 1
    public, hidden, waiting = ideas
    client = SignedInClient()
    if kind != "anonymous":
        role = {"moderator": roles.MODERATOR, "pm": roles.PRODUCT_MANAGER}.get(kind)
        viewer = {"member": bob, "author": alice}.get(kind) or UserFactory(role=role)
        client.force_login(viewer)
    client.cookies["django_language"] = language
    urls = [public.get_absolute_url(), public.get_absolute_url() + "?comments=2"]
    if kind in ("author", "moderator"):  # the only ones who may open them
        urls += [hidden.get_absolute_url(), waiting.get_absolute_url()]
    for url in urls:
        afresh = page_html(client, url, settings, kept=False)
        for _twice in range(2):  # the first keeps the renderings, the second reuses them
            assert page_html(client, url, settings, kept=True) == afresh, url
        assert "<b>Ann" not in afresh, url
    if kind == "member":
        page = page_html(client, public.get_absolute_url(), settings, kept=True)
        comment_to = reverse("community:comment_create", args=[public.pk])
        assert f'<form method="post" action="{comment_to}" class="stacked comment-form">' in page


def test_a_warm_idea_page_renders_neither_form_nor_their_widgets(settings, ideas, bob):  # type: ignore[no-untyped-def]
    """What the kept forms replace: rendered on every member's idea page before (a quarter of
    an average idea page's CPU), for the idea's report form, each comment's and the comment
    form."""
    settings.DEBUG = False
    public = ideas[0]
    client = signed_in(bob)
    client.get(public.get_absolute_url())
    response = client.get(public.get_absolute_url())
    html = response.content.decode()
    assert 'name="reason"' in html  # the forms are there
    assert 'name="body"' in html
    names = {t.name for t in response.templates}
    assert not names & FORM_TEMPLATES, names & FORM_TEMPLATES


def test_each_report_form_posts_to_its_own_address_with_the_page_s_token(settings, ideas, bob):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    public = ideas[0]
    alice_comment = Comment.objects.get(idea=public, parent=None, author__display_name="Alice")
    client = signed_in(bob)
    client.get(public.get_absolute_url())
    html = client.get(public.get_absolute_url()).content.decode()
    for action in (
        reverse("community:idea_flag", args=[public.pk]),
        reverse("community:comment_flag", args=[alice_comment.pk]),
    ):
        assert f'action="{action}"' in html, action
    tokens = set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 1, tokens
    assert len(next(iter(tokens))) == 64, tokens
    assert "PaGeFoRm" not in html
    assert "9070605040302012" not in html
