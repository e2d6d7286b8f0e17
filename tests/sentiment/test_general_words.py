"""Words that ask for help are not praise; general opinion words of reviews and support posts.

Sentences written for these tests (2026-12-03); none is taken from a measured set.
"""

import pytest

from ideas.sentiment import score_lexicon


@pytest.mark.parametrize(
    "text",
    [
        "Can you help me please?",
        "Please help, my train leaves in ten minutes",
        "I would like to change my seat",
        "The cabin feels like an oven",
        "I wonder when the next bus leaves",
        "La politique de la ville sera présentée lundi",
        "Attention, la réunion commence à 9 heures",
    ],
)
def test_requests_and_look_alike_words_carry_no_opinion(text: str) -> None:
    lex = score_lexicon(text)
    assert lex.score == 0.0
    assert lex.hits == 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("I like this new menu", 1),
        ("We really like the staff", 1),
        ("I don't like the new layout", -1),
        ("The support was so helpful", 1),
        ("On hold for an hour, then they hung up on me", -1),
        ("Unfortunately the parcel was left in the rain", -1),
        ("A boring and predictable film", -1),
        ("Une série prenante et remarquable, à voir", 1),
        ("Un scénario sans intérêt et des dialogues débiles", -1),
        ("Franchement c'est pourri et soporifique", -1),
        ("C'est marrant et touchant", 1),
        ("Le premier épisode m'a beaucoup plu", 1),
    ],
)
def test_general_opinion_words_and_idioms(text: str, sign: int) -> None:
    assert score_lexicon(text).score * sign > 0.2
