"""French behaviour of the sentiment engine on sentences written for these tests.

Negation ("ne ... pas", "pas" alone as in speech), contrast ("mais", "par contre"), stretched
words and emoticons of French tweets, and posts with no opinion word at all, where the
prototypes alone must decide (the lexicon recognising nothing is no evidence of neutrality).
"""

import pytest

from ideas.sentiment import score_lexicon, score_texts

BACKENDS = ["auto", "lexicon"]


LABELLED = [
    ("Ce n'est pas du tout pratique", "negative"),
    ("Je ne suis pas satisfait du tout", "negative"),
    ("Franchement nul, ça marche jamais", "negative"),
    ("Les frais sont un peu chers mais le service est vraiment excellent", "positive"),
    ("Trooop bien cette nouvelle appli !!", "positive"),
    ("Super, enfin le paiement sans contact sur mobile ^^", "positive"),
    ("Réunion d'information jeudi à 18h à l'agence", "neutral"),
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_french_sentences_get_their_label(backend: str) -> None:
    results = score_texts([text for text, _ in LABELLED], backend=backend)  # type: ignore[arg-type]
    got = [(text, r.label) for (text, _), r in zip(LABELLED, results, strict=True)]
    assert got == LABELLED


def test_negation_flips_and_softens_in_french() -> None:
    assert score_lexicon("ce n'est pas mauvais du tout").score > 0
    assert score_lexicon("c'est pas génial").score < 0
    assert score_lexicon("ça ne marche plus").score < -0.2
    # Negating a negative word is faint praise, not a rave: weaker than the plain positive.
    assert score_lexicon("pas mauvais").score < score_lexicon("bon").score


def test_the_clause_after_mais_or_par_contre_decides() -> None:
    assert score_lexicon("Le conseiller est sympa mais l'appli plante tout le temps").score < 0
    assert score_lexicon("L'appli plante parfois mais le conseiller est génial").score > 0
    assert score_lexicon("Rapide, par contre trop cher").score < 0


def test_stretched_words_read_as_the_word() -> None:
    assert score_lexicon("nuuuul").score == score_lexicon("nul").score
    assert score_lexicon("trooop bien").score > score_lexicon("bien").score  # a booster
    assert score_lexicon("coool").score == score_lexicon("cool").score


def test_a_french_post_with_no_lexicon_word_is_scored_by_the_prototypes_alone() -> None:
    """The lexicon knows none of these words: it must not pull the score halfway to 0."""
    import numpy as np

    from ideas.sentiment import prototypes
    from ideas.sentiment.engine import embed_for_sentiment

    texts = [
        "Des centaines de salariés vont perdre leur emploi à la fin du mois",
        "L'usine va fermer et toute la ville est sous le choc",
    ]
    assert [score_lexicon(t).hits for t in texts] == [0, 0]
    vectors = embed_for_sentiment(texts)
    assert vectors is not None
    protos = prototypes.prototype_vectors()
    polarity = prototypes.softmax(
        np.stack(
            [prototypes.class_evidence(vectors, protos[c]) for c in prototypes.POLARITY_CLASSES],
            axis=1,
        )
    )
    results = score_texts(texts, vectors=vectors)
    for result, p in zip(results, polarity, strict=True):
        assert result.score == pytest.approx(p[2] - p[0], abs=1e-4)
        assert result.label == "negative", result


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_french_request_is_not_a_complaint_but_a_report_is(backend: str) -> None:
    texts = [
        "Ce serait bien de pouvoir bloquer sa carte depuis l'appli",
        "Pouvoir choisir la date de prélèvement de son crédit",
        "Ma carte est encore bloquée depuis une semaine et personne ne répond",
        "J'attends mon remboursement depuis un mois, c'est inadmissible",
    ]
    flags = [r.complaint for r in score_texts(texts, backend=backend)]  # type: ignore[arg-type]
    assert flags == [False, False, True, True]
