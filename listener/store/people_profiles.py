"""Writing what authors' profiles say, and the keys that suggest links (issue 18).

Called by ``insert_mentions`` inside its transaction, after the authors' rows are written.
The newest profile wins, by its mention's fetch time, as the follower count does; a field
the newest profile does not give keeps the value an older one gave. Keys are rewritten only
for the authors whose stored profile this batch just replaced, in one executemany each.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from listener.models import Author, Mention
from listener.store.profile_keys import BIO_CAP, profile_keys
from listener.store.rows import ts
from listener.store.schema_people import PEOPLE_SCHEMA

__all__ = ["write_profile_keys_on"]

_UPDATE_PROFILE = """
UPDATE authors SET
    bio = coalesce(:bio, bio),
    links = coalesce(:links, links),
    created_at = coalesce(:created_at, created_at),
    following = coalesce(:following, following),
    posts = coalesce(:posts, posts),
    profile_at = :at
WHERE source_type = :type AND handle_key = :key AND coalesce(profile_at, '') <= :at
"""
# The keys are rewritten only where this mention's profile is the one now stored.
_DELETE_KEYS = """
DELETE FROM author_keys WHERE source_type = :type AND handle_key = :key
AND EXISTS (SELECT 1 FROM authors
            WHERE source_type = :type AND handle_key = :key AND profile_at = :at)
"""
_INSERT_KEY = """
INSERT OR IGNORE INTO author_keys (kind, value, source_type, handle_key)
SELECT :kind, :value, :type, :key
WHERE EXISTS (SELECT 1 FROM authors
              WHERE source_type = :type AND handle_key = :key AND profile_at = :at)
"""


def _has_profile(author: Author) -> bool:
    return bool(
        author.bio
        or author.links
        or author.created_at
        or author.following is not None
        or author.posts is not None
    )


def _newest_per_author(new: Sequence[Mention]) -> list[Mention]:
    """Of a batch's mentions with a profile, each author's last fetched: an older one in
    the same batch would lose to it anyway."""
    newest: dict[tuple[str, str], Mention] = {}
    for m in new:
        if m.author.handle and _has_profile(m.author):
            key = (m.source_type, m.author.handle.lower())
            kept = newest.get(key)
            if kept is None or m.fetched_at >= kept.fetched_at:
                newest[key] = m
    return list(newest.values())


def write_profile_keys_on(conn: sqlite3.Connection, new: Sequence[Mention]) -> None:
    """Keep what the new mentions' authors' profiles say (bio, links, account age and
    shape) and the keys that suggest links, inside the caller's transaction."""
    profiles: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []
    for m in _newest_per_author(new):
        author = m.author
        # The authors table's own key (rows.author_params): the handle lowercased.
        handle = author.handle or ""  # never empty: _newest_per_author kept handles only
        where = {"type": m.source_type, "key": handle.lower(), "at": ts(m.fetched_at)}
        bio = author.bio[:BIO_CAP] if author.bio else None
        links = tuple(author.links[:20])
        profiles.append(
            where
            | {
                "bio": bio,
                "links": json.dumps(list(links)) if links else None,
                "created_at": ts(author.created_at) if author.created_at else None,
                "following": author.following,
                "posts": author.posts,
            }
        )
        keys.extend(where | {"kind": k, "value": v} for k, v in profile_keys(bio, links))
    # A store held at a schema before 15 (tests and benches make one) has no profile
    # columns: it keeps what it kept before. Asked only when a batch carries a profile.
    if not profiles or conn.execute("PRAGMA user_version").fetchone()[0] < PEOPLE_SCHEMA:
        return
    conn.executemany(_UPDATE_PROFILE, profiles)
    conn.executemany(_DELETE_KEYS, profiles)
    conn.executemany(_INSERT_KEY, keys)
