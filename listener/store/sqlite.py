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

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from listener.models import Mention, SourceState
from listener.query import QueryError
from listener.store import rows
from listener.store.base import DEFAULT_HIGHLIGHT, AuthorRecord, Recheck, SearchHit, StoreError
from listener.store.schema import MIGRATIONS, Migration, migrate
from listener.store.search import PLAIN_SNIPPET_CHARS, build_search

BUSY_TIMEOUT_MS = 10_000
_MAX_IDLE_READERS = 8


def _connect(path: Path, *, reader: bool) -> sqlite3.Connection:
    # check_same_thread=False is safe only because every connection is guarded: the writer
    # by self._write_lock, each reader by being checked out of the pool by one thread at a time.
    # isolation_level=None: no implicit BEGINs from the sqlite3 module; we open our own.
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if reader:
        conn.execute("PRAGMA query_only = ON")
    else:
        # WAL is persistent in the file; NORMAL sync is durable across application crashes
        # and only risks the last transactions on power loss, never corruption in WAL mode
        # (https://sqlite.org/pragma.html#pragma_synchronous).
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.close()
            raise StoreError(f"{path}: cannot switch to WAL journal mode (got {mode!r})")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _json_list(values: Iterable[object]) -> str:
    # A whole batch travels as one JSON parameter, read back with json_each(): one query per
    # call whatever the batch size, and no SQLITE_MAX_VARIABLE_NUMBER to hit.
    return json.dumps(list(values), ensure_ascii=False)


# -- duplicate lookups: shared by the reader methods and the in-transaction recheck -----


def _existing_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    found = conn.execute(
        "SELECT id FROM mentions WHERE id IN (SELECT value FROM json_each(?))", (_json_list(ids),)
    )
    return {r[0] for r in found}


def _existing_canonical_urls(
    conn: sqlite3.Connection, urls: Iterable[str], exclude_source: str | None
) -> set[str]:
    # source compares under its column collation (NOCASE, as everywhere a source is named),
    # so the (canonical_url, source) index answers this without reading any mention row.
    found = conn.execute(
        "SELECT DISTINCT canonical_url FROM mentions"
        " WHERE canonical_url IN (SELECT value FROM json_each(:urls))"
        " AND (:exclude IS NULL OR source != :exclude)",
        {"urls": _json_list(u for u in urls if u), "exclude": exclude_source},
    )
    return {r[0] for r in found}


def _recent_content_hashes(
    conn: sqlite3.Connection, pairs: Iterable[tuple[str, str]], since: datetime
) -> set[tuple[str, str]]:
    found = conn.execute(
        "SELECT brand, content_hash FROM content_hashes"
        " WHERE (brand, content_hash) IN"
        "   (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
        "    FROM json_each(?))"
        " AND seen_at >= ?",
        (_json_list([brand, digest] for brand, digest in pairs), rows.ts(since)),
    )
    return {(r[0], r[1]) for r in found}


class _TransactionLookups:
    """``DuplicateLookups`` on the writer connection, inside one insert's transaction.

    Valid only while the recheck runs: kept past it, it would query the writer connection
    without holding the writer lock.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("recheck lookups are usable only while the recheck runs")
        return self._conn

    def end(self) -> None:
        self._conn = None

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        return _existing_ids(self._live(), ids)

    def existing_canonical_urls(
        self, urls: Iterable[str], *, exclude_source: str | None = None
    ) -> set[str]:
        return _existing_canonical_urls(self._live(), urls, exclude_source)

    def recent_content_hashes(
        self, pairs: Iterable[tuple[str, str]], since: datetime
    ) -> set[tuple[str, str]]:
        return _recent_content_hashes(self._live(), pairs, since)


class SQLiteStore:
    """The SQLite implementation of ``listener.store.Store``."""

    def __init__(self, path: str | Path, *, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = Path(path)
        self._write_lock = threading.Lock()
        self._writing_thread: int | None = None  # who holds _write_lock, to refuse re-entry
        self._pool_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False
        self._writer = _connect(self.path, reader=False)
        try:
            self.schema_version = migrate(self._writer, migrations)
        except BaseException:
            self._writer.close()
            raise

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
            conn = _connect(self.path, reader=True)
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
        self, mentions: Sequence[Mention], *, recheck: Recheck | None = None
    ) -> list[Mention]:
        # Building a row extracts handles and hashtags from up to max_text_chars of text:
        # done here, before the lock, so sources storing at once do not queue behind it.
        prepared = [(m, rows.mention_to_row(m)) for m in mentions]
        new: list[Mention] = []
        with self._write() as conn:
            if recheck is not None:
                prepared = _rechecked(conn, recheck, prepared)
            # A tight loop of cached prepared statements in one transaction: rowcount tells
            # which rows were new, which executemany cannot.
            for m, row in prepared:
                if conn.execute(rows.INSERT_MENTION, row).rowcount != 1:
                    continue
                new.append(m)
                seen_at = rows.ts(m.fetched_at)
                for brand in dict.fromkeys(m.brands):
                    conn.execute(
                        "INSERT OR IGNORE INTO mention_brands (brand, mention_id) VALUES (?, ?)",
                        (brand, m.id),
                    )
                    conn.execute(
                        "INSERT INTO content_hashes (brand, content_hash, seen_at) VALUES (?, ?, ?)"
                        " ON CONFLICT (brand, content_hash)"
                        " DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)",
                        (brand, m.content_hash, seen_at),
                    )
                if m.author.handle:
                    conn.execute(rows.UPSERT_AUTHOR, rows.author_params(m, m.author.handle))
        return new

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        with self._read() as conn:
            return _existing_ids(conn, ids)

    def existing_canonical_urls(
        self, urls: Iterable[str], *, exclude_source: str | None = None
    ) -> set[str]:
        with self._read() as conn:
            return _existing_canonical_urls(conn, urls, exclude_source)

    def recent_content_hashes(
        self, pairs: Iterable[tuple[str, str]], since: datetime
    ) -> set[tuple[str, str]]:
        with self._read() as conn:
            return _recent_content_hashes(conn, pairs, since)

    def forget_content_hashes(self, before: datetime) -> int:
        with self._write() as conn:
            return conn.execute(
                "DELETE FROM content_hashes WHERE seen_at < ?", (rows.ts(before),)
            ).rowcount

    def get_mention(self, mention_id: str) -> Mention | None:
        with self._read() as conn:
            row = conn.execute(rows.SELECT_MENTION, (mention_id,)).fetchone()
        return None if row is None else rows.row_to_mention(row)

    def count_mentions(self) -> int:
        with self._read() as conn:
            count: int = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        return count

    def get_author(self, source_type: str, handle: str) -> AuthorRecord | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM authors WHERE source_type = ? AND handle_key = ?",
                (source_type, handle.lower()),
            ).fetchone()
        return None if row is None else rows.row_to_author(row)

    # -- source state --------------------------------------------------------------

    def load_source_state(self, name: str) -> SourceState | None:
        with self._read() as conn:
            row = conn.execute(rows.SELECT_STATES + " WHERE source = ?", (name,)).fetchone()
        return None if row is None else rows.row_to_state(row)

    def save_source_state(self, state: SourceState) -> None:
        with self._write() as conn:
            conn.execute(rows.UPSERT_STATE, rows.state_to_row(state))

    def source_states(self) -> list[SourceState]:
        with self._read() as conn:
            found = conn.execute(rows.SELECT_STATES + " ORDER BY source").fetchall()
        return [rows.row_to_state(r) for r in found]

    # -- search --------------------------------------------------------------------

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
        compiled = build_search(
            query, brand=brand, source=source, sentiment=sentiment, since=since, until=until,
            limit=limit, offset=offset, highlight=highlight,
        )  # fmt: skip
        with self._read() as conn:
            try:
                found = conn.execute(compiled.sql, compiled.params).fetchall()
            except sqlite3.OperationalError as exc:
                # to_fts5 quotes all user text, so a bad MATCH is a translation bug, not bad
                # input; still, a search box must get a query error, never a database error.
                # FTS5's messages vary ("fts5: syntax error…", "unterminated string"), so ask
                # FTS5 itself whether one of our expressions is the culprit.
                if not any(map(partial(_fts_rejects, conn), compiled.fts_expressions)):
                    raise
                raise QueryError(f"search cannot run this query ({exc})", query or "", 1) from exc
        hits: list[SearchHit] = []
        for row in found:
            mention = rows.row_to_mention(row)
            if compiled.ranked:
                # bm25() is "lower is better"; flip it so every engine's score reads the same way.
                hits.append(SearchHit(mention, -row["score"], row["snip"], row["title_hl"]))
            else:
                hits.append(SearchHit(mention, None, _plain_snippet(mention.text), mention.title))
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


def _rechecked(
    conn: sqlite3.Connection, recheck: Recheck, prepared: list[tuple[Mention, tuple[Any, ...]]]
) -> list[tuple[Mention, tuple[Any, ...]]]:
    """The (mention, row) pairs to insert: those ``recheck`` keeps, in its order."""
    lookups = _TransactionLookups(conn)
    try:
        kept = recheck(lookups)
    finally:
        lookups.end()
    by_id = {m.id: (m, row) for m, row in prepared}
    chosen: list[tuple[Mention, tuple[Any, ...]]] = []
    for m in kept:
        known = by_id.get(m.id)
        # A recheck normally returns some of the very objects it was given; anything else
        # (a changed copy, a mention not in the batch) gets its row built here.
        chosen.append(known if known is not None and known[0] == m else (m, rows.mention_to_row(m)))
    return chosen


def _fts_rejects(conn: sqlite3.Connection, expression: str) -> bool:
    try:
        conn.execute(
            "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? LIMIT 1", (expression,)
        ).fetchall()
    except sqlite3.OperationalError:
        return True
    return False


def _plain_snippet(text: str) -> str:
    if len(text) <= PLAIN_SNIPPET_CHARS:
        return text
    cut = text[:PLAIN_SNIPPET_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > PLAIN_SNIPPET_CHARS // 2 else cut).rstrip() + "…"
