"""Text preparation for short, informal French and English ideas.

Everything here is pure Python (plus `snowballstemmer`) so that it is cheap, deterministic and
testable. The output feeds the lexical vectors (TF-IDF) and the theme labels; the sentence
embedding backend reads the raw text instead, because the model has its own tokenizer.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import snowballstemmer

from ideas.pii.mask import PLACEHOLDERS

Language = Literal["fr", "en"]

# What the masker wrote in place of a card number, an address... ("[carte masquée]"): not the
# author's words, so never a theme's key term or name ("masque", "removed").
_PLACEHOLDER_RE = re.compile(
    "|".join(re.escape(p) for texts in PLACEHOLDERS.values() for p in texts.values())
)


def without_placeholders(text: str) -> str:
    return _PLACEHOLDER_RE.sub(" ", text)


def _words(block: str) -> frozenset[str]:
    """Whitespace-separated word list -> set (keeps long lists readable and diff-friendly)."""
    return frozenset(block.split())


# Stop words are written without accents because they are compared after accent folding.
# Lists are deliberately generic (function words + chat fillers), not tuned to any data set.
EN_STOP_WORDS: frozenset[str] = _words(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each few for
    from further get got had has have having he her here hers herself him himself his how i if
    in into is it its itself just let me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own please same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves im ive id dont cant wont didnt doesnt isnt arent wasnt havent hasnt
    thanks thank thx pls plz hi hello hey ok okay yes yeah would like want need one still
    """
)

FR_STOP_WORDS: frozenset[str] = _words(
    """
    a ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions
    aurons auront aux avaient avais avait avec avez aviez avions avons avoir ayant ayez ayons
    bonjour bonsoir c ce ceci cela celle celles celui ces cet cette ceux chez ci comme comment d
    dans de des donc du elle elles en encore est et etaient etais etait etant ete etes etiez
    etions etre eu eue eues eurent eus eut eux faire fait j je l la le les leur leurs lui m ma
    mais me meme merci mes moi mon n ne nos notre nous on ont ou par pas peu peut peux plus pour
    pourquoi qu quand que quel quelle quelles quels qui s sa sans se sera serai seraient serais
    serait ses si son sont suis sur svp stp t ta te tes toi ton tous tout toute toutes tu un une
    vos votre vous y est-ce ca cest jai quil quon sil oui non alors aussi bien tres fois
    voudrais veux voudrait souhaite souhaiterais aimerais possible faut dois doit
    """
)

# A few informal abbreviations that are very common in French banking chat. Expanding them
# lets "appli" and "application" share one term; kept short and generic on purpose.
ABBREVIATIONS: dict[str, str] = {
    "appli": "application",
    "app": "application",
    "applis": "application",
    "cb": "carte",
    "mdp": "mot passe",
    "pb": "probleme",
    "pbm": "probleme",
    "rdv": "rendez vous",
    "dab": "distributeur",
    "gab": "distributeur",
    "tjs": "toujours",
    "tjrs": "toujours",
    "qd": "quand",
    "pcq": "parce que",
    "pk": "pourquoi",
}

_FR_HINT_CHARS = frozenset("éèêàçùûôîœâëï")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Words that signal one language even when the text has no accents: each list's function words
# that the other list does not hold ("a", "as", "me", "on" are in both), less the words common
# in both languages all the same ("possible", "plus", "son", "ok", "but", "an", ...) and the
# letters an English apostrophe also leaves ("it's", "can't", "I'm", "I'd": s, t, m, d), and a
# few banking words.
_IN_BOTH = _words("s t m d possible plus son ton non an but ours ok okay")
_FR_MARKERS = (FR_STOP_WORDS - EN_STOP_WORDS - _IN_BOTH) | _words("carte compte virement")
_EN_MARKERS = (EN_STOP_WORDS - FR_STOP_WORDS - _IN_BOTH) | _words("card account transfer")
# Spellings common in one language and rare in the other (read on accent-folded words, so none
# that French typed without accents also has: "idee", "ticket", "notification"), used only when
# the words above and the accents leave a tie ("book flight tomorrow", "nouveau bureau").
_EN_SHAPES = re.compile(r"th|w|sh|ght|ing$|oo")
_FR_SHAPES = re.compile(r"eau|eux$|aux$|ez$|ou$|oir$")


@dataclass(frozen=True)
class PreparedText:
    """A text after preparation: detected language, stemmed terms and bigrams."""

    language: Language
    tokens: tuple[str, ...]
    bigrams: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """Unigrams then bigrams: the vocabulary used by TF-IDF and the theme labels."""
        return self.tokens + self.bigrams


def fold_accents(text: str) -> str:
    """Lower-case and strip diacritics ("Bloquée" -> "bloquee"); drops emoji and symbols later."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Lower-case, fold accents, expand elisions, keep only letters/digits separated by spaces."""
    folded = fold_accents(text)
    # French elisions ("l'appli", "j’ai") must split so that the stop list sees "l" and "j".
    folded = re.sub(r"[\u2019'`]", " ", folded)
    return " ".join(_TOKEN_RE.findall(folded))


def language_scores(text: str) -> tuple[float, float]:
    """Evidence for French and for English: words with a French accent (2 each, so "Société
    Générale" inside an English sentence weighs 4, not 8) and function words. (0, 0) is no
    evidence at all ("mortgage loan rate simulation")."""
    fr_score = 2.0 * sum(1 for word in text.lower().split() if not _FR_HINT_CHARS.isdisjoint(word))
    en_score = 0.0
    for token in normalise(text).split():
        if token in _FR_MARKERS:
            fr_score += 1.0
        if token in _EN_MARKERS:
            en_score += 1.0
    return fr_score, en_score


def detect_language(text: str, *, scores: tuple[float, float] | None = None) -> Language:
    """Guess French or English from accents and function words, then spellings on a tie.

    A two-language scorer is enough for this portal and avoids a heavy dependency; what is still
    a tie (e.g. "CB KO") falls back to French because the portal's default audience is French.
    Measured on eleven labelled sets (docs/benchmarks.md, "Which language a text is in").
    `scores`: the text's language_scores, for a caller that has read them already.
    """
    fr_score, en_score = language_scores(text) if scores is None else scores
    if fr_score == en_score:
        tokens = normalise(text).split()
        fr_score = sum(1 for token in tokens if _FR_SHAPES.search(token))
        en_score = sum(1 for token in tokens if _EN_SHAPES.search(token))
    return "en" if en_score > fr_score else "fr"


@lru_cache(maxsize=2)
def _stemmer(language: Language) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("french" if language == "fr" else "english")


# Both lists apply to every text: mixed-language messages ("ma card est bloquee") are common,
# and a French stop word is almost never a meaningful English word (and vice versa).
ALL_STOP_WORDS: frozenset[str] = FR_STOP_WORDS | EN_STOP_WORDS


def tokenize(text: str, language: Language | None = None) -> list[str]:
    """Normalised, abbreviation-expanded, stop-word-free, stemmed tokens of one text."""
    lang = language or detect_language(text)
    words: list[str] = []
    for word in normalise(without_placeholders(text)).split():
        words.extend(ABBREVIATIONS.get(word, word).split())
    stop = ALL_STOP_WORDS
    # Single letters carry no meaning once elisions are split; pure numbers are kept only when
    # short (amounts and dates would otherwise explode the vocabulary).
    kept = [w for w in words if w not in stop and len(w) > 1 and not (w.isdigit() and len(w) > 2)]
    return [_stem(lang, w) for w in kept]


@lru_cache(maxsize=500_000)
def _stem(language: Language, word: str) -> str:
    # Snowball is pure Python (~20 µs a word); the vocabulary of ideas is small and repetitive,
    # so caching makes preparing 100k texts take seconds instead of minutes.
    return str(_stemmer(language).stemWord(word))


def prepare_text(text: str) -> PreparedText:
    """Detect the language, tokenize and add adjacent-token bigrams ("carte_bloqu")."""
    lang = detect_language(text)
    tokens = tokenize(text, lang)
    bigrams = tuple(f"{a}_{b}" for a, b in itertools.pairwise(tokens))
    return PreparedText(language=lang, tokens=tuple(tokens), bigrams=bigrams)


def display_forms(text: str) -> dict[str, str]:
    """Map each stem of `text` to a readable word as written (accents kept), for theme labels."""
    forms: dict[str, str] = {}
    lang = detect_language(text)
    for word in re.findall(r"[^\W_]+", without_placeholders(text).lower()):
        stems = tokenize(word, lang)
        if len(stems) == 1:  # abbreviations expanding to two words have no single display form
            forms.setdefault(stems[0], word)
    return forms


def prepare_texts(texts: list[str]) -> list[PreparedText]:
    """Prepare many texts; order is preserved."""
    return [prepare_text(t) for t in texts]


def has_content(text: str) -> bool:
    """True when the text has at least one letter or digit (emoji-only or blank texts do not)."""
    return bool(_TOKEN_RE.search(fold_accents(text)))
