"""What an erasure does to the alerts that hold the erased mentions.

An alert made only of erased mentions goes whole (its events, deliveries, replies and snooze
by foreign key). An alert that keeps other mentions loses the erased ones from
``alert_mentions`` and from what it says: example ids, and any listed term, title part,
draft, event detail or reply that holds the person's handle, name or a word found only in
their erased posts. Messages are composed from the store when they are sent
(``alerts.compose``), so a pending delivery of a changed alert sends the changed alert.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

ERASED_MARK = "[erased]"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Identity:
    """What must not survive in an alert: the erased ids, the person's handles and names,
    and the words of their erased posts (case-folded)."""

    mention_ids: frozenset[str]
    names: frozenset[str]  # handles (with and without '@') and display names, case-folded
    words: frozenset[str]


def words_of(texts: Iterable[str]) -> set[str]:
    return {w.casefold() for t in texts for w in _WORD.findall(t)}


def scrub_alerts_on(conn: sqlite3.Connection, who: Identity) -> dict[str, int]:
    """Delete or rewrite the alerts holding ``who.mention_ids``; return counts by kind."""
    counts = {"alerts_deleted": 0, "alerts_changed": 0}
    ids = json.dumps(sorted(who.mention_ids))
    touched = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT alert_id FROM alert_mentions"
            " WHERE mention_id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
    ]
    for alert_id in touched:
        kept = [
            r[0]
            for r in conn.execute(
                "SELECT mention_id FROM alert_mentions WHERE alert_id = ?"
                " AND mention_id NOT IN (SELECT value FROM json_each(?)) ORDER BY position",
                (alert_id, ids),
            )
        ]
        if not kept:
            conn.execute("DELETE FROM alerts WHERE id = ?", (alert_id,))
            counts["alerts_deleted"] += 1
            continue
        conn.execute(
            "DELETE FROM alert_mentions WHERE alert_id = ?"
            " AND mention_id IN (SELECT value FROM json_each(?))",
            (alert_id, ids),
        )
        _rewrite(conn, alert_id, who, _kept_words(conn, kept))
        counts["alerts_changed"] += 1
    # Alerts that quote the person without holding their mentions: a digest lists complaint
    # alerts by title ("Complaint from @handle on x: …"). Only the lines naming the person
    # or an erased id go there: without mentions of its own, such an alert has no words to
    # tell the person's from everyone's.
    for (alert_id,) in conn.execute(_NAMING, (json.dumps(sorted(_needles(who))),)).fetchall():
        if alert_id not in touched:
            _rewrite(conn, alert_id, who, set(who.words))
            counts["alerts_changed"] += 1
    return counts


_NAMING = """
SELECT id FROM alerts a WHERE EXISTS (
    SELECT 1 FROM json_each(?) n
    WHERE instr(lower(a.title || ' ' || a.details || ' ' || a.drafts), n.value) > 0)
"""


def _needles(who: Identity) -> set[str]:
    return {n for n in who.names if n} | {i.lower() for i in who.mention_ids}


def _kept_words(conn: sqlite3.Connection, kept: list[str]) -> set[str]:
    found = conn.execute(
        "SELECT title, body FROM mentions WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(kept),),
    )
    return words_of(t for r in found for t in (r[0], r[1]))


def _rewrite(conn: sqlite3.Connection, alert_id: int, who: Identity, kept: set[str]) -> None:
    # Words the remaining mentions also hold are the crowd's, not only this person's.
    own = who.words - kept
    row = conn.execute("SELECT title, details, drafts FROM alerts WHERE id = ?", (alert_id,))
    title, details, drafts = row.fetchone()

    def names(text: str) -> bool:
        folded = text.casefold()
        return text in who.mention_ids or any(n and n in folded for n in who.names)

    def holds(text: str) -> bool:
        return names(text) or any(w in own for w in words_of([text]))

    new_details = _scrub(json.loads(details), holds, names)
    new_drafts = [d for d in json.loads(drafts) if not any(holds(str(v)) for v in _strings(d))]
    conn.execute(
        "UPDATE alerts SET title = ?, details = ?, drafts = ? WHERE id = ?",
        (
            _scrub_title(title, who.names, own),
            json.dumps(new_details, ensure_ascii=False),
            json.dumps(new_drafts, ensure_ascii=False),
            alert_id,
        ),
    )
    for sql_read, sql_write, blank in _TEXT_ROWS:
        for rid, text in conn.execute(sql_read, (alert_id,)).fetchall():
            if text is not None and holds(text):
                conn.execute(sql_write, (blank, rid))


# An event's detail and a reply's text may quote the person (a reply often @-names them).
_TEXT_ROWS: tuple[tuple[str, str, str | None], ...] = (
    (
        "SELECT id, detail FROM alert_events WHERE alert_id = ?",
        "UPDATE alert_events SET detail = ? WHERE id = ?",
        None,
    ),
    (
        "SELECT id, text FROM alert_replies WHERE alert_id = ?",
        "UPDATE alert_replies SET text = ? WHERE id = ?",
        ERASED_MARK,
    ),
)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _scrub(value: Any, holds: Callable[[str], bool], names: Callable[[str], bool]) -> Any:
    """``value`` without the list items that hold the person (terms, example ids, excerpts).
    A mapping's keys and plain values are the rule's own (a measure, topic and source names,
    figures): dropped only when they name the person or an erased id, so the alert still
    reads as its kind expects."""
    if isinstance(value, list):
        return [_scrub(v, holds, names) for v in value if not _about_person(v, holds)]
    if isinstance(value, dict):
        return {
            k: _scrub(v, holds, names)
            for k, v in value.items()
            if not names(str(k)) and not (isinstance(v, str) and names(v))
        }
    return value


def _about_person(item: Any, holds: Callable[[str], bool]) -> bool:
    """A listed string that holds the person, or a listed record (an example, a digest's
    complaint line) whose own text does; a record that only contains such a list (a digest
    section) stays, its list scrubbed."""
    if isinstance(item, str):
        return holds(item)
    if isinstance(item, dict):
        return any(isinstance(v, str) and holds(v) for v in item.values())
    return False


def _scrub_title(title: str, names: Collection[str], own: Collection[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        return ERASED_MARK if match.group(0).casefold() in own else match.group(0)

    out = _WORD.sub(swap, title)
    for name in sorted(names, key=len, reverse=True):
        if name:
            out = re.sub(re.escape(name), ERASED_MARK, out, flags=re.IGNORECASE)
    return out
