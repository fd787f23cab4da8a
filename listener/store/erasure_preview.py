"""What an erasure would remove, counted by reads alone (the confirm page, the CLI's plan).

Before, the preview ran the whole erasure under the writer and rolled it back: on a
million-mention store that held every poll's writes for seconds at each admin's look at
the confirm page. These are indexed reads on a reader connection, each the count of what
``erasure_rows.erase_accounts_on`` deletes, by the same keys. What they leave out: the
digests that only quote the person (found by reading alerts' text) and the reply drafts
removed; the erasure counts those in its report and audit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from listener.store.erasure_marks import has_table
from listener.store.erasure_rows import (
    account_keys,
    author_keyed_tables,
    handles_and_names_on,
    key_forms,
    keyed_params,
    mentions_of_on,
)
from listener.store.erasure_traces import saved_searches_naming


def preview_on(
    conn: sqlite3.Connection, accounts: Sequence[tuple[str, str]], person_id: int | None
) -> dict[str, int]:
    keys = account_keys(accounts)
    found = mentions_of_on(conn, accounts)
    ids = json.dumps([r[1] for r in found])
    counts: dict[str, int] = {"mentions": len(found), "tombstones": len(found)}
    deleted, changed = _alerts(conn, ids)
    counts["alerts_deleted"], counts["alerts_changed"] = len(deleted), changed
    # A deleted alert's links go with it by foreign key, before the erasure counts links.
    counts["open_alert_links"] = _sum(
        conn,
        "SELECT count(*) FROM open_alert_authors WHERE source_type = ? AND handle IN (?, ?)"
        " AND alert_id NOT IN (SELECT value FROM json_each(?))",
        [(*p, json.dumps(deleted)) for p in keyed_params(keys)],
    )
    hashes = [[b, r[7]] for r in found for b in json.loads(r[6])]
    counts["content_hashes"] = _one(
        conn,
        "SELECT count(*) FROM content_hashes WHERE (brand, content_hash) IN"
        " (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
        (json.dumps(hashes),),
    )
    if "copy_of" in {r[1] for r in conn.execute("PRAGMA table_info(mentions)")}:
        counts["copies_reheaded"] = _one(
            conn,
            "SELECT count(*) FROM mentions WHERE copy_of IN (SELECT value FROM json_each(?1))"
            " AND id NOT IN (SELECT value FROM json_each(?1))",
            (ids,),
        )
    handles, names = handles_and_names_on(conn, keys, found)
    counts["saved_searches"] = len(saved_searches_naming(conn, handles, names))
    keyed = author_keyed_tables(conn)
    for table in keyed:
        counts[table] = _sum(
            conn,
            f'SELECT count(*) FROM "{table}" WHERE source_type = ? AND handle_key IN (?, ?)',  # noqa: S608
            keyed_params(keys),
        )
    counts.update(_person_rows(conn, keys, person_id, set(keyed)))
    return {k: v for k, v in counts.items() if v}


def _alerts(conn: sqlite3.Connection, ids: str) -> tuple[list[int], int]:
    # An alert made only of the erased mentions goes; one keeping others is changed.
    found = conn.execute(
        "SELECT am.alert_id, (SELECT count(*) FROM alert_mentions a WHERE a.alert_id = am.alert_id)"
        " = count(*) FROM alert_mentions am WHERE am.mention_id IN (SELECT value FROM json_each(?))"
        " GROUP BY am.alert_id",
        (ids,),
    ).fetchall()
    return [a for a, whole in found if whole], sum(1 for _, whole in found if not whole)


def _person_rows(
    conn: sqlite3.Connection, keys: list[tuple[str, str]], person_id: int | None, keyed: set[str]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    pairs = json.dumps([[t, k] for t, k in keys])
    if has_table(conn, "person_dismissals"):
        counts["person_dismissals"] = _one(
            conn,
            "SELECT count(*) FROM person_dismissals WHERE EXISTS (SELECT 1 FROM json_each(?) a"
            " WHERE (json_extract(a.value, '$[0]') = lower(a_type)"
            "        AND json_extract(a.value, '$[1]') = a_key)"
            " OR (json_extract(a.value, '$[0]') = lower(b_type)"
            "     AND json_extract(a.value, '$[1]') = b_key))",
            (pairs,),
        )
    if has_table(conn, "author_keys"):
        # Only other profiles' keys: the erased accounts' own 'names' key is counted with
        # their author-keyed rows, which the erasure deletes first (as its record says).
        own = json.dumps([[t, f] for t, k in keys for f in key_forms(k)])
        counts["author_keys_naming"] = _sum(
            conn,
            "SELECT count(*) FROM author_keys WHERE kind = 'names' AND value = ?"
            " AND (source_type, handle_key) NOT IN (SELECT json_extract(o.value, '$[0]'),"
            " json_extract(o.value, '$[1]') FROM json_each(?) o)",
            [(f, own) for k in dict.fromkeys(k for _, k in keys) for f in key_forms(k)],
        )
    if not has_table(conn, "person_accounts"):
        return counts
    # A person left with no account goes (the erasure's rule), the asked-for person too.
    people = {
        r[0]
        for params in keyed_params(keys)
        for r in conn.execute(
            "SELECT person_id FROM person_accounts WHERE source_type = ? AND handle_key IN (?, ?)",
            params,
        )
    }
    left = 0
    for pid in people | ({person_id} if person_id is not None else set()):
        others = _one(conn, "SELECT count(*) FROM person_accounts WHERE person_id = ?", (pid,))
        mine = sum(
            _one(
                conn,
                "SELECT count(*) FROM person_accounts WHERE person_id = ? AND source_type = ?"
                " AND handle_key IN (?, ?)",
                (pid, *p),
            )
            for p in keyed_params(keys)
        )
        left += int(others == mine or pid == person_id)
    counts["people"] = left
    if person_id is not None:
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall():
            columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
            if "person_id" in columns and table not in keyed:
                counts[table] = _one(
                    conn, f'SELECT count(*) FROM "{table}" WHERE person_id = ?',  # noqa: S608
                    (person_id,),
                )  # fmt: skip
    return counts


def _one(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


def _sum(conn: sqlite3.Connection, sql: str, many: Sequence[Sequence[object]]) -> int:
    return sum(_one(conn, sql, p) for p in many)
