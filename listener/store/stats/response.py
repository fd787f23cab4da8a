"""How fast the team answers: read from the alerts table (one row per alert, its
acknowledged/replied/closed times already on it), for the alerts created in the range.

Digests are left out everywhere: they are summaries nobody answers. An alert's first
response is the first of its acknowledge, reply and close; its resolution is its close
(resolved or ignored). The SLA is judged as the inbox's clock judges it
(``listener.web.inbox_views.sla_clock``): an alert of the SLA's kinds and severity is met
when acknowledged or replied to within ``sla_within`` of its creation, missed when that
came later or when it is still open past the deadline; one still inside its deadline, or
closed without an answer, is not counted either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from listener.models import AlertKind, AlertState, Severity
from listener.store.rows import ts
from listener.store.sqlite import SQLiteStore
from listener.store.stats.models import AgeBucket, AssigneeResponse, Durations, Response
from listener.store.stats.scope import StatsScope
from listener.store.stats.sums import tuples

_OPEN_STATES = tuple(s.value for s in AlertState if s.is_open)
# Durations are computed by SQLite (julianday of the stored ISO times, to the millisecond):
# parsing four datetimes per alert in Python was most of the time of a long range. The
# covering index alerts_response (schema 12) answers from the range alone: the planner's
# own choice for a brand, alerts_brand_kind_state, read every alert of the brand ever
# and each one's wide row (details, drafts). The age is only read of an open alert (the
# SLA's overdue test): most alerts of a long range are closed.
_CREATED = """
SELECT kind, severity, state, assignee,
    round((julianday(nullif(min(coalesce(acknowledged_at, '~'), coalesce(replied_at, '~'),
        coalesce(closed_at, '~')), '~')) - julianday(created_at)) * 86400, 3),
    round((julianday(nullif(min(coalesce(acknowledged_at, '~'), coalesce(replied_at, '~')),
        '~')) - julianday(created_at)) * 86400, 3),
    round((julianday(closed_at) - julianday(created_at)) * 86400, 3),
    iif(state IN ('new', 'acknowledged', 'replied'),
        round((julianday(?) - julianday(created_at)) * 86400, 3), NULL)
FROM alerts INDEXED BY alerts_response
WHERE created_at >= ? AND created_at < ? AND kind != 'digest'{brand}"""
# The open states are AlertState's (is_open), written out so alerts_state_created answers.
_OPEN = (
    "SELECT round((julianday(?) - julianday(created_at)) * 86400, 3) FROM alerts"
    " WHERE state IN ('new', 'acknowledged', 'replied')"
    " AND kind != 'digest'{brand}"
)
# The headline's first response alone: one difference per answered alert, no row objects.
# '~' sorts after every stored time, so min() skips the events that did not happen.
_FIRST_RESPONSES = """
SELECT round((julianday(min(coalesce(acknowledged_at, '~'), coalesce(replied_at, '~'),
    coalesce(closed_at, '~'))) - julianday(created_at)) * 86400, 3)
FROM alerts INDEXED BY alerts_response
WHERE created_at >= ? AND created_at < ? AND kind != 'digest'
  AND coalesce(acknowledged_at, replied_at, closed_at) IS NOT NULL{brand}"""
_OPEN_COUNT = (
    "SELECT count(*) FROM alerts WHERE state IN ('new', 'acknowledged', 'replied')"
    " AND kind != 'digest'{brand}"
)

_RANKS = {s.value: s.rank for s in Severity}
_HOUR = 3600
# (label, older than, younger than) in seconds; the last has no upper bound.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("under 1 h", 0, _HOUR),
    ("1–4 h", _HOUR, 4 * _HOUR),
    ("4–24 h", 4 * _HOUR, 24 * _HOUR),
    ("1–7 days", 24 * _HOUR, 7 * 24 * _HOUR),
    ("over 7 days", 7 * 24 * _HOUR, None),
)


# One alert of the range as the SQL gives it (a plain tuple: a Python object per alert
# was most of a 180-day range's time): kind, severity, state, assignee, then its events as
# seconds after its creation (None: not yet) -- the first of acknowledge, reply and close;
# the first of acknowledge and reply (what the SLA asks); the close -- and, if open, its age
# at ``now``.
_Row = tuple[str, str, str, str | None, float | None, float | None, float | None, float | None]


def durations(seconds: Sequence[float]) -> Durations:
    """The median and the 90th percentile (linear between the nearest values, as
    ``statistics.quantiles(method="inclusive")``) of ``seconds``."""
    if not seconds:
        return Durations(0, None, None)
    if len(seconds) == 1:
        return Durations(1, seconds[0], seconds[0])
    return _sorted_durations(sorted(seconds))


def _sorted_durations(ordered: Sequence[float]) -> Durations:
    """``durations`` of values already in order, by the formulas of ``statistics.median``
    and ``statistics.quantiles(n=10, method="inclusive")`` (same floats), without their
    sort and checks per call."""
    n = len(ordered)
    if n == 0:
        return Durations(0, None, None)
    if n == 1:
        return Durations(1, ordered[0], ordered[0])
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    m = n - 1
    j, delta = divmod(9 * m, 10)
    p90 = (ordered[j] * (10 - delta) + ordered[j + 1] * delta) / 10
    return Durations(n, median, p90)


def _brand_clause(scope: StatsScope) -> tuple[str, list[object]]:
    return (" AND brand = ?", [scope.brand]) if scope.brand is not None else ("", [])


def alerts_created(
    conn: sqlite3.Connection, scope: StatsScope, now: datetime | None = None
) -> list[_Row]:
    """The alerts created in the range (not digests); the age is None without ``now``."""
    clause, params = _brand_clause(scope)
    found = tuples(
        conn,
        _CREATED.format(brand=clause),
        [ts(now) if now else None, ts(scope.since), ts(scope.until), *params],
    )
    return found.fetchall()


def open_ages_s(conn: sqlite3.Connection, scope: StatsScope, now: datetime) -> list[float]:
    """How old each alert open now is (of the scope's brand, whatever its range)."""
    clause, params = _brand_clause(scope)
    found = tuples(conn, _OPEN.format(brand=clause), [ts(now), *params])
    return [max(row[0], 0.0) for row in found]


def _sla(
    alerts: Sequence[_Row],
    *,
    within: timedelta | None,
    kinds: Collection[str],
    min_severity: Severity,
) -> tuple[int, int]:
    """(alerts the SLA judged, of which met)."""
    if within is None:
        return 0, 0
    judged = met = 0
    deadline_s = within.total_seconds()
    ranked = {value for value, rank in _RANKS.items() if rank >= min_severity.rank}
    for kind, severity, state, _, _, answered, _, age in alerts:
        if kind not in kinds or severity not in ranked:
            continue
        if answered is not None:
            judged += 1
            # Negative spans (a clock set back between creation and answer) count as 0.
            met += max(answered, 0.0) <= deadline_s
        elif state in _OPEN_STATES and (age or 0.0) > deadline_s:
            judged += 1  # overdue: missed, whatever happens next
    return judged, met


def _by_age(ages_s: Sequence[float]) -> list[AgeBucket]:
    counts = [0] * len(AGE_BUCKETS)
    for age in ages_s:
        for i, (_, low, high) in enumerate(AGE_BUCKETS):
            if age >= low and (high is None or age < high):
                counts[i] += 1
                break
    return [
        AgeBucket(label, low, high, count)
        for (label, low, high), count in zip(AGE_BUCKETS, counts, strict=True)
    ]


class _Group:
    """One assignee's alerts (or all of them), counted as they are read."""

    __slots__ = ("alerts", "firsts", "open", "resolves")

    def __init__(self) -> None:
        self.alerts = 0
        self.open = 0
        self.firsts: list[float] = []
        self.resolves: list[float] = []


def _grouped(alerts: Sequence[_Row]) -> tuple[_Group, dict[str | None, _Group]]:
    """All the alerts' counts and durations, and the same per assignee, in one pass.
    Negative spans (a clock set back between creation and answer) count as 0."""
    everyone = _Group()
    groups: dict[str | None, _Group] = {}
    open_states = frozenset(_OPEN_STATES)
    for _, _, state, assignee, first, _, closed, _ in alerts:
        theirs = groups.get(assignee)
        if theirs is None:
            theirs = groups[assignee] = _Group()
        is_open = state in open_states
        everyone.alerts += 1
        theirs.alerts += 1
        everyone.open += is_open
        theirs.open += is_open
        if first is not None:
            first = first if first > 0.0 else 0.0
            everyone.firsts.append(first)
            theirs.firsts.append(first)
        if closed is not None:
            closed = closed if closed > 0.0 else 0.0
            everyone.resolves.append(closed)
            theirs.resolves.append(closed)
    return everyone, groups


def _per_assignee(groups: dict[str | None, _Group]) -> list[AssigneeResponse]:
    rows = [
        AssigneeResponse(
            assignee=who,
            alerts=theirs.alerts,
            open=theirs.open,
            first_response=durations(theirs.firsts),
            resolve=durations(theirs.resolves),
        )
        for who, theirs in groups.items()
    ]
    # Most alerts first; the unassigned last, where a lead looks for what nobody owns.
    rows.sort(key=lambda r: (r.assignee is None, -r.alerts, r.assignee or ""))
    return rows


def response(
    store: SQLiteStore,
    scope: StatsScope,
    *,
    now: datetime,
    sla_within: timedelta | None,
    sla_kinds: Collection[AlertKind | str] = (AlertKind.COMPLAINT, AlertKind.INCIDENT),
    sla_min_severity: Severity = Severity.NORMAL,
) -> Response:
    """Response and resolution times of the alerts created in the range, the SLA's share
    met (``sla_within`` None: no SLA configured, nothing judged), every alert open now by
    age, and the same per assignee."""
    with store._read() as conn:
        alerts = alerts_created(conn, scope, now)
        open_ages = open_ages_s(conn, scope, now)
    judged, met = _sla(
        alerts,
        within=sla_within,
        kinds={str(k) for k in sla_kinds},
        min_severity=sla_min_severity,
    )
    everyone, groups = _grouped(alerts)
    return Response(
        alerts=everyone.alerts,
        first_response=durations(everyone.firsts),
        resolve=durations(everyone.resolves),
        sla_alerts=judged,
        sla_met=met,
        open_by_age=_by_age(open_ages),
        per_assignee=_per_assignee(groups),
    )


def open_alerts(conn: sqlite3.Connection, scope: StatsScope) -> int:
    """How many alerts (not digests) of the scope's brand are open now."""
    clause, params = _brand_clause(scope)
    sql = _OPEN_COUNT.format(brand=clause)
    return int(conn.execute(sql, params).fetchone()[0])


def first_response_durations(conn: sqlite3.Connection, scope: StatsScope) -> Durations:
    """``first_responses`` of the alerts created in the range, read without the rest."""
    clause, params = _brand_clause(scope)
    found = tuples(
        conn, _FIRST_RESPONSES.format(brand=clause), [ts(scope.since), ts(scope.until), *params]
    )
    return durations([max(row[0], 0.0) for row in found])
