"""Pipeline stage 3b: near-copies. A syndicated article under another headline, a quote of a
post, a cross-post with a word changed: the same words, not the same bytes, so the
exact-content check in ``dedupe`` lets them through. Each new mention whose words are close
enough to a mention stored within the dedupe window (or earlier in the batch) joins that
mention's cluster: it is stored and searchable, marked ``copy_of`` the cluster's head, and
never alerts on its own.

Contract written by the lead; the near-copies slice fills it in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from listener.models import Mention
from listener.pipeline.types import with_changes

__all__ = ["CopyOf", "NearCopies", "NearCopyLookups", "marked"]


@dataclass(frozen=True, slots=True)
class CopyOf:
    """What a new mention is a near-copy of."""

    head_id: str  # the cluster's head: the first of the copies stored
    similarity: float  # how alike the words are, 0…1 (estimated Jaccard of word shingles)
    authors: int  # distinct accounts in the cluster, this one included (a bot-farm signal)
    sources: int  # distinct sources in the cluster, this one included


class NearCopyLookups(Protocol):
    """The store reads this stage needs (a subset of ``listener.store.Store``)."""


class NearCopies:
    """Finds near-copies; holds what is set up once."""

    def find(
        self, mentions: Sequence[Mention], lookups: NearCopyLookups, *, since: datetime
    ) -> dict[str, CopyOf]:
        """The near-copies among ``mentions`` (by mention id), of a mention stored since
        ``since`` or of one earlier in ``mentions``."""
        return {}

    def recheck(
        self, mentions: Sequence[Mention], lookups: object, *, since: datetime
    ) -> Sequence[Mention]:
        """Inside the store's write transaction (``lookups`` on the writer): ``mentions``
        with ``copy_of`` set or corrected from what is stored now, so two sources storing
        one story at the same moment still make one head and one copy."""
        return mentions


def marked(mention: Mention, copies: Mapping[str, CopyOf]) -> Mention:
    """``mention`` with ``copy_of`` set when it is a near-copy."""
    found = copies.get(mention.id)
    return with_changes(mention, copy_of=found.head_id) if found else mention
