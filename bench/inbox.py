"""Inbox and alert page latency: p50/p95 of the inbox's reads with 10,000 alerts over a store
of 1,000,000 mentions, in-process and over HTTP.

    python bench/inbox.py [--size 1000000] [--alerts 10000] [--repeats 40] [--json]

The mentions come from ``bench/stores.py``'s cached store (a copy is taken: the bench adds
alerts and migrates it to today's schema; when the cache holds a store of an older schema
only, that one is copied, to spare a rebuild of minutes). The alerts go in through the
store's own alert transaction, as the rules raise them: mostly complaints about one
mention, some incidents holding 50, four brands, every severity, 40 % closed, some assigned,
some snoozed, spread over the store's 60 days. Each route is timed after one warm-up call,
one request at a time (a warm page cache, as in a running daemon):

- ``inbox``: the default page (open alerts, 50 rows); ``inbox_deep``: the page after 20 pages
  of cursor; ``brand``, ``source``, ``mine``, ``breaching``, ``resolved`` filters;
- ``newer``: what the live stream asks every second (alerts after the newest but 5);
- ``detail``: one alert in full (mentions, judgments, drafts, events, author history);
- ``http_page``, ``http_api``, ``http_alert``: the inbox page, /api/v1/alerts and the alert
  page over a real socket (uvicorn in a thread, httpx).

With ``--json`` the last line is one JSON object: ``p95_ms`` and ``p50_ms`` (route → ms) and
``p95_ms_max``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from stores import DEFAULT_ROOT, END, SOURCES, cached_store

from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.models import AlertKind, AlertState, Severity
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import NewAlert
from listener.store.inbox_writes import snooze
from listener.web.app import create_app
from listener.web.auth import LOCAL_OPERATOR
from listener.web.context import WebContext
from listener.web.inbox_views import InboxFilters, alert_detail, list_inbox, newer_rows

BRANDS = ("Acme", "Globex", "Initech", "Umbrella")
PEOPLE = ("local", "ann", "bo", "cy", None, None)
SETTINGS = """\
brands:
{brands}
sources:
{sources}
storage:
  sqlite: {db}
alerts:
  channels:
    - name: hooks
      type: webhook
      url: http://127.0.0.1:9/hook
  sla:
    ack_within: 30m
    escalate_to: [hooks]
"""


def source_store(size: int) -> Path:
    """The cached store of ``size`` mentions, of today's schema if there is one, else the
    newest older one (opening the copy migrates it)."""
    found = sorted(DEFAULT_ROOT.glob(f"store-{size}-v*.db"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else cached_store(size)


def add_alerts(store: SQLiteStore, count: int, seed: int = 7) -> list[int]:
    rng = random.Random(seed)
    with store._read() as conn:
        stride = max(1, conn.execute("SELECT max(seq) FROM mentions").fetchone()[0] // count)
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM mentions WHERE seq % ? = 0 LIMIT ?", (stride, count * 2)
            )
        ]
    made: list[int] = []
    severities = list(Severity)
    for start in range(0, count, 500):
        with store.alert_transaction() as tx:
            for n in range(start, min(count, start + 500)):
                incident = n % 20 == 0
                mentions = tuple(rng.sample(ids, 50)) if incident else (ids[n],)
                alert = tx.add_alert(
                    NewAlert(
                        key=f"bench:{n}",
                        kind=AlertKind.INCIDENT if incident else AlertKind.COMPLAINT,
                        rule="spike" if incident else "complaint",
                        brand=BRANDS[n % 4],
                        severity=severities[rng.randrange(4)],
                        title=f"Bench alert {n}",
                        created_at=END - timedelta(minutes=rng.randrange(60 * 24 * 60)),
                        mention_ids=mentions,
                    )
                )
                assert alert is not None
                made.append(alert.id)
    at = END
    for alert_id in made:
        roll = rng.random()
        if roll < 0.4:
            state = AlertState.RESOLVED if roll < 0.3 else AlertState.IGNORED
            store.set_alert_state(alert_id, state, at=at, by="ann")
        elif roll < 0.55:
            store.set_alert_state(alert_id, AlertState.ACKNOWLEDGED, at=at, by="bo")
        person = PEOPLE[alert_id % len(PEOPLE)]
        if person:
            store.assign_alert(alert_id, person, at=at, by="ann")
        if 0.9 < roll < 0.95:
            snooze(store, alert_id, at + timedelta(days=1), at=at, by="cy")
    return made


def timed(call: Callable[[], object], repeats: int) -> list[float]:
    call()
    spent = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def serve(context: WebContext) -> tuple[str, uvicorn.Server, threading.Thread]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(context), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-inbox-"))
    try:
        db = folder / "listener.db"
        started = time.perf_counter()
        shutil.copyfile(source_store(args.size), db)
        store = open_store(db)
        made = add_alerts(store, args.alerts)
        print(
            f"store: {args.size:,} mentions, {len(made):,} alerts"
            f" (copied and filled in {time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
        settings_path = folder / "settings.yaml"
        settings_path.write_text(
            SETTINGS.format(
                brands="\n".join(f"  - name: {b}\n    query: {b.lower()}" for b in BRANDS),
                sources="\n".join(
                    f"  - name: {name}\n    type: rss\n    interval: 10m\n"
                    f"    url: http://127.0.0.1:9/{name}.xml"
                    for name, _type in SOURCES
                ),
                db=db,
            ),
            encoding="utf-8",
        )
        settings = load_settings(settings_path, environ={})
        context = WebContext(settings=settings, store=store, metrics=Metrics(), clock=lambda: END)
        who = LOCAL_OPERATOR
        rng = random.Random(11)
        deep_cursor = None
        for _ in range(20):
            deep_cursor = list_inbox(context, who, InboxFilters(), cursor=deep_cursor).next_cursor

        def f(**kw: Any) -> InboxFilters:
            return InboxFilters(**kw)

        newest = max(made)
        routes: dict[str, Callable[[], object]] = {
            "inbox": lambda: list_inbox(context, who, f()),
            "inbox_deep": lambda: list_inbox(context, who, f(), cursor=deep_cursor),
            "brand": lambda: list_inbox(context, who, f(brand="Initech")),
            "source": lambda: list_inbox(context, who, f(source=SOURCES[1][0])),
            "mine": lambda: list_inbox(context, who, f(mine=True)),
            "breaching": lambda: list_inbox(context, who, f(breaching=True)),
            "resolved": lambda: list_inbox(context, who, f(state=AlertState.RESOLVED)),
            "newer": lambda: newer_rows(context, who, f(), newest - 5),
            "detail": lambda: alert_detail(context, rng.choice(made)),
        }
        url, server, thread = serve(context)
        client = httpx.Client(base_url=url, timeout=30)
        routes |= {
            "http_page": lambda: client.get("/inbox").raise_for_status(),
            "http_api": lambda: client.get("/api/v1/alerts").raise_for_status(),
            "http_alert": lambda: client.get(f"/alerts/{rng.choice(made)}").raise_for_status(),
        }
        p50: dict[str, float] = {}
        p95: dict[str, float] = {}
        print(f"{'route':<12} {'p50 ms':>8} {'p95 ms':>8}")
        for name, call in routes.items():
            spent = timed(call, args.repeats)
            p50[name] = round(statistics.median(spent), 1)
            p95[name] = round(statistics.quantiles(spent, n=20)[-1], 1)
            print(f"{name:<12} {p50[name]:>8.1f} {p95[name]:>8.1f}")
        client.close()
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
        if args.json:
            print(json.dumps({"p95_ms": p95, "p50_ms": p50, "p95_ms_max": max(p95.values())}))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
