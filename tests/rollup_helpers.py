"""Helpers for the rollup tests: the stored rollups read with raw SQL, and the same counts
recounted in Python from the mentions as the store returns them."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from listener.models import Mention
from listener.store import SQLiteStore
from listener.store import rows as store_rows

# Key columns per table; NOCASE columns are compared lowercased (ASCII, as NOCASE folds).
KEYS = {
    "rollup_hours": ("brand", "hour", "source", "source_type", "lang", "sentiment", "complaint"),
    "rollup_days": ("brand", "day", "source", "source_type", "lang", "sentiment", "complaint"),
    "rollup_tag_hours": ("brand", "hour", "kind", "value"),
    "rollup_tag_days": ("brand", "day", "kind", "value"),
}
_NOCASE = {"brand", "source", "source_type", "lang"}

Key = tuple[str | int, ...]


def stored(path: Path) -> dict[str, Counter[Key]]:
    """Every rollup row, table by table, keys folded as their collation compares them."""
    raw = sqlite3.connect(path)
    try:
        found: dict[str, Counter[Key]] = {}
        for table, columns in KEYS.items():
            counts: Counter[Key] = Counter()
            for row in raw.execute(f"SELECT {', '.join(columns)}, mentions FROM {table}"):
                key = tuple(
                    v.lower() if c in _NOCASE else v for c, v in zip(columns, row, strict=False)
                )
                counts[key] += row[-1]
            found[table] = counts
        return found
    finally:
        raw.close()


def row_counts(path: Path) -> list[int]:
    """The mentions column of every rollup row (none should be 0 or less)."""
    raw = sqlite3.connect(path)
    try:
        return [n for table in KEYS for (n,) in raw.execute(f"SELECT mentions FROM {table}")]
    finally:
        raw.close()


def recount(mentions: Iterable[Mention]) -> dict[str, Counter[Key]]:
    """The rollups as the issue defines them, from Mention objects: a live mention once under
    '' and once under each distinct brand it names (distinct without case: "Acme" and "ACME"
    are one brand, as mention_brands and search hold them), its topics and feelings once
    each likewise."""
    found: dict[str, Counter[Key]] = {table: Counter() for table in KEYS}
    for m in mentions:
        if m.deleted_at is not None:
            continue
        hour = store_rows.ts(m.published_at)[:13]
        j = m.judgments
        rest = (
            m.source.lower(),
            m.source_type.lower(),
            (m.language or "").lower(),
            str(j.sentiment_label),
            int(j.complaint),
        )
        tags = {("topic", f.name.lower()) for f in j.topics}
        tags |= {("feeling", f.name.lower()) for f in j.feelings}
        for b in ["", *{brand.lower() for brand in m.brands}]:
            found["rollup_hours"][(b, hour, *rest)] += 1
            found["rollup_days"][(b, hour[:10], *rest)] += 1
            for kind, value in tags:
                found["rollup_tag_hours"][(b, hour, kind, value)] += 1
                found["rollup_tag_days"][(b, hour[:10], kind, value)] += 1
    return found


def recount_store(store: SQLiteStore, ids: Iterable[str]) -> dict[str, Counter[Key]]:
    """``recount`` of the mentions ``ids`` as ``store`` reads them back."""
    read = [store.get_mention(i) for i in ids]
    return recount(m for m in read if m is not None)
