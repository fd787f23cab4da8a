"""What the bot judge needs to know of an account's recent posting, read from the store in
one batch per pipeline batch (issue 18): each account's recent post times and the first
words of each post (where its links and its template show).

One statement for the whole batch: the accounts go in as a JSON list and each one's posts
are read by a correlated sub-select through ``mentions_author`` (source type, handle without
case, time), newest first and stopped at ``per_account``, so an account's cost is its recent
posts, never the table; a farm that posted ten thousand times costs ``per_account`` rows.
The store cannot tell which types make a network (it sits beside the sources), so the
caller names each (type, handle) to read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from listener.store.rows import parse_ts, ts

__all__ = ["RECENT_POST_CHARS", "ActivityRows", "RecentPost"]

# The first characters of each post: enough for its links and its template, cheap to read.
RECENT_POST_CHARS = 280

_RECENT_POSTS = """
SELECT j.key AS account, m.published_at, substr(m.body, 1, :chars) AS words
FROM json_each(:accounts) AS j
JOIN mentions AS m ON m.seq IN (
    SELECT r.seq FROM mentions AS r INDEXED BY mentions_author
    WHERE r.source_type = json_extract(j.value, '$[0]')
      AND r.author_handle = json_extract(j.value, '$[1]') COLLATE NOCASE
      AND r.published_at >= :since
      AND r.deleted_at IS NULL
    ORDER BY r.published_at DESC
    LIMIT :per_account
)
"""


@dataclass(frozen=True, slots=True)
class RecentPost:
    """One of an account's stored posts, as the bot judge reads it."""

    published_at: datetime
    words: str  # the first ``RECENT_POST_CHARS`` characters of its text


class ActivityRows:
    """The store's account-activity reads; mixed into ``SQLiteStore``."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def recent_posts_of(
        self,
        accounts: Sequence[tuple[str, str]],
        *,
        since: datetime,
        per_account: int,
    ) -> dict[tuple[str, str], list[RecentPost]]:
        """Each (source type, handle) account's live posts since ``since``, newest first, at
        most ``per_account`` each; keyed by (type, handle) lowercased, without '@'."""
        keys = list(dict.fromkeys((t.lower(), h.strip().lstrip("@").lower()) for t, h in accounts))
        found: dict[tuple[str, str], list[RecentPost]] = {key: [] for key in keys}
        if not keys or per_account <= 0:
            return found
        params = {
            "accounts": json.dumps([list(key) for key in keys]),
            "since": ts(since),
            "per_account": per_account,
            "chars": RECENT_POST_CHARS,
        }
        with self._read() as conn:
            rows = conn.execute(_RECENT_POSTS, params).fetchall()
        for row in rows:
            found[keys[row["account"]]].append(
                RecentPost(parse_ts(row["published_at"]), row["words"] or "")
            )
        for posts in found.values():
            posts.sort(key=lambda post: post.published_at, reverse=True)
        return found
