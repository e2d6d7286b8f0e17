"""Is this post a personal complaint about the member's own account, rather than an idea?

Django-free, FR/EN, rules only (no model), so it runs inside the submission request. The
sentiment scorer's complaint flag alone is not enough: it also fires on annoyed feature requests
("still no dark mode?"). A post is a personal complaint when all three hold:

1. a complaint signal: the lexicon's complaint cues or negative tone (`score_lexicon`), or
   banking grievance words it does not list ("debited", "frais", "unauthorised");
2. first-person, own-account evidence worth at least `OWN_ACCOUNT_MIN` points: events that
   happened to the writer's account ("I was charged", "ma carte a été bloquée", "refund me") are
   worth 2, an amount with a date 2, possessives ("my account", "mon conseiller") and an amount
   alone 1;
3. more own-account evidence than product-idea phrasing ("it would be great if", "ajouter une
   option", "pouvoir ...").

`reasons` says which cues were found, for the member's offer and for tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ideas.clustering.text import fold_accents
from ideas.sentiment.lexicon import score_lexicon

OWN_ACCOUNT_MIN = 2
NEGATIVE_TONE = -0.2  # the scorer's neutral band


@dataclass(frozen=True)
class _Cue:
    name: str
    pattern: re.Pattern[str]
    weight: int
    # Possessives count once per different thing named ("my card", "my account"), up to 2.
    per_thing: bool = False

    def points(self, text: str) -> int:
        if not self.per_thing:
            return self.weight if self.pattern.search(text) else 0
        things = {m.group(0) for m in self.pattern.finditer(text)}
        return self.weight * min(len(things), 2)


def _cue(name: str, pattern: str, weight: int, *, per_thing: bool = False) -> _Cue:
    return _Cue(name, re.compile(pattern), weight, per_thing)


# Patterns run on lower-cased, accent-folded text with straight apostrophes.
_EVENT = (
    r"(charged|debited|billed|overcharged|double charged|refused|declined|denied|blocked"
    r"|locked out|scammed|defrauded|robbed)"
)
_CARD_EVENT = (
    r"(blocked|declined|refused|swallowed|retained|cancell?ed|stolen|lost|cloned|frozen"
    r"|rejected|suspended)"
)
_FR_EVENT = (
    r"(debite|preleve|facture|refuse|bloque|retire|applique|arnaque|vole|rembourse|rejete)e?s?"
)
_FR_CARD_EVENT = (
    r"(bloquee|refusee|avalee|retenue|volee|perdue|clonee|piratee|annulee|desactivee|rejetee"
    r"|suspendue)"
)
_EN_OBJECTS = (
    r"(account|card|loan|mortgage|overdraft|transfer|payment|direct debit|standing order"
    r"|statement|branch|savings|money|cheque|pin|iban|salary|insurance|advis[eo]r|banker"
    r"|account manager)"
)
_FR_OBJECTS = (
    r"(compte|carte|pret|credit|virement|prelevement|releve|agence|livret|decouvert|argent"
    r"|cheque|salaire|assurance|epargne|paiement|cb|conseiller|conseillere|dossier|frais"
    r"|agios)s?"
)
_MONTHS = r"(jan|feb|fev|mar|apr|avr|may|mai|jun|juin|jul|juil|aug|aou|sep|oct|nov|dec)[a-z]*"
_DAYS = (
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
)
AMOUNT = re.compile(
    r"\d+(?:[.,]\d{1,2})?\s?(?:€|\$|£|eur\b|euros?\b|usd\b|dollars?\b|pounds?\b)"
    r"|(?:€|\$|£)\s?\d+"
)
DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th|er)? {_MONTHS}\b"
    rf"|\b{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b{_DAYS}\b"
    r"|\b(?:yesterday|hier|avant-hier|this morning|ce matin|last (?:week|month)"
    r"|la semaine derniere|le mois dernier|depuis (?:janvier|fevrier|mars|avril|mai|juin"
    r"|juillet|aout|septembre|octobre|novembre|decembre)"
    r"|since (?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december))\b"
)

OWN_ACCOUNT_CUES = (
    # English: what happened to me / my account
    _cue(
        "I was charged",
        rf"\b(i|we) (was|were|have been|'ve been|got|am being|'m being) {_EVENT}\b",
        2,
    ),
    _cue(
        "you charged me",
        r"\byou (have |'ve )?(charged|charge|debited|debit|billed|bill|blocked|closed|cancell?ed"
        r"|took|taken|take|refused|froze|frozen) (me|my)\b",
        2,
    ),
    _cue(
        "refund me",
        r"\b(refund|reimburse|compensate) me\b|\bmy money back\b"
        r"|\bi (want|demand|expect|would like|'d like) (a refund|to be refunded|reimbursement)\b",
        2,
    ),
    _cue(
        "my card was blocked",
        rf"\bmy ([a-z]+ )?card (was|has been|is|got|keeps being|keeps getting) {_CARD_EVENT}\b"
        rf"|\b(swallowed|retained|blocked|cancell?ed) my card\b",
        2,
    ),
    _cue(
        "my account was frozen",
        r"\bmy ([a-z]+ )?account (was|has been|is|got|went) (blocked|frozen|closed|overdrawn"
        r"|debited|hacked|suspended|negative)\b",
        2,
    ),
    _cue(
        "I have not received",
        r"\b(i|we) (still )?(have not|haven't|have never|never|did not|didn't) "
        r"(received|got|gotten|had) (my|the|a|any)\b",
        2,
    ),
    _cue(
        "I do not recognise",
        r"\bi (do not|don't|did not|didn't) (recogni[sz]e|authori[sz]e|make)\b",
        2,
    ),
    _cue(
        "fees on my account",
        r"\b(fees?|charges?|commissions?|interest|penalt(y|ies))\b.{0,60}\b(on|from|to) my "
        r"([a-z]+ )?(account|card|statement)\b",
        2,
    ),
    _cue("I am waiting", r"\b(i am|i'm|i have been|i've been) (still )?waiting (for|since)\b", 1),
    _cue("nobody answers", r"\b(nobody|no one|no-one) (has )?(answer|repl|call|respond)", 1),
    _cue("my account", rf"\bmy ([a-z]+ )?{_EN_OBJECTS}s?\b", 1, per_thing=True),
    # French: ce qui m'est arrivé, à mon compte
    _cue(
        "j'ai été débité",
        rf"\b(j'ai ete|j'ai|on m'a|vous m'avez|vous me|m'a ete|m'ont ete|on me) ([a-z]+ )?"
        rf"{_FR_EVENT}\b",
        2,
    ),
    _cue(
        "ma carte a été bloquée",
        rf"\bma ([a-z]+ )?carte (a ete|est|s'est fait|a) ([a-z]+ )?{_FR_CARD_EVENT}\b"
        r"|\b(avale|bloque|retenu|annule) ma carte\b",
        2,
    ),
    _cue(
        "mon compte a été bloqué",
        r"\bmon ([a-z]+ )?compte (a ete|est) (bloque|gele|ferme|cloture|debiteur|pirate|suspendu"
        r"|a decouvert|debite)\b",
        2,
    ),
    _cue(
        "remboursez-moi",
        r"\b(rembourse[zr]?|rende[zr]?)[- ]moi\b|\brendez-moi\b"
        r"|\bje (veux|voudrais|souhaite|demande|exige) (a )?(etre )?(rembourse|le remboursement"
        r"|un remboursement|mon argent)",
        2,
    ),
    _cue(
        "je n'ai pas reçu",
        r"\bje n'ai (toujours |jamais )?(pas |jamais )?(recu|eu) "
        r"(ma|mon|mes|la|le|les|de|d'|aucun)",
        2,
    ),
    _cue(
        "je ne reconnais pas", r"\bje ne (reconnais|connais) pas\b|\bje n'ai pas (autorise|fait)", 2
    ),
    _cue(
        "frais sur mon compte",
        r"\b(frais|agios|commissions?|cotisations?|penalites?)\b.{0,60}\b(sur|de|a) (mon|ma) "
        r"(compte|carte|releve)\b"
        r"|\b(debite|preleve)e?s? (de|sur) (mon|ma) (compte|carte)\b",
        2,
    ),
    _cue("j'attends", r"\bj'attends (toujours|depuis|encore|une reponse|le|la|mon|ma)\b", 1),
    _cue("personne ne répond", r"\bpersonne ne (me )?(repond|rappelle|m'a)", 1),
    _cue("mon compte", rf"\b(mon|ma|mes) ([a-z]+ )?{_FR_OBJECTS}\b", 1, per_thing=True),
)

IDEA_CUES = (
    _cue(
        "it would be great if",
        r"\b(it|that|this) would be (really |so )?(great|nice|good|helpful|useful|awesome|cool"
        r"|handy|better)\b|\bwould be (great|nice|useful|helpful)\b|\bwouldn't it be\b",
        2,
    ),
    _cue(
        "add a feature",
        r"\b(please )?(add|offer|introduce|provide|create) (a|an|some) ([a-z]+ )?(feature|option"
        r"|button|way|setting|tab|filter|toggle|widget|mode|alert|view|shortcut)\b"
        r"|\bfeature request\b|\bplease add\b",
        2,
    ),
    _cue(
        "I'd like to be able to",
        r"\b(i'd|i would|we'd|we would|i'd love|i would love) (like |love )?(to be able|if|a way)"
        r"|\bbeing able to\b",
        2,
    ),
    _cue(
        "let customers",
        r"\b(allow|let|enable|help) (us|users|customers|members|people|clients|parents) (to )?",
        2,
    ),
    _cue(
        "why not",
        r"\b(why not|how about|what if|could you (add|make|offer|introduce|create|let))\b"
        r"|\b(you|the app|the bank) should (add|offer|let|allow|make|introduce|create|show)\b",
        2,
    ),
    _cue("an option to", r"\b(an option|a way|the ability|the possibility) to\b|\bsuggestion\b", 1),
    _cue(
        "ce serait bien que",
        r"\b(ce|ca) serait (vraiment |tellement )?(bien|super|genial|top|pratique|utile|chouette"
        r"|cool|interessant|mieux)\b|\bil serait (bien|utile|pratique|interessant|judicieux)\b",
        2,
    ),
    _cue(
        "ajouter une option",
        r"\b(ajouter|ajoutez|proposer|proposez|creer|mettre en place|integrer) (un|une|des|la|le"
        r"|l') ?([a-z]+ )?(option|fonction|fonctionnalite|bouton|onglet|filtre|mode|alerte"
        r"|possibilite|service|virement|carte|appli)",
        2,
    ),
    _cue(
        "j'aimerais pouvoir",
        r"\b(j'aimerais|je voudrais|on voudrait|nous aimerions) (pouvoir|que l|qu'on|avoir la)"
        r"|\bpermett(re|ez|ant) (aux|de|d'|a)\b|\bpourquoi ne pas\b|\bet si (on|vous|l'appli"
        r"|la banque)\b|\bserait-il possible\b",
        2,
    ),
    _cue(
        "pouvoir …",
        r"\bpouvoir\b|\bune option (pour|de)\b|\bla possibilite de\b|\bmon idee\b|\bil faudrait\b",
        1,
    ),
)

# Grievance words of banking that the general lexicon does not list as complaint cues.
GRIEVANCE = re.compile(
    r"\b(debit(ed)?|charged|fees?|frais|agios|unauthori[sz]ed|fraud(ulent)?|frauduleux"
    r"|non autorisee?s?|(debite|preleve|facture|rembourse)e?s?|remboursement|recogni[sz]e|reconnais"
    r"|overdrawn|decouvert|refund(ed)?)\b"
)


# A report that something the writer uses today failed: it does not work, stopped, crashed,
# never answered or took far too long. It is what makes a post a complaint rather than a wish,
# however politely it ends ("... please fix it"). Read on folded text.
FAILURE = re.compile(
    r"\b(does not|doesn't|do not|don't|did not|didn't|will not|won't|can not|cannot|can't"
    r"|could not|couldn't|is not|isn't|are not|aren't|was not|wasn't|has not|hasn't|never"
    r"|no longer|still (does not|doesn't|won't|can't|cannot|isn't|is not))"
    r" (work|load|open|arrive|show|display|recogni[sz]e|accept|respond|reply|answer|understand"
    r"|connect|log|let)\w*"
    r"|\b(stopped|stops|stop) (working|loading|responding|opening)\b"
    r"|\bnot working\b|\bout of order\b|\bbroken\b|\bcrash(es|ed|ing)?\b|\bfroze\b"
    r"|\btook (forever|ages|weeks|months)\b"
    r"|\b(ne|n') ?(me |m'|nous |vous )?(marche|fonctionne|repond|ouvre|charge|affiche|comprend"
    r"|arrive|accepte|reconnait|passe|lit|s'ouvre|s'affiche|se connecte|rappelle)\w*"
    r" (pas|plus|jamais|rien)\b"
    r"|\b(ne sont|n'est|n'etait|n'ont) (toujours |encore )?(pas|plus|jamais) (lus?|arrivee?s?"
    r"|affichee?s?|credite?e?s?|rembourse?e?s?|traitee?s?|pris en compte"
    r"|ete (lus?|traitee?s?|credite|rembourse))\b"
    r"|\ben panne\b|\bhors service\b|\bplant(e|ent|ee)\b"
    # "bug" alone, but not a feature that names one ("a bug report button").
    r"|\bbugu?e?(nt)?\b(?! (report|bounty|tracker|reporting|form)\b)"
)


def _fold(text: str) -> str:
    return re.sub(r"[\u2019`]", "'", fold_accents(text))


# "Don't show my balance…", "Never log me out…": a sentence that opens with a negation is an
# order (a request), not a report that something failed.
_ORDERS = ("do not", "don't", "never")


def reports_failure(text: str) -> bool:
    """True when `text` says that something failed (`FAILURE`), not counting orders."""
    folded = _fold(text)
    for found in FAILURE.finditer(folded):
        opening = folded[: found.start()].rstrip()
        order = not opening or opening[-1] in ".!?:;\n" or opening.endswith("please")
        if not (order and found.group(0).startswith(_ORDERS)):
            return True
    return False


def _score(cues: tuple[_Cue, ...], text: str) -> tuple[int, list[str]]:
    points = {cue.name: cue.points(text) for cue in cues}
    return sum(points.values()), [name for name, p in points.items() if p]


def is_personal_complaint(text: str, language: str | None = None) -> tuple[bool, list[str]]:
    """(True, reasons) when `text` is a complaint about the writer's own account.

    `language` ("fr" or "en") tunes the sentiment lexicon; both languages' cues are read anyway,
    since members mix them ("ma card est bloquée").
    """
    folded = _fold(text)
    lexical = score_lexicon(text, "fr" if language == "fr" else "en" if language == "en" else None)
    reasons: list[str] = []
    grievance = sorted({m.group(0) for m in GRIEVANCE.finditer(folded)})
    signal = lexical.complaint_cues > 0 or lexical.score <= NEGATIVE_TONE or bool(grievance)
    if lexical.complaint_cues:
        reasons.append(f"complaint cues: {lexical.complaint_cues}")
    if lexical.score <= NEGATIVE_TONE:
        reasons.append(f"negative tone: {lexical.score:.2f}")
    if grievance:
        reasons.append("grievance words: " + ", ".join(grievance))

    own, own_names = _score(OWN_ACCOUNT_CUES, folded)
    has_amount, has_date = bool(AMOUNT.search(folded)), bool(DATE.search(folded))
    if has_amount:
        own += 2 if has_date else 1
        reasons.append("amount with a date" if has_date else "amount")
    reasons += [f"own account: {name}" for name in own_names]
    idea, idea_names = _score(IDEA_CUES, folded)
    reasons += [f"idea phrasing: {name}" for name in idea_names]
    return signal and own >= OWN_ACCOUNT_MIN and own > idea, reasons
