"""Theme names on Ruche's bilingual demo ideas (ideas/demo/content.json), clustered with the
default encoders as the portal does: readable, 3-6 words, one language each, never a stem."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import ideas.demo
from ideas.clustering import ThemeModel, build_themes
from ideas.clustering.text import ALL_STOP_WORDS, EN_STOP_WORDS, FR_STOP_WORDS, fold_accents

CONTENT = Path(ideas.demo.__file__).with_name("content.json")
WORD = re.compile(r"[^\W_]+(?:['’\-/][^\W_]+)*")


def words(text: str) -> list[str]:
    """Written words, accents folded; "l'appli" counts as "appli" (the article is elided)."""
    return [re.split(r"['’]", w)[-1] for w in WORD.findall(fold_accents(text))]


@pytest.fixture(scope="module")
def demo() -> tuple[list[dict[str, str]], ThemeModel]:
    content = json.loads(CONTENT.read_text(encoding="utf-8"))["ideas"]
    # As the portal embeds an idea (ideas.themes.embedding.idea_text): title, then body.
    texts = [f"{idea['title']}\n{idea['body']}" for idea in content]
    model, _ = build_themes(texts, seed=0)
    assert model.n_themes >= 5
    return content, model


def written_in(demo, theme_id: int, language: str) -> set[str]:  # type: ignore[no-untyped-def]
    content, model = demo
    return {
        w
        for idea, label in zip(content, model.labels, strict=True)
        if label == theme_id and idea["language"] == language
        for w in words(f"{idea['title']} {idea['body']}")
    }


def test_every_theme_is_named_in_each_language_of_its_ideas(demo) -> None:  # type: ignore[no-untyped-def]
    content, model = demo
    for theme in model.themes:
        languages = {
            idea["language"]
            for idea, label in zip(content, model.labels, strict=True)
            if label == theme.id
        }
        assert set(theme.names) == languages, (theme.id, theme.names)
        assert theme.label in theme.names.values()


def test_names_read_like_headlines(demo) -> None:  # type: ignore[no-untyped-def]
    _, model = demo
    for theme in model.themes:
        for name in theme.names.values():
            parts = words(name)
            assert 3 <= len(parts) <= 6, name
            assert parts[0] not in ALL_STOP_WORDS, name
            assert parts[-1] not in ALL_STOP_WORDS, name
            assert "/" not in name.split(), name  # not a slash list of terms


def test_every_word_of_a_name_is_written_in_the_ideas_of_its_language(demo) -> None:  # type: ignore[no-untyped-def]
    """No bare stem ("afficher" is written, "affich" is not) and no word of the other language:
    the French name comes from the theme's French ideas, the English one from its English ideas."""
    _, model = demo
    other_stop = {"fr": EN_STOP_WORDS - FR_STOP_WORDS, "en": FR_STOP_WORDS - EN_STOP_WORDS}
    for theme in model.themes:
        for language, name in theme.names.items():
            written = written_in(demo, theme.id, language)
            for word in words(name):
                assert word in written, (language, name, word)
                assert word not in other_stop[language], (language, name, word)


def test_key_terms_are_written_words_of_their_language_without_stop_words(demo) -> None:  # type: ignore[no-untyped-def]
    _, model = demo
    for theme in model.themes:
        assert theme.top_terms
        for language, terms in theme.terms.items():
            written = written_in(demo, theme.id, language)
            for term in terms:
                for word in words(term):
                    assert word in written, (language, term)
                    assert word not in ALL_STOP_WORDS, (language, term)


def test_no_two_themes_share_a_name(demo) -> None:  # type: ignore[no-untyped-def]
    _, model = demo
    for language in ("fr", "en"):
        names = [t.names[language].casefold() for t in model.themes if language in t.names]
        assert len(names) == len(set(names)), names
