"""How the judge reads cue words: findings by namespace, hashtag words, and the cue lists of
the scripts VADER cannot read (Bengali, Telugu, Devanagari, Chinese, Japanese).

Kept apart from ``judge`` so the judge reads as the order of its judgments.
"""

from __future__ import annotations

from collections.abc import Mapping

from listener.reading.indic_cues import find_cues
from listener.reading.language import script_shares
from listener.reading.lexicon.indic import INDIC_CUES
from listener.sentiment import CUE_LANGUAGE_OF_SCRIPT, UNREAD_SHARE


def by_namespace(
    found: Mapping[str, tuple[str, ...]],
) -> dict[str, dict[str, tuple[str, ...]]]:
    """ "complaint:delay" → words, … as {"complaint": {"delay": words}, …}, in the same order."""
    spaces: dict[str, dict[str, tuple[str, ...]]] = {}
    for key, words in found.items():
        space, _, family = key.partition(":")
        spaces.setdefault(space, {})[family] = words
    return spaces


def with_hashtag_words(words: list[str], prepared: str) -> list[str]:
    """``words`` plus each hashtag's word: "#disappointed", "#broken" say what the words do.

    Added after the text's words, so a hashtag's word starts no phrase with its neighbours."""
    if "#" not in prepared:
        return words
    return words + [word[1:] for word in words if word.startswith("#") and len(word) > 1]


def script_cues(text: str, language: str | None) -> dict[str, tuple[str, ...]]:
    """Cue words of a script VADER cannot read (Bengali, Hindi, Telugu, Chinese, Japanese):
    in text read as that language, and in such a part of a mixed post read as another
    ("OnePlus 5T এর review চাই", a feed that says "en"), so a complaint written half in
    Bengali still reaches a person."""
    if language is not None and language in INDIC_CUES:
        return dict(find_cues(text, language))
    if text.isascii():
        return {}
    for script, share in script_shares(text).items():
        cue_language = CUE_LANGUAGE_OF_SCRIPT.get(script)
        if cue_language is not None and share >= UNREAD_SHARE:
            return dict(find_cues(text, cue_language))
    return {}
