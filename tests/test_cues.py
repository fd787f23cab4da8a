"""``CueSet``: many named families of cue phrases found in one pass over a text's words."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listener.judging.cues import MAX_CUE_TEXT, CueSet, prepare, words_of


def find(cues: CueSet, text: str) -> dict[str, tuple[str, ...]]:
    return cues.find(prepare(text))


# -- whole words --------------------------------------------------------------------------


def test_a_cue_matches_whole_words_only() -> None:
    cues = CueSet({"delay": ["late"]})
    assert find(cues, "The parcel is late") == {"delay": ("late",)}
    assert find(cues, "I ate chocolate and a plate of latest lattes") == {}


def test_matching_ignores_case_and_reports_the_cue_in_lowercase() -> None:
    cues = CueSet({"delay": ["Late"]})
    assert find(cues, "LATE again, Late as always") == {"delay": ("late",)}


def test_each_word_is_reported_once_in_order_of_first_appearance() -> None:
    cues = CueSet({"delay": ["late", "slow", "waiting"]})
    found = find(cues, "slow, waiting, late, slow and late")
    assert found == {"delay": ("slow", "waiting", "late")}


def test_families_are_reported_separately_and_a_cue_may_sit_in_several() -> None:
    cues = CueSet({"delay": ["still", "late"], "repeat": ["still", "again"]})
    assert find(cues, "still late again") == {
        "delay": ("still", "late"),
        "repeat": ("still", "again"),
    }
    assert cues.families == frozenset({"delay", "repeat"})


def test_words_match_across_punctuation_but_none_is_skipped() -> None:
    cues = CueSet({"delay": ["still waiting"]})
    assert find(cues, "Still... waiting!") == {"delay": ("still waiting",)}
    assert find(cues, "still not waiting") == {}


def test_hashtags_are_words_of_their_own() -> None:
    cues = CueSet({"sarcasm": ["#fail"], "problem": ["fail"]})
    assert find(cues, "Another #FAIL") == {"sarcasm": ("#fail",)}
    assert find(cues, "they fail again") == {"problem": ("fail",)}


def test_only_the_first_max_cue_text_characters_are_read() -> None:
    cues = CueSet({"delay": ["late"]})
    assert find(cues, "x" * (MAX_CUE_TEXT - 10) + " late") == {"delay": ("late",)}
    assert find(cues, "x" * MAX_CUE_TEXT + " late") == {}


def test_an_empty_text_finds_nothing() -> None:
    assert find(CueSet({"delay": ["late"]}), "") == {}


# -- stems ----------------------------------------------------------------------------------


def test_a_stem_matches_any_ending_and_reports_the_word_as_written() -> None:
    cues = CueSet({"refund": ["refund*"]})
    found = find(cues, "Refunded? No: my refunds and the refund are missing")
    assert found == {"refund": ("refunded", "refunds", "refund")}


def test_a_stem_matches_only_at_the_start_of_a_word() -> None:
    cues = CueSet({"refund": ["refund*"]})
    assert find(cues, "an unrefunded order") == {}
    assert find(cues, "refun") == {}  # shorter than the stem


def test_a_phrase_may_end_in_a_stem() -> None:
    cues = CueSet({"delivery": ["out for deliver*"]})
    assert find(cues, "It has been out for delivery since Monday") == {
        "delivery": ("out for delivery",)
    }
    assert find(cues, "out for dinner") == {}


def test_stems_of_different_lengths_in_different_families() -> None:
    cues = CueSet({"billing": ["charg*"], "battery": ["recharg*"]})
    assert find(cues, "it won't recharge and I was charged") == {
        "battery": ("recharge",),
        "billing": ("charged",),
    }


# -- apostrophes ------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["can't", "can’t", "cant", "CAN‘T", "can`t"])
def test_apostrophes_are_ignored_on_both_sides(written: str) -> None:
    cues = CueSet({"problem": ["can't"]})
    assert find(cues, f"I {written} log in") == {"problem": ("cant",)}


def test_a_cue_written_without_the_apostrophe_finds_the_text_with_one() -> None:
    cues = CueSet({"problem": ["dont work", "wont"]})
    assert find(cues, "It don’t work and it won't start") == {"problem": ("dont work", "wont")}


def test_the_words_cue_sets_read_drop_apostrophes() -> None:
    assert words_of(prepare("Can’t log in, it's #Broken /s")) == [
        "cant",
        "log",
        "in",
        "its",
        "#broken",
        "/s",
    ]


# -- phrases ----------------------------------------------------------------------------


def test_a_multi_word_phrase_needs_all_its_words_in_order() -> None:
    cues = CueSet({"service": ["customer service"]})
    assert find(cues, "Customer   service never called") == {"service": ("customer service",)}
    assert find(cues, "service for the customer") == {}
    assert find(cues, "customer") == {}  # the phrase runs past the end of the text


def test_spaces_inside_a_cue_are_normalised() -> None:
    cues = CueSet({"service": ["  customer    service "]})
    assert find(cues, "customer service") == {"service": ("customer service",)}


def test_at_one_position_only_the_longest_phrase_of_a_family_counts() -> None:
    cues = CueSet({"delay": ["still", "still waiting", "still waiting for"]})
    assert find(cues, "still waiting for my parcel") == {"delay": ("still waiting for",)}
    assert find(cues, "still waiting") == {"delay": ("still waiting",)}
    assert find(cues, "still here") == {"delay": ("still",)}


def test_the_longest_phrase_wins_over_a_stem_at_the_same_position() -> None:
    cues = CueSet({"refund": ["refund*", "refund please"]})
    assert find(cues, "refund please") == {"refund": ("refund please",)}
    assert find(cues, "refunded please") == {"refund": ("refunded",)}


def test_other_families_still_see_their_shorter_phrase_at_that_position() -> None:
    cues = CueSet({"delay": ["still waiting"], "repeat": ["still"]})
    assert find(cues, "still waiting") == {"delay": ("still waiting",), "repeat": ("still",)}


def test_a_shorter_phrase_starting_at_a_later_word_counts_too() -> None:
    cues = CueSet({"delay": ["still waiting", "waiting"]})
    assert find(cues, "still waiting") == {"delay": ("still waiting", "waiting")}


# -- bad cues ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cue", "message"),
    [
        ("", "write words, with '*' only at the end"),
        ("   ", "write words, with '*' only at the end"),
        ("*", "write words, with '*' only at the end"),
        ("re*fund", "write words, with '*' only at the end"),
        ("money * back", "write words, with '*' only at the end"),
        ("re*", "a stem before '*' needs ≥ 3 letters"),
        ("get re*", "a stem before '*' needs ≥ 3 letters"),
    ],
)
def test_bad_cues_are_refused_with_the_cue_and_family_named(cue: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        CueSet({"refund": ["refund", cue]})
    assert f"cue {cue!r} in 'refund': {message}" in str(error.value)


def test_a_three_letter_stem_is_allowed() -> None:
    cues = CueSet({"tech": ["app*"]})
    assert find(cues, "the apps and the application") == {"tech": ("apps", "application")}


# -- words ---------------------------------------------------------------------------------

_WORDS_PATTERN = re.compile(r"#?\w+|/s\b")  # the definition: words_of finds ASCII ones faster


@given(st.text(alphabet="ab_#/s' 9Z.-\t\n@!é", max_size=24))
@settings(max_examples=500, deadline=None)
def test_words_are_what_the_word_pattern_finds(text: str) -> None:
    # "#" starts a word inside a run ("a#b" → "a", "#b"), "/s" is a word, é is a letter.
    assert words_of(text) == _WORDS_PATTERN.findall(text.replace("'", ""))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a#b##c# d", ["a", "#b", "#c", "d"]),
        ("so great /s", ["so", "great", "/s"]),
        ("under_score 4ever", ["under_score", "4ever"]),
        ("can't", ["cant"]),
        ("café #déjà", ["café", "#déjà"]),
    ],
)
def test_words_split_at_hashtags_and_keep_the_sarcasm_mark(text: str, words: list[str]) -> None:
    assert words_of(text) == words
