"""Press: a news article or press item about the brand, told apart from a customer's post.

"Recode Daily: Slack has a Snap problem" in a news feed is about the brand, not a customer
asking it for help. It is flagged ``press`` (shown and searchable) and is not a customer
complaint.
"""

from __future__ import annotations


def press_evidence(
    text: str, *, title: str = "", source_type: str | None = None, url: str | None = None
) -> tuple[str, ...]:
    """Why ``text`` reads as a news or press item (empty: it does not)."""
    return ()
