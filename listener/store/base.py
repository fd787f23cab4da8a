"""The engine-neutral storage contract: what the pipeline, alerts, CLI and web may ask of a store.

Two engines implement it: SQLite (``listener.store.sqlite``, the embedded default) and,
later, Elasticsearch. Nothing here names an engine type, so callers never learn which one
they hold. Errors::

    StoreError                 any failure the store reports on purpose
    ├── SchemaTooNewError      the database was written by a newer listener
    ├── UnknownMention         no mention has the given id (also a ``KeyError``)
    ├── UnknownAlert           no alert has the given id (also a ``KeyError``)
    └── UnknownDelivery        no outbox row has the given id (also a ``KeyError``)

Bad search syntax is ``listener.query.QueryError`` (a ``ValueError``), raised before any
engine sees the query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import NamedTuple, Protocol, Self

from listener.models import (
    Judgments,
    Mention,
    SourceState,
)
from listener.store.alert_contract import AlertStore, OnStored
from listener.store.near_prints import CopyRef

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


class UnknownAlert(StoreError, KeyError):
    """No alert has this id."""

    def __init__(self, alert_id: int) -> None:
        super().__init__(f"no alert with id {alert_id}")
        self.alert_id = alert_id

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownDelivery(StoreError, KeyError):
    """No outbox row has this id."""

    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"no outbox row with id {delivery_id}")
        self.delivery_id = delivery_id

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownMention(StoreError, KeyError):
    """No stored mention has this id. A ``KeyError`` too, for callers that treat the store
    as a mapping of ids."""

    def __init__(self, mention_id: str) -> None:
        super().__init__(f"no mention with id {mention_id!r}")
        self.mention_id = mention_id

    def __str__(self) -> str:
        # KeyError's own __str__ would print the message in quotes.
        return str(self.args[0])


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
    # What their newest profile seen says (schema 15; None or empty where no source gave it).
    bio: str | None = None
    links: tuple[str, ...] = ()
    created_at: datetime | None = None  # when the account was made
    following: int | None = None
    posts: int | None = None


@dataclass(frozen=True, slots=True)
class LabelledMention:
    """A mention a person marked as a complaint or not: training data for the complaint judge."""

    mention: Mention
    is_complaint: bool
    labeled_at: datetime
    labeled_by: str


@dataclass(frozen=True, slots=True)
class StoredModel:
    """A brand's learned complaint model as its trainer serialised it (opaque to the store)."""

    brand: str
    model: bytes
    labels: int  # how many labelled mentions it was trained on
    positives: int  # of those, how many were complaints
    trained_at: datetime


class Revision(NamedTuple):
    """Where a stored mention stands against later copies of its post: the source's time of
    the edit it holds (``None``: never edited) and when it became a tombstone (``None``:
    not deleted)."""

    edited_at: datetime | None
    deleted_at: datetime | None


class DuplicateLookups(Protocol):
    """The duplicate checks a store answers: a store's own reader methods, and the object
    ``insert_mentions`` hands to its ``recheck`` inside the write transaction.

    Structurally a ``listener.pipeline.dedupe.DedupeLookups`` (which this package does not import:
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


class Store(DuplicateLookups, AlertStore, Protocol):
    """The storage contract. Every method is synchronous and thread-safe: async callers
    use ``asyncio.to_thread``."""

    def insert_mentions(
        self,
        mentions: Sequence[Mention],
        *,
        recheck: Recheck | None = None,
        on_stored: OnStored | None = None,
    ) -> list[Mention]:
        """Store mentions in one transaction; return only those that were new, in order.

        With ``on_stored``, the store calls it inside that same transaction, after the
        inserts, with the new mentions and an ``AlertTx``: the alerts and deliveries it
        writes commit with the mentions. A bug in the rules (any exception but a database
        error) must not hold the source back for ever: the store undoes the rules' writes,
        runs them again one mention at a time, stores every mention, and logs those the
        rules still fail on (they go without alerts). A database error rolls the whole
        batch back, to be fetched and tried again.

        With ``recheck``, the store first calls it inside that transaction, holding the
        database's write lock, and inserts only the mentions it returns (in its order):
        no other writer, thread or process, can store anything between its checks and
        the insert. It must not call back into this store's write methods.
        """
        ...

    def mention_revisions(self, ids: Iterable[str]) -> dict[str, Revision]:
        """Of the given mention ids, those stored, each with its edit and deletion times."""
        ...

    def tombstone_mentions(self, ids: Iterable[str], at: datetime) -> int:
        """Mark these mentions deleted at their source (``deleted_at = at``) and clear the
        author's words: title, text, markup, what search indexes of them, and the quotes
        in the judgments' evidence. The rows stay, so the ids are never stored again.
        Ids unknown or already tombstoned are skipped; return how many were tombstoned."""
        ...

    def revise_mentions(self, mentions: Sequence[Mention]) -> int:
        """Replace stored mentions' words and judgments with these edits (each must carry
        ``edited_at``), in one transaction: title, text, markup, language, engagement,
        rating, brands, matched terms, content hash and judgments; search and tags follow.

        A mention is skipped when it is unknown, a tombstone, or already holds an edit as
        new or newer, so concurrent pollers cannot roll an edit back. A person's complaint
        label still outranks the judges. Return how many were revised.
        """
        ...

    def forget_content_hashes(self, before: datetime) -> int:
        """Drop hashes seen before ``before`` (outside the dedupe window); return how many."""
        ...

    def load_source_state(self, name: str) -> SourceState | None: ...

    def save_source_state(self, state: SourceState) -> None: ...

    def source_states(self) -> list[SourceState]: ...

    def get_mention(self, mention_id: str) -> Mention | None:
        """The mention with this id, tombstones included (their ``deleted_at`` is set)."""
        ...

    def get_author(self, source_type: str, handle: str) -> AuthorRecord | None: ...

    def copies_of(self, head_ids: Iterable[str]) -> dict[str, list[CopyRef]]:
        """The live near-copies of each of ``head_ids``, oldest first (every id is a key)."""
        ...

    def count_mentions(self) -> int:
        """How many mentions are stored, tombstones left out."""
        ...

    def update_judgments(self, mention_id: str, judgments: Judgments) -> Mention:
        """Replace a mention's judgments (and what is searched of them); return the mention.

        Raises ``UnknownMention`` when no mention has this id.
        """
        ...

    def set_complaint_label(
        self, mention_id: str, is_complaint: bool, *, by: str, at: datetime
    ) -> Mention:
        """Record a person's verdict on whether a mention is a complaint; return the mention.

        In one transaction: the label is stored (replacing an earlier one) and the mention's
        judgments say the person decided (``complaint_by="person"``, score 1.0 or 0.0, the
        label first in the evidence). Raises ``UnknownMention`` when no mention has this id.
        """
        ...

    def labelled_mentions(self, brand: str | None = None) -> list[LabelledMention]:
        """Every labelled mention (of ``brand`` only, when given), oldest label first;
        tombstones are left out (their words are gone, so nothing can learn from them)."""
        ...

    def save_complaint_model(
        self, brand: str, model: bytes, *, labels: int, positives: int, trained_at: datetime
    ) -> None:
        """Store ``brand``'s learned complaint model, replacing its previous one."""
        ...

    def complaint_models(self) -> dict[str, StoredModel]:
        """Every stored complaint model, by brand."""
        ...

    def search(
        self,
        query: str | None,
        *,
        brand: str | None = None,
        source: str | None = None,
        sentiment: str | None = None,
        complaint: bool | None = None,
        feeling: str | None = None,
        topic: str | None = None,
        language: str | None = None,
        urgency: str | None = None,
        flag: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
        highlight: tuple[str, str] = DEFAULT_HIGHLIGHT,
    ) -> list[SearchHit]:
        """Search in the brand query language; ``None``/empty lists everything, newest first.
        Tombstones (mentions deleted at their source) are never found.

        ``source`` matches a source name or type; ``sentiment`` is a ``SentimentLabel``
        value; ``complaint`` keeps complaints (True) or the rest (False); ``feeling`` and
        ``topic`` are names (any case); ``language`` is a language tag that also matches its
        regional and script variants ("hi" finds "hi-Latn"); ``urgency`` is an ``Urgency``
        and ``flag`` a ``Flag`` value. ``since`` is inclusive and ``until`` exclusive, on
        ``published_at``. A bad filter value is a ``ValueError`` naming the allowed ones.
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
