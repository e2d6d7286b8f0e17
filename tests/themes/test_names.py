"""Theme names in the portal: the engine names each theme in French and in English, the reader
sees the one in their language, and a product manager's own name wins in both."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

import ideas.demo
from ideas.models import Theme
from ideas.themes import runs
from ideas.themes.services import theme_update
from tests.factories import CategoryFactory, IdeaFactory, UserFactory

CONTENT = Path(ideas.demo.__file__).with_name("content.json")
# Five of the demo's themes, each with ideas in both languages (40 ideas: a run stays quick).
DEMO_THEMES = {"dark-mode", "card-freeze", "joint-account-app", "paper-statements", "student-loans"}


@pytest.fixture
def demo_run(db):  # type: ignore[no-untyped-def]
    content = json.loads(CONTENT.read_text(encoding="utf-8"))["ideas"]
    category, author = CategoryFactory(slug="demo"), UserFactory()
    for idea in content:
        if idea["theme"] in DEMO_THEMES:
            IdeaFactory(
                title=idea["title"],
                body=idea["body"],
                language=idea["language"],
                category=category,
                author=author,
            )
    run = runs.run_recluster(trigger="manual")
    assert run is not None
    return run


def bilingual(run) -> list[Theme]:  # type: ignore[no-untyped-def]
    themes = list(Theme.objects.filter(is_active=True, last_run=run))
    both = [t for t in themes if t.label_en and t.label_fr]
    assert len(both) >= 3, [(t.label_en, t.label_fr) for t in themes]
    return both


def test_each_reader_sees_the_engines_name_in_their_language(client, product_manager, demo_run):  # type: ignore[no-untyped-def]
    themes = bilingual(demo_run)
    for theme in themes:
        assert theme.label_en != theme.label_fr
        assert theme.terms_en
        assert theme.terms_fr
        with translation.override("fr"):
            assert theme.display_name == theme.label_fr
            assert theme.key_terms == theme.terms_fr
        with translation.override("en"):
            assert theme.display_name == theme.label_en
            assert theme.key_terms == theme.terms_en
    client.force_login(product_manager)
    french = client.get(reverse("themes:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(reverse("themes:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for theme in themes:
        link = f'href="{reverse("themes:detail", args=[theme.pk])}">'
        assert f"{link}{escape(theme.label_fr)}</a>" in french
        assert f"{link}{escape(theme.label_en)}</a>" in english
    page = client.get(reverse("themes:detail", args=[themes[0].pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert escape(themes[0].label_fr) in page.content.decode()


def test_a_product_managers_name_wins_in_both_languages_and_across_runs(product_manager, demo_run):  # type: ignore[no-untyped-def]
    theme = bilingual(demo_run)[0]
    theme_update(theme=theme, editor=product_manager, name="Q3 focus", note="", status="new")
    second = runs.run_recluster(trigger="manual")
    theme.refresh_from_db()
    assert theme.last_run == second  # the same theme continued
    assert theme.name == "Q3 focus"
    # The engine's names are still kept up to date.
    assert theme.label_en
    assert theme.label_fr
    for language in ("fr", "en"):
        with translation.override(language):
            assert theme.display_name == "Q3 focus"


@pytest.mark.parametrize("reader", ["fr", "en"])
def test_a_theme_named_in_one_language_shows_that_name_to_every_reader(reader: str) -> None:
    french_only = Theme(label="old label", label_fr="Mode sombre dans l'appli", terms_fr=["nuit"])
    english_only = Theme(label="old label", label_en="Dark mode for the app", terms_en=["night"])
    from_an_older_run = Theme(label="dark mode / sombre", terms=["dark"])
    with translation.override(reader):
        assert french_only.display_name == "Mode sombre dans l'appli"
        assert french_only.key_terms == ["nuit"]
        assert english_only.display_name == "Dark mode for the app"
        assert english_only.key_terms == ["night"]
        assert from_an_older_run.display_name == "dark mode / sombre"
