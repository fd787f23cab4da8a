"""Danger a person must see at once: injury, fire, smoke, burns, poisoning, an allergic
reaction, someone stranded, a medical emergency or a child at risk.

A post that reports such harm from a product or service is a complaint about safety whatever
its tone ("it exploded and burned my hand"), its urgency is high, and its topic is
``safety``. Threats aimed at people are flags and live in ``abuse``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Danger:
    """What in a post reports harm to someone; empty when nothing does."""

    safety: tuple[str, ...] = ()  # the words behind it: "burned my hand", "allergic reaction"

    def __bool__(self) -> bool:
        return bool(self.safety)


NO_DANGER = Danger()


def read_danger(text: str, language: str | None) -> Danger:
    """The harm ``text`` (read as ``language``; None = unsure) reports, with its words."""
    return NO_DANGER
