"""Pipeline stage 3: drop what is already known, in three ways, cheapest first.

1. the id (``source:native_id``) is stored — the common case: a feed repeats its entries;
2. the canonical URL was stored by another source — one article reached through a news
   feed and a Google Alert. Within one source the native id is authoritative: a comments
   feed links every comment as ``/post/#comment-N``, which canonicalises to one URL;
3. the same text was stored for the same brand within the window — reposts and syndication.

Each check is one batched store query, and ids and content also look within the batch.
The pipeline runs this twice: once before judging (to skip judging what is known) and
once inside the store's write transaction, which is what makes "stored once" hold when
several sources, or several processes, store the same article at the same moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

from listener.models import Mention
from listener.pipeline.types import BatchReport, DropReason


class DedupeLookups(Protocol):
    """The store queries this stage needs (a subset of ``listener.store.Store``)."""

    def existing_ids(self, ids: Sequence[str]) -> set[str]: ...
    def existing_canonical_urls(
        self, urls: Sequence[str], *, exclude_source: str | None = None
    ) -> set[str]: ...
    def recent_content_hashes(
        self, pairs: Sequence[tuple[str, str]], since: datetime
    ) -> set[tuple[str, str]]: ...


@lru_cache(maxsize=1024)  # each URL is asked twice: before judging and in the transaction
def _is_page_specific(url: str) -> bool:
    # Feeds whose every entry links to the site's front page would otherwise collapse
    # into one mention; only a URL with a path or query names one article.
    parts = urlsplit(url)
    return parts.path not in ("", "/") or bool(parts.query)


def dedupe(
    mentions: Sequence[Mention],
    lookups: DedupeLookups,
    *,
    source: str,
    since: datetime,
    report: BatchReport,
) -> list[Mention]:
    """The mentions of one ``source`` not seen before; each dropped one is counted by reason."""
    if not mentions:
        return []
    stored_ids = lookups.existing_ids([m.id for m in mentions])
    urls = [
        m.canonical_url for m in mentions if m.canonical_url and _is_page_specific(m.canonical_url)
    ]
    stored_urls = lookups.existing_canonical_urls(urls, exclude_source=source) if urls else set()
    pairs = [(brand, m.content_hash) for m in mentions for brand in m.brands]
    seen_pairs = lookups.recent_content_hashes(pairs, since) if pairs else set()

    seen_ids = set(stored_ids)
    kept: list[Mention] = []
    for mention in mentions:
        if mention.id in seen_ids:
            report.drop(DropReason.ALREADY_STORED)
            continue
        if mention.canonical_url in stored_urls:
            report.drop(DropReason.DUPLICATE_URL)
            continue
        own_pairs = {(brand, mention.content_hash) for brand in mention.brands}
        if own_pairs <= seen_pairs:
            report.drop(DropReason.DUPLICATE_CONTENT)
            continue
        seen_ids.add(mention.id)
        seen_pairs |= own_pairs
        kept.append(mention)
    return kept
