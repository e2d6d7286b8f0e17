"""Postal addresses: house number + street (+ postcode and city when they follow).

A street needs a house number: "la rue est sombre" and "une agence avenue Foch" name no
one's home and stay as they are. A regex finds the number and (in French) the street type;
a short walk over the next few words decides where the street name ends, because street
names are free text that no bounded pattern can delimit well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ideas.pii.common import Span


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Types that are nearly always a street after a house number ("12 rue", "3 bis avenue").
_FR_STRONG_TYPES = (
    r"rue|avenue|av|bd|boulevard|bld|blvd|all[ée]e|impasse|imp|quai|chauss[ée]e|faubourg|fbg"
    r"|rond-point|esplanade|parvis|ruelle|venelle|sente"
)
# Types that are also common words ("10 cours de yoga", "2 place de parking"): the street
# name after them must start with a capital ("10 cours Mirabeau", "2 place de la Bastille").
_FR_WEAK_TYPES = (
    r"place|pl|chemin|ch|route|rte|cours|square|passage|cit[ée]|r[ée]sidence|hameau|sentier"
    r"|promenade|lotissement|mont[ée]e|traverse"
)
_FR_ANCHOR = re.compile(
    r"(?<![\w.,/-])[1-9][0-9]{0,3}(?:[ \u00a0]?(?:bis|ter|quater|[a-d])(?![\w]))?,?[ \u00a0]{1,3}"
    rf"(?:(?P<strong>{_FR_STRONG_TYPES})|(?P<weak>{_FR_WEAK_TYPES}))(?![\w-])\.?",
    re.IGNORECASE,
)
# One word of a street name: "de", "l'Église", "Saint-Michel", "8".
_WORD = re.compile(r"[ \u00a0]{1,3}(?P<word>(?:[dlDL]['’])?[^\W_][\w'’-]{0,39})")
_FR_CONNECTORS = frozenset(
    {"de", "du", "des", "la", "le", "les", "l'", "d'", "l’", "d’", "aux", "sur", "sous", "en"}
)
_STOPWORDS = _words(
    """
    et ou où je j il elle on nous vous ils elles est sont a ai as ont sera serait était étaient
    pour par mais qui que quand avec dans chez car donc ni ne n pas plus très trop ce cet cette
    ces ça c mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs un une depuis près
    devant derrière puis alors là ici bien aussi toujours jamais merci svp stp à y au en
    hier demain aujourd'hui aujourd’hui maintenant avant après déjà encore ensuite
    the and or is are was were be been for with but in on at to of my your our his her their
    its this that these those from by near next since if so it i we you he she they
    please thanks asap today tomorrow yesterday now then
    """
)
# "les 2 rue du centre", "our 5 High Street banks": a number after a plural determiner counts
# streets, it is not a house number.
_COUNTED = re.compile(
    r"(?<![\w])(?:les|des|nos|vos|mes|tes|ses|ces|leurs|plusieurs|our|the|these|those|all|top)"
    r"[ \u00a0]{1,3}$",
    re.IGNORECASE,
)
# "En 1998 rue de la Paix était..." : a year, not a house number.
_YEAR_BEFORE = re.compile(
    r"(?<![\w])(?:en|depuis|année|dès|in|since|year|from)[ \u00a0]{1,3}$", re.IGNORECASE
)
_MAX_NAME_WORDS = 6
_MAX_LOWERCASE_WORDS = 2

# ", 75002 Paris", " - 69003 Lyon", a line break then "13001 Marseille", "92400 Courbevoie Cedex".
_FR_POSTCODE = re.compile(
    r",?[ \u00a0]{0,3}(?:-[ \u00a0]{0,3})?(?:\r?\n[ \t]{0,8})?"
    r"(?:[0-9]{5}|[0-9]{2}[ \u00a0][0-9]{3})(?![\w])"
)
_FR_CITY = re.compile(
    r"[ \u00a0]{1,3}(?:(?:le|la|les)[ \u00a0]|l['’])?(?P<city>[^\W\d_][\w'’-]{0,39})"
    r"(?:[ \u00a0]{1,3}cedex(?:[ \u00a0]{0,2}[0-9]{1,2})?(?![\w]))?",
    re.IGNORECASE,
)

# English: a house number ("10", "221B"), then capitalised words ending with a street type.
_EN_ANCHOR = re.compile(r"(?<![\w.,/-])[1-9][0-9]{0,4}[A-Za-z]?(?![\w])")
_EN_FULL_TYPES = _words(
    """
    street road avenue lane drive close way court place crescent terrace gardens square
    boulevard grove row mews hill park walk parkway plaza
    """
)
_EN_SHORT_TYPES = _words("st rd ave ln dr ct pl blvd sq cres tce gdns pkwy")
_ORDINAL = re.compile(r"[0-9]{1,3}(?:st|nd|rd|th)", re.IGNORECASE)
# "our 5 High Street banks": the street phrase used as an adjective, not an address.
_ADJECTIVAL_NEXT = _words(
    """
    bank banks branch branches shop shops store stores brand brands retailer retailers
    lender lenders chain chains name names price prices
    """
)
# ", London NW1 6XE", " SW1A 2AA": a town (optional) then a UK postcode.
_UK_POSTCODE_AFTER = re.compile(
    r"(?:,?[ \u00a0]{1,3}[A-Z][a-z]{1,20}(?:[ \u00a0][A-Z][a-z]{1,20})?)?,?[ \u00a0]{0,3}"
    r"[A-Z]{1,2}[0-9][A-Z0-9]?[ \u00a0]?[0-9][A-Z]{2}(?![\w])"
)


def find_addresses(text: str) -> Iterator[Span]:
    """French and English street addresses with a house number."""
    yield from _french(text)
    yield from _english(text)


def _french(text: str) -> Iterator[Span]:
    for anchor in _FR_ANCHOR.finditer(text):
        if not _may_be_house_number(text, anchor.start()):
            continue
        end = _french_street_end(text, anchor.end(), weak=anchor.group("weak") is not None)
        if end is None:
            continue
        postcode = _FR_POSTCODE.match(text, end)
        if postcode is not None:
            end = postcode.end()
            city = _FR_CITY.match(text, end)
            if city is not None and city.group("city").lower() not in _STOPWORDS:
                end = city.end()
        yield anchor.start(), end


def _may_be_house_number(text: str, start: int) -> bool:
    """False for counts ("les 2 rue", "our 5 High Street") and years ("en 1998 rue ...")."""
    before = text[max(0, start - 20) : start]
    if _COUNTED.search(before):
        return False
    year = text[start : start + 5]
    return not (year[:2] in ("19", "20") and year[:4].isdigit() and _YEAR_BEFORE.search(before))


def _french_street_end(text: str, pos: int, *, weak: bool) -> int | None:
    """Where the street name after the type ends, or None when there is no name."""
    end: int | None = None
    previous_connector = capitalised = False
    lowercase_left = 1 if weak else _MAX_LOWERCASE_WORDS
    for _ in range(_MAX_NAME_WORDS + 4):
        match = _WORD.match(text, pos)
        if match is None:
            break
        word = match.group("word")
        bare = word.lower()
        if bare in _FR_CONNECTORS:
            previous_connector = True
            pos = match.end()
            continue
        core = word[2:] if len(word) > 2 and word[1] in "'’" else word
        if core.isdigit():
            # "rue du 8 Mai": a number belongs to the name only after a connector.
            if not previous_connector or len(core) > 4:
                break
        elif core[0].isupper():
            capitalised = True
        elif end is None and weak:
            break  # "10 cours de yoga": a weak type needs a capitalised name.
        elif capitalised or core.lower() in _STOPWORDS or lowercase_left == 0:
            break  # "12 rue de la Paix fermée": a capitalised name ends at a lower-case word.
        else:
            lowercase_left -= 1
        end = match.end()
        pos = end
        previous_connector = False
    return end


def _english(text: str) -> Iterator[Span]:
    for anchor in _EN_ANCHOR.finditer(text):
        if not _may_be_house_number(text, anchor.start()):
            continue
        end = _english_street_end(text, anchor.end())
        if end is None:
            continue
        tail = _UK_POSTCODE_AFTER.match(text, end)
        yield anchor.start(), tail.end() if tail is not None else end


def _english_street_end(text: str, pos: int) -> int | None:
    """Where "Baker Street" ends after "221B", or None: up to 4 name words, then a street type."""
    names = 0
    lowercase_names = 0
    for _ in range(5):
        match = _WORD.match(text, pos)
        if match is None:
            return None
        word = match.group("word")
        lower = word.lower()
        if names and (lower in _EN_FULL_TYPES or lower in _EN_SHORT_TYPES):
            if lower in _EN_SHORT_TYPES and (lowercase_names or not word[0].isupper()):
                return None  # "st", "dr" in lower case are too ambiguous
            following = _WORD.match(text, match.end())
            if following is not None and _used_as_adjective(
                following.group("word"), lowercase_names
            ):
                return None
            return match.end()
        if word[0].isupper() or _ORDINAL.fullmatch(word):
            names += 1
        elif word[0].isalpha() and lower not in _STOPWORDS and lowercase_names < 2:
            names += 1
            lowercase_names += 1
        else:
            return None
        pos = match.end()
    return None


def _used_as_adjective(next_word: str, lowercase_names: int) -> bool:
    """True for "5 High Street banks", "3 big road trips": a street phrase used as an adjective."""
    if next_word in _ADJECTIVAL_NEXT:
        return True
    # With a lower-case name the phrase is only an address when nothing noun-like follows.
    return bool(lowercase_names) and next_word[0].islower() and next_word not in _STOPWORDS
