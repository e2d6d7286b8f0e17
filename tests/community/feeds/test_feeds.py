import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, Status
from ideas.services import idea_change_status
from tests.community.campaigns.helpers import make_campaign
from tests.factories import CategoryFactory, IdeaFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def _atom(client, url: str) -> ET.Element:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "@example.com" not in response.text  # every test user's email ends so
    root = ET.fromstring(response.content)  # noqa: S314 (our own server's output)
    assert root.tag == f"{ATOM}feed"
    return root


def _entries(root: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title") or "",
            "id": entry.findtext(f"{ATOM}id") or "",
            "link": entry.find(f"{ATOM}link").get("href") or "",  # type: ignore[union-attr]
            "author": entry.findtext(f"{ATOM}author/{ATOM}name") or "",
            "summary": entry.findtext(f"{ATOM}summary") or "",
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def _aged(idea: Idea, days: int) -> Idea:
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - timedelta(days=days))
    return idea


def test_the_new_ideas_feed_is_atom_with_the_newest_ideas_first(client, alice, category):
    _aged(IdeaFactory(author=alice, category=category, title="Older"), 3)
    IdeaFactory(author=alice, category=category, title="Newer", body="Let me **save**")
    root = _atom(client, reverse("feeds:ideas"))
    assert root.findtext(f"{ATOM}title") == "Ruche: new ideas"
    entries = _entries(root)
    assert [e["title"] for e in entries] == ["Newer", "Older"]
    assert entries[0]["author"] == "Alice"
    assert entries[0]["link"].startswith("http://testserver/ideas/")
    assert "<strong>save</strong>" in entries[0]["summary"]


def test_an_author_without_a_display_name_appears_without_a_name_not_an_email(client, category):
    idea = IdeaFactory(category=category, author__display_name="")
    root = _atom(client, reverse("feeds:ideas"))
    assert _entries(root)[0]["author"] == ""
    assert idea.author.email.split("@")[0] not in ET.tostring(root, encoding="unicode")


def test_the_category_feed_has_only_that_categorys_ideas(client, category):
    loans = CategoryFactory(slug="loans", name_en="Loans")
    IdeaFactory(category=category, title="Card idea")
    IdeaFactory(category=loans, title="Loan idea")
    root = _atom(client, reverse("feeds:category", args=["loans"]))
    assert [e["title"] for e in _entries(root)] == ["Loan idea"]
    assert "Loans" in (root.findtext(f"{ATOM}title") or "")


def test_an_unknown_category_or_campaign_feed_is_404(client, db):
    assert client.get(reverse("feeds:category", args=["nope"])).status_code == 404
    assert client.get(reverse("feeds:campaign", args=["nope"])).status_code == 404


def test_the_campaign_feed_has_only_that_campaigns_ideas(client, moderator, category):
    campaign = make_campaign(moderator)
    IdeaFactory(category=category, campaign=campaign, title="In the campaign")
    IdeaFactory(category=category, title="Elsewhere")
    root = _atom(client, reverse("feeds:campaign", args=[campaign.slug]))
    assert [e["title"] for e in _entries(root)] == ["In the campaign"]
    assert campaign.title in (root.findtext(f"{ATOM}title") or "")


def test_the_status_updates_feed_has_one_entry_per_official_response(client, idea, moderator):
    idea_change_status(
        idea=idea, actor=moderator, to_status=Status.UNDER_REVIEW, response="Looking"
    )
    idea_change_status(idea=idea, actor=moderator, to_status=Status.PLANNED, response="Soon")
    root = _atom(client, reverse("feeds:status_updates"))
    entries = _entries(root)
    assert {e["title"] for e in entries} == {
        "Freeze my card from the app: Planned",
        "Freeze my card from the app: Under review",
    }
    assert {e["summary"] for e in entries} == {"<p>Looking</p>", "<p>Soon</p>"}
    assert {e["author"] for e in entries} == {"Mo"}
    ids = [e["id"] for e in entries]
    assert len(set(ids)) == 2
    assert all(i.startswith(f"http://testserver/ideas/{idea.pk}/#status-") for i in ids)
    # RFC 4287: every entry has exactly one <updated>, in every feed of answers.
    for url in (
        reverse("feeds:status_updates"),
        reverse("roadmap:roadmap_feed"),
        reverse("roadmap:changelog_feed"),
    ):
        for entry in _atom(client, url).findall(f"{ATOM}entry"):
            assert len(entry.findall(f"{ATOM}updated")) == 1, url


def test_a_control_character_typed_into_an_idea_never_breaks_a_feed(client, alice, category):
    """Typed or pasted through the API or a form, it is left out when the idea is saved; one
    already stored is left out of the feed (XML cannot hold it: the whole feed gave a 500)."""
    from ideas.services import idea_create

    typed = idea_create(
        author=alice,
        title="Control \x01 char\x0b in the title",
        body="x \x0b y \ud800",
        category=category,
        language="en",
    )
    assert (typed.title, typed.body) == ("Control  char in the title", "x  y")
    stored = IdeaFactory(title="Stored \x1f before the fix", category=category)
    for url in (reverse("feeds:ideas"), reverse("feeds:category", args=[category.slug])):
        titles = {e["title"] for e in _entries(_atom(client, url))}
        assert {"Control  char in the title", "Stored  before the fix"} <= titles
    assert stored.title == "Stored \x1f before the fix"


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        ("/", "/feeds/ideas/"),
        ("/", "/feeds/status-updates/"),
        ("/ideas/?category=cards", "/feeds/categories/cards/"),
    ],
)
def test_pages_announce_their_feeds(client, category, url, feed):
    text = client.get(url).text
    assert '<link rel="alternate" type="application/atom+xml"' in text
    assert f'href="{feed}"' in text


def test_the_campaign_page_announces_its_feed(client, moderator):
    campaign = make_campaign(moderator)
    text = client.get(campaign.get_absolute_url()).text
    assert f'type="application/atom+xml" title="Ideas for {campaign.title}"' in text
    assert f'href="/feeds/campaigns/{campaign.slug}/"' in text
