"""Writing what authors' profiles say, and the keys that suggest links (issue 18).

Called by ``insert_mentions`` inside its transaction, after the authors' rows are written.
The newest profile wins, by its mention's fetch time, as the follower count does; a field
the newest profile does not give keeps the value an older one gave. A bio given empty
(``""``: the payload had the field) is not "not given": the bio and links are cleared.
Each author's stored profile is read once (a primary-key probe): an older profile than the
stored one is skipped, and the keys are parsed and rewritten only when the bio or links
changed — an author's profile is the same on most of their posts.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from listener.models import Author, Mention
from listener.store.people_suggest_table import refresh_suggestions_on, touched_by_keys
from listener.store.profile_keys import BIO_CAP, LINKS_CAP, profile_keys
from listener.store.rows import ts
from listener.store.schema_people import PEOPLE_SCHEMA, PEOPLE_SUGGESTIONS_SCHEMA

__all__ = ["write_profile_keys_on"]


_STORED = "SELECT profile_at, bio, links FROM authors WHERE source_type = ? AND handle_key = ?"
_UPDATE_PROFILE = """
UPDATE authors SET
    bio = iif(:given, :bio, coalesce(:bio, bio)),
    links = iif(:given, :links, coalesce(:links, links)),
    created_at = coalesce(:created_at, created_at),
    following = coalesce(:following, following),
    posts = coalesce(:posts, posts),
    profile_at = :at
WHERE source_type = :type AND handle_key = :key
"""
_KEYS_OF = "SELECT kind, value FROM author_keys WHERE source_type = ? AND handle_key = ?"
_NAMED = "SELECT 1 FROM author_keys WHERE kind = 'names' AND value = ? LIMIT 1"
_HAS_SUGGESTION = (
    "SELECT 1 FROM person_suggestions WHERE source_type = ? AND handle_key = ? LIMIT 1"
)
_DELETE_KEYS = "DELETE FROM author_keys WHERE source_type = ? AND handle_key = ?"
_INSERT_KEY = (
    "INSERT OR IGNORE INTO author_keys (kind, value, source_type, handle_key) VALUES (?, ?, ?, ?)"
)


def _has_profile(author: Author) -> bool:
    return bool(
        author.bio is not None
        or author.links
        or author.created_at
        or author.following is not None
        or author.posts is not None
    )


def _newest_per_author(new: Sequence[Mention]) -> dict[tuple[str, str], Mention]:
    """Of a batch's mentions with a profile, each author's last fetched (by the authors
    table's key: the type and the handle lowercased), as an older one would lose anyway."""
    newest: dict[tuple[str, str], Mention] = {}
    for m in new:
        if m.author.handle and _has_profile(m.author):
            key = (m.source_type, m.author.handle.lower())
            kept = newest.get(key)
            if kept is None or m.fetched_at >= kept.fetched_at:
                newest[key] = m
    return newest


def _named_newcomers(conn: sqlite3.Connection, new: Sequence[Mention]) -> set[tuple[str, str]]:
    """The batch's authors some stored profile names and who have no suggestion yet: an
    account named before it was first seen (the namer's keys were written without it). A
    primary-key probe per author; a named author with suggestions already is settled."""
    found: set[tuple[str, str]] = set()
    authors = dict.fromkeys(
        (m.source_type, m.author.handle.lower()) for m in new if m.author.handle
    )
    for key in authors:
        if conn.execute(_NAMED, (key[1].removeprefix("@"),)).fetchone() is not None and (
            conn.execute(_HAS_SUGGESTION, key).fetchone() is None
        ):
            found.add(key)
    return found


def write_profile_keys_on(conn: sqlite3.Connection, new: Sequence[Mention]) -> None:
    """Keep what the new mentions' authors' profiles say (bio, links, account age and
    shape) and the keys that suggest links, inside the caller's transaction; the
    suggestions around the accounts whose keys changed are worked out again."""
    version = conn.execute("PRAGMA user_version").fetchone()[0] if new else 0
    if version < PEOPLE_SCHEMA:
        # A store held at a schema before 15 (tests and benches make one) has no profile
        # columns: it keeps what it kept before.
        return
    newest = _newest_per_author(new)
    profiles: list[dict[str, Any]] = []
    rekeyed: list[tuple[str, str]] = []
    keys: list[tuple[str, str, str, str]] = []
    changed: set[tuple[str, str]] = set()
    touched: set[tuple[str, str]] = set()
    for (source_type, handle_key), m in newest.items():
        stored = conn.execute(_STORED, (source_type, handle_key)).fetchone()
        at = ts(m.fetched_at)
        if stored is None or (stored[0] is not None and stored[0] > at):
            continue  # no author row (no handle stored), or a newer profile is kept
        author = m.author
        bio = author.bio[:BIO_CAP] if author.bio else None
        links = json.dumps(list(author.links[:LINKS_CAP])) if author.links else None
        # A bio given, even empty (sources say "" for a profile without one, None for a
        # payload without the field), is the profile as it is now: its bio and links
        # replace the stored ones, so a bio or site the person removed goes with its keys.
        given = author.bio is not None
        profiles.append(
            {
                "type": source_type,
                "key": handle_key,
                "at": at,
                "given": given,
                "bio": bio,
                "links": links,
                "created_at": ts(author.created_at) if author.created_at else None,
                "following": author.following,
                "posts": author.posts,
            }
        )
        # What the row holds after the update (a field not given keeps the stored one).
        kept_bio, kept_links = (bio, links) if given else (bio or stored[1], links or stored[2])
        if stored[0] is not None and (kept_bio, kept_links) == (stored[1], stored[2]):
            continue  # the same bio and links: the same keys
        rekeyed.append((source_type, handle_key))
        link_list = tuple(json.loads(kept_links)) if kept_links else ()
        now = profile_keys(kept_bio, link_list)
        before = {(str(k), str(v)) for k, v in conn.execute(_KEYS_OF, (source_type, handle_key))}
        if before != now:
            changed |= before ^ now
            touched.add((source_type, handle_key))
        keys.extend((k, v, source_type, handle_key) for k, v in now)
    conn.executemany(_UPDATE_PROFILE, profiles)
    conn.executemany(_DELETE_KEYS, rekeyed)
    conn.executemany(_INSERT_KEY, keys)
    if version >= PEOPLE_SUGGESTIONS_SCHEMA:  # a store held before 19 keeps no suggestions
        touched |= touched_by_keys(conn, changed) | _named_newcomers(conn, new)
        refresh_suggestions_on(conn, touched)
