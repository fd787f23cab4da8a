"""Feeling and need: frustrated, angry, disappointed, confused, anxious (urgent), sarcastic.

Each feeling comes with the words (or emoji, or signals) that triggered it, so a reply
draft can acknowledge it in the person's own terms ("I can see why you'd be frustrated
after waiting three weeks"). Words like "still" or "again" only mean frustration when the
post is negative or a complaint; "I still love it" is not frustrated. Explicit feeling words
("furious", "confused") count whatever the tone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from listener.models import Finding
from listener.reading.lexicon.emoji import EMOJI_FEELINGS

FEELINGS = ("frustrated", "angry", "disappointed", "confused", "anxious", "sarcastic")
# Cue words that name a feeling outright, so they count even in an otherwise calm post.
_EXPLICIT = re.compile(
    r"frustrat|fed up|sick of|angry|furious|pissed|livid|outrage|disgust|disappoint|let down"
    r"|confus|don'?t understand|makes no sense|worried|anxious|scared|urgent|emergency|asap"
    r"|desperate|panic|stranded"
    # Hinglish words that name a feeling (Bengali, Telugu and Hindi ones all do: see below).
    r"|gussa|naraz|pareshan|nirash|mayus|tang aa|chinta|tension|dar lag|ghabra|samajh nahi"
)
# The complaint cue families whose "still …" phrases say what is still wrong.
_STILL_FAMILIES = ("repeat", "delay", "problem")
_SHOUT = re.compile(r"\b[A-Z]{4,}\b")
# Every emoji key is one code point (lexicon.emoji): a set intersection finds them in C
# instead of a Python loop over every character of the text.
_FEELING_EMOJI = frozenset(EMOJI_FEELINGS)


def judge_feelings(
    cues: Mapping[str, tuple[str, ...]],
    *,
    text: str,
    negative: bool,
    sarcasm: tuple[str, ...] = (),
    complaint_cues: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[Finding, ...]:
    """The feelings in a post. ``cues``: feeling → cue words found (``lexicon.english``).

    ``complaint_cues``: the complaint cue families found; "still" is frustration only when
    one of them holds a "still …" phrase ("still waiting", "still no"), not "still shaking".
    """
    if not cues and not negative and not sarcasm and text.isascii():
        return ()  # most posts: no feeling word, no emoji, and nothing below can fire
    triggers: dict[str, list[str]] = {}
    for feeling, words in cues.items():
        # Every Bengali, Telugu and Devanagari feeling cue names its feeling outright.
        kept = [w for w in words if negative or not w.isascii() or _EXPLICIT.search(w)]
        if "still" in kept and not _still_of_a_problem(complaint_cues):
            kept.remove("still")
        if kept:
            triggers.setdefault(feeling, []).extend(kept)
    if not text.isascii():
        capped = text[:2_000]
        # Each distinct emoji once, in order of first appearance: repeats changed nothing.
        for char in sorted(_FEELING_EMOJI.intersection(capped), key=capped.index):
            emoji_feeling = EMOJI_FEELINGS[char]
            if negative or emoji_feeling != "sarcastic" or sarcasm:
                seen = triggers.setdefault(emoji_feeling, [])
                if char not in seen:
                    seen.append(char)
    if negative:
        shouted = _SHOUT.findall(text[:2_000])
        if len(shouted) >= 2 or (shouted and "!!" in text):
            triggers.setdefault("angry", []).append("shouting: " + " ".join(shouted[:3]))
    if sarcasm:
        triggers.setdefault("sarcastic", []).extend(sarcasm)
    return tuple(Finding(f, tuple(triggers[f])) for f in FEELINGS if f in triggers)


def _still_of_a_problem(complaint_cues: Mapping[str, tuple[str, ...]] | None) -> bool:
    if not complaint_cues:
        return False
    return any(
        word.startswith("still ")
        for family in _STILL_FAMILIES
        for word in complaint_cues.get(family, ())
    )
