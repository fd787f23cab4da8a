"""Helpers for the store tests: plausible mentions, and databases as older listeners left them."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from listener.models import Author, Engagement, Judgments, Mention
from listener.store import SQLiteStore
from listener.store import rows as store_rows
from listener.store.schema import MIGRATIONS

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)

# Columns each schema version added to mentions: an older database has none of them.
_ADDED_COLUMNS = {
    3: {"complaint", "complaint_score", "urgency", "reach"},
    4: {"edited_at", "deleted_at"},
}


def make_mention(n: int = 1, *, source: str = "news", **overrides: Any) -> Mention:
    """A plausible mention; ``n`` makes id, url and hash unique; anything can be overridden.

    The id follows ``source``; the canonical URL does not, so two sources can share one.
    """
    values: dict[str, Any] = {
        "id": f"{source}:{n}",
        "source": source,
        "source_type": "rss",
        "native_id": str(n),
        "url": f"https://example.com/a/{n}?utm_source=x",
        "canonical_url": f"https://example.com/a/{n}",
        "author": Author(handle=f"user{n}", name=f"User {n}"),
        "title": f"Post number {n}",
        "text": f"Some ordinary text for post {n}.",
        "html": f"<p>Some ordinary text for post {n}.</p>",
        "language": "en",
        "published_at": T0 + timedelta(minutes=n),
        "fetched_at": T0 + timedelta(minutes=n, seconds=30),
        "engagement": Engagement(),
        "rating": None,
        "parent_id": None,
        "thread_id": None,
        "brands": ("acme",),
        "matched_terms": ("acme",),
        "content_hash": f"hash{n}",
        "judgments": Judgments(),
    }
    values.update(overrides)
    return Mention(**values)


def write_old_database(
    path: Path, version: int, mentions: Sequence[Mention], *, judgments_json: str | None = None
) -> None:
    """A database at schema ``version`` (< 4) holding ``mentions`` as that listener wrote
    them: only the columns of that version; before schema 3, judgments JSON with sentiment
    only (or ``judgments_json``) and no tags.

    The rows go in through plain SQL: the store's own insert writes today's schema.
    """
    SQLiteStore(path, migrations=MIGRATIONS[:version]).close()
    match = re.search(r"INSERT INTO mentions \((.*?)\)", store_rows.INSERT_MENTION, re.DOTALL)
    assert match is not None
    columns = [c.strip() for c in match.group(1).split(",")]
    newer = set().union(*(cols for v, cols in _ADDED_COLUMNS.items() if v > version))
    kept = [c for c in columns if c not in newer]
    raw = sqlite3.connect(path)
    with raw:
        for m in mentions:
            values = dict(zip(columns, store_rows.mention_to_row(m), strict=True))
            j = m.judgments
            values["judgments"] = judgments_json or (
                values["judgments"]
                if version >= 3
                else json.dumps(
                    {
                        "sentiment": j.sentiment,
                        "sentiment_label": j.sentiment_label,
                        "model": j.model,
                    }
                )
            )
            raw.execute(
                f"INSERT INTO mentions ({', '.join(kept)}) VALUES ({', '.join('?' for _ in kept)})",
                [values[c] for c in kept],
            )
            raw.executemany(
                "INSERT INTO mention_brands (brand, mention_id) VALUES (?, ?)",
                [(brand, m.id) for brand in m.brands],
            )
            if version >= 3:
                raw.executemany(store_rows.INSERT_TAG, store_rows.tag_rows(m.id, j))
    raw.close()
