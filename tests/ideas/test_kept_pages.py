"""Kept renderings on the idea list and home (config.kept: the vote button, the list's filter
form, the home page's category menu, the links of every page's head): the pages are byte for byte
those rendered afresh (DEBUG on renders everything for each request), for every kind of visitor
in both languages, every value still escaped, and what they show changes at once."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from config import kept
from ideas import services as idea_services
from ideas.models import Idea, Status
from tests.factories import CategoryFactory, IdeaFactory, UserFactory
from tests.helpers import SignedInClient, page_html, signed_in

pytestmark = pytest.mark.django_db

HOSTILE = "<b>Ann & \"Bob\" 'O'</b>"
HOSTILE_QUERY = "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"


@pytest.fixture
def listed(db):  # type: ignore[no-untyped-def]
    """Five ideas, a day old (their "1 day ago" stays put), in two categories, one hostile."""
    hostile = CategoryFactory(
        slug="hostile", name_en=HOSTILE, name_fr=HOSTILE, description_en=HOSTILE
    )
    plain = CategoryFactory(slug="cards", name_en="Cards", name_fr="Cartes")
    author = UserFactory(display_name=HOSTILE)
    ideas = [
        IdeaFactory(author=author, category=hostile if i % 2 else plain, title=f"{HOSTILE} {i}")
        for i in range(5)
    ]
    Idea.objects.filter(pk__in=[i.pk for i in ideas]).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    Idea.objects.filter(pk=ideas[1].pk).update(status=Status.PLANNED)
    return ideas


def _visitor(kind: str, ideas):  # type: ignore[no-untyped-def]
    client = SignedInClient()
    if kind == "anonymous":
        return client
    role = {"member": roles.MEMBER, "moderator": roles.MODERATOR, "pm": roles.PRODUCT_MANAGER}
    user = UserFactory(display_name=HOSTILE, role=role[kind])
    idea_services.vote_set(user=user, idea=ideas[4], voted=True)  # both states of the button
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", ["anonymous", "member", "moderator", "pm"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_kept_list_and_home_pages_are_those_rendered_afresh(  # type: ignore[no-untyped-def]
    settings, listed, kind, language
):
    settings.IDEAS_PER_PAGE = 2
    client = _visitor(kind, listed)
    client.cookies["django_language"] = language
    base = reverse("ideas:list")
    urls = [
        reverse("ideas:home"),
        base,
        base + "?sort=top",
        base + "?sort=new",
        base + "?category=hostile&status=planned",
        base + f"?sort=top&q={HOSTILE_QUERY}&category=hostile",
    ]
    first = page_html(client, base + "?sort=new", settings, kept=False)
    after = re.search(r'href="\?sort=new&amp;after=([^"]+)"', first)
    assert after, first
    urls.append(f"{base}?sort=new&after={after.group(1)}")  # page 2, by its cursor
    for url in urls:
        afresh = page_html(client, url, settings, kept=False)
        for _twice in range(2):  # the first keeps the renderings, the second reuses them
            assert page_html(client, url, settings, kept=True) == afresh, url
        assert "<script>" not in afresh, url
        assert "<b>Ann" not in afresh, url
        assert "&lt;b&gt;Ann &amp; &quot;Bob&quot; &#x27;O&#x27;&lt;/b&gt;" in afresh, url
    if kind != "anonymous":
        assert 'class="vote voted"' in page_html(client, base + "?sort=new", settings, kept=True)


def test_a_warm_page_renders_no_vote_button_menu_or_head_links(settings, listed, bob):  # type: ignore[no-untyped-def]
    """What the kept renderings replace: on a warm page not one of those templates is
    rendered (they were, on every page, before)."""
    settings.DEBUG = False
    client = signed_in(bob)
    for url in (reverse("ideas:list"), reverse("ideas:home")):
        client.get(url)
        names = {t.name for t in client.get(url).templates}
        assert not names & {
            "ideas/_vote.html",
            "ideas/_list_filters.html",
            "ideas/_category_menu.html",
            "_head_links.html",
        }, (url, names)


def _option(html: str, slug: str) -> str:
    found = re.search(rf'<option value="{slug}"[^>]*>[^<]*</option>', html)
    return found.group(0) if found else ""


def test_a_new_category_and_moved_counts_show_at_once(settings, listed, bob):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    client = signed_in(bob)
    url = reverse("ideas:list")
    page = client.get(url).content.decode()
    assert _option(page, "cards").endswith("Cards (3)</option>")
    assert not _option(page, "savings")
    savings = CategoryFactory(slug="savings", name_en="Savings", name_fr="Épargne")
    IdeaFactory(category=savings)
    IdeaFactory(category=listed[0].category)
    page = client.get(url).content.decode()
    assert _option(page, "savings").endswith("Savings (1)</option>")
    assert _option(page, "cards").endswith("Cards (4)</option>")
    home = client.get(reverse("ideas:home")).content.decode()
    assert 'href="/ideas/?category=savings">Savings</a> <span class="count">1</span>' in home
    savings.name_en = "Savings & loans"  # type: ignore[assignment]
    savings.save()
    page = client.get(url).content.decode()
    assert _option(page, "savings").endswith("Savings &amp; loans (1)</option>")


def test_a_changed_status_shows_at_once(settings, listed, bob, product_manager):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    client = signed_in(bob)
    url = reverse("ideas:list") + "?status=under_review"
    assert "No idea matches these filters." in client.get(url).content.decode()
    idea_services.idea_change_status(
        idea=listed[2], actor=product_manager, to_status=Status.UNDER_REVIEW, response="Looking."
    )
    page = client.get(url).content.decode()
    assert f'id="vote-{listed[2].pk}"' in page
    assert '<option value="under_review" selected>Under review</option>' in page
    home = client.get(reverse("ideas:home")).content.decode()
    answers = home[home.index('<ul class="updates">') :]
    assert f'<a href="{listed[2].get_absolute_url()}">' in answers
    assert '<span class="status status-under_review">Under review</span>' in answers


def test_a_language_switch_shows_the_kept_parts_in_the_new_language(settings, listed, bob):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    client = signed_in(bob)
    url = reverse("ideas:list") + "?category=cards"
    page = client.get(url).content.decode()
    assert "All categories" in page
    assert ">Cards (3)<" in page
    assert "Vote for this idea" in page
    client.post(reverse("set_language"), {"language": "fr", "next": url})
    page = client.get(url).content.decode()
    assert "All categories" not in page
    assert "Vote for this idea" not in page
    assert "Toutes les catégories" in page
    assert ">Cartes (3)<" in page
    assert '<html lang="fr">' in page


def test_a_member_s_own_vote_shows_at_once(settings, listed, bob):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    client = signed_in(bob)
    url = reverse("ideas:list") + "?sort=new"
    idea = listed[4]
    page = client.get(url).content.decode()
    assert f'<form id="vote-{idea.pk}" class="vote" ' in page
    response = client.post(reverse("ideas:vote", args=[idea.pk]), {"voted": "1", "next": url})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    box = re.search(rf'<form id="vote-{idea.pk}".*?</form>', page, re.S)
    assert box
    assert 'class="vote voted"' in box.group(0)
    assert '<span class="vote-count">1</span>' in box.group(0)
    assert f'value="{url.replace("&", "&amp;")}"' in box.group(0)  # this page, escaped


def test_the_vote_button_carries_each_page_s_own_path_escaped(settings, listed, bob):  # type: ignore[no-untyped-def]
    """The kept button's path is filled per request: never another page's, never unescaped,
    and a path naming the placeholders gets nothing of the viewer's."""
    settings.DEBUG = False
    client = signed_in(bob)
    for query in ('"><i>x', "VoTeBoXcSrFxQzJv", "VoTeBoXpAtHxQzJv"):
        url = reverse("ideas:list") + "?sort=new&x=" + query
        kept_page = page_html(client, url, settings, kept=True)
        assert kept_page == page_html(client, url, settings, kept=False), query
        assert "<i>x" not in kept_page
    assert kept._rendered.cache_info().currsize > 0
