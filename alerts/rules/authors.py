"""What the settings and the store say about a mention's author: tags, note, history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from alerts.message import AuthorHistory, HistoryItem
from alerts.severity import REPEAT_WINDOW
from listener.config.alerts import TaggedAuthor
from listener.models import Mention
from listener.store.alert_contract import AlertTx

HISTORY_ITEMS = 5
EXCERPT_CHARS = 200


def author_tags(
    authors: Sequence[TaggedAuthor], source_type: str, handle: str | None
) -> tuple[tuple[str, ...], str | None]:
    """Tags and note for this author (handle any case, '@' optional); an entry without
    ``source_type`` matches the handle on every source."""
    if not handle:
        return (), None
    wanted = handle.strip().removeprefix("@").lower()
    tags: list[str] = []
    note: str | None = None
    for entry in authors:
        if entry.handle != wanted or entry.source_type not in (None, source_type):
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
        mention.source_type, handle, before=mention.published_at, limit=HISTORY_ITEMS
    )
    return [m for m in found if m.id != mention.id]


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
