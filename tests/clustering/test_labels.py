"""Theme names a product manager can read (ideas.clustering.labels), on hand-written titles."""

from __future__ import annotations

import re

import numpy as np

from ideas.clustering.labels import describe_themes
from ideas.clustering.text import ALL_STOP_WORDS, fold_accents

DARK = [
    "Dark mode for the app please\nMy eyes hurt at night.",
    "A dark theme for the app would save battery\nOn OLED screens black is free.",
    "Please add a dark mode to the banking app\nEvery other app has one.",
    "Mode sombre dans l'appli\nLe soir l'écran m'éblouit.",
    "Un thème sombre pour l'appli svp\nComme sur le reste du téléphone.",
]
STATEMENTS = [
    "Ne pas faire payer les relevés papier\nCertains clients n'ont pas internet.",
    "Garder les relevés papier gratuits\nMa mère lit ses relevés sur papier.",
    "Relevés papier gratuits pour les seniors\nTout le monde n'a pas de smartphone.",
    "Keep paper statements free for those who need them\nNot everyone is online.",
]
TEXTS = DARK + STATEMENTS
LABELS = np.asarray([0] * len(DARK) + [1] * len(STATEMENTS))


def themes():  # type: ignore[no-untyped-def]
    """Two themes, vectors that make the first idea of each the most central."""
    vectors = np.zeros((len(TEXTS), 2), dtype=np.float32)
    vectors[LABELS == 0, 0] = 1.0
    vectors[LABELS == 1, 1] = 1.0
    vectors[0] = vectors[len(DARK)] = [0.7071, 0.7071]
    centroids = np.eye(2, dtype=np.float32)
    return describe_themes(TEXTS, vectors, LABELS, centroids, np.zeros(2, np.float32))


def words(text: str) -> list[str]:
    """Written words, accents folded; "l'appli" counts as "appli" (the article is elided)."""
    found = re.findall(r"[^\W_]+(?:['’\-/][^\W_]+)*", fold_accents(text))
    return [re.split(r"['’]", w)[-1] for w in found]


def test_a_theme_in_two_languages_gets_a_name_in_each_from_its_own_ideas() -> None:
    dark, statements = themes()
    assert set(dark.names) == {"fr", "en"}
    english = " ".join(fold_accents(t) for t in DARK[:3])
    french = " ".join(fold_accents(t) for t in DARK[3:])
    assert all(w in words(english) for w in words(dark.names["en"])), dark.names
    assert all(w in words(french) for w in words(dark.names["fr"])), dark.names
    assert "dark mode" in dark.names["en"].lower()
    assert "sombre" in dark.names["fr"].lower()
    # The label is the name in the language most of its ideas are written in.
    assert dark.label == dark.names["en"]
    assert statements.label == statements.names["fr"]


def test_names_have_three_to_six_words_and_no_stop_word_at_either_end() -> None:
    for theme in themes():
        for name in theme.names.values():
            parts = words(name)
            assert 3 <= len(parts) <= 6, name
            for edge in (parts[0], parts[-1]):
                assert edge not in ALL_STOP_WORDS, name


def test_a_name_never_drops_a_negation_and_says_the_opposite() -> None:
    texts = [
        "Ne pas faire payer les relevés papier",
        "Ne plus jamais payer les relevés papier",
        "Relevés papier : arrêter de les facturer",
    ]
    (theme,) = describe_themes(
        texts,
        np.ones((3, 1), np.float32),
        np.zeros(3, dtype=np.int64),
        np.ones((1, 1), np.float32),
        np.zeros(1, np.float32),
    )
    assert "payer" not in theme.names["fr"].lower(), theme.names


def test_key_terms_are_written_words_not_stems_nor_stop_words() -> None:
    for theme in themes():
        for language, terms in theme.terms.items():
            members = [t for t, label in zip(TEXTS, LABELS, strict=True) if label == theme.id]
            written = set(words(" ".join(members)))
            for term in terms:
                for word in words(term):
                    assert word in written, (language, term)
                    assert word not in ALL_STOP_WORDS, (language, term)


def test_two_themes_never_share_a_name_in_one_language() -> None:
    same = ["Dark mode for the app", "dark mode for the app", "Dark mode for the app!"]
    texts = same + same
    labels = np.asarray([0, 0, 0, 1, 1, 1])
    vectors = np.ones((6, 1), dtype=np.float32)
    described = describe_themes(
        texts, vectors, labels, np.ones((2, 1), np.float32), np.zeros(2, np.float32)
    )
    assert described[0].names["en"] != described[1].names["en"]


def test_a_text_with_no_sign_of_its_language_never_names_the_theme_in_the_other_one() -> None:
    """A title like "Mortgage loan rate simulation" has no accent and no function word: on its
    own it would be guessed French (the tie-break), and name the theme in French in English
    words."""
    texts = [
        "Mortgage loan rate simulation",
        "Mortgage loan rate comparison tool",
        "What is the interest rate for a mortgage loan?",
        "Simulation de prêt immobilier sur vingt ans",
    ]
    (theme,) = describe_themes(
        texts,
        np.ones((4, 1), np.float32),
        np.zeros(4, dtype=np.int64),
        np.ones((1, 1), np.float32),
        np.zeros(1, np.float32),
    )
    assert "mortgage" not in theme.names["fr"].lower(), theme.names
    assert "mortgage" in theme.names["en"].lower(), theme.names


def test_the_maskers_placeholders_are_never_a_name_or_a_key_term() -> None:
    texts = [
        "[carte masquée] débitée deux fois\nMa [carte masquée] a été débitée deux fois.",
        "[carte masquée] débitée deux fois au restaurant\nAppelez le [téléphone masqué].",
        "Paiement débité deux fois sur ma [carte masquée]\nÉcrivez à [e-mail masqué].",
        "[card removed] charged twice\nMy [card removed] was charged twice, call [phone removed].",
        "[card removed] charged twice at the shop\nMy [card removed] charged twice.",
    ]
    (theme,) = describe_themes(
        texts,
        np.ones((len(texts), 1), np.float32),
        np.zeros(len(texts), dtype=np.int64),
        np.ones((1, 1), np.float32),
        np.zeros(1, np.float32),
    )
    shown = [
        *theme.names.values(),
        *theme.top_terms,
        *(t for ts in theme.terms.values() for t in ts),
    ]
    assert shown, theme
    for text in shown:
        assert not {"masquee", "masque", "removed", "["} & set(words(text)), shown
        assert "[" not in text, shown
    assert any("deux fois" in fold_accents(n) for n in theme.names.values()), theme.names


NOTIFICATIONS = [
    "Real-time push notification for every card payment\nI want to see each payment at once.",
    "Let me choose which notifications I get\nToo many alerts about nothing.",
    "Notifications arrive hours late\nThe alert for a payment comes the next day.",
    "Push notification when my salary lands\nSo I know I can pay the rent.",
    "Notification instantanée à chaque paiement par carte\nPour repérer une fraude tout de suite.",
    "Afficher le taux de change appliqué avant de valider\nÀ l'étranger je paie à l'aveugle.",
    "Afficher un solde prévisionnel de fin de mois\nAvec les prélèvements à venir.",
]


def test_the_name_in_the_other_language_says_what_the_first_name_says() -> None:
    """Seen in the demo portal: a theme of notifications, named "Real-time push notification" in
    English, was "Afficher un solde prévisionnel" in French, because two of its three French
    ideas share "afficher" (and "solde", "fin de mois" words no other theme has). The theme's
    main language (English, four ideas) names it first; the French name comes from the French
    idea nearest to the one the English name came from: here its translation."""
    texts = NOTIFICATIONS + STATEMENTS
    labels = np.asarray([0] * len(NOTIFICATIONS) + [1] * len(STATEMENTS))
    vectors = np.zeros((len(texts), 3), dtype=np.float32)
    vectors[len(NOTIFICATIONS) :, 2] = 1.0
    # The English ideas and the French translation side by side; the French "afficher" ideas,
    # about something else, nearer the theme's centroid (the first axis) than any of them.
    vectors[:5] = [0.8, 0.6, 0.0]
    vectors[5:7] = [0.9, -0.4359, 0.0]
    centroids = np.asarray([[1, 0, 0], [0, 0, 1]], dtype=np.float32)
    notifications, _ = describe_themes(
        texts,
        vectors,
        labels,
        centroids / np.linalg.norm(centroids, axis=1, keepdims=True),
        np.zeros(2, np.float32),
    )
    assert notifications.label == notifications.names["en"]
    assert "notification" in notifications.names["en"].lower(), notifications.names
    assert "notification" in notifications.names["fr"].lower(), notifications.names
    assert "afficher" not in notifications.names["fr"].lower(), notifications.names
