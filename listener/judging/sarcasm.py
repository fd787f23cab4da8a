"""Sarcasm: praise said about a bad situation, or a phrase that is sarcastic by itself.

"Nice work @UPS. Days late AND smashed. Awesome" reads as +0.89 to VADER. What gives it
away is praise next to a concrete failure (late, smashed, broken, still waiting), or a
fixed sarcastic phrase ("thanks for nothing", "gotta love", "#fail"), or thanks for a harm
("Thanks @Acme for charging me twice, really appreciate it"), or an eye-roll emoji.
This judge only says *whether* and *why*; the sentiment and complaint judges decide what
that changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from listener.reading.lexicon.english import (
    SARCASM_HARM,
    SARCASM_MARKERS,
    SARCASM_PRAISE,
    SARCASM_STRONG,
)

# Cue families for the judge's one cue pass ("praise", "marker"); see ``sarcasm_evidence``.
SARCASM_CUES: dict[str, tuple[str, ...]] = {
    "praise": SARCASM_PRAISE,
    "strong": SARCASM_STRONG,
    "marker": SARCASM_MARKERS,
    "harm": SARCASM_HARM,
}
# Complaint families that name a concrete failure (see lexicon.english.COMPLAINT_CUES).
# "problem" words ("issues", "cannot") are too general: "thank you for fixing my issues".
_FAILURE_FAMILIES = ("defect", "delay")  # most telling first
_EYE_ROLL = re.compile("[🙄🙃🤡]")
HAPPY_STARS = 4


def sarcasm_evidence(
    found: Mapping[str, tuple[str, ...]],
    complaint_cues: Mapping[str, tuple[str, ...]],
    prepared: str,
    rating: float | None = None,
) -> tuple[str, ...]:
    """Why the text reads as sarcastic; empty when it does not.

    ``found``: the ``SARCASM_CUES`` families found in it; ``complaint_cues``: the complaint
    families found in it; ``prepared``: the text as the cue sets read it; ``rating``: review
    stars. Praise beside a failure in a 4–5 star review is meant: a happy customer's gripe.
    """
    if not found and not complaint_cues:
        return ()  # most posts: no sarcasm cue and no failure named, so nothing below fires
    if rating is not None and rating >= HAPPY_STARS:
        return ()
    evidence = [f"sarcastic phrase '{marker}'" for marker in found.get("strong", ())]
    failures = [word for family in _FAILURE_FAMILIES for word in complaint_cues.get(family, ())]
    if failures:
        evidence += [f"sarcastic phrase '{marker}'" for marker in found.get("marker", ())]
    praise = found.get("praise", ())
    if praise and failures:
        evidence.append(f"praise '{praise[0]}' about '{failures[0]}'")
    harm = found.get("harm", ())
    if praise and harm and not failures:
        evidence.append(f"'{praise[0]}' {harm[0]}")
    if (praise or failures) and not prepared.isascii():
        roll = _EYE_ROLL.search(prepared)  # the first; a regex, not a loop over characters
        if roll:
            evidence.append(f"eye-roll {roll.group()}")
    return tuple(evidence)
