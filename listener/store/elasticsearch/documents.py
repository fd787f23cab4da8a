"""A mention as an index document and back.

The searchable and filterable fields are made the way the SQLite engine makes its columns
(``listener.store.rows``: the same handles and hashtags, the same lowercase tags), so one
query finds the same mentions in both engines. ``stored`` keeps the mention whole:
``mention_of(document_of(m, …))`` equals ``m``.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from datetime import datetime
from typing import Any

from listener.models import Author, Engagement, Judgments, Mention
from listener.store.rows import (
    judgments_from_json,
    judgments_to_json,
    parse_ts,
    parse_ts_or_none,
    tag_rows,
    ts,
    ts_or_none,
    words_columns,
)

# order_key = fetched_at in whole seconds × 2**20 + a 20-bit tie-breaker made of the writing
# store's 8 writer bits (``writer_bits``) and its seq's low 12 bits: newest first by fetch
# time across daemons, and within one second by the writing store's insert order (its seq),
# as the SQLite engine's walk orders them. Two daemons' mentions of the same second differ
# in their writer bits, so the walk (a range below the last key seen) skips neither.
# Kept below 2**53 (until the year 2242): JSON numbers past it are not exact in every client
# or server (osmem-server reads them as doubles: keys in milliseconds collided, and
# search_after and range on them went wrong).
#
# Residual risk, said here because no walk can see it: two daemons whose writer ids share
# their low 8 bits (about 1 pair in 256; ids are random per store file) can still make equal
# keys, when they store mentions in the same second whose seqs agree modulo 4096; and one
# daemon storing more than 4096 mentions in one second repeats its own keys. An equal key
# at a page boundary is walked past (one of the two mentions is not shown by that walk).
# Within one second a store's seq crossing a multiple of 4096 orders the later ones first.
_TIE_BITS = 20
_WRITER_BITS = 8
_SEQ_BITS = _TIE_BITS - _WRITER_BITS


def writer_bits(writer: str | None) -> int:
    """The bits of a store's writer id (``writer_id_for``) in its mentions' order keys."""
    return 0 if writer is None else int(writer, 16) & ((1 << _WRITER_BITS) - 1)


def order_key(fetched_at: datetime, seq: int, writer: str | None = None) -> int:
    """The newest-first walk's key of a mention fetched at ``fetched_at``, stored as row
    ``seq`` (any integer: only its low 12 bits are used) by the store whose writer id is
    ``writer`` (None: writer bits 0, for documents no daemon's store wrote)."""
    seconds = int(fetched_at.timestamp())
    tie = (writer_bits(writer) << _SEQ_BITS) | (seq & ((1 << _SEQ_BITS) - 1))
    return (seconds << _TIE_BITS) | tie


def document_of(m: Mention, *, seq: int, writer: str | None = None) -> dict[str, Any]:
    """The index document of ``m``, stored locally as row ``seq`` by the store whose writer
    id is ``writer`` (``writer_id_for``; its bits keep two daemons' order keys apart)."""
    j = m.judgments
    handles, hashtags = words_columns(m)
    tags: dict[str, list[str]] = {"feeling": [], "topic": [], "flag": []}
    for _, kind, value in tag_rows(m.id, j):
        tags[kind].append(value)
    language = (m.language or "").lower() or None
    e = m.engagement
    return {
        "id": m.id,
        "source": m.source,
        "source_type": m.source_type,
        "native_id": m.native_id,
        "url": m.url,
        "canonical_url": m.canonical_url,
        "author": {
            "handle": m.author.handle,
            "handle_key": m.author.handle.lower() if m.author.handle else None,
            "name": m.author.name,
            "url": m.author.url,
            "followers": m.author.followers,
        },
        "author_words": " ".join(p for p in (m.author.handle, m.author.name) if p),
        "handles": handles,
        "hashtags": hashtags,
        "title": m.title,
        "text": m.text,
        "language": language,
        "language_base": language.split("-", 1)[0] if language else None,
        "published_at": ts(m.published_at),
        "fetched_at": ts(m.fetched_at),
        "edited_at": ts_or_none(m.edited_at),
        "deleted_at": ts_or_none(m.deleted_at),
        "live": m.deleted_at is None,
        "engagement": dataclasses.asdict(e),
        # What the dashboard ranks as engagement (stats.people.ENGAGEMENT): views are not.
        "engagement_total": sum(v or 0 for v in (e.likes, e.shares, e.replies)),
        "rating": m.rating,
        "parent_id": m.parent_id,
        "thread_id": m.thread_id,
        "copy_of": m.copy_of,
        "brands": list(m.brands),
        "brand_keys": sorted({b.lower() for b in m.brands}),
        "matched_terms": list(m.matched_terms),
        "content_hash": m.content_hash,
        "sentiment": j.sentiment,
        "sentiment_label": str(j.sentiment_label),
        "complaint": j.complaint,
        "complaint_score": j.complaint_score,
        "complaint_by": j.complaint_by or None,
        "urgency": str(j.urgency),
        "reach": j.reach,
        "feelings": tags["feeling"],
        "topics": tags["topic"],
        "flags": tags["flag"],
        "judgments": _nested_judgments(j),
        "order_key": order_key(m.fetched_at, seq, writer),
        "stored": _stored(m),
    }


def _nested_judgments(j: Judgments) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {
            "kind": "sentiment",
            "name": str(j.sentiment_label),
            "evidence": list(j.sentiment_evidence),
        },
        {"kind": "urgency", "name": str(j.urgency), "evidence": list(j.urgency_evidence)},
    ]
    if j.complaint:
        found.append({"kind": "complaint", "name": j.complaint_by or "rules",
                      "evidence": list(j.complaint_evidence)})  # fmt: skip
    for kind, findings in (("feeling", j.feelings), ("topic", j.topics), ("flag", j.flags)):
        found.extend(
            {"kind": kind, "name": f.name.lower(), "evidence": list(f.evidence)} for f in findings
        )
    return found


def _stored(m: Mention) -> dict[str, Any]:
    return {
        "id": m.id, "source": m.source, "source_type": m.source_type, "native_id": m.native_id,
        "url": m.url, "canonical_url": m.canonical_url,
        "author": _author(m.author),
        "title": m.title, "text": m.text, "html": None if m.html == m.text else m.html,
        "language": m.language, "published_at": ts(m.published_at), "fetched_at": ts(m.fetched_at),
        "engagement": {k: v for k, v in dataclasses.asdict(m.engagement).items() if v is not None},
        "rating": m.rating, "parent_id": m.parent_id, "thread_id": m.thread_id,
        "brands": list(m.brands), "matched_terms": list(m.matched_terms),
        "content_hash": m.content_hash, "judgments": json.loads(judgments_to_json(m.judgments)),
        "edited_at": ts_or_none(m.edited_at), "deleted_at": ts_or_none(m.deleted_at),
        "copy_of": m.copy_of,
    }  # fmt: skip


def _author(a: Author) -> dict[str, Any]:
    data = dataclasses.asdict(a)
    data["links"] = list(a.links)
    data["created_at"] = ts_or_none(a.created_at)
    return {k: v for k, v in data.items() if v not in (None, [])}


def mention_of(document: dict[str, Any]) -> Mention:
    """The mention an index document holds (its ``_source``)."""
    s = document["stored"]
    a = dict(s.get("author") or {})
    a["links"] = tuple(a.get("links") or ())
    a["created_at"] = parse_ts_or_none(a.get("created_at"))
    return Mention(
        id=s["id"], source=s["source"], source_type=s["source_type"], native_id=s["native_id"],
        url=s.get("url"), canonical_url=s.get("canonical_url"), author=Author(**a),
        title=s["title"], text=s["text"],
        html=s["text"] if s.get("html") is None else s["html"],
        language=s.get("language"), published_at=parse_ts(s["published_at"]),
        fetched_at=parse_ts(s["fetched_at"]), engagement=Engagement(**s.get("engagement") or {}),
        rating=s.get("rating"), parent_id=s.get("parent_id"), thread_id=s.get("thread_id"),
        brands=tuple(s.get("brands") or ()), matched_terms=tuple(s.get("matched_terms") or ()),
        content_hash=s["content_hash"],
        judgments=judgments_from_json(json.dumps(s.get("judgments") or {})),
        edited_at=parse_ts_or_none(s.get("edited_at")),
        deleted_at=parse_ts_or_none(s.get("deleted_at")), copy_of=s.get("copy_of"),
    )  # fmt: skip


def writer_id_for(store_key: bytes) -> str:
    """A short, stable name for one daemon's store, for the keys index's ``writer``."""
    return f"{zlib.crc32(store_key):08x}"
