import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from community.campaigns.selectors import campaign_leaderboard
from community.campaigns.services import campaign_create, campaign_update
from community.models import PointsEntry
from ideas.models import Campaign, Idea, Vote
from ideas.services import idea_create
from tests.community.campaigns.helpers import image_bytes, make_campaign, upload
from tests.factories import IdeaFactory, UserFactory
from tests.helpers import queries_to_get

CREATE = reverse("campaigns:create")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded banners go to a temporary folder, never var/media."""
    settings.MEDIA_ROOT = str(tmp_path)


def _local(days: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "How should our mobile app help you save?",
        "slug": "",
        "description": "Round-ups, goals: **tell us**.",
        "starts_at": _local(-1),
        "ends_at": _local(30),
    }
    data.update(overrides)
    return data


# --- creating and editing -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "product_manager", "admin_user"])
def test_staff_create_a_campaign_on_the_site_with_a_slug_made_from_the_title(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, _form())
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == campaign.get_absolute_url()
        == "/campaigns/how-should-our-mobile-app-help-you-save/"
    )
    assert campaign.description_html == "<p>Round-ups, goals: <strong>tell us</strong>.</p>"
    assert campaign.is_open


def test_members_get_403_on_the_campaign_form_and_nothing_is_saved(client, alice):
    client.force_login(alice)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _form()).status_code == 403
    assert not Campaign.objects.exists()


def test_anonymous_people_are_sent_to_log_in_to_create_a_campaign(client, db):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_service_refuses_a_member(alice):
    from django.core.exceptions import PermissionDenied

    now = timezone.now()
    with pytest.raises(PermissionDenied):
        campaign_create(
            creator=alice, title="T", description="D", starts_at=now, ends_at=now + timedelta(1)
        )


@pytest.mark.parametrize("ends_in_days", [-2, -1])
def test_an_end_before_or_equal_to_the_start_is_a_field_error_and_nothing_is_saved(
    client, moderator, ends_in_days
):
    client.force_login(moderator)
    form = _form(starts_at=_local(-1), ends_at=_local(ends_in_days))
    response = client.post(CREATE, form)
    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"] == ["The end must be after the start."]
    assert not Campaign.objects.exists()


def test_the_service_itself_refuses_an_end_that_is_not_after_the_start(moderator):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        campaign_create(creator=moderator, title="T", description="D", starts_at=now, ends_at=now)
    assert "ends_at" in caught.value.message_dict
    assert not Campaign.objects.exists()


def test_a_generated_slug_gets_a_number_when_taken_and_a_chosen_one_must_be_free(client, moderator):
    make_campaign(moderator, slug="cards")
    client.force_login(moderator)
    client.post(CREATE, _form(title="Cards"))
    assert Campaign.objects.filter(slug="cards-2").exists()
    response = client.post(CREATE, _form(title="Other", slug="cards"))
    assert response.status_code == 400
    assert response.context["form"].errors["slug"]
    assert Campaign.objects.count() == 2


def test_new_is_not_a_campaign_address(client, moderator):
    client.force_login(moderator)
    response = client.post(CREATE, _form(slug="new"))
    assert response.status_code == 400
    assert response.context["form"].errors["slug"]
    client.post(CREATE, _form(title="New"))
    assert Campaign.objects.get().slug == "new-2"


def test_staff_edit_a_campaign_and_members_cannot(client, moderator, alice, category):
    campaign = make_campaign(moderator)
    edit = reverse("campaigns:edit", args=[campaign.slug])
    client.force_login(alice)
    assert client.get(edit).status_code == 403
    client.force_login(moderator)
    form = client.get(edit).context["form"]
    assert form.initial["title"] == campaign.title
    data = _form(title="Saving, together", slug=campaign.slug, category=category.pk)
    data["partners_only"] = "on"
    assert client.post(edit, data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.category, campaign.partners_only) == (
        "Saving, together",
        category,
        True,
    )


def test_an_edit_with_bad_dates_changes_nothing(client, moderator):
    campaign = make_campaign(moderator)
    client.force_login(moderator)
    edit = reverse("campaigns:edit", args=[campaign.slug])
    response = client.post(edit, _form(title="Changed", ends_at=_local(-3)))
    assert response.status_code == 400
    campaign.refresh_from_db()
    assert campaign.title == "How should our app help you save?"


# --- banner uploads -----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_a_jpeg_png_or_webp_banner_is_stored_under_the_extension_of_its_content(
    client, moderator, kind, extension
):
    client.force_login(moderator)
    # The name says .png whatever the content: the stored name follows the content.
    banner = upload("banner.png", image_bytes(kind))
    assert client.post(CREATE, _form(banner=banner)).status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.banner.name.endswith(f".{extension}")
    assert campaign.banner.name.startswith("campaigns/how-should-our-mobile-app")
    assert Path(campaign.banner.path).read_bytes() == image_bytes(kind)
    page = client.get(campaign.get_absolute_url())
    assert campaign.banner.url in page.text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("banner.png", b"this is text pretending to be a PNG image"),
        ("banner.gif", image_bytes("GIF")),
        ("banner.png", image_bytes("PNG")[:40]),  # truncated
    ],
    ids=["text-named-png", "gif", "truncated-png"],
)
def test_a_banner_that_is_not_a_jpeg_png_or_webp_image_is_a_field_error(
    client, moderator, name, content
):
    client.force_login(moderator)
    response = client.post(CREATE, _form(banner=upload(name, content)))
    assert response.status_code == 400
    assert response.context["form"].errors["banner"] == [
        "Upload a JPEG, PNG or WebP image; this file is not one."
    ]
    assert not Campaign.objects.exists()


def test_a_banner_over_the_size_limit_is_a_field_error(client, moderator, settings):
    settings.MAX_UPLOAD_BYTES = 100
    client.force_login(moderator)
    big = image_bytes("PNG", size=(200, 200))
    assert len(big) > 100
    response = client.post(CREATE, _form(banner=upload("big.png", big)))
    assert response.status_code == 400
    assert "too large" in response.context["form"].errors["banner"][0]
    assert not Campaign.objects.exists()


def test_a_new_banner_replaces_the_old_file_once_committed(
    moderator, django_capture_on_commit_callbacks
):
    now = timezone.now()
    campaign = campaign_create(
        creator=moderator,
        title="Save",
        description="D",
        starts_at=now,
        ends_at=now + timedelta(days=3),
        banner=upload("a.png", image_bytes("PNG")),
    )
    old = Path(campaign.banner.path)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_update(
            campaign=campaign,
            editor=moderator,
            title="Save",
            slug="save",
            description="D",
            starts_at=now,
            ends_at=now + timedelta(days=3),
            banner=upload("b.jpg", image_bytes("JPEG")),
        )
    assert not old.exists()
    assert Path(campaign.banner.path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_update(
            campaign=campaign,
            editor=moderator,
            title="Save",
            slug="save",
            description="D",
            starts_at=now,
            ends_at=now + timedelta(days=3),
            remove_banner=True,
        )
    campaign.refresh_from_db()
    assert not campaign.banner


# --- submitting ideas into a campaign -----------------------------------------------------------


def _idea_form(campaign: Campaign, category) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "title": "Round up my card payments",
        "body": "And put the change aside.",
        "category": category.pk,
        "language": "en",
        "campaign": campaign.slug,
    }


def test_an_idea_is_submitted_into_an_open_campaign_from_its_page(
    client, alice, moderator, category
):
    campaign = make_campaign(moderator, category=category)
    client.force_login(alice)
    page = client.get(campaign.get_absolute_url())
    submit = f"{reverse('ideas:create')}?campaign={campaign.slug}"
    assert "Submit an idea to this campaign" in page.text
    assert submit in page.text
    form = client.get(submit).context["form"]
    assert form["campaign"].value() == campaign.slug
    assert form["category"].value() == category.pk  # the campaign's category, preselected
    response = client.post(reverse("ideas:create"), _idea_form(campaign, category))
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert idea.campaign == campaign


@pytest.mark.parametrize(
    ("starts", "ends", "partners_only", "message"),
    [
        (-10, -1, False, "has ended: it no longer accepts ideas."),
        (2, 10, False, "is not open yet: it opens on"),
        (-1, 10, True, "is open to partners only."),
    ],
    ids=["closed", "not-yet-open", "partners-only"],
)
def test_an_idea_for_a_campaign_closed_to_its_author_is_refused_with_the_reason(
    client, alice, moderator, category, starts, ends, partners_only, message
):
    campaign = make_campaign(
        moderator, starts_in_days=starts, ends_in_days=ends, partners_only=partners_only
    )
    client.force_login(alice)
    response = client.post(reverse("ideas:create"), _idea_form(campaign, category))
    assert response.status_code == 200
    errors = response.context["form"].errors["campaign"]
    assert len(errors) == 1
    assert message in errors[0]
    assert message in response.text
    assert not Idea.objects.exists()
    with pytest.raises(ValidationError):
        idea_create(
            author=alice, title="T", body="B", category=category, language="en", campaign=campaign
        )
    assert not Idea.objects.exists()


def test_a_partner_submits_into_a_partners_only_campaign(partner, moderator, category):
    campaign = make_campaign(moderator, partners_only=True)
    idea = idea_create(
        author=partner, title="T", body="B", category=category, language="en", campaign=campaign
    )
    assert idea.campaign == campaign


def test_a_partners_only_campaign_tells_members_instead_of_offering_the_button(
    client, alice, moderator
):
    campaign = make_campaign(moderator, partners_only=True)
    client.force_login(alice)
    page = client.get(campaign.get_absolute_url())
    assert "open to partners only" in page.text
    assert "Submit an idea to this campaign" not in page.text


def test_the_idea_form_has_no_campaign_field_when_no_campaign_runs(client, alice, moderator):
    make_campaign(moderator, starts_in_days=-10, ends_in_days=-1)
    client.force_login(alice)
    assert "campaign" not in client.get(reverse("ideas:create")).context["form"].fields


# --- the campaign page --------------------------------------------------------------------------


@pytest.fixture
def campaign_ideas(moderator, category):  # type: ignore[no-untyped-def]
    campaign = make_campaign(moderator)
    old_popular = IdeaFactory(category=category, campaign=campaign, title="Old popular")
    Idea.objects.filter(pk=old_popular.pk).update(
        vote_count=40, created_at=timezone.now() - timedelta(days=60)
    )
    IdeaFactory(category=category, campaign=campaign, title="Fresh", vote_count=1)
    IdeaFactory(category=category, title="Not in the campaign", vote_count=99)
    return campaign


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("top", ["Old popular", "Fresh"]), ("new", ["Fresh", "Old popular"]), ("trending", None)],
)
def test_the_campaign_page_lists_its_own_ideas_in_the_chosen_order(
    client, campaign_ideas, sort, expected
):
    response = client.get(campaign_ideas.get_absolute_url(), {"sort": sort})
    titles = [idea.title for idea in response.context["page"]]
    assert sorted(titles) == ["Fresh", "Old popular"]
    if expected:
        assert titles == expected
    assert "Not in the campaign" not in response.text


def test_a_sort_asked_by_htmx_sends_only_the_list(client, campaign_ideas):
    response = client.get(
        campaign_ideas.get_absolute_url(), {"sort": "top"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<section id="campaign-ideas">')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_the_campaign_page_is_paginated(client, moderator, category):
    campaign = make_campaign(moderator)
    IdeaFactory.create_batch(23, category=category, campaign=campaign)
    first = client.get(campaign.get_absolute_url(), {"sort": "new"})
    second = client.get(campaign.get_absolute_url(), {"sort": "new", "page": 2})
    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 3
    assert "?sort=new&amp;page=2" in first.text


@pytest.mark.parametrize("ended", [False, True], ids=["open", "ended"])
def test_the_campaign_page_query_count_does_not_grow_with_the_page(
    client, moderator, category, bob, ended
):
    campaign = make_campaign(moderator, starts_in_days=-5, ends_in_days=-1 if ended else 5)
    client.force_login(bob)

    def add(count: int) -> None:
        for idea in IdeaFactory.create_batch(count, category=category, campaign=campaign):
            PointsEntry.objects.create(
                user=idea.author,
                reason="idea",
                points=10,
                key=f"idea:{idea.pk}",
                idea=idea,
                created_at=timezone.now(),
            )

    add(2)
    few = queries_to_get(client, campaign.get_absolute_url())
    add(15)
    many = queries_to_get(client, campaign.get_absolute_url())
    assert many == few


def test_an_unknown_campaign_is_404(client, db):
    assert client.get(reverse("campaigns:detail", args=["nope"])).status_code == 404


# --- results --------------------------------------------------------------------------------------


def _points(user, idea, points: int, key: str) -> None:  # type: ignore[no-untyped-def]
    """Points earned two days ago: before the end of the ended campaigns below (results are
    frozen at the end date)."""
    two_days_ago = timezone.now() - timedelta(days=2)
    PointsEntry.objects.create(
        user=user, reason="idea", points=points, key=key, idea=idea, created_at=two_days_ago
    )


def _votes(idea, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` votes cast two days ago, before the end of the ended campaigns below."""
    for _ in range(count):
        Vote.objects.create(user=UserFactory(), idea=idea)
    Vote.objects.filter(idea=idea).update(created_at=timezone.now() - timedelta(days=2))


def test_after_the_end_the_page_shows_the_top_ideas_and_the_leaderboard(
    client, moderator, alice, bob, partner, category
):
    campaign = make_campaign(moderator, starts_in_days=-20, ends_in_days=-1)
    a = IdeaFactory(author=alice, category=category, campaign=campaign, title="A", vote_count=3)
    b = IdeaFactory(author=bob, category=category, campaign=campaign, title="B", vote_count=9)
    outside = IdeaFactory(author=partner, category=category, title="Outside", vote_count=50)
    _votes(a, 1)
    _votes(b, 2)
    _votes(outside, 3)
    _points(alice, a, 10, "1")
    _points(alice, a, 5, "2")
    _points(bob, b, 12, "3")
    _points(partner, outside, 500, "4")  # not the campaign's idea: does not count
    _points(bob, None, 100, "5")  # no idea at all
    response = client.get(campaign.get_absolute_url())
    assert [idea.title for idea in response.context["top_ideas"]] == ["B", "A"]
    rows = [(row.rank, row.member, row.points) for row in response.context["leaderboard"]]
    assert rows == [(1, alice, 15), (2, bob, 12)]
    assert "Results" in response.text
    assert "Submit an idea to this campaign" not in response.text


def test_tied_members_share_a_rank(moderator, alice, bob, partner, category):
    campaign = make_campaign(moderator, starts_in_days=-20, ends_in_days=-1)
    for n, user in enumerate([alice, bob, partner]):
        idea = IdeaFactory(author=user, category=category, campaign=campaign)
        _points(user, idea, 5 if user != partner else 2, f"k{n}")
    ranks = [(row.rank, row.points) for row in campaign_leaderboard(campaign=campaign)]
    assert ranks == [(1, 5), (1, 5), (3, 2)]


def test_an_open_campaign_shows_no_results_yet(client, campaign_ideas):
    response = client.get(campaign_ideas.get_absolute_url())
    assert "top_ideas" not in response.context
    assert "Submit an idea to this campaign" in response.text


# --- the list and the home page -----------------------------------------------------------------


def test_the_campaign_list_shows_open_upcoming_and_finished_campaigns(client, moderator):
    make_campaign(moderator, slug="open", title="Open one")
    make_campaign(moderator, slug="soon", title="Soon one", starts_in_days=3, ends_in_days=9)
    make_campaign(moderator, slug="done", title="Done one", starts_in_days=-9, ends_in_days=-3)
    response = client.get(reverse("campaigns:list"))
    assert [c.title for c in response.context["open_campaigns"]] == ["Open one"]
    assert [c.title for c in response.context["upcoming_campaigns"]] == ["Soon one"]
    assert [c.title for c in response.context["page"]] == ["Done one"]


def test_the_campaign_list_query_count_does_not_grow(client, moderator):
    def add(count: int, offset: int) -> None:
        for n in range(count):
            make_campaign(moderator, slug=f"o{offset + n}")
            make_campaign(moderator, slug=f"f{offset + n}", starts_in_days=-9, ends_in_days=-2)

    add(1, 0)
    few = queries_to_get(client, reverse("campaigns:list"))
    add(8, 100)
    many = queries_to_get(client, reverse("campaigns:list"))
    assert many == few


def test_the_home_page_features_open_campaigns_only(client, moderator):
    make_campaign(moderator, slug="open", title="Saving with the app")
    make_campaign(moderator, slug="done", title="Long finished", starts_in_days=-9, ends_in_days=-2)
    response = client.get(reverse("ideas:home"))
    assert "Saving with the app" in response.text
    assert "/campaigns/open/" in response.text
    assert "Long finished" not in response.text


def test_the_nav_links_to_the_campaigns(client, db):
    assert 'href="/campaigns/"' in client.get(reverse("ideas:home")).text


def test_campaign_pages_speak_french(client, alice, moderator):
    campaign = make_campaign(moderator)
    client.force_login(alice)
    page = client.get(campaign.get_absolute_url(), headers={"Accept-Language": "fr"}).text
    assert "Déposer une idée dans cette campagne" in page
    assert ">Campagnes</a>" in page
    listing = client.get(reverse("campaigns:list"), headers={"Accept-Language": "fr"}).text
    assert "Ouvertes en ce moment" in listing


# --- demo data ----------------------------------------------------------------------------------


def test_seed_campaigns_makes_a_running_and_a_finished_campaign_with_fitting_ideas(
    moderator, product_manager, alice, category
):
    import json
    import random

    from community.campaigns.demo import CONTENT, FINISHED, RUNNING, seed_campaigns

    now = timezone.now()
    themes = {*RUNNING.themes, *FINISHED.themes, "dark-mode"}
    items = json.loads(CONTENT.read_text(encoding="utf-8"))["ideas"]
    ideas = []
    for n, item in enumerate(i for i in items if i["theme"] in themes):
        idea = IdeaFactory(title=item["title"], category=category, author=alice)
        idea.created_at = now - timedelta(days=(n * 37) % 100 + 1)
        ideas.append(idea)
    Idea.objects.bulk_update(ideas, ["created_at"])
    counts = seed_campaigns(
        rng=random.Random(1),
        now=now,
        ideas=ideas,
        members=[alice],
        staff=[moderator, product_manager],
    )
    running = Campaign.objects.get(title="How should our mobile app help you save?")
    finished = Campaign.objects.exclude(pk=running.pk).get()
    assert running.is_open
    assert finished.has_ended
    assert running.ideas.count() == finished.ideas.count() == 12
    assert counts == {"campaigns": 2, "campaign_ideas": 24}
    assert "épargner" in running.description_html
    for campaign in (running, finished):
        for attached in campaign.ideas.all():
            assert campaign.starts_at <= attached.created_at <= campaign.ends_at


def test_a_checkbox_label_is_a_statement_after_its_box_without_a_colon(client, moderator):
    client.force_login(moderator)
    page = client.get(CREATE).content.decode()
    assert '<label for="id_partners_only">Partners only</label>' in page
    assert '<label for="id_title">Title:</label>' in page  # other fields keep Django's suffix


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((6_000, 6_000), "The image has too many pixels (6000 × 6000); the limit is 8 million"),
        ((20_000, 20_000), "The image has far too many pixels; the limit is 8 million"),
    ],
    ids=["6000x6000", "decompression-bomb"],
)
def test_a_banner_with_more_pixels_than_a_banner_needs_is_a_field_error(
    client, moderator, size, message
):
    bomb = io.BytesIO()  # a few kilobytes of one colour, which every browser would decode whole
    Image.new("1", size).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 100_000
    client.force_login(moderator)
    response = client.post(CREATE, _form(banner=upload("bomb.png", bomb.getvalue())))
    assert response.status_code == 400
    [error] = response.context["form"].errors["banner"]
    assert error.startswith(message)
    assert not Campaign.objects.exists()


def test_a_phone_cameras_jpeg_with_more_pictures_is_a_jpeg_banner(client, moderator):
    mpo = io.BytesIO()
    first, second = Image.new("RGB", (16, 8), "orange"), Image.new("RGB", (16, 8), "blue")
    first.save(mpo, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(mpo.getvalue())).format == "MPO"
    client.force_login(moderator)
    assert client.post(CREATE, _form(banner=upload("phone.jpg", mpo.getvalue()))).status_code == 302
    assert Campaign.objects.get().banner.name.endswith(".jpg")
