"""Themes through the API: product managers (and admins) only, public ideas only, the same
figures as the dashboard (ideas.themes.selectors.theme_summaries)."""

import pytest
from django.utils import timezone

from ideas.models import ClusteringRun, RunState, Theme, ThemeMembership
from tests.api.conftest import bearer, token_for
from tests.factories import IdeaFactory


@pytest.fixture
def theme(db):  # type: ignore[no-untyped-def]
    run = ClusteringRun.objects.create(
        trigger="manual", state=RunState.PUBLISHED, published_at=timezone.now()
    )
    theme = Theme.objects.create(
        label="cards · freeze",
        terms=["card", "freeze"],
        first_run=run,
        last_run=run,
        size=2,
        is_active=True,
    )
    shown = IdeaFactory(title="Freeze my card", vote_count=7)
    hidden = IdeaFactory(title="Hidden one", vote_count=50, hidden_at=timezone.now())
    for idea in (shown, hidden):
        ThemeMembership.objects.create(run=run, theme=theme, idea=idea, similarity=0.9)
    return theme


def test_product_managers_read_themes_with_public_ideas_only(api, product_manager, theme):
    secret = token_for(product_manager, "read", days=7)
    page = api.get("/api/v1/themes/", **bearer(secret)).json()
    assert page["count"] == 1
    (row,) = page["results"]
    assert row["id"] == theme.pk
    assert row["terms"] == ["card", "freeze"]
    assert (row["size"], row["votes"]) == (1, 7)  # the hidden idea counts nowhere
    assert [i["title"] for i in row["top_ideas"]] == ["Freeze my card"]
    detail = api.get(f"/api/v1/themes/{theme.pk}/", **bearer(secret))
    assert detail.status_code == 200
    assert detail.json()["name"] == theme.display_name
    assert api.get("/api/v1/themes/999999/", **bearer(secret)).status_code == 404


def test_a_bad_theme_sort_names_the_field(api, product_manager, theme):
    response = api.get("/api/v1/themes/?sort=loudest", **bearer(token_for(product_manager)))
    assert response.status_code == 400
    assert "sort" in response.json()
