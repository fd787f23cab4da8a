"""The shared mention index: the reads a scale-out engine answers instead of the local SQLite
file (issue 19).

With ``storage.elasticsearch`` set, each daemon keeps its own SQLite file as before (source
state, alerts, the outbox, and the mentions it stored itself, which its alerts point at and
which are its journal of what the index still has to receive), and every daemon's mentions
meet in one Elasticsearch index. Search, the dashboard's figures and the author pages read
that index: ``SQLiteStore.shared_index`` is ``None`` on the embedded engine and a
``MentionIndex`` on ``ElasticStore``. Each free read function of the store that the web and
CLI call (``search_walk.walk_page``, ``search_facets.facet_counts``, ``stats.volume``…)
starts with the same two lines::

    if (index := store.shared_index) is not None:
        return index.volume(scope)

so callers keep one call and both engines answer with the same models. What stays local on
purpose: the alerts and everything read inside the alert rules' write transaction (history
in an alert is this daemon's), response times, the inbox, people and saved searches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from listener.store.base import DEFAULT_HIGHLIGHT, AuthorRecord, SearchHit

if TYPE_CHECKING:  # these modules route through this one: types only, no import cycle
    from listener.models import Mention
    from listener.store.author_reads import MentionKey
    from listener.store.near_prints import CopyRef
    from listener.store.rule_reads import SourceTypes
    from listener.store.search_facets import FacetCounts
    from listener.store.search_walk import WalkPage
    from listener.store.stats.counts import Dimension
    from listener.store.stats.models import (
        Breakdown,
        Complaints,
        EngagedMention,
        ShareOfVoice,
        TopAuthor,
        Volume,
    )
    from listener.store.stats.scope import StatsScope


@dataclass(frozen=True, slots=True)
class SearchAsk:
    """A search as it was asked: the query language's text and the filters, before any
    engine turned them into SQL or the Query DSL (``listener.store.search.search_where``
    keeps one on the ``SearchWhere`` it builds, so readers handed a ``SearchWhere`` can send
    the same search to the shared index). Values are already validated."""

    query: str | None = None
    brand: str | None = None
    source: str | None = None
    sentiment: str | None = None
    complaint: bool | None = None
    feeling: str | None = None
    topic: str | None = None
    language: str | None = None
    urgency: str | None = None
    flag: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class MentionIndex(Protocol):
    """The mention reads a shared index answers; each returns what the SQLite reader of the
    same name returns, for the same mentions (the contract suite, ``tests/contract/``,
    compares the two engines answer for answer)."""

    engine: str  # "elasticsearch": named in `listener check`, the web's footer and logs

    # -- search (listener.store.elasticsearch.search) -------------------------------------
    def search(
        self,
        ask: SearchAsk,
        *,
        limit: int = 20,
        offset: int = 0,
        highlight: tuple[str, str] = DEFAULT_HIGHLIGHT,
    ) -> list[SearchHit]: ...

    def walk_page(
        self,
        ask: SearchAsk,
        *,
        after: int,
        limit: int,
        highlight: tuple[str, str] = DEFAULT_HIGHLIGHT,
    ) -> WalkPage: ...

    def facet_counts(self, ask: SearchAsk, *, sample: int) -> FacetCounts: ...

    def export_pages(self, ask: SearchAsk, *, page_size: int) -> Iterator[list[SearchHit]]: ...

    def exact_count(self, ask: SearchAsk) -> int: ...

    def count_mentions(self) -> int: ...

    def get_mention(self, mention_id: str) -> Mention | None: ...

    # -- near-copies (listener.store.elasticsearch.copies) ---------------------------------
    def copies_of(self, head_ids: Iterable[str]) -> dict[str, list[CopyRef]]: ...

    # -- the dashboard (listener.store.elasticsearch.stats) --------------------------------
    def volume(self, scope: StatsScope) -> Volume: ...

    def complaints(self, scope: StatsScope) -> Complaints: ...

    def breakdown(self, scope: StatsScope, dimension: Dimension) -> Breakdown: ...

    def share_of_voice(self, scope: StatsScope) -> ShareOfVoice: ...

    def totals(self, scope: StatsScope) -> tuple[int, int, int]:
        """(mentions, negative, complaints) of the scope: the headline's counts."""
        ...

    def top_authors(self, scope: StatsScope, limit: int) -> list[TopAuthor]: ...

    def engaged_mentions(self, scope: StatsScope, limit: int) -> list[EngagedMention]: ...

    def newest_texts(self, scope: StatsScope, sample: int) -> list[str]:
        """The words rising terms count: the scope's newest ``sample`` mentions' texts."""
        ...

    # -- authors (listener.store.elasticsearch.authors) ------------------------------------
    def author_records(self, source_types: Sequence[str], handle: str) -> list[AuthorRecord]: ...

    def get_author(self, source_type: str, handle: str) -> AuthorRecord | None:
        """``Store.get_author``: keyed by the handle lowercased as given."""
        ...

    def accounts_mentions_page(
        self,
        accounts: Sequence[tuple[SourceTypes, str]],
        *,
        after: MentionKey | None,
        limit: int,
    ) -> tuple[list[Mention], MentionKey | None]: ...


def ask_fields(ask: SearchAsk) -> dict[str, Any]:
    """The filters of ``ask`` as keyword arguments of ``Store.search`` (query left out)."""
    return {name: getattr(ask, name) for name in SearchAsk.__slots__ if name != "query"}
