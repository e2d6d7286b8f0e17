from ideas.themes.identity import match_themes


def test_a_theme_that_keeps_its_ideas_is_continued():
    m = match_themes({10: {1, 2, 3, 4}}, {0: {1, 2, 3, 4, 5}})
    assert m.continued == {0: 10}
    assert (m.created, m.retired, m.merged, m.split) == ([], [], {}, {})


def test_two_themes_that_come_together_are_a_merge():
    m = match_themes({10: {1, 2, 3, 4, 5, 6}, 11: {7, 8, 9}}, {0: {1, 2, 3, 4, 5, 6, 7, 8, 9}})
    assert m.continued == {0: 10}
    assert m.merged == {11: 0}
    assert m.retired == []


def test_a_theme_that_breaks_in_two_is_a_split():
    m = match_themes({10: {1, 2, 3, 4, 5, 6, 7, 8}}, {0: {1, 2, 3, 4, 5}, 1: {6, 7, 8}})
    assert m.continued == {0: 10}
    assert m.created == [1]
    assert m.split == {1: 10}


def test_unrelated_clusters_are_new_and_vanished_themes_retired():
    m = match_themes({10: {1, 2, 3}}, {0: {7, 8, 9}})
    assert m.continued == {}
    assert m.created == [0]
    assert m.retired == [10]
    assert m.split == {}


def test_a_small_overlap_does_not_continue_a_theme():
    m = match_themes({10: {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, {0: {1, 20, 21, 22, 23}})
    assert m.continued == {}


def test_each_old_theme_is_continued_once_by_its_best_match():
    m = match_themes({10: {1, 2, 3, 4}, 11: {5, 6, 7, 8}}, {0: {1, 2, 3, 4}, 1: {5, 6, 7, 8}})
    assert m.continued == {0: 10, 1: 11}


def test_first_run_creates_everything():
    m = match_themes({}, {0: {1, 2}, 1: {3, 4}})
    assert m.created == [0, 1]
    assert m.continued == {}
