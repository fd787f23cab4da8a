"""How posts are rewritten before VADER scores them, and what that changes in the verdict."""

from __future__ import annotations

import time

from listener.models import SentimentLabel
from listener.reading.vader_reading import (
    MUTE,
    for_vader,
    join_phrases,
    mute_like_preposition,
    mute_names,
    split_hashtags,
)
from listener.sentiment import judge_sentiment

LEXICON = frozenset({"super", "united", "good", "happy", "great", "like"})


def label(text: str) -> SentimentLabel:
    return judge_sentiment(text, language="en").label


def test_a_camel_case_hashtag_is_read_as_its_words() -> None:
    assert split_hashtags("day 3 without wifi #NotHappy") == "day 3 without wifi not happy"


def test_a_negative_hashtag_makes_a_bland_post_negative() -> None:
    assert label("Third router this month #NotHappy") is SentimentLabel.NEGATIVE
    assert label("waiting on hold again #fail") is SentimentLabel.NEGATIVE


def test_cant_wait_is_eagerness_not_negation() -> None:
    assert join_phrases("I can't wait for Friday") == "I cantwait for Friday"
    assert join_phrases("cannot  wait") == "cantwait"
    assert label("Concert tomorrow, can't wait") is SentimentLabel.POSITIVE
    assert label("So looking forward to the new season") is SentimentLabel.POSITIVE


def test_like_as_a_preposition_does_not_score() -> None:
    assert mute_like_preposition("it looks like rain") == f"it looks like{MUTE} rain"
    assert label("It looks like rain on Sunday") is SentimentLabel.NEUTRAL


def test_like_as_a_verb_keeps_its_score() -> None:
    assert mute_like_preposition("I like it") == "I like it"
    assert mute_like_preposition("we don't like it") == "we don't like it"


def test_lexicon_words_inside_a_name_do_not_score() -> None:
    text = "Watching the Super Bowl with Manchester United fans"
    assert mute_names(text, LEXICON) == (
        f"Watching the Super{MUTE} Bowl with Manchester United{MUTE} fans"
    )
    assert label("Watching the Super Bowl tonight") is SentimentLabel.NEUTRAL


def test_a_capital_that_starts_a_sentence_is_no_name() -> None:
    assert mute_names("Great Service today", LEXICON) == "Great Service today"
    assert mute_names("Thanks. Good Morning", LEXICON) == "Thanks. Good Morning"
    assert mute_names("@user Happy Birthday Niall", LEXICON) == "@user Happy Birthday Niall"


def test_every_rule_applies_together() -> None:
    assert for_vader("#cantWait to see the Super Bowl", LEXICON) == (
        f"cantwait to see the Super{MUTE} Bowl"
    )


def test_our_own_words_count() -> None:
    assert label("Flight canceled again, what a ripoff") is SentimentLabel.NEGATIVE
    assert label("So stoked for the launch") is SentimentLabel.POSITIVE


def test_names_after_a_run_of_handles_are_read_in_linear_time() -> None:
    # Each name run looked back for "@handles that open the post" with a $-anchored regex
    # over everything before it: quadratic in the handles, times the number of names
    # (~1 s for these 2,000 characters, the most VADER reads).
    text = "@a " * 444 + "x Super Good " * 52
    started = time.perf_counter()
    read = for_vader(text, LEXICON)
    assert time.perf_counter() - started < 0.05
    assert read.count(f"Super{MUTE} Good{MUTE}") == 52
    # What the look-back is for is unchanged: handles that open the post, then a sentence.
    assert mute_names("@a @b\t@c_1 Happy Birthday Niall", LEXICON) == (
        "@a @b\t@c_1 Happy Birthday Niall"
    )
    assert mute_names("x@a Happy Birthday", LEXICON) == f"x@a Happy{MUTE} Birthday"
    assert mute_names("Hi, @a Happy Birthday", LEXICON) == f"Hi, @a Happy{MUTE} Birthday"
    assert mute_names("Hi. @a @b Happy Birthday", LEXICON) == "Hi. @a @b Happy Birthday"


def test_like_in_a_run_without_spaces_is_read_in_linear_time() -> None:
    # "(\S*)" tried from every character of a long run without spaces, or of spaces:
    # quadratic (~60 ms for 2,000 characters of "likelike…", the most VADER reads).
    started = time.perf_counter()
    assert mute_like_preposition("like" * 500) == "like" * 500
    assert mute_like_preposition(" " * 1_990 + "x like") == " " * 1_990 + f"x like{MUTE}"
    assert mute_like_preposition("a" * 1_996 + " like") == "a" * 1_996 + f" like{MUTE}"
    assert time.perf_counter() - started < 0.02
    # Filler likes one after another are each muted, as before; a verb "like" is kept.
    assert mute_like_preposition("it was, like, like the worst") == (
        f"it was, like{MUTE}, like{MUTE} the worst"
    )
    assert mute_like_preposition("like like  LIKE") == f"like like{MUTE}  LIKE{MUTE}"
    assert mute_like_preposition("I like you like") == "I like you like"
