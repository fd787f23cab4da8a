"""Bot and spam signals beyond names (issue 18): how an account posts (rate, bursts), what
it posts (the same words as other accounts, links only to one domain), what its profile
shows (age, followers against following) and, weakest, a handle ending in many digits.
Each signal carries its evidence; they are weighed together so that no weak signal alone
flags an account.

Contract written by the lead; the bot-signals slice fills it in.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AccountActivity"]


@dataclass(frozen=True, slots=True)
class AccountActivity:
    """What the pipeline knows of an account's recent posting when it judges one mention:
    read from the store in one batch (``listener.store.activity_reads``) and from the
    near-copy stage (``listener.pipeline.copies.CopyOf.authors``)."""

    near_copy_authors: int = 0  # other accounts that posted near-identical words lately
