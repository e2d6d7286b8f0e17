"""How much a post is phrased as a request for something new (an idea), FR/EN, rules only.

On an ideas portal most posts ask for something, and the reason they give is often a past
annoyance ("I waited 9 days for my card: give us a virtual card at once"). Negative words and
complaint cues alone then flag plain feature requests as complaints. A complaint reports a
breach of what the writer expected; a request asks for a change. This module measures the
second, so that the complaint flag (`engine.py`) can weigh one against the other:

* a title or a sentence that opens with an imperative or a bare infinitive ("Let me freeze my
  card", "Add a filter", "Pouvoir geler la carte", "Afficher les frais") is worth 2 points;
* the idea phrasing the personal-complaint recogniser already reads ("it would be great if",
  "ce serait bien", "j'aimerais pouvoir", `complaints.IDEA_CUES`) counts with its points;
* wishes in the conditional ("would", "ce serait", "il faudrait"; one point per different
  word, at most two). "Please" counts for nothing: complaints say "please fix it" as often.

`request_strength` maps the points to [0, 1] (4 points or more = 1).
"""

from __future__ import annotations

import re

from ideas.sentiment.complaints import IDEA_CUES, _fold, _score

FULL_STRENGTH_POINTS = 4
OPENING_POINTS = 2

# First words of a title or sentence that ask for a change. English imperatives that are also
# common complaint openers ("stop charging me", "fix this") are left out on purpose.
_EN_OPENINGS = (
    r"let (me|us|users|customers|people|parents|kids|teenagers)|add|show|give (me|us)|allow"
    r"|offer|notify|remind|alert|warn|send (me|us)|display|provide|enable|introduce|create"
    r"|include|extend|bring|support|publish|keep (a|an|the|my|paper|branch)|make (it|the|instant)"
    r"|please (add|let|make|offer|show|give|bring|support|consider)|how about|what about"
    r"|i(?:'d| would) (like|love)|would (love|be (great|nice|good|useful|handy))|idea:"
    r"|feature request|suggestion"
)
_FR_OPENINGS = (
    r"pouvoir|afficher|ajouter|permettre|proposer|mettre (en|a|de)|recevoir|etre (prevenu|alerte"
    r"|notifie)|creer|integrer|activer|choisir|offrir|envoyer|simplifier|garder|etendre"
    r"|baisser|generer|programmer|parametrer|categoriser|exporter|telecharger|comparer"
    r"|simuler|suivre|flecher|encaisser|ouvrir (un|une|le|la|les)|prendre (rdv|rendez-vous)"
    r"|solder|payer avec|bloquer (temporairement|un|une|seulement)|verrouiller|geler"
    r"|idee ?:|suggestion|j'aimerais|je voudrais (pouvoir|que|un|une)|ce serait (bien|top|super"
    r"|genial|pratique|utile)"
)
_OPENING_RE = re.compile(rf"(?:^|[\n.!?]\s*)(?:{_EN_OPENINGS}|{_FR_OPENINGS})\b", re.MULTILINE)
# Wishes in the conditional ("would save", "ce serait", "il faudrait", "pourrait"): a request
# describes a better future, a complaint what happened. One point each kind, at most two.
_WISH_RE = re.compile(
    r"\b(would|could|should|serait|seraient|pourrait|pourraient|devrait|devraient|faudrait"
    r"|aimerais|voudrais)\b"
)
MAX_WISH_POINTS = 2


def request_points(text: str) -> int:
    """Points of request phrasing in `text` (0 when it reads as no request at all)."""
    folded = _fold(text).lower()
    opening = OPENING_POINTS if _OPENING_RE.search(folded) else 0
    idea, _names = _score(IDEA_CUES, folded)
    wishes = min(len({m.group(1) for m in _WISH_RE.finditer(folded)}), MAX_WISH_POINTS)
    return opening + idea + wishes


def request_strength(text: str) -> float:
    """Request phrasing of `text` in [0, 1]."""
    return min(request_points(text), FULL_STRENGTH_POINTS) / FULL_STRENGTH_POINTS
