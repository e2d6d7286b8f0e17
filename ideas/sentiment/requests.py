"""How much a post is phrased as a request for something new (an idea), FR/EN, rules only.

On an ideas portal most posts ask for something, and the reason they give is often a past
annoyance ("I waited 9 days for my card: give us a virtual card at once"). Negative words and
complaint cues alone then flag plain feature requests as complaints. A complaint reports a
breach of what the writer expected; a request asks for a change. This module measures the
second, so that the complaint flag (`engine.py`) can weigh one against the other:

* a title or a sentence that opens with an imperative or a bare infinitive ("Let me freeze my
  card", "Add a filter", "Pouvoir geler la carte", "Afficher les frais"), also after a fronted
  "when ..." clause ("When I have no signal, show my balance"), is worth 2 points;
* the idea phrasing the personal-complaint recogniser already reads ("it would be great if",
  "ce serait bien", "j'aimerais pouvoir", `complaints.IDEA_CUES`) counts with its points;
* wishes in the conditional ("would", "ce serait", "il faudrait", and any French conditional
  by its ending: "rassurerait", "permettrait"; one point per different word, at most two).
  "Please" counts for nothing: complaints say "please fix it" as often;
* a title that names a thing, gives an order or states a wish and reports nothing ("24/7 chat
  support", "Accès PMR dans toutes les agences": no subject and verb, negation, negative word
  or failure) is worth 2 more points when the post also asks in one of the ways above. Most
  idea titles are such names, and most feature requests the tag took for complaints (2026-12-03,
  10 of 18 flags on the demo ideas) had one above a story of what went wrong.

`request_strength` maps the points to [0, 1] (4 points or more = 1).
"""

from __future__ import annotations

import re

from ideas.clustering.text import detect_language
from ideas.sentiment.complaints import FAILURE, IDEA_CUES, _fold, _score
from ideas.sentiment.lexicon import score_lexicon

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
# An opening may follow a fronted "when ..." clause: "When I have no signal, show my balance".
_FRONTED = r"(?:when|whenever|if|once|quand|lorsque|si|des que)\b[^.!?\n,]{0,80},\s*"
_OPENING_RE = re.compile(
    rf"(?:^|[\n.!?]\s*)(?:{_FRONTED})?(?:{_EN_OPENINGS}|{_FR_OPENINGS})\b", re.MULTILINE
)
# Wishes in the conditional ("would save", "ce serait", "il faudrait", "pourrait"): a request
# describes a better future, a complaint what happened. One point each kind, at most two.
_WISH_RE = re.compile(
    r"\b(would|could|should|serait|seraient|pourrait|pourraient|devrait|devraient|faudrait"
    r"|aimerais|voudrais|aurait|ferait|permettrait|permettraient|aiderait|simplifierait"
    r"|faciliterait|eviterait|rassurerait|ameliorerait|changerait)\b"
)
# French conditionals are also read from their ending ("rassurerait", "simplifierait",
# "permettrait", "aiderait"), on unfolded text so that the imperfect of "-érer" verbs
# ("espérait", "gérait") is not one; so only in a text whose writer types accents (typed
# without them, "esperait" and "gerait" would read as conditionals). "attrait" is a noun.
_CONDITIONAL_RE = re.compile(r"\b(?!attrait\b)(\w+(?:er|dr|ttr)ai(?:s|t|ent))\b")
_ACCENTED = re.compile(r"[àâäçéèêëîïôöùûüÿœ]")
MAX_WISH_POINTS = 2

# A post's title (the first line of "title\nbody", as the portal stores an idea) that names a
# thing ("24/7 chat support", "Accès PMR dans toutes les agences"), gives an order ("Flag
# duplicate subscriptions") or states a wish ("Transfers should work on weekends") asks for
# something. A complaint's title reports what happened: a subject and a verb ("Closing my loan
# took forever", "Le chatbot ne comprend rien"), a negation, a harm or failure word. Titles are
# short; a longer first line is a sentence, not a title.
TITLE_POINTS = 2
TITLE_MAX_WORDS = 12
_EN_REPORT = (
    r"i|i'm|i've|we|we're|we've|you|they|he|she|it's|nobody|no one|someone|is|are|was|were|been"
    r"|am|has|have|had|do|does|did|not|doesn't|don't|didn't|isn't|aren't|wasn't|won't|can't"
    r"|cannot|couldn't|hasn't|haven't|never|nothing|again|still|keeps|kept|got|gets|took|went"
    r"|came|made|gave|left|lost|sent|paid|said|told|became|broke|fell|forgot"
)
_FR_REPORT = (
    r"je|j|tu|il|elle|on|nous|vous|ils|elles|ça|ca|c|personne|est|sont|était|etait|étaient"
    r"|etaient|suis|ai|a|avons|avez|ont|avait|avaient|été|ete|ne|n|pas|jamais|rien|aucun|aucune"
    r"|toujours|encore|depuis"
)
# ... or a past participle or tense after the first word ("Card declined abroad", "Chéquier
# jamais reçu"), but not a "-té" noun ("sécurité", "qualité").
_PARTICIPLE = r"(?<=\s)\w{2,}ed\b|(?<=\s)\w*[^\Wt]é(?:e|s|es)?\b|(?<=\s)\w+tées?\b"
_REPORT_MARKERS = {
    "en": re.compile(rf"\b(?:{_EN_REPORT})(?!\w)(?!'\w)|{_PARTICIPLE}"),
    "fr": re.compile(rf"\b(?:{_FR_REPORT})(?!\w)|{_PARTICIPLE}"),
}


def title_asks(text: str) -> bool:
    """True when `text` has a title line (then a body) that names, orders or wishes something
    and reports nothing: no subject and verb, negation, harm or failure word."""
    title, newline, body = text.strip().partition("\n")
    if not newline or not body.strip() or len(title.split()) > TITLE_MAX_WORDS:
        return False
    lowered = re.sub(r"[\u2019`]", "'", title.lower())
    language = detect_language(text)
    if _REPORT_MARKERS[language].search(lowered):
        return False
    # Banking topic words ("fees", "découvert", `complaints.GRIEVANCE`) name what an idea is
    # about as often as what went wrong: only negative words, complaint cues and failures count.
    lexical = score_lexicon(title, language)
    return not (lexical.score < 0 or lexical.complaint_cues > 0 or FAILURE.search(_fold(title)))


def _phrasing_points(text: str) -> int:
    folded = _fold(text).lower()
    opening = OPENING_POINTS if _OPENING_RE.search(folded) else 0
    idea, _names = _score(IDEA_CUES, folded)
    lowered = text.lower()
    wished = {m.group(1) for m in _WISH_RE.finditer(lowered)}
    if _ACCENTED.search(lowered):
        wished |= {m.group(1) for m in _CONDITIONAL_RE.finditer(lowered)}
    wishes = min(len(wished), MAX_WISH_POINTS)
    return opening + idea + wishes


def request_points(text: str) -> int:
    """Points of request phrasing in `text` (0 when it reads as no request at all).

    A title that names a thing counts only when the post also asks in words: "Transfer of 12
    March" may head an idea or the story of a lost transfer, and only the body tells which.
    """
    phrasing = _phrasing_points(text)
    title = TITLE_POINTS if phrasing and title_asks(text) else 0
    return phrasing + title


def request_strength(text: str) -> float:
    """Request phrasing of `text` in [0, 1]."""
    return min(request_points(text), FULL_STRENGTH_POINTS) / FULL_STRENGTH_POINTS
