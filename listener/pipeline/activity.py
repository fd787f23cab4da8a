"""Pipeline stage 3c: each new mention's account activity for the bot judge, read from the
store in one batch (issue 18).

Contract written by the lead; the bot-signals slice fills it in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from listener.judging.bots import AccountActivity
from listener.models import Mention
from listener.pipeline.copies import CopyOf

__all__ = ["ActivityLookups", "account_activity"]


class ActivityLookups(Protocol):
    """The store reads this stage needs (a subset of ``listener.store.Store``)."""


def account_activity(
    mentions: Sequence[Mention],
    lookups: ActivityLookups,
    *,
    copies: Mapping[str, CopyOf],
    now: datetime,
) -> dict[str, AccountActivity]:
    """The activity of each mention's account (by mention id); none for a mention without
    an author."""
    return {
        m.id: AccountActivity(near_copy_authors=max(copies[m.id].authors - 1, 0))
        for m in mentions
        if m.id in copies
    }
