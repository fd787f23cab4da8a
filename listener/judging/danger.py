"""Danger a person must see at once: injury, fire, smoke, burns, poisoning, an allergic
reaction, someone stranded, a medical emergency or a child at risk, and a device failing
dangerously (smoking, sparking, melting, a swollen battery).

A post that reports such harm from a product or service is a complaint about safety whatever
its tone ("it exploded and burned my hand"), its urgency is high, and its topic is
``safety``. Threats aimed at people are flags and live in ``abuse``.
"""

from __future__ import annotations

from dataclasses import dataclass

from listener.judging.indic_judgments import indic_safety
from listener.judging.phrases import Lexicon, read_text
from listener.reading.lexicon import danger_words as words


@dataclass(frozen=True, slots=True)
class Danger:
    """What in a post reports harm to someone; empty when nothing does."""

    safety: tuple[str, ...] = ()  # the words behind it: "burned my hand", "allergic reaction"

    def __bool__(self) -> bool:
        return bool(self.safety)


NO_DANGER = Danger()


# One family: which kind of harm it is does not change what the judge does with it. The
# Lexicon looks for a phrase only when the text holds its key word, so a post with none of
# them costs two set intersections (its words are read once for every signal judge).
_HARM = Lexicon(
    {
        "safety": words.DANGER_FIRE + words.DANGER_HARM + words.DANGER_POISON
        + words.DANGER_MEDICAL + words.DANGER_CHILD + words.DANGER_STRANDED
    },
    {"safety": words.DANGER_RE},
)  # fmt: skip


# Read only when a child is named: "my son choked on a part", "she could have died".
_CHILD = frozenset(words.CHILD_WORDS)
_CHILD_AT_RISK = Lexicon(
    {"safety": words.DANGER_CHILD_AT_RISK}, {"safety": words.DANGER_CHILD_AT_RISK_RE}
)


def read_danger(text: str, language: str | None) -> Danger:
    """The harm ``text`` (read as ``language``; None = unsure) reports, with its words.

    English lists read Latin text whatever its language (code-mixed posts say "food
    poisoning" and "ambulance" too); Bengali, Telugu, Hindi and romanised-Hindi lists read
    text in those readings, or in those scripts when the reading is unsure."""
    read = read_text(text)
    found = [phrase for _, phrase in _HARM.find(read)]
    if not _CHILD.isdisjoint(read.vocabulary):
        found += [phrase for _, phrase in _CHILD_AT_RISK.find(read)]
    indic = indic_safety(text, language)
    if not found and not indic:
        return NO_DANGER
    if len(found) > 1:  # "battery swelled" inside "battery swelled up and started smoking"
        found = [p for p in found if not any(p != other and p in other for other in found)]
    return Danger(tuple(dict.fromkeys((*found, *indic))))
