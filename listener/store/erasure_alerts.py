"""What an erasure does to alerts: only text written about the erased mentions changes.

An alert made only of erased mentions goes whole (its events, deliveries, replies and snooze
by foreign key). An alert that keeps other mentions loses the erased ones from
``alert_mentions`` and from what it says: listed items (example ids, terms, excerpts) that
quote an erased id, the person's handle or full display name (3+ letters) as a whole word,
or a word of 4+ letters, not a stopword, found only in their erased posts; those names in
its title, values and event details. Its drafts change only when its lead mention was
erased (they were written to that person): a draft naming them goes, and an "erasure"
event says so for the alert page.

An alert that holds none of the erased mentions (a digest listing complaint alerts by title
and ``#id``) only loses the listed lines that quote an erased mention or an alert led by
one by id, or the person's ``@handle``: never a display name or a word, which may be
anyone's ("Jordan" is also Jordan Pike, whose account stays).

Values only, never a mapping's keys: keys are the rule's own ("matched", "count").
Messages are composed from the store when they are sent (``alerts.compose``), so a pending
delivery of a changed alert sends the changed alert.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from listener.query.terms import STOPWORDS
from listener.store import rows

ERASED_MARK = "[erased]"
DRAFTS_ERASED = "Drafts removed when the author's data was erased"
ERASURE_EVENT = "erasure"
# A name shorter than this is too common a string ("Ed", "Jo") to blank wherever it stands.
MIN_NAME_CHARS = 3
# A word of the erased posts is theirs to blank only from this length, and not a stopword.
MIN_OWN_WORD_CHARS = 4
_WORD = re.compile(r"\w+", re.UNICODE)
# A digest's line ends "(#12, new)" and a held item "(#12)": the alert it quotes.
_ALERT_REF = re.compile(r"\(#(\d+)[,)]")


@dataclass(frozen=True, slots=True)
class Identity:
    """What must not survive in an alert: the erased ids, the person's handles (case-folded,
    no '@') and full display names (case-folded), the words of their erased posts."""

    mention_ids: frozenset[str]
    handles: frozenset[str]
    names: frozenset[str]
    words: frozenset[str]


def words_of(texts: Iterable[str]) -> set[str]:
    return {w.casefold() for t in texts for w in _WORD.findall(t)}


def _handle_pattern(handle: str, *, at_required: bool) -> str:
    # A handle is a whole token: "@jordan" is not inside "@jordan-pike@news1.test".
    at = "@" if at_required else "@?"
    return rf"(?<![\w@.\-]){at}{re.escape(handle)}(?![\w@]|[.\-]\w)"


def _name_pattern(name: str) -> str:
    words = r"\s+".join(re.escape(w) for w in name.split())
    return rf"(?<![\w@.\-]){words}(?![\w@]|[.\-]\w)"


def _id_pattern(mention_id: str) -> str:
    return rf"(?<![\w:/]){re.escape(mention_id)}(?![\w/])"


def _compile(parts: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(parts), key=len, reverse=True)
    return re.compile("|".join(ordered), re.IGNORECASE) if ordered else None


class _Rules:
    """How one alert is scrubbed: what marks a text as the person's, what is blanked."""

    def __init__(
        self,
        who: Identity,
        *,
        names: Iterable[str],
        own_words: set[str],
        handles_need_at: bool,
        led_alerts: frozenset[int] = frozenset(),
    ) -> None:
        self.own_words = own_words
        self.led_alerts = led_alerts
        handles = [_handle_pattern(h, at_required=handles_need_at) for h in who.handles]
        if not handles_need_at:
            # Inside the alert about them, a fediverse reply names "@jordan_p", not the server.
            handles += [_handle_pattern(h.split("@")[0], at_required=True) for h in who.handles]
        self.marks = _compile([*handles, *(_name_pattern(n) for n in names)])
        self.ids = _compile(_id_pattern(i) for i in who.mention_ids)

    def names(self, text: str) -> bool:
        return any(p is not None and p.search(text) for p in (self.marks, self.ids))

    def holds(self, text: str) -> bool:
        if self.names(text) or any(w in self.own_words for w in words_of([text])):
            return True
        return any(int(n) in self.led_alerts for n in _ALERT_REF.findall(text))

    def blank(self, text: str) -> str:
        out = text
        for pattern in (self.ids, self.marks):
            if pattern is not None:
                out = pattern.sub(ERASED_MARK, out)
        return out

    def blank_title(self, title: str) -> str:
        def swap(match: re.Match[str]) -> str:
            return ERASED_MARK if match.group(0).casefold() in self.own_words else match.group(0)

        return _WORD.sub(swap, self.blank(title))

    def about(self, item: Any) -> bool:
        """A listed string that holds the person, or a listed record (an example, a digest's
        complaint) whose own text does or that is an alert led by an erased mention; a
        record that only contains such a list (a digest section) stays, its list scrubbed."""
        if isinstance(item, str):
            return self.holds(item)
        if isinstance(item, dict):
            return self.quotes_led(item) or any(
                isinstance(v, str) and self.holds(v) for v in item.values()
            )
        return False

    def quotes_led(self, record: dict[str, Any]) -> bool:
        return any(
            isinstance(record.get(key), int) and record[key] in self.led_alerts
            for key in ("id", "alert_id")
        )

    def scrub(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.scrub(v) for v in value if not self.about(v)]
        if isinstance(value, dict):
            if self.quotes_led(value):
                # A record standing alone (a digest's oldest open alert): its keys stay for
                # the template, its text was the erased mention's.
                return {k: ERASED_MARK if isinstance(v, str) else v for k, v in value.items()}
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, str):
            return self.blank(value)
        return value


def scrub_alerts_on(
    conn: sqlite3.Connection, who: Identity, changed: set[int] | None = None
) -> dict[str, int]:
    """Delete or rewrite the alerts holding ``who.mention_ids`` and the lines of other
    alerts that quote them; return counts by kind, and add the changed alerts' ids to
    ``changed``."""
    changed = set() if changed is None else changed
    counts = {"alerts_deleted": 0, "alerts_changed": 0, "drafts_removed": 0}
    ids = json.dumps(sorted(who.mention_ids))
    holding = conn.execute(
        "SELECT am.alert_id, min(am.position) = (SELECT min(position) FROM alert_mentions l"
        " WHERE l.alert_id = am.alert_id) FROM alert_mentions am"
        " WHERE am.mention_id IN (SELECT value FROM json_each(?)) GROUP BY am.alert_id",
        (ids,),
    ).fetchall()
    led = frozenset(int(a) for a, lead in holding if lead)
    since = conn.execute(
        "SELECT min(created_at) FROM alerts WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(led)),),
    ).fetchone()[0]
    for alert_id, _ in holding:
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
        rules = _holding_rules(conn, who, kept)
        counts["drafts_removed"] += _rewrite(conn, alert_id, rules, lead_erased=alert_id in led)
        counts["alerts_changed"] += 1
        changed.add(alert_id)
    done = {a for a, _ in holding}
    quoting = _Rules(who, names=(), own_words=set(), handles_need_at=True, led_alerts=led)
    for (alert_id,) in conn.execute(_QUOTING, (json.dumps(sorted(_needles(who))), since)):
        if alert_id not in done and _rewrite_lists(conn, alert_id, quoting):
            counts["alerts_changed"] += 1
            changed.add(alert_id)
    return {k: v for k, v in counts.items() if v}


# Alerts that may quote the erased mentions without holding them: their text holds an id or
# an @handle, or a digest made since the first alert led by an erased mention (it may list
# that alert by '#id'). Pre-filtered by substring; _Rules decides by whole token.
_QUOTING = """
SELECT id FROM alerts a WHERE EXISTS (
    SELECT 1 FROM json_each(?) n
    WHERE instr(lower(a.title || ' ' || a.details), n.value) > 0)
 OR (a.kind = 'digest' AND ? IS NOT NULL AND a.created_at >= ?2)
"""


def _needles(who: Identity) -> set[str]:
    return {"@" + h for h in who.handles} | {i.lower() for i in who.mention_ids}


def _holding_rules(conn: sqlite3.Connection, who: Identity, kept: list[str]) -> _Rules:
    found = conn.execute(
        "SELECT title, body, author_handle, author_name FROM mentions"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(kept),),
    ).fetchall()
    # Words the remaining mentions also hold are the crowd's, not only this person's; a
    # short or common word ("fix", "over") says nothing of who wrote it, and blanking it
    # wrecks the alert's sense.
    own = {
        w for w in set(who.words) - words_of(t for r in found for t in (r[0], r[1]) if t)
        if len(w) >= MIN_OWN_WORD_CHARS and w not in STOPWORDS
    }  # fmt: skip
    # A name another author of the alert also goes by ("Jordan" beside "Jordan Pike") would
    # blank their text too: such a name is left, the handle and the words still go.
    others = words_of(t for r in found for t in (r[2], r[3]) if t)
    names = [
        n for n in who.names
        if len(n) >= MIN_NAME_CHARS and not set(_WORD.findall(n)) & others
    ]  # fmt: skip
    return _Rules(who, names=names, own_words=own, handles_need_at=False)


def _rewrite(conn: sqlite3.Connection, alert_id: int, rules: _Rules, *, lead_erased: bool) -> int:
    row = conn.execute("SELECT title, details, drafts FROM alerts WHERE id = ?", (alert_id,))
    title, details, drafts = row.fetchone()
    old_drafts = json.loads(drafts)
    # Drafts answer the alert's lead mention: another person's stay as they are.
    new_drafts = (
        [d for d in old_drafts if not any(rules.holds(v) for v in _values(d))]
        if lead_erased
        else old_drafts
    )
    conn.execute(
        "UPDATE alerts SET title = ?, details = ?, drafts = ? WHERE id = ?",
        (
            rules.blank_title(title),
            json.dumps(rules.scrub(json.loads(details)), ensure_ascii=False),
            json.dumps(new_drafts, ensure_ascii=False),
            alert_id,
        ),
    )
    for sql_read, sql_write, blank in _TEXT_ROWS:
        for rid, text in conn.execute(sql_read, (alert_id,)).fetchall():
            if text is not None and rules.holds(text):
                conn.execute(sql_write, (blank, rid))
    removed = len(old_drafts) - len(new_drafts)
    if removed:
        conn.execute(
            "INSERT INTO alert_events (alert_id, at, what, actor, detail)"
            " VALUES (?, ?, ?, NULL, ?)",
            (alert_id, rows.ts(datetime.now(UTC)), ERASURE_EVENT, DRAFTS_ERASED),
        )
    return removed


def _rewrite_lists(conn: sqlite3.Connection, alert_id: int, rules: _Rules) -> bool:
    (details,) = conn.execute("SELECT details FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    new = json.dumps(rules.scrub(json.loads(details)), ensure_ascii=False)
    if new == json.dumps(json.loads(details), ensure_ascii=False):
        return False
    conn.execute("UPDATE alerts SET details = ? WHERE id = ?", (new, alert_id))
    return True


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


def _values(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _values(v)
    elif isinstance(value, list):
        for v in value:
            yield from _values(v)
