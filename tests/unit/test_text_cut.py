"""cut_words: a fixed budget, cut at a word boundary, marked with an ellipsis."""

from __future__ import annotations

from takedown.text import ELLIPSIS, cut_words


def test_short_and_exactly_at_budget_are_kept_whole() -> None:
    assert cut_words("", 10) == ""
    assert cut_words(None, 10) == ""
    assert cut_words("a" * 10, 10) == "a" * 10
    assert cut_words("abcde fghi", 10) == "abcde fghi"


def test_one_over_the_budget_is_cut_at_a_word() -> None:
    assert cut_words("abcde fghij", 10) == "abcde" + ELLIPSIS
    assert cut_words("one two three four five six", 14) == "one two three" + ELLIPSIS
    # the cut falls exactly on a space: the whole last word stays
    assert cut_words("one two three four", 14) == "one two three" + ELLIPSIS


def test_no_useful_space_cuts_mid_word_within_budget() -> None:
    cjk = "香港警察的暴力行为令人震惊" * 5
    out = cut_words(cjk, 20)
    assert out == cjk[:19] + ELLIPSIS and len(out) == 20
    assert cut_words("a " + "b" * 40, 10) == "a " + "b" * 7 + ELLIPSIS


def test_whitespace_and_controls_collapse_to_one_line() -> None:
    assert cut_words("a\n\n b\tc\u2028d\u202e", 20) == "a b c d"
    assert all(len(cut_words("word " * n, 33)) <= 33 for n in range(30))
