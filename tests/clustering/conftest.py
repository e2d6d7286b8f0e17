"""Small hand-written FR/EN corpus in three obvious groups (cards, loans, mobile app)."""

from __future__ import annotations

import numpy as np
import pytest

from ideas.clustering.vectors import TfidfLsaEmbedder

CARDS = [
    "Ma carte bancaire est bloquée depuis hier",
    "carte bloquée au distributeur, impossible de retirer",
    "My card is blocked and I cannot pay",
    "card blocked at the ATM again",
    "Je veux débloquer ma CB bloquée",
    "Debit card blocked after three wrong PIN codes",
    "ma carte bleue est bloquée, que faire ?",
    "Please unblock my blocked card",
    "carte bloquée suite à un paiement refusé",
    "blocked card when paying abroad",
]
LOANS = [
    "Je voudrais un prêt immobilier à taux fixe",
    "taux du prêt immobilier trop élevé",
    "What is the interest rate for a mortgage loan?",
    "mortgage loan rate simulation",
    "simulation de prêt immobilier sur 20 ans",
    "Can I renegotiate my mortgage loan rate",
    "renégocier le taux de mon prêt immobilier",
    "home loan interest rate is too high",
    "demande de prêt immobilier pour acheter un appartement",
    "apply for a mortgage loan for a house",
]
APP = [
    "L'appli mobile plante à chaque connexion",
    "application mobile qui plante au démarrage",
    "The mobile app crashes when I log in",
    "mobile app crash after the update",
    "l'appli plante depuis la mise à jour 😡",
    "app keeps crashing on my phone",
    "Mon application mobile plante tout le temps",
    "the banking app crashes on android",
    "appli mobile plantée, impossible de me connecter",
    "mobile application crash on iPhone",
]
GROUPS = [CARDS, LOANS, APP]


@pytest.fixture(scope="session")
def corpus() -> tuple[list[str], np.ndarray]:
    texts = [t for group in GROUPS for t in group]
    truth = np.repeat(np.arange(len(GROUPS)), [len(g) for g in GROUPS])
    return texts, truth


@pytest.fixture(scope="session")
def tfidf_vectors(corpus: tuple[list[str], np.ndarray]) -> np.ndarray:
    texts, _ = corpus
    return TfidfLsaEmbedder(seed=0).fit(texts).embed(texts)


def blobs(n_per: int, centres: int, dim: int = 32, noise: float = 0.15, seed: int = 0) -> tuple:
    """Normalised Gaussian blobs around random unit centres (synthetic stored vectors)."""
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, dim))
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    truth = np.repeat(np.arange(centres), n_per)
    x = c[truth] + noise * rng.normal(size=(truth.size, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), truth
