"""``bench/web.py``'s dashboard section: every panel's read function, its
``/api/v1/stats/{panel}`` route over HTTP, and the whole ``/dashboard`` page over HTTP, for
the ranges 24h, 7d, 30d and 180d, over all brands and over one, on the dashboard's store
(``bench/dashboard_store.py``: 1,000,000 mentions over 180 days and five brands, 10,000
alerts; cached, copied for the run).

A panel's function is ``listener.web.dashboard_panels.panel``: the store's read
(``listener.store.stats``) and its response model, as the page and the API call it. The
HTTP rows are real requests to uvicorn in a thread, one at a time after a warm-up (a warm
page cache, as in a running daemon), the API with an admin's token and the page with a
signed-in session. Targets: a panel ≤ 150 ms p95 (function and route alike), the page
≤ 300 ms p95.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from dashboard_store import DASHBOARD, cached_dashboard_store
from web_fixture import Fixture, prepare
from web_timing import HOST, copied_context, p50, p95, serve

from listener.store.elasticsearch.settings import ClusterSettings
from listener.web.app import create_app
from listener.web.context import WebContext
from listener.web.dashboard_panels import PANEL_NAMES, panel
from listener.web.dashboard_scope import DashboardRequest, scope_from_params

RANGES = ("24h", "7d", "30d", "180d")
ONE_BRAND = "Acme"  # the largest brand: 40 % of the mentions
PANEL_TARGET_MS = 150.0
PAGE_TARGET_MS = 300.0
PAGE = "page"


@dataclass
class DashRow:
    range: str
    brand: str | None
    panel: str  # a panel's name, or PAGE
    function: list[float] = field(default_factory=list)  # ms; none for the page
    http: list[float] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)

    @property
    def target(self) -> float:
        return PAGE_TARGET_MS if self.panel == PAGE else PANEL_TARGET_MS

    @property
    def worst(self) -> float:
        return max(p95(self.http), p95(self.function) if self.function else 0.0)

    @property
    def meets(self) -> bool:
        return self.worst <= self.target

    @property
    def name(self) -> str:
        return f"{self.panel} {self.range} {self.brand or 'all brands'}"

    def figures(self) -> dict[str, Any]:
        return {
            "range": self.range,
            "brand": self.brand,
            "panel": self.panel,
            "function_p50_ms": p50(self.function) if self.function else None,
            "function_p95_ms": p95(self.function) if self.function else None,
            "http_p50_ms": p50(self.http),
            "http_p95_ms": p95(self.http),
            "target_ms": self.target,
            "meets": self.meets,
        }


def _timed(repeats: int, call: Callable[[], object]) -> list[float]:
    """``repeats`` timings in ms of ``call``, after one untimed warm-up."""
    call()
    spent = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _get(client: httpx.Client, url: str, headers: dict[str, str], row: DashRow) -> None:
    answer = client.get(url, headers=headers)
    client.cookies.clear()  # every call names its own cookies
    if answer.status_code != 200:
        row.bad.append(f"status {answer.status_code} for GET {url}")


def measure_scope(
    context: WebContext,
    fixture: Fixture,
    client: httpx.Client,
    asked: DashboardRequest,
    range_name: str,
    repeats: int,
    only: str | None,
) -> list[DashRow]:
    rows = []
    for name in (*PANEL_NAMES, PAGE):
        row = DashRow(range_name, asked.scope.brand, name)
        if only is None or only in row.name:
            _measure_row(row, context, fixture, client, asked, repeats)
            print_row(row)
            rows.append(row)
    return rows


def _measure_row(
    row: DashRow,
    context: WebContext,
    fixture: Fixture,
    client: httpx.Client,
    asked: DashboardRequest,
    repeats: int,
) -> None:
    if row.panel == PAGE:
        # The page's own address: another spelling of it answers with a redirect there.
        url = asked.url()
        row.http = _timed(repeats, lambda: _get(client, url, fixture.page(), row))
        return
    row.function = _timed(repeats, lambda: panel(row.panel, context, asked.scope))
    api = f"/api/v1/stats/{row.panel}{asked.query()}"
    row.http = _timed(repeats, lambda: _get(client, api, fixture.api(), row))


def print_header() -> None:
    print(
        f"\n{'dashboard: panel':<16} {'range':>5} {'brand':<10} {'fn p50':>7} {'fn p95':>7}"
        f" {'HTTP p50':>8} {'HTTP p95':>8} {'target':>6}  met",
        flush=True,
    )


def print_row(row: DashRow) -> None:
    fn = (f"{p50(row.function):>7.1f} {p95(row.function):>7.1f}" if row.function
          else f"{'—':>7} {'—':>7}")  # fmt: skip
    print(
        f"{row.panel:<16} {row.range:>5} {row.brand or 'all':<10} {fn}"
        f" {p50(row.http):>8.1f} {p95(row.http):>8.1f} {row.target:>6.0f}"
        f"  {'yes' if row.meets else 'NO'}",
        flush=True,
    )


def run_section(
    size: int,
    alerts: int,
    repeats: int,
    root: Path,
    only: str | None,
    cluster: ClusterSettings | None = None,
) -> tuple[int, dict[str, Any]]:
    """Time the dashboard (its reads from ``cluster``'s index when given); the exit status
    (1: an unexpected answer) and the JSON summary."""
    started = time.perf_counter()
    cached = cached_dashboard_store(size, alerts, root=root)
    copy = copied_context(
        cached, "bench-dashboard-", DASHBOARD.brands, DASHBOARD.sources, cluster=cluster
    )
    with copy as context:
        load_before = os.getloadavg()[0]
        print(
            f"dashboard store: {size:,} mentions over {DASHBOARD.days} days,"
            f" {len(DASHBOARD.brands)} brands, {alerts:,} alerts ({cached.name}, ready in"
            f" {time.perf_counter() - started:.0f} s); {repeats} calls per row;"
            f" load average {load_before:.1f} on {os.cpu_count()} cores",
            file=sys.stderr,
        )
        rows = _run(context, repeats, only)
    load = (load_before, os.getloadavg()[0])
    return report(rows, load)


def _run(context: WebContext, repeats: int, only: str | None) -> list[DashRow]:
    fixture = prepare(context)
    port, server, thread = serve(create_app(context))
    client = httpx.Client(base_url=f"http://{HOST}:{port}", timeout=60)
    print_header()
    rows: list[DashRow] = []
    try:
        for range_name in RANGES:
            for brand in (None, ONE_BRAND):
                params = {"range": range_name} | ({"brand": brand} if brand else {})
                asked = scope_from_params(params, context.settings, context.clock())
                rows += measure_scope(context, fixture, client, asked, range_name, repeats, only)
    finally:
        client.close()
        server.should_exit = True
        thread.join(timeout=10)
    return rows


def report(rows: list[DashRow], load: tuple[float, float]) -> tuple[int, dict[str, Any]]:
    missed = [r.name for r in rows if not r.meets]
    panels = [r.worst for r in rows if r.panel != PAGE]
    pages = [r.worst for r in rows if r.panel == PAGE]
    print(
        f"dashboard: {len(rows)} rows; panel p95 max {max(panels, default=0):.1f} ms"
        f" (target {PANEL_TARGET_MS:.0f}), page p95 max {max(pages, default=0):.1f} ms"
        f" (target {PAGE_TARGET_MS:.0f}); missed: {', '.join(missed) or 'none'};"
        f" load average {load[0]:.1f} before, {load[1]:.1f} after"
    )
    bad = [line for r in rows for line in r.bad]
    for line in bad[:20]:
        print(f"unexpected answer: {line}", file=sys.stderr)
    summary = {
        "rows": [r.figures() for r in rows],
        "panel_p95_ms_max": max(panels, default=None),
        "page_p95_ms_max": max(pages, default=None),
        "missed": missed,
        "load_avg": [round(x, 2) for x in load],
    }
    return (1 if bad else 0), summary
