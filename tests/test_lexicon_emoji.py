import unicodedata

import pytest

from listener.reading.lexicon.emoji import EMOJI_FEELINGS, EMOJI_VALENCE, FEELINGS, base_emoji


def test_every_key_is_one_emoji_in_base_form() -> None:
    odd = [
        key
        for key in EMOJI_VALENCE
        if len(key) != 1 or unicodedata.category(key) != "So" or base_emoji(key) != key
    ]
    assert odd == []


def test_the_table_covers_the_common_customer_emoji() -> None:
    assert len(EMOJI_VALENCE) >= 150


def test_valences_are_on_vaders_scale_and_say_something() -> None:
    out_of_range = {key: value for key, value in EMOJI_VALENCE.items() if not -4 <= value <= 4}
    assert out_of_range == {}
    # A zero would be indistinguishable from an emoji we know nothing about.
    assert [key for key, value in EMOJI_VALENCE.items() if value == 0] == []


@pytest.mark.parametrize("emoji", ["😡", "🤬", "👎", "🙄", "💔", "🤮", "🖕", "🤡", "🙃", "😭"])
def test_negative_emoji(emoji: str) -> None:
    assert EMOJI_VALENCE[emoji] < 0


@pytest.mark.parametrize("emoji", ["❤", "👍", "😍", "🥰", "🎉", "🙏", "😂", "👏", "🔥"])
def test_positive_emoji(emoji: str) -> None:
    assert EMOJI_VALENCE[emoji] > 0


def test_anger_weighs_more_than_annoyance() -> None:
    assert EMOJI_VALENCE["🤬"] < EMOJI_VALENCE["😡"] < EMOJI_VALENCE["🙄"] < 0


def test_emoji_often_used_mockingly_stay_mild() -> None:
    # 😂 and 👏 are as often laughing at the brand as with it; 😭 is as often laughter as grief.
    assert 0 < EMOJI_VALENCE["😂"] < 2
    assert 0 < EMOJI_VALENCE["👏"] < 1.5
    assert -1.5 < EMOJI_VALENCE["😭"] < 0


def test_feelings_are_known_and_only_for_emoji_with_a_valence() -> None:
    assert {feeling for feeling in EMOJI_FEELINGS.values() if feeling not in FEELINGS} == set()
    assert [emoji for emoji in EMOJI_FEELINGS if emoji not in EMOJI_VALENCE] == []


def test_every_feeling_emoji_is_negative() -> None:
    # All six feelings are what a complaint feels like; a positive emoji cannot signal one.
    assert [emoji for emoji in EMOJI_FEELINGS if EMOJI_VALENCE[emoji] >= 0] == []


@pytest.mark.parametrize(
    ("emoji", "feeling"),
    [
        ("😡", "angry"),
        ("🤬", "angry"),
        ("😤", "frustrated"),
        ("🤦", "frustrated"),
        ("💔", "disappointed"),
        ("🤔", "confused"),
        ("😰", "anxious"),
        ("🙄", "sarcastic"),
        ("🤡", "sarcastic"),
    ],
)
def test_feeling_of(emoji: str, feeling: str) -> None:
    assert EMOJI_FEELINGS[emoji] == feeling


@pytest.mark.parametrize("emoji", ["😭", "😂", "👏", "🙏", "🤷"])
def test_mixed_emoji_carry_no_feeling(emoji: str) -> None:
    assert emoji not in EMOJI_FEELINGS


@pytest.mark.parametrize(
    ("rendering", "key"),
    [
        ("❤\ufe0f", "❤"),  # heart with emoji presentation
        ("☹\ufe0e", "☹"),  # text presentation
        ("👍🏾", "👍"),  # skin tone
        ("👎🏻", "👎"),
        ("🤦🏽\u200d♀\ufe0f", "🤦"),  # woman facepalming, medium skin tone
        ("🤷\u200d♂\ufe0f", "🤷"),  # man shrugging
        ("❤\ufe0f\u200d🔥", "❤"),  # heart on fire
    ],
)
def test_renderings_normalise_to_a_key(rendering: str, key: str) -> None:
    assert base_emoji(rendering) == key
    assert key in EMOJI_VALENCE


def test_base_emoji_leaves_the_rest_of_a_post_alone() -> None:
    assert base_emoji("ok 👍🏾 but 🤦\u200d♂\ufe0f!") == "ok 👍 but 🤦!"
    assert base_emoji("no emoji here") == "no emoji here"
    assert base_emoji("dangling\u200d") == "dangling"
    # A family sequence keeps its first person, as every ZWJ sequence keeps its first emoji.
    assert base_emoji("👨\u200d👩\u200d👧") == "👨"
