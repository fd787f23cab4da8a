"""Keeping the rollups exact as mentions are stored, edited, tombstoned and labelled.

What the counts must be is ``listener.store.rollup_rebuild``'s SQL; this module and the
schema-12 triggers (``listener.store.schema_stats``) keep them so, in the transaction of
the change, by three means chosen by cost and by how a change can happen:

- **New mentions: here, in Python.** ``insert_mentions`` is the hot path (≈250 µs a
  mention through the whole pipeline). A batch's new mentions are counted into their
  distinct keys first (a poll's mentions share a few hours, sources and judgments), then
  each key is upserted once: a few statements per batch instead of a trigger's dozen per
  mention. Measured on 5,000 stored tweets in batches of 250 (``insert_mentions`` alone,
  CPU time, medians of 9 alternating runs on a shared machine): 94 µs a mention without
  rollups, 100 µs counted here, 133 µs counted by AFTER INSERT triggers on mentions and
  mention_tags — which alone would cost ~15 % of the whole pipeline's 250 µs, against the
  issue's 10 %. ``bench/ingest.py`` measures ingest with rollups against a store without.
- **Later changes of a mention's counted columns: triggers** on ``UPDATE OF`` published_at,
  source, source_type, lang, sentiment_label, complaint, brands and deleted_at (an edit, a
  tombstone, re-judging, a person's label): the old keys lose the mention if it was live,
  the new ones gain it if it is. They are rare, and a trigger holds for any code that makes
  such an update, written now or later. The tags of a mention whose brands, hour or
  liveness change move with it by a trigger too.
- **Rewritten tags: here** (``rewrite_tags``), by the two writers that rewrite them (edits
  and judgments). A trigger on ``mention_tags`` would fire for every tag of every new
  mention on the hot path, and its DELETE half would also fire when a mention is removed
  outright (retention, whose counts must stay as they were) whether the tags go first or
  by the cascade.

Rows a subtraction brings to 0 are deleted, as a recount would have none. A DELETE of a
mention changes no count: retention keeps the rollups of what it removes.
"""

from __future__ import annotations

import json
import sqlite3
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from listener.clock import ensure_utc
from listener.models import Mention
from listener.store import rows

CHARTED_KINDS = frozenset({"topic", "feeling"})  # flags are not charted

# (brand, hour, source, source_type, lang, sentiment, complaint)
CountKey = tuple[str, str, str, str, str, str, int]
# (brand, hour, kind, value)
TagKey = tuple[str, str, str, str]

_UPSERT_HOURS = """
INSERT INTO rollup_hours (brand, hour, source, source_type, lang, sentiment, complaint, mentions)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_UPSERT_DAYS = """
INSERT INTO rollup_days (brand, day, source, source_type, lang, sentiment, complaint, mentions)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_UPSERT_TAG_HOURS = """
INSERT INTO rollup_tag_hours (brand, hour, kind, value, mentions) VALUES (?, ?, ?, ?, ?)
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_UPSERT_TAG_DAYS = """
INSERT INTO rollup_tag_days (brand, day, kind, value, mentions) VALUES (?, ?, ?, ?, ?)
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_EMPTIED_TAG_HOURS = (
    "DELETE FROM rollup_tag_hours WHERE brand = ? AND hour = ? AND kind = ? AND value = ?"
    " AND mentions = 0"
)
_EMPTIED_TAG_DAYS = (
    "DELETE FROM rollup_tag_days WHERE brand = ? AND day = ? AND kind = ? AND value = ?"
    " AND mentions = 0"
)
_SELECT_TAGS = "SELECT kind, value FROM mention_tags WHERE mention_id = ?"
_SELECT_LIVE = "SELECT published_at, brands FROM mentions WHERE id = ? AND deleted_at IS NULL"


def brand_keys(brands: Iterable[str]) -> list[str]:
    """A mention's rollup brands: '' (all brands) and each distinct brand it names.

    Distinct as the NOCASE brand key compares them (ASCII case folded), as mention_brands
    keeps them and search finds them: "Acme" and "ACME" are one brand, counted once."""
    distinct: dict[str, str] = {}
    for brand in brands:
        distinct.setdefault(_nocase(brand), brand)
    return ["", *distinct.values()]


def _nocase(text: str) -> str:
    # SQLite's NOCASE folds ASCII letters only; str.lower() would also fold "É" to "é".
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def count_new(
    conn: sqlite3.Connection,
    mentions: Sequence[Mention],
    tag_rows: Iterable[tuple[str, str, str]],
) -> None:
    """Count mentions just inserted into the rollups, one upsert per distinct key.
    ``tag_rows`` are their ``mention_tags`` rows, as inserted (``rows.tag_rows``).

    The mentions are grouped first by what they are counted under, with the hour as
    numbers: formatting each one's time (``rows.ts``) and expanding each one's brands and
    tags was most of this function's cost, and a poll's mentions share a few groups."""
    charted: dict[str, list[tuple[str, str]]] = {}
    for mention_id, kind, value in tag_rows:
        if kind in CHARTED_KINDS:
            charted.setdefault(mention_id, []).append((kind, value))
    groups: Counter[tuple[Any, ...]] = Counter()
    for m in mentions:
        if m.deleted_at is not None:  # stored already deleted: counted nowhere
            continue
        # The UTC hour rows.ts() stores, as numbers.
        at = ensure_utc(m.published_at)
        j = m.judgments
        group = (
            (at.year, at.month, at.day, at.hour), m.source, m.source_type, m.language or "",
            str(j.sentiment_label), int(j.complaint), m.brands, tuple(charted.get(m.id, ())),
        )  # fmt: skip
        groups[group] += 1
    counts: Counter[CountKey] = Counter()
    tags: Counter[TagKey] = Counter()
    for (when, *columns, brands, charted_tags), n in groups.items():
        # isoformat's own digits: a four-digit year, two-digit month, day and hour.
        hour = "{:04d}-{:02d}-{:02d}T{:02d}".format(*when)
        for brand in brand_keys(brands):
            counts[(brand, hour, *columns)] += n
            for kind, value in charted_tags:
                tags[(brand, hour, kind, value)] += n
    _add_counts(conn, counts)
    _add_tags(conn, tags)


def rewrite_tags(
    conn: sqlite3.Connection,
    mention_id: str,
    tag_rows: list[tuple[str, str, str]],
    *,
    counted: bool,
) -> None:
    """Replace a mention's ``mention_tags`` rows with ``tag_rows`` (``rows.tag_rows``) and,
    when the store has rollups (``counted``), move its topic and feeling counts from the
    old tags to the new if it is live."""
    if not counted:
        conn.execute(rows.DELETE_TAGS, (mention_id,))
        conn.executemany(rows.INSERT_TAG, tag_rows)
        return
    old = {(r["kind"], r["value"]) for r in conn.execute(_SELECT_TAGS, (mention_id,))}
    conn.execute(rows.DELETE_TAGS, (mention_id,))
    conn.executemany(rows.INSERT_TAG, tag_rows)
    live = conn.execute(_SELECT_LIVE, (mention_id,)).fetchone()
    if live is None:
        return
    new = {(kind, value) for _, kind, value in tag_rows}
    hour = live["published_at"][:13]
    tags: Counter[TagKey] = Counter()
    for brand in brand_keys(json.loads(live["brands"])):
        for kind, value in old - new:
            if kind in CHARTED_KINDS:
                tags[(brand, hour, kind, value)] -= 1
        for kind, value in new - old:
            if kind in CHARTED_KINDS:
                tags[(brand, hour, kind, value)] += 1
    _add_tags(conn, tags)


def _add_counts(conn: sqlite3.Connection, counts: Counter[CountKey]) -> None:
    if not counts:
        return
    conn.executemany(_UPSERT_HOURS, [(*key, n) for key, n in counts.items()])
    days: Counter[CountKey] = Counter()
    for (brand, hour, source, source_type, lang, sentiment, complaint), n in counts.items():
        days[(brand, hour[:10], source, source_type, lang, sentiment, complaint)] += n
    conn.executemany(_UPSERT_DAYS, [(*key, n) for key, n in days.items()])


def _add_tags(conn: sqlite3.Connection, tags: Counter[TagKey]) -> None:
    hours = [(*key, n) for key, n in tags.items() if n]
    if not hours:
        return
    days: Counter[TagKey] = Counter()
    for (brand, hour, kind, value), n in tags.items():
        days[(brand, hour[:10], kind, value)] += n
    conn.executemany(_UPSERT_TAG_HOURS, hours)
    conn.executemany(_UPSERT_TAG_DAYS, [(*key, n) for key, n in days.items() if n])
    if any(n < 0 for *_, n in hours):
        # Only a subtraction can empty a row; a recount has no row for a count of 0.
        conn.executemany(_EMPTIED_TAG_HOURS, [key for key, n in tags.items() if n < 0])
        conn.executemany(_EMPTIED_TAG_DAYS, [key for key, n in days.items() if n < 0])
