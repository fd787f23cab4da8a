"""What the settings and the store say about a mention's author: tags, note, history.

An author is a handle on one network (``listener.sources.registry.network_of``), not on one
source type: a person who wrote through the polled ``mastodon`` source and then through
``mastodon_stream`` has written twice, and a VIP listed under ``bluesky`` is one through
``jetstream`` too. The stored ``source_type`` still says which reader stored a mention.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from alerts.message import AuthorHistory, HistoryItem
from alerts.severity import REPEAT_WINDOW
from listener.config.alerts import TaggedAuthor
from listener.models import Mention
from listener.sources.registry import network_of, same_network_types
from listener.store.alert_contract import AlertTx

HISTORY_ITEMS = 5
EXCERPT_CHARS = 200


def author_tags(
    authors: Sequence[TaggedAuthor], source_type: str, handle: str | None
) -> tuple[tuple[str, ...], str | None]:
    """Tags and note for this author (handle any case, '@' optional); an entry without
    ``source_type`` matches the handle on every source, one with it the handle on every
    source type of that type's network (``bluesky`` and ``jetstream`` alike)."""
    if not handle:
        return (), None
    wanted = handle.strip().removeprefix("@").lower()
    tags: list[str] = []
    note: str | None = None
    network: str | None = None  # asked only when an entry names the handle and a type
    for entry in authors:
        if entry.handle != wanted:
            continue
        if entry.source_type is not None:
            network = network or network_of(source_type)
            if network_of(entry.source_type) != network:
                continue
        tags += [t for t in entry.tags if t not in tags]
        note = note or entry.note
    return tuple(tags), note


def earlier_mentions(tx: AlertTx, mention: Mention) -> list[Mention]:
    """The author's mentions published before this one, newest first (a few)."""
    handle = mention.author.handle
    if not handle:
        return []
    found = tx.author_mentions(
        same_network_types(mention.source_type),
        handle,
        before=mention.published_at,
        limit=HISTORY_ITEMS,
    )
    return [m for m in found if m.id != mention.id]


def author_key(mention: Mention) -> tuple[tuple[str, ...], str] | None:
    """The author as the store's follow-up lookup takes it: the source types of the
    mention's network and the handle; ``None`` when the source names no author."""
    handle = mention.author.handle
    return (same_network_types(mention.source_type), handle) if handle else None


def prior_contacts(mention: Mention, earlier: Sequence[Mention]) -> int:
    """Earlier mentions by the author within the repeat window (see ``alerts.severity``)."""
    since = mention.published_at - REPEAT_WINDOW
    return sum(1 for m in earlier if m.published_at >= since)


def history(earlier: Sequence[Mention], tags: tuple[str, ...], note: str | None) -> AuthorHistory:
    """The author's history as the drafting module and the messages want it."""
    first: datetime | None = earlier[-1].published_at if earlier else None
    return AuthorHistory(
        mention_count=len(earlier),
        first_seen_at=first,
        tags=tags,
        note=note,
        recent=tuple(
            HistoryItem(
                published_at=m.published_at,
                source=m.source,
                url=m.url,
                excerpt=(m.text or m.title)[:EXCERPT_CHARS],
                complaint=m.judgments.complaint,
            )
            for m in earlier
        ),
    )
