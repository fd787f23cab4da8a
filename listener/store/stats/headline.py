"""The figures at the top of the dashboard, of ``listener stats`` and of the digest: the
mention, negative and complaint counts from the rollups (now and in the previous period),
the median first response from the alerts created in the range, the alerts open now."""

from __future__ import annotations

import sqlite3

from listener.store.sqlite import SQLiteStore
from listener.store.stats.models import Durations, Headline
from listener.store.stats.response import first_response_durations, open_alerts
from listener.store.stats.scope import StatsScope
from listener.store.stats.sums import totals


def _counts(conn: sqlite3.Connection, scope: StatsScope) -> tuple[int, int, int]:
    """(mentions, negative, complaints) of the scope."""
    return totals(conn, scope.brand, scope.since, scope.until)


def headline(store: SQLiteStore, scope: StatsScope) -> Headline:
    if (index := store.shared_index) is not None:
        # The counts are the shared index's; response times and open alerts stay local.
        now, before = index.totals(scope), index.totals(scope.previous())
        with store._read() as conn:
            return _headline(conn, scope, now, before)
    with store._read() as conn:
        return headline_on(conn, scope)


def first_response(store: SQLiteStore, scope: StatsScope) -> Durations:
    """The headline's first response alone: the page compares it with the previous
    period's, which needs none of that period's counts."""
    with store._read() as conn:
        return first_response_durations(conn, scope)


def headline_on(conn: sqlite3.Connection, scope: StatsScope) -> Headline:
    """``headline`` on a connection the caller holds: the digest reads it inside the alert
    rules' write transaction (``AlertTx.headline``): its counts are of the local mentions,
    those of this daemon's alerts."""
    return _headline(conn, scope, _counts(conn, scope), _counts(conn, scope.previous()))


def _headline(
    conn: sqlite3.Connection,
    scope: StatsScope,
    now: tuple[int, int, int],
    before: tuple[int, int, int],
) -> Headline:
    mentions, negative, complaints = now
    first = first_response_durations(conn, scope)
    open_now = open_alerts(conn, scope)
    return Headline(
        mentions=mentions,
        previous_mentions=before[0],
        negative=negative,
        previous_negative=before[1],
        complaints=complaints,
        previous_complaints=before[2],
        first_response=first,
        open_alerts=open_now,
    )
