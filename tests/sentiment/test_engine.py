import pytest

from ideas.sentiment import Sentiment, score_lexicon, score_texts

NEGATIVE = [
    "This is unacceptable, the app crashes every single time",
    "Terrible service, I am really disappointed",
    "C'est inadmissible, ma carte est encore bloquée",
    "Application nulle, je suis très déçu",
]
POSITIVE = [
    "Great idea, thanks a lot!",
    "I love the new app, it is so easy to use",
    "Merci, super appli, très pratique",
    "Excellente idée, bravo à l'équipe",
]
NEUTRAL = [
    "How do I change my password?",
    "Quels sont les horaires de l'agence ?",
]


@pytest.fixture(scope="module", params=["auto", "lexicon"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_score_texts_labels_clear_cases_in_both_languages(backend: str) -> None:
    results = score_texts(NEGATIVE + POSITIVE + NEUTRAL, backend=backend)  # type: ignore[arg-type]
    labels = [r.label for r in results]
    assert labels == ["negative"] * 4 + ["positive"] * 4 + ["neutral"] * 2
    assert all(-1.0 <= r.score <= 1.0 for r in results)
    assert all(r.score < 0 for r in results[:4])
    assert all(r.score > 0 for r in results[4:8])


def test_score_texts_flags_complaints_but_not_questions_or_praise(backend: str) -> None:
    complaints = [
        "I was charged twice and nobody answers my emails, unacceptable",
        "J'attends mon remboursement depuis trois semaines, toujours rien, c'est honteux",
    ]
    others = ["Merci, super appli", "How do I open a savings account?"]
    flags = [r.complaint for r in score_texts(complaints + others, backend=backend)]  # type: ignore[arg-type]
    assert flags == [True, True, False, False]


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("not bad", 1),
        ("pas mal du tout", 1),
        ("pas terrible", -1),
        ("it is not good", -1),
        ("I don't like it", -1),
        ("ce n'est pas bien", -1),
        ("ça ne marche pas", -1),
    ],
)
def test_lexicon_handles_negation_and_idioms(text: str, sign: int) -> None:
    assert score_lexicon(text).score * sign > 0.2


def test_boosters_strengthen_and_but_clause_dominates() -> None:
    assert score_lexicon("very good").score > score_lexicon("good").score
    assert score_lexicon("vraiment nul").score < score_lexicon("nul").score
    assert score_lexicon("a bit slow but it works perfectly").score > 0


def test_empty_and_emoji_only_texts_are_scored_without_the_model() -> None:
    results = score_texts(["", "   ", "😡😡", "👍", "🙈"])
    assert results[0] == Sentiment(label="neutral", score=0.0, complaint=False)
    assert results[1].label == "neutral"
    assert results[2].label == "negative"
    assert results[3].label == "positive"
    assert results[4].label == "neutral"
    assert not any(r.complaint for r in results)


def test_very_long_texts_and_empty_batches_are_fine() -> None:
    long_text = "Le service est excellent. " * 5000
    [result] = score_texts([long_text])
    assert result.label == "positive"
    assert score_texts([]) == []


def test_precomputed_vectors_of_the_wrong_length_are_rejected() -> None:
    import numpy as np

    with pytest.raises(ValueError, match="vectors"):
        score_texts(["a", "b"], vectors=np.zeros((1, 384), dtype=np.float32))
