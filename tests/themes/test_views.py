import csv
import io
import re

import pytest
from django.urls import reverse

from ideas.models import Theme
from ideas.themes import runs
from tests.themes.data import GROUPS

THEME_PAGES = ["themes:dashboard", "themes:map", "themes:export"]


@pytest.fixture
def published(make_ideas):  # type: ignore[no-untyped-def]
    groups = make_ideas(GROUPS)
    return groups, runs.run_recluster(trigger="manual")


@pytest.mark.parametrize("name", THEME_PAGES)
def test_anonymous_people_are_sent_to_log_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["alice", "partner", "moderator"])
@pytest.mark.parametrize("name", THEME_PAGES)
def test_theme_pages_are_for_product_managers_only(client, request, who, name):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("who", ["product_manager", "admin_user"])
@pytest.mark.parametrize("name", THEME_PAGES)
def test_product_managers_and_admins_see_the_theme_pages(client, request, who, name):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == 200


def test_the_dashboard_says_when_there_are_no_themes_yet(client, product_manager):
    client.force_login(product_manager)
    assert "No themes yet" in client.get(reverse("themes:dashboard")).text


def test_a_first_run_under_way_does_not_promise_themes_that_do_not_exist(client, product_manager):
    """Seen on the demo before its first run ended: "these themes stay" over "No themes"."""
    from ideas.models import ClusteringRun

    ClusteringRun.objects.create(trigger="startup")  # running, nothing published yet
    client.force_login(product_manager)
    page = client.get(reverse("themes:dashboard")).text
    assert "No themes yet" in page
    assert "these themes stay" not in page


def test_the_run_line_writes_counts_as_the_reader_s_language_does(client, product_manager):
    """Seen on a portal of 1,211 ideas: "1211 ideas"."""
    from django.utils import timezone

    from ideas.models import ClusteringRun, RunState

    ClusteringRun.objects.create(
        trigger="manual",
        state=RunState.PUBLISHED,
        published_at=timezone.now(),
        idea_count=1211,
        theme_count=1034,
        themed_count=1211,
    )
    client.force_login(product_manager)
    english = client.get(reverse("themes:dashboard"), HTTP_ACCEPT_LANGUAGE="en").text
    assert "1,211 ideas, 1,034 themes" in english
    french = client.get(reverse("themes:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").text
    assert re.search(r"1\s211 idées, 1\s034 thèmes", french)


def test_the_dashboard_says_a_re_run_waits_until_a_run_is_claimed(client, product_manager):
    """A "Re-run now" made while no worker takes it (busy, or down) was forgotten on reload."""
    from datetime import timedelta

    from django.utils import timezone

    from config.outbox.models import OutboxEvent
    from ideas.models import ClusteringRun

    asked = timezone.now() - timedelta(minutes=3)
    OutboxEvent.objects.create(
        name="themes.run_requested",
        payload={"requested_by_id": product_manager.pk, "requested_at": asked.isoformat()},
    )
    client.force_login(product_manager)
    waiting = "A new run was requested 3\xa0minutes ago; it starts as soon as a worker is free."
    assert waiting in client.get(reverse("themes:dashboard")).text
    french = client.get(reverse("themes:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").text
    assert "Un nouveau calcul a été demandé il y a 3\xa0minutes" in french
    ClusteringRun.objects.create(trigger="manual")  # claimed now: the request is answered
    assert "A new run was requested" not in client.get(reverse("themes:dashboard")).text


def test_the_dashboard_lists_themes_with_size_trend_and_top_ideas(
    client, product_manager, published
):
    _, run = published
    client.force_login(product_manager)
    response = client.get(reverse("themes:dashboard"), {"sort": "size"})
    summaries = response.context["summaries"]
    assert len(summaries) >= 3
    assert sum(s.size for s in summaries) == run.themed_count
    assert [s.size for s in summaries] == sorted((s.size for s in summaries), reverse=True)
    assert all(len(s.top_ideas) <= 3 for s in summaries)
    assert "<polyline" in response.text  # sparklines
    assert response.context["chosen"]["period"] == 30
    assert all(len(s.daily) == 30 for s in summaries)


def test_the_dashboard_filters_by_category(client, product_manager, published):
    client.force_login(product_manager)
    response = client.get(
        reverse("themes:dashboard"), {"category": "no-such-category", "period": "7"}
    )
    assert response.status_code == 200
    assert response.context["chosen"]["category"] is None
    assert all(len(s.daily) == 7 for s in response.context["summaries"])


def test_the_map_draws_one_clickable_bubble_per_theme(client, product_manager, published):
    client.force_login(product_manager)
    response = client.get(reverse("themes:map"))
    active = Theme.objects.filter(is_active=True)
    theme_map = response.text.split('<svg class="theme-map"', 1)[1].split("</svg>", 1)[0]
    assert theme_map.count("<circle") == active.count()  # the icons' circles are elsewhere
    assert 'role="img"' not in theme_map.split(">", 1)[0]  # an image may not hold links
    for theme in active:
        assert reverse("themes:detail", args=[theme.pk]) in response.text


def test_the_map_keeps_bubbles_apart_and_labels_inside(client, product_manager, published):
    client.force_login(product_manager)
    bubbles = client.get(reverse("themes:map")).context["bubbles"]
    for i, a in enumerate(bubbles):
        assert a["r"] <= a["x"] <= 1000 - a["r"]
        assert a["r"] <= a["y"] <= 600 - a["r"]
        for b in bubbles[i + 1 :]:
            distance = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
            assert distance >= a["r"] + b["r"], (a["summary"].theme, b["summary"].theme)


def test_new_and_trending_badges_only_where_they_mean_something(client, product_manager, published):
    """After a single run no theme is "New" (new against what?), and the status every theme
    starts with is not shown as a badge; a theme that appears in a later run is New."""
    client.force_login(product_manager)
    response = client.get(reverse("themes:dashboard"))
    assert not any(s.is_new for s in response.context["summaries"])
    assert "badge-new" not in response.text
    assert "status-theme" not in response.text
    newest = Theme.objects.filter(is_active=True).first()
    from ideas.models import ClusteringRun

    published_before = response.context["run"].published_at.replace(year=2020)
    ClusteringRun.objects.create(  # as runs.run_publish leaves the run before
        state="superseded", trigger="manual", published_at=published_before
    )
    response = client.get(reverse("themes:dashboard"))
    assert all(s.is_new for s in response.context["summaries"] if s.theme == newest)
    assert "badge-new" in response.text


def test_a_product_manager_renames_annotates_and_sets_the_status(
    client, product_manager, published
):
    theme = Theme.objects.filter(is_active=True).first()
    client.force_login(product_manager)
    url = reverse("themes:detail", args=[theme.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["bars"]) == 90
    response = client.post(
        url, {"name": "Card freeze", "note": "Ask the app team", "status": "investigating"}
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.note, theme.status) == (
        "Card freeze",
        "Ask the app team",
        "investigating",
    )


def test_a_bad_theme_status_is_a_field_error(client, product_manager, published):
    theme = Theme.objects.filter(is_active=True).first()
    client.force_login(product_manager)
    response = client.post(
        reverse("themes:detail", args=[theme.pk]), {"name": "x" * 121, "status": "bogus"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "status"}
    theme.refresh_from_db()
    assert theme.name == ""


def test_members_cannot_edit_a_theme(client, alice, published):
    theme = Theme.objects.filter(is_active=True).first()
    client.force_login(alice)
    response = client.post(
        reverse("themes:detail", args=[theme.pk]), {"name": "Hacked", "status": "new"}
    )
    assert response.status_code == 403


def test_the_csv_export_has_a_row_per_themed_idea_and_no_personal_data(
    client, product_manager, published
):
    _, run = published
    client.force_login(product_manager)
    response = client.get(reverse("themes:export"))
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()  # streamed: flat memory
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == run.themed_count
    assert {"theme_id", "theme_name", "idea_id", "idea_title", "trending"} <= set(rows[0])
    assert "@" not in text
    assert "display_name" not in text


def test_the_csv_export_defuses_formulas(client, product_manager, make_ideas):
    make_ideas(
        {"x": ['=HYPERLINK("http://evil") freeze my card in the app', *GROUPS["card"]], **GROUPS}
    )
    runs.run_recluster(trigger="manual")
    client.force_login(product_manager)
    text = b"".join(client.get(reverse("themes:export")).streaming_content).decode()
    assert "'=HYPERLINK" in text


def test_rerun_needs_post_and_queues_a_run(
    client, product_manager, published, django_capture_on_commit_callbacks
):
    client.force_login(product_manager)
    assert client.get(reverse("themes:rerun")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("themes:rerun"))
    assert response.status_code == 302
    from ideas.models import ClusteringRun

    latest = ClusteringRun.objects.latest("started_at")
    assert latest.trigger == "manual"
    assert latest.requested_by == product_manager


def test_similar_ideas_appear_for_a_title_being_typed(client, alice, published):
    groups, _ = published
    client.force_login(alice)
    response = client.post(
        reverse("ideas:similar"), {"title": "How do I freeze my card in the app?"}
    )
    titles = [idea.title for idea, _ in response.context["matches"]]
    assert 1 <= len(titles) <= 5
    card_titles = {i.title for i in groups["card"]}
    assert titles[0] in card_titles
    assert "Is your idea already here?" in response.text


def test_a_french_title_finds_english_twins(client, alice, published):
    groups, _ = published
    client.force_login(alice)
    response = client.post(
        reverse("ideas:similar"), {"title": "Mettre l'application en mode sombre"}
    )
    titles = {idea.title for idea, _ in response.context["matches"]}
    assert titles & {i.title for i in groups["dark"] if not any(c in i.title for c in "éè'")}


def test_no_similar_ideas_for_a_too_short_or_unrelated_title(client, alice, published):
    client.force_login(alice)
    assert client.post(reverse("ideas:similar"), {"title": "hi"}).context["matches"] == []
    response = client.post(
        reverse("ideas:similar"), {"title": "Sponsor the under-12 football team"}
    )
    assert response.context["matches"] == []


def test_the_typed_title_never_travels_in_a_url(client, alice, published):
    """It may hold a card number: GET would put it in access logs."""
    client.force_login(alice)
    assert client.get(reverse("ideas:similar"), {"title": "My card 4970"}).status_code == 405


@pytest.fixture
def encoder_runs(monkeypatch):  # type: ignore[no-untyped-def]
    """Counts the lookups that reach the sentence encoders (the real ones still run)."""
    from ideas.themes import similar, views

    calls: list[str] = []

    def counted(*, text: str, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(text)
        return similar.similar_ideas(text=text, **kwargs)

    monkeypatch.setattr(views, "similar_ideas", counted)
    return calls


def test_anonymous_callers_get_no_similar_ideas_and_run_no_encoder(client, published, encoder_runs):
    """Three sentence encoders per call: not for anyone on the internet (the form that asks
    needs a login anyway). A 403, not a redirect: htmx would put the login page in the box."""
    response = client.post(reverse("ideas:similar"), {"title": "How do I freeze my card?"})
    assert response.status_code == 403
    assert encoder_runs == []


def test_a_text_longer_than_300_characters_is_refused_with_a_message(
    client, alice, published, encoder_runs
):
    client.force_login(alice)
    response = client.post(reverse("ideas:similar"), {"title": "freeze my card " * 21})
    assert response.status_code == 400
    assert "300 characters" in response.text
    assert encoder_runs == []
    exactly = client.post(reverse("ideas:similar"), {"title": "x" * 300})
    assert exactly.status_code == 200


def test_lookups_over_the_per_minute_limit_get_429(client, alice, bob, settings, encoder_runs):
    assert settings.RATE_LIMITS["similar"] == (30, 60)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "similar": (3, 60)}
    client.force_login(alice)
    url = reverse("ideas:similar")
    codes = [client.post(url, {"title": f"Card {n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert len(encoder_runs) == 3
    assert client.post(url, {"title": "Card"})["Retry-After"] == "60"
    # Per person: someone else signed in from another address still gets answers.
    client.force_login(bob)
    assert client.post(url, {"title": "Card"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_an_idea_hidden_after_the_run_leaves_the_export_and_the_dashboard_at_once(
    client, product_manager, moderator, published
):
    from community.moderation.services import content_hide
    from ideas.models import Idea

    _, run = published
    client.force_login(product_manager)
    themed = Idea.objects.filter(theme_memberships__run=run).order_by("pk").first()
    assert themed is not None
    content_hide(actor=moderator, idea=themed, reason="personal complaint")

    text = b"".join(client.get(reverse("themes:export")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == run.themed_count - 1
    assert str(themed.pk) not in {row["idea_id"] for row in rows}
    dashboard = client.get(reverse("themes:dashboard"))
    assert sum(s.size for s in dashboard.context["summaries"]) == run.themed_count - 1
    theme = themed.theme_memberships.get(run=run).theme
    detail = client.get(reverse("themes:detail", args=[theme.pk]))
    shown = len(detail.context["ideas"])
    assert detail.context["idea_count"] == shown == theme.size - 1
    assert f"{shown} idea" in detail.text
    assert "with the most votes are listed" not in detail.text


def test_a_theme_with_more_ideas_than_its_page_lists_says_so(
    client, product_manager, published, monkeypatch
):
    from ideas.themes import views

    monkeypatch.setattr(views, "IDEAS_SHOWN", 2)
    theme = Theme.objects.filter(is_active=True, size__gt=2).first()
    assert theme is not None
    client.force_login(product_manager)
    detail = client.get(reverse("themes:detail", args=[theme.pk]))
    assert len(detail.context["ideas"]) == 2 < detail.context["idea_count"]
    assert "The 2 with the most votes are listed; the CSV export holds them all." in detail.text


SVG_NUMBER = re.compile(r'\s(?:x|y|cx|cy|r|width|height|stroke-width)="([^"]*)"')


def test_charts_keep_decimal_points_on_french_pages(client, product_manager, published):
    """Django writes 12,5 for 12.5 in French; in an SVG attribute that is no number, and the
    map's bubbles, the sparklines and the activity bars fell to 0 on French pages."""
    client.force_login(product_manager)
    client.cookies["django_language"] = "fr"
    theme = Theme.objects.filter(is_active=True).first()
    assert theme is not None
    for url in (
        reverse("themes:dashboard"),
        reverse("themes:map"),
        reverse("themes:detail", args=[theme.pk]),
    ):
        page = client.get(url).text
        assert 'lang="fr"' in page
        svgs = "".join(re.findall(r"<svg.*?</svg>", page, flags=re.S))
        values = SVG_NUMBER.findall(svgs)
        assert values, url
        assert all("," not in value for value in values), (url, [v for v in values if "," in v])


def test_the_activity_chart_uses_the_design_colours_and_says_what_it_shows(
    client, product_manager, published
):
    client.force_login(product_manager)
    theme = Theme.objects.filter(is_active=True).first()
    assert theme is not None
    page = client.get(reverse("themes:detail", args=[theme.pk])).text
    assert "#c47f00" not in page  # the old orange, 3.3:1 on white
    assert '<rect class="bar"' in page
    assert 'aria-describedby="activity-summary"' in page
    assert "Activity (ideas, comments and votes, weighted) over 90 days:" in page
