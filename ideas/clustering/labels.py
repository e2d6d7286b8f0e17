"""Theme names a person can read, and key terms, in each language a theme's ideas are written in.

A theme gets, for each language among its ideas (French, English), a short name taken from the
titles of that language's ideas, so a name never mixes the two:

1. Words are weighed per language with class-based TF-IDF (BERTopic's formulation): a stem, or
   two content words written side by side ("compte joint", "dark mode"), weighs more when many
   of the theme's ideas use it and other themes' ideas do not.
2. Candidate names are runs of 3 to 6 consecutive words of one title (the first line of a text),
   within one clause (no comma, colon, bracket... inside), that neither start nor end with a
   stop word. They come from the titles closest to the theme's centroid.
3. A candidate scores the weight of its words and word pairs, divided by the square root of its
   length (short and dense wins), a little more when it is a whole clause or starts one, and a
   little more when its idea is central. Two themes never get the same name in one language.
4. A theme with ideas in both languages is named first in the language most of its ideas are
   in; its name in the other language comes from that language's titles taken in turn, nearest
   first to the idea the first name came from (its translation, often), so both names say the
   same thing.

Every word of a name is therefore a word written in one of the theme's ideas, as written (never a
stem), and key terms are shown in their most frequent written form.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ideas.clustering.text import (
    Language,
    fold_accents,
    language_scores,
    tokenize,
    without_placeholders,
)

NAME_WORDS = (3, 6)  # shortest and longest name, in words
KEY_TERMS = 5  # key terms per language shown under a name
CANDIDATE_TITLES = 40  # most central titles per theme and language that names are taken from
TITLE_WORDS = 30  # words of a title read for candidates (a CLI text may be a long sentence)
LANGUAGES: tuple[Language, ...] = ("fr", "en")
_AND: dict[Language, str] = {"fr": "et", "en": "and"}

# A written word: letters and digits, with inner apostrophes, hyphens or slashes ("l'appli",
# "end-of-month", "24/7", "lock/unlock").
_WORD_RE = re.compile(r"[^\W_]+(?:['’\-/][^\W_]+)*")
# Where a clause ends: a name never runs across one of these.
_BREAK_RE = re.compile(r"[,;:!?()\[\]{}«»\"“”…+|·•—–=<>*#]|\s-\s|\.(?=\s|$)|\n")
# Quotes left alone at an edge of a name ("a 'freeze" -> "a freeze"); apostrophes inside words stay.
_LONE_QUOTE_RE = re.compile(r"(?<![^\W_])['‘’`]|['‘’`](?![^\W_])")


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Prepositions, conjunctions and adverbs that the stop lists leave in (they weigh in TF-IDF)
# but that leave a name dangling ("Thème sombre automatique selon"): never at a name's edge.
# General French and English words, compared without accents; not chosen on any data set.
_EDGE_WORDS = _words(
    """
    afin ainsi apres aucun aucune autre autres avant certaines certains chaque contre deja il ils
    depuis dont durant enfin entre hors jamais jusqu jusque lors lorsque mal malgre parmi
    pendant plusieurs plutot puis puisque quelques selon sous tant toujours trop vers via
    vraiment devrait devraient devrais pourrait pourraient pourrais must might may across
    along already although always among another around behind beside besides beyond despite
    either else etc even ever every except including inside instead many much neither never
    onto others outside per really several since though toward towards unless unlike upon
    versus whether within without yet
    """
)
_NEGATIONS = _words("ne n pas not no non nor ni jamais never aucun aucune sans without")
# Verbs and words too general to tell a theme apart: never shown as its key terms.
_GENERIC_WORDS: dict[Language, frozenset[str]] = {
    "fr": _words(
        """
        pouvoir permettre mettre avoir faire aller voir savoir vouloir prendre rendre donner
        recevoir passer rester trouver utiliser demander ajouter chose truc gens
        """
    ),
    "en": _words(
        """
        use make take get let go see show keep work start stop add allow thing way lot people
        time
        """
    ),
}


@dataclass(frozen=True)
class Theme:
    """One theme as returned to callers (plain data, easy to persist)."""

    id: int
    size: int
    top_terms: tuple[str, ...]  # key terms, main language first, as written
    label: str  # the name in the theme's main language (the language of most of its ideas)
    representative_index: int  # row index of the member closest to the centroid, -1 if none
    centroid: np.ndarray  # (d,) float32, normalised
    threshold: float  # minimum cosine for a new vector to join this theme
    names: Mapping[str, str] = field(default_factory=dict)  # language -> name
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # language -> key terms


@lru_cache(maxsize=200_000)
def _word_key(word: str, language: Language) -> str | None:
    """The stem of a written word ("bloquée" -> "bloqu"), None for a stop word, a single letter
    or a long number. Abbreviations that expand to two words keep both stems ("mdp")."""
    stems = tokenize(word, language)
    return "+".join(stems) if stems else None


@dataclass(frozen=True)
class _Word:
    """A word of a title, as candidate names see it."""

    start: int
    end: int
    key: str | None  # None for a stop word
    clause: int  # the clause it is in: a name never spans two
    edge: bool  # may start or end a name
    after_negation: bool  # a negation comes before it in its clause: a name starting here
    # would drop it and say the opposite ("Ne pas faire payer les relevés" -> "Payer les relevés")


@dataclass
class _Title:
    text: str  # the first line of the text
    words: list[_Word]
    clause_starts: set[int]  # index in `words` of the first word of each clause that may start
    clause_ends: set[int]  # ... and of the last that may end a name


@dataclass
class _Doc:
    language: Language | None  # None: not known, used for no name
    keys: set[str]  # stems and "stem stem" pairs of adjacent content words
    forms: list[tuple[str, str]]  # (key, word as written)
    title: _Title


def _pieces(word: str) -> list[str]:
    return re.split(r"['’]", fold_accents(word))


def _is_negation(word: str) -> bool:
    folded = fold_accents(word)
    return folded.endswith("n't") or folded.endswith("n’t") or bool(set(_pieces(word)) & _NEGATIONS)


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for found in _BREAK_RE.finditer(text):
        spans.append((start, found.start()))
        start = found.end()
    spans.append((start, len(text)))
    return spans


def _read(text: str, language: Language) -> tuple[set[str], list[tuple[str, str]], _Title]:
    """Keys and written forms of a whole text, and the candidate words of its first line."""
    text = without_placeholders(text)
    keys: set[str] = set()
    forms: list[tuple[str, str]] = []
    title_line = text.strip().split("\n", 1)[0]
    title = _Title(text=title_line, words=[], clause_starts=set(), clause_ends=set())
    for part_index, part in enumerate((title_line, text.strip()[len(title_line) :])):
        for clause, (start, end) in enumerate(_clauses(part)):
            previous: tuple[str, str] | None = None
            negation = False
            for n, found in enumerate(_WORD_RE.finditer(part, start, end)):
                # A clause's first capital is not how the word is written ("Recevoir").
                word = found.group().lower() if n == 0 else found.group()
                key = _word_key(word.lower(), language)
                if part_index == 0 and len(title.words) < TITLE_WORDS:
                    edge = key is not None and _pieces(word)[-1] not in _EDGE_WORDS
                    title.words.append(
                        _Word(found.start(), found.end(), key, clause, edge, negation)
                    )
                    negation = negation or _is_negation(word)
                if key is None:
                    previous = None
                    continue
                keys.add(key)
                forms.append((key, word))
                if previous is not None:
                    pair = f"{previous[0]} {key}"
                    keys.add(pair)
                    forms.append((pair, f"{previous[1]} {word}"))
                previous = (key, word)
    for clause in {w.clause for w in title.words}:
        inner = [n for n, w in enumerate(title.words) if w.clause == clause and w.edge]
        if inner:
            title.clause_starts.add(inner[0])
            title.clause_ends.add(inner[-1])
    return keys, forms, title


def _weights(
    docs: Sequence[_Doc], labels: np.ndarray, n_themes: int, language: Language
) -> list[dict[str, float]]:
    """Per theme, each key's class-based TF-IDF among the ideas written in `language`:
    tf(t, c) * log(1 + A / f(t)), with A the mean number of keys per theme and f(t) the key's
    frequency over all themes. Counted once per idea: one chatty idea repeating a word must not
    dominate its theme."""
    per_theme = [Counter[str]() for _ in range(n_themes)]
    for doc, theme in zip(docs, labels, strict=True):
        if theme >= 0 and doc.language == language:
            per_theme[int(theme)].update(doc.keys)
    total = Counter[str]()
    for counts in per_theme:
        total.update(counts)
    present = sum(1 for counts in per_theme if counts)
    mean_terms = max(1.0, sum(total.values()) / max(1, present))
    weights = []
    for counts in per_theme:
        size = max(1, sum(counts.values()))
        weights.append(
            {t: (tf / size) * math.log(1 + mean_terms / total[t]) for t, tf in counts.items()}
        )
    return weights


def _tidy(text: str) -> str:
    """A name as shown: no emoji or lone quotes, single spaces, a capital first letter."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "S" or ch in "%&€$£")
    kept = " ".join(_LONE_QUOTE_RE.sub("", kept).split())
    first = kept.split(" ", 1)[0]
    if first.islower():  # leave "iPhone" and "SMS" as written
        kept = kept[:1].upper() + kept[1:]
    return kept


@dataclass(frozen=True)
class _Candidate:
    score: float
    text: str
    words: int


def _candidates(
    title: _Title, weights: dict[str, float], centrality: float, shortest: int
) -> list[_Candidate]:
    words = title.words
    found = []
    for i, first in enumerate(words):
        if not first.edge or first.after_negation:
            continue
        for j in range(i + shortest - 1, min(i + NAME_WORDS[1], len(words))):
            last = words[j]
            if last.clause != first.clause:
                break
            if not last.edge:
                continue
            keys = [w.key for w in words[i : j + 1]]
            score = sum(weights.get(k, 0.0) for k in {k for k in keys if k is not None})
            score += sum(
                weights.get(f"{a} {b}", 0.0)
                for a, b in itertools.pairwise(keys)
                if a is not None and b is not None
            )
            if score <= 0:
                continue
            length = j - i + 1
            score /= math.sqrt(length)  # short and dense wins
            if i in title.clause_starts:  # a headline is how a title begins
                score *= 1.25 if j not in title.clause_ends else 1.4
            else:  # a run from the middle of a clause is often a fragment ("Month by category")
                score *= 0.8
            following = words[j + 1] if j + 1 < len(words) else None
            if j not in title.clause_ends and following is not None and following.edge:
                score *= 0.85  # cut inside a phrase ("repayments starting | after")
            begin = first.start
            # "d'automates de dépôt" -> "automates de dépôt"; "L'appli plante" stays.
            elided = _LEADING_ELISION_RE.match(title.text, begin, last.end)
            if elided and elided.group(1).lower() != "l":
                begin = elided.end()
            text = _tidy(title.text[begin : last.end])
            found.append(_Candidate(score=score * centrality, text=text, words=length))
    return found


def _display(key: str, forms: Counter[str]) -> str:
    """The written form of a key: lower case, unless the word is always capitalised ("SMS")."""
    lower = Counter[str]()
    for form, n in forms.items():
        lower[form.lower()] += n
    best = lower.most_common(1)[0][0]
    if best in forms:
        return best
    return max((f for f in forms if f.lower() == best), key=lambda f: forms[f])


_LEADING_ELISION_RE = re.compile(r"(c|d|j|m|n|s|t|qu|jusqu|lorsqu|puisqu|l)['’]", re.IGNORECASE)
_ELISION_RE = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’](?=[^\W_])", re.IGNORECASE)


@lru_cache(maxsize=2)
def _generic_keys(language: Language) -> frozenset[str]:
    words = (*_GENERIC_WORDS[language], *_EDGE_WORDS)
    return frozenset(k for w in words if (k := _word_key(w, language)))


def _key_terms(
    weights: dict[str, float],
    doc_freq: Counter[str],
    forms: dict[str, Counter[str]],
    n_docs: int,
    name: str,
    language: Language,
) -> tuple[str, ...]:
    """The theme's strongest words and word pairs in one language, as written, none already in
    the name, none repeating a word of another; in at least two ideas when the theme has four."""
    in_name = {_word_key(w.lower(), language) for w in _WORD_RE.findall(name)}
    generic = _generic_keys(language)
    used: set[str] = set()
    chosen: list[str] = []
    for key in sorted(weights, key=lambda k: (-weights[k], k)):
        if n_docs >= 4 and doc_freq[key] < 2:
            continue
        parts = set(key.split(" "))
        if parts & (used | generic) or not any(ch.isalpha() for ch in key):
            continue
        # "l'appli" -> "appli": the elided article belongs to the sentence, not to the term.
        shown = _ELISION_RE.sub("", _display(key, forms[key]))
        if parts <= in_name:
            continue
        chosen.append(shown)
        used |= parts
        if len(chosen) == KEY_TERMS:
            break
    return tuple(chosen)


def _name(
    titles: list[tuple[_Title, float]],
    weights: dict[str, float],
    ranked_terms: tuple[str, ...],
    language: Language,
    taken: set[str],
    in_turn: bool = False,
) -> tuple[str, int]:
    """The best-scoring candidate of these titles that no other theme has taken, and the index
    of the title it comes from ("", -1 if none). `in_turn`: the first title (in the order
    given) that has such a candidate gives the name, rather than the best of all titles."""
    groups = [[i] for i in range(len(titles))] if in_turn else [list(range(len(titles)))]
    for group in groups:
        for shortest in (NAME_WORDS[0], 1):
            candidates = [
                (c, i)
                for i in group
                for c in _candidates(titles[i][0], weights, titles[i][1], shortest)
            ]
            candidates.sort(key=lambda ci: (-ci[0].score, ci[0].words, ci[0].text))
            for candidate, i in candidates:
                text = candidate.text
                if candidate.words < NAME_WORDS[0]:  # only short titles: add the next key term
                    extra = next(
                        (
                            t
                            for t in ranked_terms
                            if not {fold_accents(w) for w in t.split()}
                            & set(fold_accents(text).split())
                        ),
                        "",
                    )
                    if extra:
                        text = f"{text} {_AND[language]} {extra}"
                if fold_accents(text) not in taken:
                    taken.add(fold_accents(text))
                    return text, i
    return "", -1


def _name_and_terms(
    docs: list[_Doc],
    sims: list[float],
    weights: dict[str, float],
    language: Language,
    taken: set[str],
    in_turn: bool = False,
) -> tuple[str, tuple[str, ...], int]:
    """Name and key terms of one theme in one language, from its ideas in that language (most
    central first, with their cosine to the theme's centroid; or, `in_turn`, in the order the
    name should be looked for), and the index among `docs` of the idea the name comes from."""
    forms: dict[str, Counter[str]] = {}
    doc_freq = Counter[str]()
    for doc in docs:
        doc_freq.update(doc.keys)
        for key, word in doc.forms:
            forms.setdefault(key, Counter())[word] += 1
    # Words weigh by how many of the theme's ideas share them: words that only one idea uses
    # are rare everywhere, and c-TF-IDF alone would favour them.
    shared = {k: w * doc_freq[k] / len(docs) for k, w in weights.items()}
    ranked = _key_terms(shared, doc_freq, forms, len(docs), "", language)
    top = sims[:CANDIDATE_TITLES]
    spread = (max(top) - min(top)) or 1.0
    titles = [
        (doc.title, 1.0 + 0.25 * (sim - min(top)) / spread)
        for doc, sim in zip(docs[:CANDIDATE_TITLES], top, strict=True)
    ]
    name, source = _name(titles, shared, ranked, language, taken, in_turn)
    return name, _key_terms(shared, doc_freq, forms, len(docs), name, language), source


def _guess_languages(texts: Sequence[str], labels: np.ndarray) -> list[Language | None]:
    """Each text's language. A text with no sign of either ("mortgage loan rate simulation")
    takes the language most of its theme's other texts are in; when they are split evenly it
    takes none and names nothing, so its words never name a theme in the wrong language."""
    scores = [language_scores(text) for text in texts]
    guessed: list[Language] = ["en" if en > fr else "fr" for fr, en in scores]
    known = [fr != en for fr, en in scores]
    counts: dict[int, Counter[str]] = {}
    for i, theme in enumerate(labels.tolist()):
        if known[i]:
            counts.setdefault(theme, Counter())[guessed[i]] += 1
    result: list[Language | None] = []
    for i, theme in enumerate(labels.tolist()):
        ranked = counts.get(theme, Counter()).most_common()
        if known[i] or not ranked:  # nothing better to go on: keep the guess
            result.append(guessed[i])
        elif len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            result.append("en" if ranked[0][0] == "en" else "fr")
        else:
            result.append(None)
    return result


def describe_themes(
    texts: Sequence[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    centroids: np.ndarray,
    thresholds: np.ndarray,
    top_n: int = 8,
    languages: Sequence[Language | None] | None = None,
) -> list[Theme]:
    """Build `Theme` records: size, names and key terms per language, the most central member.

    A text's first line is its title. `languages` (one per text) defaults to a guess from each
    whole text (`_guess_languages`)."""
    n_themes = centroids.shape[0]
    langs = list(languages) if languages is not None else _guess_languages(texts, labels)
    docs = []
    for text, language, theme in zip(texts, langs, labels, strict=True):
        if theme >= 0 and language is not None:
            keys, written, title = _read(text, language)
        else:  # unthemed texts, or of no known language, weigh nothing: skip reading them
            keys, written, title = set(), [], _Title("", [], set(), set())
        docs.append(_Doc(language=language, keys=keys, forms=written, title=title))
    weights = {language: _weights(docs, labels, n_themes, language) for language in LANGUAGES}
    sims = np.zeros(len(texts), dtype=np.float32)
    themed = np.flatnonzero(labels >= 0)
    if themed.size:
        sims[themed] = np.einsum("ij,ij->i", vectors[themed], centroids[labels[themed]])

    members_of = [np.flatnonzero(labels == theme_id) for theme_id in range(n_themes)]
    names: list[dict[str, str]] = [{} for _ in range(n_themes)]
    terms: list[dict[str, tuple[str, ...]]] = [{} for _ in range(n_themes)]
    taken: dict[Language, set[str]] = {language: set() for language in LANGUAGES}
    # Larger themes choose first: when two would take the same name, the larger one keeps it.
    for theme_id in sorted(range(n_themes), key=lambda t: (-members_of[t].size, t)):
        members = members_of[theme_id]
        own = {
            language: [int(i) for i in members if docs[i].language == language]
            for language in LANGUAGES
        }
        # The language most of its ideas are in names the theme first, from its most central
        # titles. The other language's name then says the same thing: it comes from the first
        # title of that language, nearest first to the idea the first name came from (often its
        # translation), that gives a name; not from the words its few ideas happen to share
        # ("Afficher un solde prévisionnel" beside "Real-time push notification", because two
        # of the theme's French ideas "afficher" something).
        anchor: int | None = None
        for language in sorted(
            (lang for lang in LANGUAGES if own[lang]), key=lambda lang: -len(own[lang])
        ):
            rows = own[language]
            if anchor is None:
                closeness = {i: float(sims[i]) for i in rows}
            else:
                to_anchor = vectors[rows] @ vectors[anchor]
                closeness = {i: float(a) for i, a in zip(rows, to_anchor, strict=True)}
            rows.sort(key=lambda i: (-closeness[i], i))
            name, key_terms, source = _name_and_terms(
                [docs[i] for i in rows],
                [closeness[i] for i in rows],
                weights[language][theme_id],
                language,
                taken[language],
                in_turn=anchor is not None,
            )
            if name:
                names[theme_id][language] = name
                if anchor is None:
                    anchor = rows[source]
            terms[theme_id][language] = key_terms

    themes: list[Theme] = []
    for theme_id in range(n_themes):
        members = members_of[theme_id]
        rep = int(members[np.argmax(sims[members])]) if members.size else -1
        counts = Counter[str](lang for i in members if (lang := docs[i].language))
        order = sorted(
            names[theme_id],
            key=lambda lang: (-counts[lang], lang != (docs[rep].language if rep >= 0 else "")),
        )
        label = names[theme_id][order[0]] if order else f"theme {theme_id}"
        top_terms = tuple(
            dict.fromkeys(t for lang in order for t in terms[theme_id].get(lang, ()))
        )[:top_n]
        themes.append(
            Theme(
                id=theme_id,
                size=int(members.size),
                top_terms=top_terms,
                label=label,
                representative_index=rep,
                centroid=centroids[theme_id],
                threshold=float(thresholds[theme_id]),
                names={lang: names[theme_id][lang] for lang in order},
                terms={lang: terms[theme_id][lang] for lang in order},
            )
        )
    return themes
