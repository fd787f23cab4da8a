"""What the caller's dedupe recheck looked up inside the write transaction: the claims
(``listener.store.elasticsearch.claims``) claim the keys it asked about, with its window and
exclude-source, so the cluster dedupes by the rules the SQLite recheck applied."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from listener.store.lookups import TransactionLookups
from listener.store.near_prints import NearCandidate


@dataclass(slots=True)
class Asked:
    """What the caller's recheck looked up inside the write transaction."""

    urls: set[str] = field(default_factory=set)
    exclude_source: str | None = None
    pairs: set[tuple[str, str]] = field(default_factory=set)
    since: datetime | None = None


class RecordingLookups:
    """The transaction's lookups, noting what the recheck asked (see the module docstring)."""

    def __init__(self, inner: TransactionLookups) -> None:
        self._inner = inner
        self.asked = Asked()

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        return self._inner.existing_ids(ids)

    def existing_canonical_urls(
        self, urls: Iterable[str], *, exclude_source: str | None = None
    ) -> set[str]:
        wanted = list(urls)
        self.asked.urls.update(u for u in wanted if u)
        self.asked.exclude_source = exclude_source
        return self._inner.existing_canonical_urls(wanted, exclude_source=exclude_source)

    def recent_content_hashes(
        self, pairs: Iterable[tuple[str, str]], since: datetime
    ) -> set[tuple[str, str]]:
        wanted = list(pairs)
        self.asked.pairs.update(wanted)
        self.asked.since = since
        return self._inner.recent_content_hashes(wanted, since)

    def near_candidates(self, band_keys: Iterable[int], since: datetime) -> list[NearCandidate]:
        return self._inner.near_candidates(band_keys, since)
