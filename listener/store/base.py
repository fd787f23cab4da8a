"""The engine-neutral storage contract: what the pipeline, alerts, CLI and web may ask of a store.

Two engines implement it: SQLite (``listener.store.sqlite``, the embedded default) and,
later, Elasticsearch. Nothing here names an engine type, so callers never learn which one
they hold. Errors::

    StoreError                 any failure the store reports on purpose
    └── SchemaTooNewError      the database was written by a newer listener

Bad search syntax is ``listener.query.QueryError`` (a ``ValueError``), raised before any
engine sees the query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from listener.models import Mention, SourceState

# Control characters, not "[" "]" or "<mark>": a mention's text cannot be trusted to lack
# those, while a consumer can escape the text first and then turn these into colour or
# <mark> safely. Normalised mention text carries no C0 controls.
DEFAULT_HIGHLIGHT: tuple[str, str] = ("\x02", "\x03")


class StoreError(Exception):
    """A failure the store reports on purpose (closed store, unusable database…)."""


class SchemaTooNewError(StoreError):
    """The database's schema version is newer than this listener knows how to read."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"this database was written by a newer listener (schema {found}); upgrade listener"
            f" (this one knows schema {known})"
        )
        self.found = found
        self.known = known


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result.

    ``score`` is relevance, higher is better (``None`` when no text query ranked it).
    ``snippet`` and ``title_highlighted`` wrap matched words in the ``highlight`` markers
    passed to ``search``; both are raw text, to be escaped by whoever renders them.
    """

    mention: Mention
    score: float | None
    snippet: str
    title_highlighted: str


@dataclass(frozen=True, slots=True)
class AuthorRecord:
    """What the store knows about one author on one source type, across all their mentions."""

    source_type: str
    handle: str  # as last seen; the key is its lowercase form
    name: str | None
    url: str | None
    followers: int | None  # from the most recently fetched mention that reported it
    first_seen_at: datetime  # published_at of their earliest stored mention
    last_seen_at: datetime  # published_at of their latest stored mention
    mention_count: int


class DuplicateLookups(Protocol):
    """The duplicate checks a store answers: a store's own reader methods, and the object
    ``insert_mentions`` hands to its ``recheck`` inside the write transaction.

    Structurally a ``listener.dedupe.DedupeLookups`` (which this package does not import:
    dedupe sits above the store). Parameters are ``Iterable`` where dedupe passes
    ``Sequence``, so anything typed against ``DedupeLookups`` accepts these.
    """

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Of the given mention ids, those stored."""
        ...

    def existing_canonical_urls(
        self, urls: Iterable[str], *, exclude_source: str | None = None
    ) -> set[str]:
        """Of the given canonical URLs, those stored; with ``exclude_source``, only those
        stored by another source (within one source the native id is what identifies a
        mention: a comments feed may give all its comments one canonical URL)."""
        ...

    def recent_content_hashes(
        self, pairs: Iterable[tuple[str, str]], since: datetime
    ) -> set[tuple[str, str]]:
        """Of the given (brand, content hash) pairs, those seen at or after ``since``."""
        ...


# The duplicate checks re-run inside insert_mentions' write transaction: given lookups that
# see everything committed so far (by any thread or process), return the mentions to insert.
Recheck = Callable[[DuplicateLookups], Sequence[Mention]]


class Store(DuplicateLookups, Protocol):
    """The storage contract. Every method is synchronous and thread-safe: async callers
    use ``asyncio.to_thread``."""

    def insert_mentions(
        self, mentions: Sequence[Mention], *, recheck: Recheck | None = None
    ) -> list[Mention]:
        """Store mentions in one transaction; return only those that were new, in order.

        With ``recheck``, the store first calls it inside that transaction, holding the
        database's write lock, and inserts only the mentions it returns (in its order):
        no other writer, thread or process, can store anything between its checks and
        the insert. It must not call back into this store's write methods.
        """
        ...

    def forget_content_hashes(self, before: datetime) -> int:
        """Drop hashes seen before ``before`` (outside the dedupe window); return how many."""
        ...

    def load_source_state(self, name: str) -> SourceState | None: ...

    def save_source_state(self, state: SourceState) -> None: ...

    def source_states(self) -> list[SourceState]: ...

    def get_mention(self, mention_id: str) -> Mention | None: ...

    def get_author(self, source_type: str, handle: str) -> AuthorRecord | None: ...

    def count_mentions(self) -> int: ...

    def search(
        self,
        query: str | None,
        *,
        brand: str | None = None,
        source: str | None = None,
        sentiment: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
        highlight: tuple[str, str] = DEFAULT_HIGHLIGHT,
    ) -> list[SearchHit]:
        """Search in the brand query language; ``None``/empty lists everything, newest first.

        ``source`` matches a source name or type; ``sentiment`` is a ``SentimentLabel``
        value; ``since`` is inclusive and ``until`` exclusive, on ``published_at``.
        """
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
