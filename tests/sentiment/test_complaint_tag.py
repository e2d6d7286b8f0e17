"""The complaint tag (the flag that fills the staff "needs an answer" queue) tells a report of a
harm from a plain feature request, in French and English.

`tests/data/complaint_or_request.csv` holds 160 bank posts written by hand on 2026-12-03 before
the request rules of that day were changed, and never tuned on: 80 complaints (something
happened to the writer: charged twice, a blocked card, no answer, a crash) and 80 requests for
something new (some naming the problem they would solve), half in French, 40 of them as
"title\\nbody" the way the portal stores an idea; `hard` marks a request that names a problem
or a complaint said politely. `python -m bench.complaint_tag_bench` prints the same figures.
"""

import csv
from pathlib import Path

import pytest

from ideas.sentiment import score_texts
from ideas.sentiment.complaints import reports_failure
from ideas.sentiment.requests import request_points, title_asks

CHECK_SET = Path(__file__).resolve().parents[1] / "data" / "complaint_or_request.csv"

# Measured 2026-12-03 after the change: 76 flagged, 75 right (precision 0.987, recall 75/80 =
# 0.938); English 0.973 / 0.900, French 1.000 / 0.975. Before it: 0.974 / 0.950. Each error
# moves a figure by about 0.013 overall and 0.025 in one language: the floors leave room for
# five or more new errors before failing, and fail if requests come back into the queue.
MIN_PRECISION, MIN_RECALL = 0.90, 0.85
MIN_PRECISION_PER_LANGUAGE, MIN_RECALL_PER_LANGUAGE = 0.85, 0.80


@pytest.fixture(scope="module")
def check_set() -> list[tuple[str, bool, bool]]:
    with CHECK_SET.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    results = score_texts([row["text"] for row in rows])
    return [
        (row["language"], result.complaint, row["label"] == "complaint")
        for row, result in zip(rows, results, strict=True)
    ]


def _precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
    flagged = sum(flag for flag, _ in pairs)
    right = sum(flag and truth for flag, truth in pairs)
    return right / max(flagged, 1), right / max(sum(truth for _, truth in pairs), 1)


def test_the_check_set_holds_both_kinds_in_both_languages() -> None:
    with CHECK_SET.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kinds = {(row["language"], row["label"]) for row in rows}
    assert kinds == {(lang, label) for lang in ("en", "fr") for label in ("complaint", "request")}
    assert {row["hard"] for row in rows} == {"", "yes"}


def test_the_complaint_tag_is_precise_and_finds_complaints_on_the_check_set(
    check_set: list[tuple[str, bool, bool]],
) -> None:
    precision, recall = _precision_recall([(flag, truth) for _, flag, truth in check_set])
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
    for language in ("en", "fr"):
        precision, recall = _precision_recall(
            [(flag, truth) for lang, flag, truth in check_set if lang == language]
        )
        assert precision >= MIN_PRECISION_PER_LANGUAGE, language
        assert recall >= MIN_RECALL_PER_LANGUAGE, language


REQUESTS = [
    "Please add a savings round-up\nEvery card payment rounded up to the next euro, the change "
    "going into my savings account.",
    "Weekend transfers\nIt would be great if transfers sent on a Saturday arrived the same day.",
    "Could you let us share a read-only view of our account with our accountant?",
    "Cheque scanning in the app\nLast month I drove to the branch just to pay in one cheque. "
    "Scanning it with the phone would save the trip.",
    "J'aimerais pouvoir choisir la date de prélèvement de mon crédit.",
    "Paiement en plusieurs fois\nCe serait bien de pouvoir payer un gros achat en trois fois "
    "depuis l'appli.",
    "Ajouter un coffre-fort numérique pour ranger mes justificatifs.",
    "Alerte avant le découvert\nLe mois dernier je suis passé à découvert sans m'en rendre "
    "compte. Une alerte quelques jours avant m'aiderait beaucoup.",
]
COMPLAINTS = [
    "Charged twice for my rent\nThe 950 pound payment left my account twice on Monday and "
    "nobody has explained why.",
    "My card was blocked at the airport and I could not pay for the taxi.",
    "No answer for weeks\nI wrote to my adviser three weeks ago about my mortgage and I am still "
    "waiting for a reply.",
    "The app crashes every time I try to add a new beneficiary.",
    "C'est inadmissible : on m'a débité des frais de dossier que personne ne m'avait annoncés.",
    "Toujours pas remboursé\nLe paiement contesté de 60 € date d'octobre et je n'ai toujours "
    "rien reçu.",
    "Carte bloquée depuis lundi\nImpossible de payer ou de retirer, et l'agence ne répond pas.",
    "Bonjour, pourriez-vous me dire pourquoi mon virement du 2 mai n'est jamais arrivé ? Le "
    "bénéficiaire attend toujours.",
]


def test_plain_feature_requests_are_not_tagged_as_complaints() -> None:
    flagged = [text for text, r in zip(REQUESTS, score_texts(REQUESTS), strict=True) if r.complaint]
    assert flagged == []


def test_reports_of_a_harm_are_tagged_as_complaints() -> None:
    missed = [
        text for text, r in zip(COMPLAINTS, score_texts(COMPLAINTS), strict=True) if not r.complaint
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("24/7 chat support for emergencies\nPlease offer it at night too.", True),
        ("Accès PMR dans toutes les agences\nUne rampe suffirait.", True),
        ("Transfers should work on weekends\nMine took four days.", True),
        ("Closing my loan early took forever\nThree calls and a month.", False),
        ("Le chatbot ne comprend rien\nTrois réponses à côté.", False),
        ("Card declined abroad\nIt happened twice.", False),
        ("Double prélèvement sur mon compte\nLe 5 et le 6.", False),
        ("Dark mode for the app", False),  # one line: no title to read
    ],
)
def test_a_title_that_names_a_thing_asks_and_one_that_reports_does_not(
    text: str, asks: bool
) -> None:
    assert title_asks(text) is asks


def test_a_named_title_counts_only_when_the_body_asks_too() -> None:
    told = "Transfer of 12 March\nThe money never reached my brother."
    asked = "Transfer of 12 March\nA way to track a transfer would help."
    assert request_points(told) == 0
    assert request_points(asked) > request_points(asked.replace("Transfer of 12 March\n", ""))


def test_french_conditionals_and_orders_after_a_when_clause_read_as_requests() -> None:
    assert request_points("Un chat le dimanche rassurerait les clients.") >= 1
    assert request_points("When I have no signal, show my last balance.") >= 2
    assert request_points("Quand le solde est bas, envoyer une alerte.") >= 2
    assert request_points("Il espérait une réponse.") == 0  # imperfect, not a conditional
    # Typed without accents, "esperait" and "gerait" look like conditionals: the ending is
    # read only where the writer types accents; the common wish verbs are known by name.
    assert request_points("On esperait une reponse, le conseiller gerait mal le dossier.") == 0
    assert request_points("Un bouton qui me rassurerait") >= 1
    assert request_points("L'attrait de l'offre a baissé.") == 0  # a noun


@pytest.mark.parametrize(
    ("text", "failed"),
    [
        ("La reco faciale ne marche pas sur mon Android", True),
        ("Biometric login stopped working after the update", True),
        ("My transfer never arrived", True),
        ("Le chèque n'est toujours pas crédité", True),
        ("L'appli plante au démarrage", True),
        ("It would be great to have a dark mode", False),
        ("Plusieurs agences ne sont pas accessibles en fauteuil", False),
        # Orders that open with a negation ask for something; nothing failed.
        ("Don't show my balance on the lock screen", False),
        ("Please never log me out during a transfer", False),
        ("Dark mode at night. Do not display ads in the app.", False),
        ("Add a bug report button", False),
        ("On ne voit pas les frais avant de valider", False),
        ("The app doesn't load since Monday", True),
        ("There is a bug in transfers", True),
    ],
)
def test_a_failure_is_told_from_a_missing_feature(text: str, failed: bool) -> None:
    assert reports_failure(text) is failed
