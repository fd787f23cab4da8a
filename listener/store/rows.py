"""Mapping between the plain models and SQLite rows (flat columns, JSON for nested values)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar, cast

from listener.clock import ensure_utc
from listener.models import (
    Author,
    Engagement,
    Finding,
    Judgments,
    Mention,
    SentimentLabel,
    Urgency,
)
from listener.query import extract_handles, extract_hashtags
from listener.store.base import AuthorRecord


def ts(value: datetime) -> str:
    """Stored time: fixed-width ISO 8601 in UTC, so text order is time order.

    Microseconds are kept: a mention must round-trip exactly.
    Fixed microseconds also keep ``…:05+00:00`` from sorting after ``…:05.5+00:00``.
    """
    return ensure_utc(value).isoformat(timespec="microseconds")


def ts_or_none(value: datetime | None) -> str | None:
    return None if value is None else ts(value)


def parse_ts(value: str) -> datetime:
    return ensure_utc(datetime.fromisoformat(value))


def parse_ts_or_none(value: str | None) -> datetime | None:
    return None if value is None else parse_ts(value)


# Literal SQL, no column lists pasted in: rows are read by name (sqlite3.Row), and the
# insert's column order is the order of mention_to_row.
INSERT_MENTION = """
INSERT INTO mentions (
    id, source, source_type, native_id, url, canonical_url,
    author_handle, author_name, author_url, author_followers,
    title, body, html, lang, published_at, fetched_at, engagement, rating,
    parent_id, thread_id, brands, matched_terms, content_hash,
    judgments, sentiment, sentiment_label, complaint, complaint_score, urgency, reach,
    author, handles, hashtags, edited_at, deleted_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
          ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO NOTHING
"""
# The FTS row of a mention just inserted (schema 7: no trigger does it). Its values are
# mention_to_row's, fts_values picks them.
INSERT_FTS = """
INSERT INTO mentions_fts (rowid, title, body, author, handles, hashtags) VALUES (?, ?, ?, ?, ?, ?)
"""
# Same columns, same order as judgment_columns.
UPDATE_JUDGMENTS = """
UPDATE mentions SET judgments = ?, sentiment = ?, sentiment_label = ?,
    complaint = ?, complaint_score = ?, urgency = ?, reach = ?
WHERE id = ?
"""
INSERT_TAG = "INSERT OR IGNORE INTO mention_tags (mention_id, kind, value) VALUES (?, ?, ?)"
INSERT_BRAND = "INSERT OR IGNORE INTO mention_brands (brand, mention_id) VALUES (?, ?)"
# A repost's hash stays as recent as its latest copy.
UPSERT_HASH = """
INSERT INTO content_hashes (brand, content_hash, seen_at) VALUES (?, ?, ?)
ON CONFLICT (brand, content_hash) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)
"""
DELETE_TAGS = "DELETE FROM mention_tags WHERE mention_id = ?"
SELECT_MENTION = "SELECT m.* FROM mentions m WHERE m.id = ?"


# json.dumps with options builds a new encoder on every call: half the cost of the four
# small JSON values of every row. The same options, one encoder.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


def mention_to_row(m: Mention) -> tuple[Any, ...]:
    return (
        m.id, m.source, m.source_type, m.native_id, m.url, m.canonical_url,
        m.author.handle, m.author.name, m.author.url, m.author.followers,
        m.title, m.text, stored_html(m), m.language, ts(m.published_at), ts(m.fetched_at),
        engagement_json(m), m.rating, m.parent_id, m.thread_id,
        json_list(m.brands), json_list(m.matched_terms), m.content_hash,
        *judgment_columns(m.judgments),
        " ".join(p for p in (m.author.handle, m.author.name) if p),
        *words_columns(m), ts_or_none(m.edited_at), ts_or_none(m.deleted_at),
    )  # fmt: skip


def stored_html(m: Mention) -> str | None:
    """The ``html`` column: NULL when the markup is the text itself (plain-text posts, most
    of them), which reads back as the text — a second copy of every tweet was a quarter of
    the file (schema 6)."""
    return None if m.html == m.text else m.html


_INSERTED_COLUMNS = tuple(
    name.strip() for name in INSERT_MENTION.split("(", 1)[1].split(")", 1)[0].split(",")
)
_FTS_AT = tuple(
    _INSERTED_COLUMNS.index(name) for name in ("title", "body", "author", "handles", "hashtags")
)


def fts_values(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The title, body, author, handles and hashtags of a ``mention_to_row`` row, for
    INSERT_FTS after its rowid."""
    return tuple(row[i] for i in _FTS_AT)


# A new live mention's mention_filters row (schema 10), written by insert_mentions like its
# FTS row; filter_values picks its values. The brand keys are made in SQL, by the same
# expression as the migration's and the trigger's (listener.store.schema_scale, _V10).
INSERT_FILTERS = """
INSERT INTO mention_filters (
    seq, published_at, source, source_type, lang, sentiment_label, complaint, urgency, brand_keys
) VALUES (?, ?, ?, ?, ?, ?, ?, ?,
    coalesce((SELECT char(31) || group_concat(replace(replace(lower(value),
        char(30), char(30) || 'e'), char(31), char(30) || 's'), char(31)) || char(31)
        FROM json_each(?)), char(31)))
"""
_FILTERS_AT = tuple(
    _INSERTED_COLUMNS.index(name)
    for name in (
        "published_at", "source", "source_type", "lang",
        "sentiment_label", "complaint", "urgency", "brands",
    )
)  # fmt: skip
_DELETED_AT = _INSERTED_COLUMNS.index("deleted_at")


def filter_values(seq: int | None, row: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The ``mention_filters`` row (INSERT_FILTERS) of a ``mention_to_row`` row
    stored as ``seq``; None for a mention stored already deleted, which search never lists."""
    if row[_DELETED_AT] is not None:
        return None
    return (seq, *(row[i] for i in _FILTERS_AT))


_ENGAGEMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Engagement))


def engagement_json(m: Mention) -> str:
    # Counts a source does not report (None) are left out, and read back as None: most
    # posts carry none of them, and '{"likes":null,…}' was 55 bytes of every row.
    e = m.engagement
    return _json(
        {name: value for name in _ENGAGEMENT_FIELDS if (value := getattr(e, name)) is not None}
    )


def json_list(values: tuple[str, ...]) -> str:
    return _json(list(values))


def words_columns(m: Mention) -> tuple[str, str]:
    """The ``handles`` and ``hashtags`` columns: searchable words taken from the text."""
    searchable = f"{m.title}\n{m.text}"
    return " ".join(extract_handles(searchable)), " ".join(extract_hashtags(searchable))


_FIELD_NAMES: dict[type[Any], frozenset[str]] = {}


def _field_names(cls: type[Any]) -> frozenset[str]:
    # Asked for every row read (judgments, engagement): dataclasses.fields walks the class.
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    return names


def _known_fields(cls: type[Any], data: dict[str, Any]) -> dict[str, Any]:
    # Rows written by a newer listener may carry fields this one lacks; JSON has no tuples.
    names = _field_names(cls)
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names}


# -- judgments: JSON for all of it, flat columns and tags for what search filters on -----

_FINDING_FIELDS = ("feelings", "topics", "flags")
TAG_KINDS: dict[str, str] = {"feelings": "feeling", "topics": "topic", "flags": "flag"}


# Field name → default, for leaving defaults out of the JSON.
_JUDGMENT_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in dataclasses.fields(Judgments) if f.default is not dataclasses.MISSING
}
_JUDGMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Judgments))


def judgments_to_json(j: Judgments) -> str:
    """Every judgment that is not its default (empty evidence, no findings, not a complaint
    …): a typical tweet's JSON went from 356 bytes to about a third. Reading fills the rest
    with the defaults, as it always did for keys an older listener did not write."""
    data: dict[str, Any] = {}
    for name in _JUDGMENT_FIELDS:
        value = getattr(j, name)
        if name in _JUDGMENT_DEFAULTS and value == _JUDGMENT_DEFAULTS[name]:
            continue
        if name in _FINDING_FIELDS:
            value = [
                {"name": f.name, "evidence": f.evidence} if f.evidence else {"name": f.name}
                for f in value
            ]
        data[name] = value
    # Tuples become lists and StrEnums their values by themselves.
    return _json(data)


def _findings(value: Any) -> tuple[Finding, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Finding(str(item["name"]), tuple(item.get("evidence") or ()))
        for item in value
        if isinstance(item, dict) and item.get("name") is not None
    )


E = TypeVar("E", bound=StrEnum)


def _enum(cls: type[E], value: Any, default: E) -> E:
    # A value written by a newer listener that this one does not know reads as the default,
    # so an older listener can still list and search a shared database.
    try:
        return cls(value)
    except ValueError:
        return default


def judgments_from_json(text: str) -> Judgments:
    """Judgments as ``judgments_to_json`` wrote them; keys an older listener did not write
    (sentiment only, before schema 3) take their defaults."""
    data = _known_fields(Judgments, json.loads(text))
    for name in _FINDING_FIELDS:
        if name in data:
            data[name] = _findings(list(data[name]))
    if "sentiment_label" in data:
        data["sentiment_label"] = _enum(
            SentimentLabel, data["sentiment_label"], SentimentLabel.UNKNOWN
        )
    if "urgency" in data:
        data["urgency"] = _enum(Urgency, data["urgency"], Urgency.NORMAL)
    return Judgments(**data)


def judgment_columns(j: Judgments) -> tuple[Any, ...]:
    """The judgments' JSON and flat columns, in INSERT_MENTION's and UPDATE_JUDGMENTS' order."""
    return (
        judgments_to_json(j), j.sentiment, str(j.sentiment_label),
        int(j.complaint), j.complaint_score, str(j.urgency), j.reach,
    )  # fmt: skip


def tag_rows(mention_id: str, j: Judgments) -> list[tuple[str, str, str]]:
    """``mention_tags`` rows: one per distinct feeling, topic and flag name, lowercased so a
    search for "Delivery" finds "delivery"."""
    found = dict.fromkeys(
        (mention_id, kind, finding.name.lower())
        for field_name, kind in TAG_KINDS.items()
        for finding in getattr(j, field_name)
    )
    return list(found)


def row_to_mention(row: sqlite3.Row) -> Mention:
    return Mention(
        id=row["id"],
        source=row["source"],
        source_type=row["source_type"],
        native_id=row["native_id"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        author=Author(
            handle=row["author_handle"],
            name=row["author_name"],
            url=row["author_url"],
            followers=row["author_followers"],
        ),
        title=row["title"],
        text=row["body"],
        html=row["body"] if row["html"] is None else row["html"],
        language=row["lang"],
        published_at=parse_ts(row["published_at"]),
        fetched_at=parse_ts(row["fetched_at"]),
        engagement=Engagement(**_known_fields(Engagement, json.loads(row["engagement"]))),
        rating=row["rating"],
        parent_id=row["parent_id"],
        thread_id=row["thread_id"],
        brands=tuple(json.loads(row["brands"])),
        matched_terms=tuple(json.loads(row["matched_terms"])),
        content_hash=row["content_hash"],
        judgments=judgments_from_json(row["judgments"]),
        edited_at=parse_ts_or_none(row["edited_at"]),
        deleted_at=parse_ts_or_none(row["deleted_at"]),
        copy_of=_copy_of(row),
    )


def _copy_of(row: sqlite3.Row) -> str | None:
    try:  # schema 17's column, set after the insert; a store at an older schema has none
        return cast("str | None", row["copy_of"])
    except IndexError:
        return None


# "Latest followers" is by fetch time: a count observed later wins, whatever the order in
# which batches arrive. In an upsert's SET, authors.* are the old values throughout.
UPSERT_AUTHOR = """
INSERT INTO authors (source_type, handle_key, handle, name, url, followers, followers_at,
                     first_seen_at, last_seen_at, mention_count)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
ON CONFLICT (source_type, handle_key) DO UPDATE SET
    handle = excluded.handle,
    name = coalesce(excluded.name, authors.name),
    url = coalesce(excluded.url, authors.url),
    followers = iif(excluded.followers_at >= coalesce(authors.followers_at, ''),
                    excluded.followers, authors.followers),
    followers_at = iif(excluded.followers_at >= coalesce(authors.followers_at, ''),
                       excluded.followers_at, authors.followers_at),
    first_seen_at = min(authors.first_seen_at, excluded.first_seen_at),
    last_seen_at = max(authors.last_seen_at, excluded.last_seen_at),
    mention_count = authors.mention_count + 1
"""


def brand_rows(mentions: Sequence[Mention]) -> list[tuple[str, str]]:
    """``mention_brands`` rows of new mentions: each brand once per mention."""
    return [(brand, m.id) for m in mentions for brand in dict.fromkeys(m.brands)]


def hash_rows(mentions: Sequence[Mention]) -> list[tuple[str, str, str]]:
    """``content_hashes`` rows (UPSERT_HASH) of new mentions: one per brand."""
    return [
        (brand, m.content_hash, ts(m.fetched_at))
        for m in mentions
        for brand in dict.fromkeys(m.brands)
    ]


def author_rows(mentions: Sequence[Mention]) -> list[tuple[Any, ...]]:
    """UPSERT_AUTHOR rows of new mentions that name their author, in order."""
    return [author_params(m, m.author.handle) for m in mentions if m.author.handle]


def author_params(m: Mention, handle: str) -> tuple[Any, ...]:
    # followers_at stays NULL when this mention reports no count, so it never wins.
    followers_at = ts(m.fetched_at) if m.author.followers is not None else None
    published = ts(m.published_at)
    return (
        m.source_type, handle.lower(), handle, m.author.name, m.author.url,
        m.author.followers, followers_at, published, published,
    )  # fmt: skip


def row_to_author(row: sqlite3.Row) -> AuthorRecord:
    return AuthorRecord(
        source_type=row["source_type"],
        handle=row["handle"],
        name=row["name"],
        url=row["url"],
        followers=row["followers"],
        first_seen_at=parse_ts(row["first_seen_at"]),
        last_seen_at=parse_ts(row["last_seen_at"]),
        mention_count=row["mention_count"],
        **_profile_of(row),
    )


def _profile_of(row: sqlite3.Row) -> dict[str, Any]:
    # Schema 15's profile columns; a store held at an older schema has none.
    try:
        bio: str | None = row["bio"]
    except IndexError:
        return {}
    return {
        "bio": bio,
        "links": tuple(json.loads(row["links"])) if row["links"] else (),
        "created_at": parse_ts_or_none(row["created_at"]),
        "following": row["following"],
        "posts": row["posts"],
    }
