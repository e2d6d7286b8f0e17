from ideas.clustering.text import (
    detect_language,
    has_content,
    language_scores,
    normalise,
    prepare_text,
    tokenize,
)


def test_french_and_english_are_told_apart() -> None:
    assert detect_language("Ma carte est bloquée depuis hier") == "fr"
    assert detect_language("My card is blocked since yesterday") == "en"
    assert detect_language("je veux une nouvelle carte") == "fr"


def test_an_accented_name_counts_once_a_word_not_once_a_letter() -> None:
    text = "I would like the Société Générale instant transfer in my app"
    french, english = language_scores(text)
    assert french == 4.0  # two accented words, not four accented letters
    assert english > french
    assert detect_language(text) == "en"


def test_function_words_of_either_list_count_but_not_the_words_both_share() -> None:
    assert language_scores("wake me up at ten") == (0.0, 2.0)  # "up", "at"; not "me"
    assert language_scores("pourriez-vous m'appeler demain") == (
        1.0,
        0.0,
    )  # "vous"; "m" is English too


def test_a_text_with_no_function_word_goes_by_its_spelling_then_french() -> None:
    assert language_scores("book flight tomorrow") == (0.0, 0.0)
    assert detect_language("book flight tomorrow") == "en"  # "oo", "ght"
    assert detect_language("show weather") == "en"
    assert detect_language("nouveau bureau") == "fr"  # "eau"
    assert detect_language("virement instantané gratuit") == "fr"  # the accent
    assert detect_language("CB KO") == "fr"  # no evidence at all: the portal's default


def test_english_contractions_and_words_both_languages_use_are_no_french_evidence() -> None:
    assert detect_language("Can't login") == "en"  # "can t": the "t" is no French "t'"
    assert detect_language("It's not possible") == "en"  # nor "possible" French
    assert language_scores("OK plus") == (0.0, 0.0)


def test_french_typed_without_accents_is_not_read_as_english_by_its_spelling() -> None:
    assert detect_language("Super idee") == "fr"
    assert detect_language("Ticket resto") == "fr"


def test_accents_are_folded_and_case_lowered() -> None:
    assert normalise("Carte BLOQUÉE à l'étranger !") == "carte bloquee a l etranger"


def test_stop_words_are_removed_in_both_languages() -> None:
    assert tokenize("Je voudrais que vous me rappeliez") == tokenize("rappeliez")
    assert "the" not in tokenize("the card is on the way")


def test_typos_without_accents_stem_like_the_accented_word() -> None:
    assert tokenize("carte bloquée") == tokenize("carte bloquee")


def test_informal_abbreviations_are_expanded() -> None:
    assert tokenize("l'appli") == tokenize("l'application")
    assert tokenize("CB perdue")[0] == tokenize("carte perdue")[0]


def test_bigrams_join_adjacent_terms() -> None:
    prepared = prepare_text("carte bancaire bloquée")
    assert len(prepared.bigrams) == len(prepared.tokens) - 1
    assert all("_" in b for b in prepared.bigrams)


def test_emoji_only_and_blank_texts_have_no_content() -> None:
    assert not has_content("😡🔥")
    assert not has_content("   ")
    assert has_content("CB 😡")
    assert prepare_text("😡").tokens == ()


def test_the_maskers_placeholders_are_not_the_authors_words() -> None:
    masked = prepare_text("Ma [carte masquée] a été refusée, appelez le [téléphone masqué]")
    plain = prepare_text("Ma a été refusée, appelez le")
    assert masked.tokens == plain.tokens
    assert (
        prepare_text("My [card removed] was declined").tokens
        == prepare_text("My was declined").tokens
    )
    # The author's own "carte" stays.
    assert "cart" in prepare_text("Ma carte [carte masquée] est bloquée").tokens
