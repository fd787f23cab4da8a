"""The last traces of an erased person outside their mentions, alerts and author rows
(review of issue 18, finding 8), each in the erasure's transaction:

- a saved search whose name or query a staff member typed naming them (their @handle, or a
  handle of 4+ characters or a full display name as a whole word) is deleted: its query is
  about that person, and blanking the name would turn it into another search. The count
  says how many went ("saved searches naming them"), never which;
- a delivery's ``last_error`` of an alert the erasure changed is cleared (a channel's
  error may quote the message it refused);
- a source's poll ``cursor`` equal to an erased post's native id is cleared (the source
  then polls from its newest, as after a reset);
- a stream's ``last_error`` naming them is cleared.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence

from listener.store.erasure_alerts import MIN_NAME_CHARS
from listener.store.erasure_marks import has_table

# A bare handle shorter than this is too common a string to find in typed text ("al").
MIN_BARE_HANDLE_CHARS = 4


def _naming(handles: Iterable[str], names: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for handle in handles:
        at = "@?" if len(handle) >= MIN_BARE_HANDLE_CHARS else "@"
        parts.append(rf"(?<![\w@.\-]){at}{re.escape(handle)}(?![\w@]|[.\-]\w)")
    for name in names:
        if len(name) >= MIN_NAME_CHARS:
            words = r"\s+".join(re.escape(w) for w in name.split())
            parts.append(rf"(?<![\w@.\-]){words}(?![\w@]|[.\-]\w)")
    ordered = sorted(set(parts), key=len, reverse=True)
    return re.compile("|".join(ordered), re.IGNORECASE) if ordered else None


def saved_searches_naming(
    conn: sqlite3.Connection, handles: Iterable[str], names: Iterable[str]
) -> list[str]:
    """The names of the saved searches whose name or query names the person."""
    pattern = _naming(handles, names)
    if pattern is None or not has_table(conn, "saved_searches"):
        return []
    return [
        name
        for name, query in conn.execute("SELECT name, query FROM saved_searches").fetchall()
        if pattern.search(name) or pattern.search(query)
    ]


def erase_traces_on(
    conn: sqlite3.Connection,
    *,
    handles: Iterable[str],
    names: Iterable[str],
    native_ids: Sequence[tuple[str, str]],
    changed_alerts: Iterable[int],
) -> dict[str, int]:
    """Delete or clear the traces above; ``native_ids`` are (source, native id) of the
    erased mentions. Returns counts by kind."""
    counts: dict[str, int] = {}
    pattern = _naming(handles, names)
    gone = saved_searches_naming(conn, handles, names)
    if gone:
        counts["saved_searches"] = conn.executemany(
            "DELETE FROM saved_searches WHERE name = ?", [(n,) for n in gone]
        ).rowcount
    conn.executemany(
        "UPDATE deliveries SET last_error = NULL WHERE alert_id = ? AND last_error IS NOT NULL",
        [(a,) for a in changed_alerts],
    )
    conn.executemany(
        "UPDATE source_state SET cursor = NULL WHERE source = ? AND cursor = ?", native_ids
    )
    if pattern is not None and has_table(conn, "stream_health"):
        for source, error in conn.execute(
            "SELECT source, last_error FROM stream_health WHERE last_error IS NOT NULL"
        ).fetchall():
            if pattern.search(error):
                conn.execute(
                    "UPDATE stream_health SET last_error = NULL WHERE source = ?", (source,)
                )
    return {k: v for k, v in counts.items() if v}
