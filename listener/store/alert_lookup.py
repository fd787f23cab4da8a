"""The open-alert lookup of ``AlertTx.find_open_alert``: the SQL that finds the newest open
alert a rule may fold a mention into, by author or thread through the link tables the
schema's triggers keep, so its cost is that of the author's and thread's open alerts, not
of every open alert of the brand; and the kinds filters the other alert reads share.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from listener.models import AlertKind
from listener.store import rows
from listener.store.alert_rows import OPEN_STATES, json_values
from listener.store.rule_reads import as_source_types

# Follow-ups: the open alerts that hold a mention by this author (one of the source types
# of their network + handle, any case, ASCII folding as in author_mentions; a polled type
# and its stream are one network) or in this thread, from the link tables the
# schema's triggers keep (schema 6). Sources fill thread_id with the native id of the
# thread's root (HN story_id, Reddit link_id, Bluesky root URI, X conversation_id,
# Lemmy/Discourse/Stack Exchange topic or question), and a root post carries its own native
# id there; Mastodon leaves a reply's thread_id empty and names only its parent. So an alert
# is in thread T when one of its mentions is in T (thread_id), is T (native_id), or replied
# to T (parent_id). Thread ids are native ids, unique only within a source; brand, kind and
# the time window keep a clash between two sources' equal numbers unlikely to matter.
_BY_AUTHOR = (
    "SELECT alert_id FROM open_alert_authors"
    " WHERE source_type IN (SELECT value FROM json_each(:source_types)) AND handle = :handle"
)
_IN_THREAD = "SELECT alert_id FROM open_alert_threads WHERE thread = :thread"
# CROSS JOIN fixes the loop order: the few linked alerts first, each then read by its id
# and checked. The cost is that of this author's and thread's open alerts, whatever the
# number of open alerts of the brand (an incident's hundreds).
_LINKED = "SELECT a.id FROM ({linked}) l CROSS JOIN alerts a ON a.id = l.alert_id WHERE "
_UNLINKED = "SELECT a.id FROM alerts a WHERE "
_NEWEST_FIRST = " ORDER BY a.created_at DESC, a.id DESC LIMIT 1"


def kinds_param(kinds: Sequence[AlertKind]) -> str:
    return _kinds_json(tuple(kinds))


@lru_cache(maxsize=64)
def _kinds_json(kinds: tuple[AlertKind, ...]) -> str:
    # The rules ask with the same one or two kinds at every mention.
    return json_values(str(AlertKind(k)) for k in kinds)


# An empty kinds list means any kind, as an empty filter does in list_alerts.
KIND_FILTER = "(:kinds = '[]' OR a.kind IN (SELECT value FROM json_each(:kinds)))"
_KIND_IN = "a.kind IN (SELECT value FROM json_each(:kinds))"
_OPEN_JSON = json_values(OPEN_STATES)


def open_alert_query(
    *,
    kinds: Sequence[AlertKind],
    brand: str | None,
    since: datetime,
    rule: str | None = None,
    author: tuple[str | Sequence[str], str] | None = None,
    thread_id: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of ``AlertTx.find_open_alert``: the id of the newest open
    alert that matches, by author or thread when either is given (public for the tests
    that read its plan)."""
    sql = _open_alert_sql(bool(kinds), author is not None, bool(thread_id))
    params: dict[str, Any] = {
        "open": _OPEN_JSON,
        "kinds": kinds_param(kinds),
        "brand": brand,
        "since": rows.ts(since),
        "rule": rule,
        "source_types": json_values(as_source_types(author[0])) if author else "[]",
        "handle": author[1] if author else None,
        "thread": thread_id,
    }
    return sql, params


@lru_cache(maxsize=8)
def _open_alert_sql(kinds: bool, author: bool, thread: bool) -> str:
    """The SQL for which filters are given: the same few strings for every lookup."""
    where = " AND ".join(
        (
            "a.state IN (SELECT value FROM json_each(:open))",
            # Without the OR of KIND_FILTER when kinds are given, so that an incident's
            # lookup reads alerts_brand_kind_state for (brand, kind, open state) only,
            # not every alert the brand ever had.
            _KIND_IN if kinds else "1",
            "a.brand IS :brand",
            "a.updated_at >= :since",
            "(:rule IS NULL OR a.rule = :rule)",
        )
    )
    linked = [q for q, given in ((_BY_AUTHOR, author), (_IN_THREAD, thread)) if given]
    head = _LINKED.format(linked=" UNION ".join(linked)) if linked else _UNLINKED
    return head + where + _NEWEST_FIRST
