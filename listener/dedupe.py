"""Pipeline stage 3: drop what is already known, in three ways, cheapest first.

1. the id (``source:native_id``) is stored — the common case: a feed repeats its entries;
2. the canonical URL is stored under another id — one article reached through a news feed
   and a Google Alert, or through two tracking links;
3. the same text was stored for the same brand within the window — reposts and syndication.

Each check is one batched store query, and each also looks within the batch itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from listener.models import Mention
from listener.pipeline_types import BatchReport, DropReason


class DedupeLookups(Protocol):
    """The store queries this stage needs (a subset of ``listener.store.Store``)."""

    def existing_ids(self, ids: Sequence[str]) -> set[str]: ...
    def existing_canonical_urls(self, urls: Sequence[str]) -> set[str]: ...
    def recent_content_hashes(
        self, pairs: Sequence[tuple[str, str]], since: datetime
    ) -> set[tuple[str, str]]: ...


def _is_page_specific(url: str) -> bool:
    # Feeds whose every entry links to the site's front page would otherwise collapse
    # into one mention; only a URL with a path or query names one article.
    parts = urlsplit(url)
    return parts.path not in ("", "/") or bool(parts.query)


def dedupe(
    mentions: Sequence[Mention], lookups: DedupeLookups, *, since: datetime, report: BatchReport
) -> list[Mention]:
    """The mentions not seen before; every dropped one is counted in ``report`` by reason."""
    stored_ids = lookups.existing_ids([m.id for m in mentions])
    urls = [
        m.canonical_url for m in mentions if m.canonical_url and _is_page_specific(m.canonical_url)
    ]
    stored_urls = lookups.existing_canonical_urls(urls) if urls else set()
    pairs = [(brand, m.content_hash) for m in mentions for brand in m.brands]
    seen_pairs = lookups.recent_content_hashes(pairs, since) if pairs else set()

    seen_ids = set(stored_ids)
    seen_urls = set(stored_urls)
    kept: list[Mention] = []
    for mention in mentions:
        if mention.id in seen_ids:
            report.drop(DropReason.ALREADY_STORED)
            continue
        url = mention.canonical_url
        if url and url in seen_urls:
            report.drop(DropReason.DUPLICATE_URL)
            continue
        own_pairs = {(brand, mention.content_hash) for brand in mention.brands}
        if own_pairs <= seen_pairs:
            report.drop(DropReason.DUPLICATE_CONTENT)
            continue
        seen_ids.add(mention.id)
        if url and _is_page_specific(url):
            seen_urls.add(url)
        seen_pairs |= own_pairs
        kept.append(mention)
    return kept
