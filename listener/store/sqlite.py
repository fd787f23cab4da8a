"""The embedded SQLite engine: one file, WAL, FTS5.

Concurrency model (datasette's): every write goes through ONE writer connection, serialised
by a lock, each call one ``BEGIN IMMEDIATE`` transaction; reads use their own connections
from a small pool. In WAL mode readers never block the writer nor wait for it, and each read
statement sees one committed snapshot, so a reader never sees half a batch
(https://sqlite.org/wal.html). Every method is safe to call from worker threads
(``asyncio.to_thread``).

"A mention is stored once" cannot rest on checks made through readers: two sources polled
at once (or a ``poll --once`` next to the daemon) would both find an article new, then both
insert it. So ``insert_mentions`` lets its caller re-run the checks inside the write
transaction; ``BEGIN IMMEDIATE`` holds SQLite's write lock, which also excludes other
processes, and the checks see everything committed before it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Self

from listener.models import Judgments, Mention, SourceState
from listener.query import QueryError
from listener.store import labelling, letters, lookups, revisions, rollups, rows, state_rows
from listener.store.activity_reads import ActivityRows
from listener.store.alert_contract import OnStored
from listener.store.alert_decide import decide_alerts_on
from listener.store.author_reads import with_local_record
from listener.store.base import (
    DEFAULT_HIGHLIGHT,
    AuthorRecord,
    LabelledMention,
    Recheck,
    Revision,
    SearchHit,
    StoredModel,
    StoreError,
)
from listener.store.connection import connect
from listener.store.erasure import ErasureRows
from listener.store.mention_index import MentionIndex
from listener.store.near_prints import NearCopyRows, write_prints_on
from listener.store.people import PeopleRows, write_profile_keys_on
from listener.store.schema import MIGRATIONS, Migration, migrate
from listener.store.schema_scale import FILTERS_SCHEMA
from listener.store.schema_stats import ROLLUPS_SCHEMA
from listener.store.search import (
    build_search,
    fts_rejects,
    pick_statement,
    plain_snippet,
    search_where,
)
from listener.store.sqlite_alerts import SQLiteAlerts
from listener.store.stream_rows import StreamHealthRows

_MAX_IDLE_READERS = 8


class SQLiteStore(
    SQLiteAlerts, StreamHealthRows, PeopleRows, ErasureRows, NearCopyRows, ActivityRows
):
    """The SQLite implementation of ``listener.store.Store`` (alerts and the outbox in
    ``listener.store.sqlite_alerts``)."""

    # The shared mention index that answers search, the dashboard and author pages instead
    # of this file: None here, an ``ElasticIndex`` on ``ElasticStore``
    # (listener.store.mention_index).
    shared_index: MentionIndex | None = None

    def __init__(self, path: str | Path, *, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = Path(path)
        self._write_lock = threading.Lock()
        self._writing_thread: int | None = None  # who holds _write_lock, to refuse re-entry
        self._pool_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False
        self._writer = connect(self.path, reader=False)
        try:
            self.schema_version = migrate(self._writer, migrations)
        except BaseException:
            self._writer.close()
            raise
        # A store held at an older schema (``migrations`` is how tests make one) has no
        # mention_filters yet; the migration fills it from the mentions when it comes.
        self._writes_filters = self.schema_version >= FILTERS_SCHEMA
        # Likewise the rollups (schema 12) and the letters index (13): such a store has
        # neither table, and writes nothing to them.
        self._writes_rollups = self.schema_version >= ROLLUPS_SCHEMA
        self._writes_letters = self.schema_version >= letters.LETTERS_SCHEMA

    # -- connections ---------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # Only this thread can have set _writing_thread to its own id, so reading it
        # unlocked is safe. A recheck that writes through the store would deadlock.
        if self._writing_thread == threading.get_ident():
            raise StoreError("a recheck cannot write through the store it is checking for")
        with self._write_lock:
            self._check_open()
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            self._writing_thread = threading.get_ident()
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (e.g. disk full); a failed COMMIT
                # must not leave the transaction open for the next writer.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._writing_thread = None

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._pool_lock:
            self._check_open()
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = connect(self.path, reader=True)
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            with self._pool_lock:
                keep = not self._closed and len(self._idle) < _MAX_IDLE_READERS
                if keep:
                    self._idle.append(conn)
            if not keep:
                conn.close()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"store {self.path} is closed")

    # -- mentions ------------------------------------------------------------------

    def insert_mentions(
        self,
        mentions: Sequence[Mention],
        *,
        recheck: Recheck | None = None,
        on_stored: OnStored | None = None,
    ) -> list[Mention]:
        # Building a row extracts handles and hashtags from up to max_text_chars of text:
        # done here, before the lock, so sources storing at once do not queue behind it.
        prepared = [(m, rows.mention_to_row(m)) for m in mentions]
        new: list[Mention] = []
        with self._write() as conn:
            if recheck is not None:
                prepared = lookups.rechecked(conn, recheck, prepared)
            # A tight loop of cached prepared statements in one transaction: rowcount tells
            # which rows were new, which executemany cannot.
            fts: list[tuple[object, ...]] = []
            filters: list[tuple[object, ...]] = []
            for m, row in prepared:
                inserted = conn.execute(rows.INSERT_MENTION, row)
                if inserted.rowcount == 1:
                    new.append(m)
                    seq = inserted.lastrowid
                    fts.append((seq, *rows.fts_values(row)))
                    if (filter_row := rows.filter_values(seq, row)) is not None:
                        filters.append(filter_row)
            # The new mentions' other rows, one executemany per table: the same rows in the
            # same order as a statement each, for less Python per row.
            conn.executemany(rows.INSERT_FTS, fts)
            if self._writes_letters:
                letters.index_new(conn, fts)
            if self._writes_filters:
                conn.executemany(rows.INSERT_FILTERS, filters)
            conn.executemany(rows.INSERT_BRAND, rows.brand_rows(new))
            conn.executemany(rows.UPSERT_HASH, rows.hash_rows(new))
            conn.executemany(rows.UPSERT_AUTHOR, rows.author_rows(new))
            write_profile_keys_on(conn, new)
            write_prints_on(conn, new)
            tag_rows = [t for m in new for t in rows.tag_rows(m.id, m.judgments)]
            conn.executemany(rows.INSERT_TAG, tag_rows)
            if self._writes_rollups:
                rollups.count_new(conn, new, tag_rows)
            if on_stored is not None and new:
                # Before COMMIT, on the writer, so the batch's mentions and alerts commit
                # together and its alerts are raised exactly once.
                decide_alerts_on(conn, on_stored, new)
        return new

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        with self._read() as conn:
            return lookups.existing_ids_on(conn, ids)

    def existing_canonical_urls(
        self, urls: Iterable[str], *, exclude_source: str | None = None
    ) -> set[str]:
        with self._read() as conn:
            return lookups.existing_canonical_urls_on(conn, urls, exclude_source)

    def recent_content_hashes(
        self, pairs: Iterable[tuple[str, str]], since: datetime
    ) -> set[tuple[str, str]]:
        with self._read() as conn:
            return lookups.recent_content_hashes_on(conn, pairs, since)

    def mention_revisions(self, ids: Iterable[str]) -> dict[str, Revision]:
        with self._read() as conn:
            return revisions.mention_revisions_on(conn, ids)

    def tombstone_mentions(self, ids: Iterable[str], at: datetime) -> int:
        with self._write() as conn:
            return revisions.tombstone_on(conn, ids, at)

    def revise_mentions(self, mentions: Sequence[Mention]) -> int:
        if not mentions:
            return 0
        with self._write() as conn:
            return revisions.revise_on(
                conn, mentions, with_rollups=self._writes_rollups, with_letters=self._writes_letters
            )

    def forget_content_hashes(self, before: datetime) -> int:
        with self._write() as conn:
            return conn.execute(
                "DELETE FROM content_hashes WHERE seen_at < ?", (rows.ts(before),)
            ).rowcount

    def get_mention(self, mention_id: str) -> Mention | None:
        with self._read() as conn:
            row = conn.execute(rows.SELECT_MENTION, (mention_id,)).fetchone()
        if row is None and (index := self.shared_index) is not None:
            # Stored by another daemon sharing the index (this file has its own only).
            return index.get_mention(mention_id)
        return None if row is None else rows.row_to_mention(row)

    def count_mentions(self) -> int:
        if (index := self.shared_index) is not None:
            return index.count_mentions()
        with self._read() as conn:
            count: int = conn.execute(
                "SELECT count(*) FROM mentions WHERE deleted_at IS NULL"
            ).fetchone()[0]
        return count

    def get_author(self, source_type: str, handle: str) -> AuthorRecord | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM authors WHERE source_type = ? AND handle_key = ?",
                (source_type, handle.lower()),
            ).fetchone()
        own = None if row is None else rows.row_to_author(row)
        if (index := self.shared_index) is not None:
            # The cluster's record completed by this daemon's row (see with_local_record).
            return with_local_record(self, index.get_author(source_type, handle), own)
        return own

    # -- judgments and labels ------------------------------------------------------

    def update_judgments(self, mention_id: str, judgments: Judgments) -> Mention:
        with self._write() as conn:
            mention = labelling.mention_on(conn, mention_id)
            labelling.write_judgments_on(
                conn, mention_id, judgments, with_rollups=self._writes_rollups
            )
        return replace(mention, judgments=judgments)

    def set_complaint_label(
        self, mention_id: str, is_complaint: bool, *, by: str, at: datetime
    ) -> Mention:
        if not by.strip():
            raise ValueError("a label needs the name of who set it")
        with self._write() as conn:
            mention = labelling.mention_on(conn, mention_id)
            judgments = labelling.person_verdict(mention.judgments, is_complaint, by)
            conn.execute(labelling.UPSERT_LABEL, (mention_id, int(is_complaint), rows.ts(at), by))
            labelling.write_judgments_on(
                conn, mention_id, judgments, with_rollups=self._writes_rollups
            )
        return replace(mention, judgments=judgments)

    def labelled_mentions(self, brand: str | None = None) -> list[LabelledMention]:
        where, params = (labelling.LABELLED_BRAND, (brand,)) if brand is not None else ("", ())
        with self._read() as conn:
            found = conn.execute(
                labelling.SELECT_LABELLED + where + labelling.LABELLED_ORDER, params
            ).fetchall()
        return [labelling.row_to_labelled(r) for r in found]

    def save_complaint_model(
        self, brand: str, model: bytes, *, labels: int, positives: int, trained_at: datetime
    ) -> None:
        params = (brand, rows.ts(trained_at), labels, positives, model)
        with self._write() as conn:
            conn.execute(labelling.UPSERT_MODEL, params)

    def complaint_models(self) -> dict[str, StoredModel]:
        with self._read() as conn:
            found = conn.execute(labelling.SELECT_MODELS).fetchall()
        return {r["brand"]: labelling.row_to_model(r) for r in found}

    # -- source state --------------------------------------------------------------

    def load_source_state(self, name: str) -> SourceState | None:
        with self._read() as conn:
            row = conn.execute(state_rows.SELECT_STATES + " WHERE source = ?", (name,)).fetchone()
        return None if row is None else state_rows.row_to_state(row)

    def save_source_state(self, state: SourceState) -> None:
        with self._write() as conn:
            conn.execute(state_rows.UPSERT_STATE, state_rows.state_to_row(state))

    def make_source_due(self, name: str, now: datetime) -> None:
        """Bring ``name``'s next check forward to ``now`` ("poll now"), in one statement.

        Only the one column changes: reading the state and saving it back would overwrite
        whatever a poll finishing in between stored (cursor, validators, counts). A source
        never polled has no row and is due already; a parked one stays parked.
        """
        with self._write() as conn:
            conn.execute(state_rows.MAKE_DUE, {"source": name, "now": rows.ts(now)})

    def source_states(self) -> list[SourceState]:
        with self._read() as conn:
            found = conn.execute(state_rows.SELECT_STATES + " ORDER BY source").fetchall()
        return [state_rows.row_to_state(r) for r in found]

    # -- search --------------------------------------------------------------------

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
        if (index := self.shared_index) is not None:
            if limit < 0 or offset < 0:
                raise ValueError("limit and offset must not be negative")
            # Checks the values and the query as the SQLite search does.
            where = search_where(
                query, brand=brand, source=source, sentiment=sentiment, complaint=complaint,
                feeling=feeling, topic=topic, language=language, urgency=urgency, flag=flag,
                since=since, until=until,
            )  # fmt: skip
            assert where.ask is not None  # search_where always says what was asked
            return index.search(where.ask, limit=limit, offset=offset, highlight=highlight)
        compiled = build_search(
            query, brand=brand, source=source, sentiment=sentiment, complaint=complaint,
            feeling=feeling, topic=topic, language=language, urgency=urgency, flag=flag,
            since=since, until=until, limit=limit, offset=offset, highlight=highlight,
        )  # fmt: skip
        with self._read() as conn:
            try:
                compiled = pick_statement(conn, compiled)  # the letters index's share, if any
                found = conn.execute(compiled.sql, compiled.params).fetchall()
            except sqlite3.OperationalError as exc:
                # to_fts5 quotes all user text, so a bad MATCH is a translation bug, not bad
                # input; still, a search box must get a query error, never a database error.
                # FTS5's messages vary ("fts5: syntax error…", "unterminated string"), so ask
                # FTS5 itself whether one of our expressions is the culprit.
                if not any(map(partial(fts_rejects, conn), compiled.fts_expressions)):
                    raise
                raise QueryError(f"search cannot run this query ({exc})", query or "", 1) from exc
        hits: list[SearchHit] = []
        for row in found:
            mention = rows.row_to_mention(row)
            if compiled.ranked:
                # bm25() is "lower is better"; flip it so every engine's score reads the same way.
                hits.append(SearchHit(mention, -row["score"], row["snip"], row["title_hl"]))
            else:
                hits.append(SearchHit(mention, None, plain_snippet(mention.text), mention.title))
        return hits

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        with self._write_lock, self._pool_lock:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
            for conn in idle:
                conn.close()
            # Closing the last connection checkpoints the WAL and removes the -wal file.
            self._writer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(path: str | Path) -> SQLiteStore:
    """Open the SQLite store at ``path``, creating its folder, file and schema as needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(path)
