"""Erasing accounts on the writer connection, inside one transaction.

Deleting a mention row removes its index rows by trigger (``mentions_fts`` gets its
'delete', the letters index its DELETE) and its ``mention_brands``, ``mention_tags``,
``complaint_labels``, ``mention_filters`` and every later table keyed by the mention by
``ON DELETE CASCADE``. The rollup counts have no DELETE trigger on purpose: an erased
mention stays counted in the dashboard's figures, which hold no word or name of it, and
its counts are recorded in the kept-counts tables so `listener rollups rebuild` and
`check` add them in (``rollup_rebuild.keep_counts_on``).
A row keyed by an author, in any table, is keyed ``(source_type, handle_key)`` (the
store's rule since schema 15), so every such table is found by its columns and swept.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from listener.store import erasure_marks
from listener.store.erasure_alerts import Identity, scrub_alerts_on, words_of
from listener.store.erasure_marks import has_table
from listener.store.erasure_traces import erase_traces_on
from listener.store.people_models import handle_key
from listener.store.rollup_rebuild import keep_counts_on

_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
# A mention's author_handle is as the source shows it ("@JaneTube", "jane"): its index is
# (source_type, author_handle NOCASE), so each spelling is a point lookup, never a scan.
MENTIONS_OF = (
    "SELECT seq, id, title, body, author_handle, author_name, brands, content_hash, source,"
    " native_id FROM mentions WHERE source_type = ? AND author_handle = ? COLLATE NOCASE"
)


def key_forms(key: str) -> tuple[str, str]:
    """The stored spellings of a handle key: the authors table keys a handle lowercased as
    shown (a YouTube "@janetube"), the people tables without its '@' (``handle_key``)."""
    return key, "@" + key


def account_keys(accounts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(source_type, handle_key) of each account, once: the one key rule, people_models'."""
    return sorted({(t.strip().lower(), handle_key(h)) for t, h in accounts if handle_key(h)})


def keyed_params(keys: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Parameters of ``source_type = ? AND handle_key IN (?, ?)``: the key's two spellings,
    so a table's primary key (source_type, handle_key) serves the lookup."""
    return [(t, *key_forms(k)) for t, k in keys]


def mentions_of_on(
    conn: sqlite3.Connection, accounts: Sequence[tuple[str, str]]
) -> list[sqlite3.Row]:
    """The mentions of ``accounts`` by the mentions_author index: each account's handle as
    given and its key with and without '@' (NOCASE folds ASCII only, the key is folded)."""
    found: dict[int, sqlite3.Row] = {}
    for source_type, handle in accounts:
        key = handle_key(handle)
        if not key:
            continue
        for spelling in dict.fromkeys((handle.strip(), *key_forms(key))):
            for row in conn.execute(MENTIONS_OF, (source_type.strip().lower(), spelling)):
                found.setdefault(row[0], row)
    return [found[seq] for seq in sorted(found)]


def author_keyed_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables holding rows keyed by an author: those with source_type and handle_key."""
    found = []
    for (name,) in conn.execute(_TABLES).fetchall():
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({_quoted(name)})")}
        if {"source_type", "handle_key"} <= columns:
            found.append(name)
    return found


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def erase_accounts_on(
    conn: sqlite3.Connection, accounts: Sequence[tuple[str, str]]
) -> dict[str, int]:
    """Erase every mention, author row and author-keyed row of ``accounts``
    ((source_type, handle) pairs); return how many rows of each kind went."""
    keys = account_keys(accounts)
    pairs = json.dumps([[t, k] for t, k in keys])
    found = mentions_of_on(conn, accounts)
    handles, names = handles_and_names_on(conn, keys, found)
    ids = [r[1] for r in found]
    who = Identity(
        mention_ids=frozenset(ids),
        handles=handles,
        names=names,
        words=frozenset(words_of(t for r in found for t in (r[2], r[3]))),
    )
    counts: dict[str, int] = {"mentions": len(ids)}
    changed: set[int] = set()
    counts.update(scrub_alerts_on(conn, who, changed))
    counts.update(
        erase_traces_on(
            conn, handles=who.handles, names=who.names, changed_alerts=sorted(changed),
            native_ids=[(r[8], r[9]) for r in found],
        )
    )  # fmt: skip
    counts["open_alert_links"] = conn.executemany(
        "DELETE FROM open_alert_authors WHERE source_type = ? AND handle IN (?, ?)",
        keyed_params(keys),
    ).rowcount
    counts["content_hashes"] = _forget_hashes(conn, found)
    key = erasure_marks.store_key_on(conn)
    if key is not None:
        counts["tombstones"] = erasure_marks.mark_erased_on(conn, key, ids)
    counts["copies_reheaded"] = rehead_copies_on(conn, ids)
    keep_counts_on(conn, [r[0] for r in found])
    conn.execute(
        "DELETE FROM mentions WHERE seq IN (SELECT value FROM json_each(?))",
        (json.dumps([r[0] for r in found]),),
    )
    people = _people_of_on(conn, pairs)
    counts.update(delete_author_keyed_on(conn, keys))
    counts.update(_person_rows_on(conn, pairs, people))
    return {k: v for k, v in counts.items() if v}


def handles_and_names_on(
    conn: sqlite3.Connection, keys: Sequence[tuple[str, str]], found: Sequence[sqlite3.Row]
) -> tuple[frozenset[str], frozenset[str]]:
    """The person's handle keys and display names (case-folded): of the accounts, their
    mentions (``MENTIONS_OF`` rows) and their author rows."""
    names = {str(r[5]).casefold().strip() for r in found if r[5]}
    for params in keyed_params(keys):
        for (name,) in conn.execute(
            "SELECT name FROM authors WHERE source_type = ? AND handle_key IN (?, ?)"
            " AND name IS NOT NULL",
            params,
        ):
            names.add(str(name).casefold().strip())
    handles = {k for _, k in keys} | {handle_key(str(r[4])) for r in found if r[4]}
    return frozenset(handles), frozenset(n for n in names if n)


def delete_author_keyed_on(
    conn: sqlite3.Connection,
    keys: Sequence[tuple[str, str]],
    *,
    skip: frozenset[str] = frozenset(),
) -> dict[str, int]:
    """Delete the rows of ``keys`` ((source_type, handle_key)) from every author-keyed
    table but ``skip``, each by its primary key; return the rows deleted per table."""
    params = keyed_params(keys)
    counts: dict[str, int] = {}
    for table in author_keyed_tables(conn):
        if table not in skip and params:
            counts[table] = conn.executemany(
                f"DELETE FROM {_quoted(table)} WHERE source_type = ? AND handle_key IN (?, ?)",  # noqa: S608
                params,
            ).rowcount
    return counts


def rehead_copies_on(conn: sqlite3.Connection, ids: Sequence[str]) -> int:
    """Give the near-copies of heads about to be deleted (``ids``) a live head: the oldest
    copy heads the rest. Else each copy's ``copy_of`` would keep the erased post's id, which
    the opaque tombstone exists not to keep. Returns how many copies were moved."""
    if not ids or "copy_of" not in {r[1] for r in conn.execute("PRAGMA table_info(mentions)")}:
        return 0
    gone = json.dumps(list(ids))
    heads = conn.execute(
        "SELECT copy_of, min(seq) FROM mentions WHERE copy_of IN (SELECT value FROM json_each(?))"
        " AND id NOT IN (SELECT value FROM json_each(?)) GROUP BY copy_of",
        (gone, gone),
    ).fetchall()
    moved = 0
    for old_head, seq in heads:
        (new_head,) = conn.execute("SELECT id FROM mentions WHERE seq = ?", (seq,)).fetchone()
        conn.execute("UPDATE mentions SET copy_of = NULL WHERE seq = ?", (seq,))
        moved += (
            conn.execute(
                "UPDATE mentions SET copy_of = ? WHERE copy_of = ?", (new_head, old_head)
            ).rowcount
            + 1
        )
    return moved


def _people_of_on(conn: sqlite3.Connection, pairs: str) -> list[int]:
    if not has_table(conn, "person_accounts"):
        return []
    found = conn.execute(
        "SELECT DISTINCT person_id FROM person_accounts WHERE (lower(source_type), handle_key)"
        " IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
        (pairs,),
    )
    return [r[0] for r in found]


def _person_rows_on(conn: sqlite3.Connection, pairs: str, people: list[int]) -> dict[str, int]:
    """Schema 15's rows that name the accounts outside the (source_type, handle_key) key: a
    dismissed suggestion names two accounts, another profile's 'names' key holds the handle;
    a person left with no account keeps only the erased person's name and note, so goes."""
    counts: dict[str, int] = {}
    if has_table(conn, "person_dismissals"):
        counts["person_dismissals"] = conn.execute(
            "DELETE FROM person_dismissals WHERE EXISTS (SELECT 1 FROM json_each(?) a"
            " WHERE (json_extract(a.value, '$[0]') = lower(a_type)"
            "        AND json_extract(a.value, '$[1]') = a_key)"
            " OR (json_extract(a.value, '$[0]') = lower(b_type)"
            "     AND json_extract(a.value, '$[1]') = b_key))",
            (pairs,),
        ).rowcount
    if has_table(conn, "author_keys"):
        # The primary key starts (kind, value): one probe per spelling of the handle.
        counts["author_keys_naming"] = conn.executemany(
            "DELETE FROM author_keys WHERE kind = 'names' AND value = ?",
            [
                (form,)
                for k in dict.fromkeys(k for _, k in json.loads(pairs))
                for form in key_forms(k)
            ],
        ).rowcount
    if people and has_table(conn, "people"):
        counts["people"] = conn.execute(
            "DELETE FROM people WHERE id IN (SELECT value FROM json_each(?))"
            " AND NOT EXISTS (SELECT 1 FROM person_accounts pa WHERE pa.person_id = people.id)",
            (json.dumps(people),),
        ).rowcount
    return counts


def _forget_hashes(conn: sqlite3.Connection, found: list[sqlite3.Row]) -> int:
    # A content hash is a digest of the person's words; forgetting it lets another author's
    # copy of them through the exact-copy check, which is theirs to post.
    pairs = [[b, r[7]] for r in found for b in json.loads(r[6])]
    if not pairs:
        return 0
    return conn.execute(
        "DELETE FROM content_hashes WHERE (brand, content_hash) IN"
        " (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
        " FROM json_each(?))",
        (json.dumps(pairs),),
    ).rowcount
