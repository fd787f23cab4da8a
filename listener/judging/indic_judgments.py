"""Topics, feelings, danger, threats and urgency for Bengali, Telugu and Hindi (Devanagari and
romanised).

``indic_found`` returns the same shape the English cue pass gives the judge —
{"topic": {name: words}, "feeling": {name: words}} — so filters, severity and reply drafts
treat a post in these languages as they treat one in English. ``indic_safety``,
``indic_threats`` and ``indic_urgency`` give ``danger``, ``abuse`` and ``signals`` the words
of harm, threats and urgency the same lists hold (``lexicon.indic_judgments``).

One match of all the lists per text and reading, remembered for the few judges that ask in a
row; a text with no Indic letter and no Indic reading costs one ``isascii`` or one scan for a
letter of those scripts.
"""

from __future__ import annotations

from functools import lru_cache

from listener.reading.indic_cues import CueLists, script_cue_language
from listener.reading.lexicon.cjk import CJK_JUDGMENT_CUES
from listener.reading.lexicon.indic_judgments import INDIC_JUDGMENT_CUES

# Chinese and Japanese ("zh", "ja") have topic, feeling and safety lists: a text read as one of
# them gets those, and no threat or urgency words.
_LISTS = CueLists({**INDIC_JUDGMENT_CUES, **CJK_JUDGMENT_CUES})
_JUDGED_SPACES = ("topic", "feeling")
_Found = dict[str, dict[str, tuple[str, ...]]]


def indic_reading(text: str, language: str | None) -> str | None:
    """The cue lists ``text`` needs: its reading when it has lists, else by its script."""
    if language in _LISTS:
        return language
    return script_cue_language(text)


@lru_cache(maxsize=32)
def _found(text: str, reading: str) -> _Found:
    # Cached: the judge's reading, danger, abuse and urgency ask about the same text in a row.
    spaces: _Found = {}
    for key, words in _LISTS.find(text, reading).items():
        space, _, family = key.partition(":")
        spaces.setdefault(space, {})[family] = words
    return spaces


def indic_found(text: str, language: str | None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Topic and feeling words of ``text`` read as ``language`` (bn, te, hi, hi-Latn; zh, ja)."""
    reading = indic_reading(text, language)
    if reading is None:
        return {}
    found = _found(text, reading)
    # Copies: the judge merges these into its own findings.
    return {space: dict(found[space]) for space in _JUDGED_SPACES if space in found}


def indic_safety(text: str, language: str | None) -> tuple[str, ...]:
    """Words of harm to someone (fire, injury, poisoning, stranded…) in an Indic reading."""
    reading = indic_reading(text, language)
    if reading is None:
        return ()
    return _found(text, reading).get("safety", {}).get("safety", ())


def indic_threats(text: str) -> tuple[str, ...]:
    """Threats and death wishes aimed at people, in Bengali, Telugu or Devanagari Hindi."""
    reading = script_cue_language(text)
    if reading is None:
        return ()
    return _found(text, reading).get("threat", {}).get("threat", ())


def indic_urgency(text: str) -> tuple[tuple[str, str], ...]:
    """(family, word) of urgency in Bengali, Telugu or Devanagari Hindi: "urgent", "legal"
    (always urgent) and "time" (urgent only inside a complaint), as the English families."""
    reading = script_cue_language(text)
    if reading is None:
        return ()
    families = _found(text, reading).get("urgency", {})
    return tuple((family, word) for family, words in families.items() for word in words)
