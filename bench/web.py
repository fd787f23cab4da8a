"""Web app latency: p50/p95 of every page and API route with 1,000,000 mentions and 10,000
alerts in the store, in-process and over HTTP; then the dashboard's section.

    python bench/web.py [--size 1000000] [--alerts 10000] [--repeats 40] [--only TEXT]
                        [--section all|routes|dashboard] [--json]

The dashboard section (``bench/web_dashboard.py``) runs on a store of its own, the same
number of mentions over 180 days and five brands (``bench/dashboard_store.py``): each
panel's read function and ``/api/v1/stats/{panel}`` route over HTTP, and the whole
``/dashboard`` page, for 24h, 7d, 30d and 180d, all brands and one; its table prints the
medians and p95 beside the targets (a panel 150 ms, the page 300 ms), and ``--json`` puts
its rows under ``dashboard``. The rest of this note is the routes section.

The store comes from ``bench/web_store.py`` (``bench/stores.py``'s mentions, the alerts
added through the store's alert transaction; cached under ``data/bench/``, keyed by the
schema) and is copied for the run: the bench writes to it. The routes are listed from the
app itself, so a new route is timed (or reported as having no plan) without editing this
file; ``bench/web_plans.py`` says what to ask of each, with real ids from the store, and
makes a throwaway per request for every route that changes something (timed after all the
reads, so they see the store as built).

Each route (and each variant of it: the inbox's filters, a search's words, a busy author) is
asked ``--repeats`` times after one warm-up call, one request at a time (a warm page cache,
as in a running daemon): first in-process (``httpx.ASGITransport``, the whole middleware
stack), then over a real socket (uvicorn in a thread, ``httpx``). The inbox's event stream is
timed to its first event, and the exports to their first 1,000 rows (their full walk is a
download, not a page): both through a small ASGI driver in-process, which stops reading
there as a browser closing the stream would.

``--engine elasticsearch`` (``--es-url URL``, else a local osmem-server started for the run)
runs both sections on ``ElasticStore`` copies whose mentions are first copied into the
cluster (``bench/web_engine.py``), so search, facets, the dashboard and author pages read the
index; ``--json`` then says which engine under ``engine``.

The table: route, p50 and p95 in-process, the p95 of the process's CPU time per request
in-process (what other work on a shared machine cannot inflate, as it does the clock), p95
over HTTP, and whether both clock p95 are within 100 ms. The load average is printed before
and after: read the clock figures with it. With ``--json`` the last line is one JSON object:
``p95_ms`` (route → the larger of the two clock p95), ``p95_ms_in_process``,
``p95_cpu_ms_in_process``, ``p95_ms_http``, ``p50_ms``, ``p95_ms_max``, ``over_100`` (routes
above 100 ms), ``routes`` (the app's routes timed), ``untimed`` (routes of the app the bench
has no plan for) and ``load_avg`` (the 1-minute load average before and after). The exit
status is 1 when a route answered with an unexpected status (its figure would time an error
page) or had no plan.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from es_local import bench_settings, local_cluster
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from stores import DEFAULT_ROOT
from web_dashboard import run_section
from web_fixture import Call, Plan, prepare
from web_plans import plans
from web_store import cached_web_store
from web_timing import HOST, copied_context, p95, serve

from listener.store.elasticsearch.settings import ClusterSettings
from listener.web.app import create_app
from listener.web.context import WebContext

GOAL_MS = 100.0
STREAM_SETTLE_S = 0.1


@dataclass
class Timing:
    plan: Plan
    in_process: list[float]
    cpu: list[float]  # the process's CPU time per in-process request: what load cannot inflate
    http: list[float]
    bad: list[str]  # "status 500 for GET /x", one per unexpected answer

    @property
    def p50(self) -> float:
        return round(statistics.median(self.in_process), 1)

    @property
    def p95_in_process(self) -> float:
        return p95(self.in_process)

    @property
    def p95_cpu(self) -> float:
        return p95(self.cpu)

    @property
    def p95_http(self) -> float:
        return p95(self.http)

    @property
    def worst(self) -> float:
        return max(self.p95_in_process, self.p95_http)


def app_routes(app: FastAPI) -> list[str]:
    """``METHOD path`` of every route the app serves (HEAD aside: GET answers it)."""
    found = []
    for route in iter_route_contexts(app.routes):
        methods = sorted(route.methods or ())
        if not methods and route.path:
            found.append(f"GET {route.path}/{{path}}")  # a mount: static files
        found += [f"{m} {route.path}" for m in methods if m != "HEAD"]
    return found


async def asgi_stream(app: FastAPI, call: Call, port: int, until: Callable[[bytes], bool]) -> int:
    """Ask ``app`` for ``call`` in-process and read its body until ``until(body)`` holds;
    then leave, as a browser closing the stream does. Returns the status."""
    path, _, query = call.url.partition("?")
    headers = {**call.headers, "host": f"{HOST}:{port}"}
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": call.method, "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": "", "client": (HOST, 50000),
        "server": (HOST, port),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    body = bytearray()
    status = 0
    enough = asyncio.Event()
    asked = False

    async def receive() -> dict[str, object]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await enough.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])  # type: ignore[call-overload]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))  # type: ignore[arg-type]
            if until(bytes(body)) or not message.get("more_body"):
                enough.set()

    task = asyncio.create_task(app(scope, receive, send))  # type: ignore[arg-type]
    waiting = asyncio.create_task(enough.wait())
    await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, waiting):
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pending
    return status


async def in_process(
    app: FastAPI, client: httpx.AsyncClient, plan: Plan, call: Call, port: int
) -> int:
    if plan.until is not None:
        return await asgi_stream(app, call, port, plan.until)
    response = await client.request(
        call.method, call.url, headers=call.headers, json=call.json, data=call.form
    )
    return response.status_code


def over_http(client: httpx.Client, plan: Plan, call: Call) -> int:
    if plan.until is None:
        response = client.request(
            call.method, call.url, headers=call.headers, json=call.json, data=call.form
        )
        return response.status_code
    body = b""
    with client.stream(call.method, call.url, headers=call.headers) as response:
        for chunk in response.iter_bytes():
            body += chunk
            if plan.until(body):
                break
        return response.status_code


async def measure(
    plan: Plan, app: FastAPI, port: int, local: httpx.AsyncClient, remote: httpx.Client,
    repeats: int,
) -> Timing:  # fmt: skip
    calls = plan.make(2 * (repeats + 1))
    timing = Timing(plan, [], [], [], [])
    for mode, series in (("in-process", calls[: repeats + 1]), ("http", calls[repeats + 1 :])):
        for n, call in enumerate(series):
            if call.before is not None:
                call.before(call)
            started, cpu_started = time.perf_counter(), time.process_time()
            if mode == "http":
                status = over_http(remote, plan, call)
            else:
                status = await in_process(app, local, plan, call, port)
            spent = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
            if plan.until is not None:
                # The server may be making the next page of the stream the reader left: let
                # it finish before the next request, which it would otherwise slow down.
                await asyncio.sleep(STREAM_SETTLE_S)
            local.cookies.clear()
            remote.cookies.clear()  # every call names its own cookies
            if status not in plan.ok:
                timing.bad.append(f"status {status} for {call.method} {call.url} ({mode})")
            if n and mode == "http":  # the first of each series is the warm-up
                timing.http.append(spent)
            elif n:
                timing.in_process.append(spent)
                timing.cpu.append(cpu)
    return timing


def print_row(t: Timing) -> None:
    meets = "yes" if t.worst <= GOAL_MS else "NO"
    print(
        f"{t.plan.name:<58} {t.p50:>7.1f} {t.p95_in_process:>7.1f} {t.p95_cpu:>7.1f}"
        f" {t.p95_http:>8.1f}  {meets}",
        flush=True,
    )


async def run(
    context: WebContext, repeats: int, only: str | None
) -> tuple[list[Timing], list[str]]:
    fixture = prepare(context)
    local_app, remote_app = create_app(context), create_app(context)
    routes = app_routes(local_app)
    chosen = [p for p in plans(fixture) if only is None or only in p.name]
    untimed = sorted(set(routes) - {p.route for p in chosen}) if only is None else []
    stale = sorted({p.route for p in chosen} - set(routes))
    port, server, thread = serve(remote_app)
    local_port = context.settings.web.port
    local = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=local_app, client=(HOST, 50000)),
        base_url=f"http://{HOST}:{local_port}", timeout=60,
    )  # fmt: skip
    remote = httpx.Client(base_url=f"http://{HOST}:{port}", timeout=60)
    print(
        f"{'route':<58} {'p50 ms':>7} {'p95 ms':>7} {'CPU p95':>7} {'HTTP p95':>8}"
        f"  ≤{GOAL_MS:.0f} ms"
    )
    timings = []
    try:
        for plan in chosen:
            timing = await measure(plan, local_app, local_port, local, remote, repeats)
            timings.append(timing)
            print_row(timing)
    finally:
        await local.aclose()
        # Over HTTP the bench waits on purpose: nothing else runs on this loop meanwhile.
        remote.close()  # noqa: ASYNC212
        server.should_exit = True
        thread.join(timeout=10)
    for route in stale:
        print(f"planned but not served by the app (renamed?): {route}", file=sys.stderr)
    return timings, untimed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="mentions in the store")
    parser.add_argument("--alerts", type=int, default=10_000, help="alerts in the store")
    parser.add_argument("--repeats", type=int, default=40, help="timed requests per route")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="store cache folder")
    parser.add_argument("--only", help="time only the routes whose name contains this")
    parser.add_argument(
        "--section",
        choices=("all", "routes", "dashboard"),
        default="all",
        help="every route on the web store, the dashboard on its own store, or both",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--engine",
        choices=("sqlite", "elasticsearch"),
        default="sqlite",
        help="elasticsearch: the mention reads from a cluster's index (bench/web_engine.py)",
    )
    parser.add_argument("--es-url", help="the cluster for --engine elasticsearch (else osmem)")
    args = parser.parse_args()
    if args.repeats < 2:
        parser.error("--repeats must be at least 2 (a p95 of one request is no p95)")
    if args.size < 1 or args.alerts < 1:
        parser.error("--size and --alerts must be at least 1")
    if args.es_url and args.engine != "elasticsearch":
        parser.error("--es-url needs --engine elasticsearch")
    status, summary = 0, dict[str, Any]()
    with engine_cluster(args.engine, args.es_url) as cluster:
        summary["engine"] = args.engine if cluster is None else f"elasticsearch: {cluster[1]}"
        if args.section in ("all", "routes"):
            status, routes = routes_section(
                args, None if cluster is None else bench_settings(cluster[0])
            )
            summary |= routes
        if args.section in ("all", "dashboard"):
            dashboard_status, summary["dashboard"] = run_section(
                args.size, args.alerts, args.repeats, args.root, args.only,
                None if cluster is None else bench_settings(cluster[0]),
            )  # fmt: skip
            status = max(status, dashboard_status)
    if args.json:
        print(json.dumps(summary))
    return status


@contextlib.contextmanager
def engine_cluster(engine: str, url: str | None) -> Iterator[tuple[str, str] | None]:
    """(url, what it is) of the cluster for ``--engine elasticsearch``, else None."""
    if engine != "elasticsearch":
        yield None
        return
    with local_cluster(url) as found:
        print(f"engine: elasticsearch, {found[1]}", file=sys.stderr)
        yield found


def routes_section(
    args: argparse.Namespace, cluster: ClusterSettings | None = None
) -> tuple[int, dict[str, Any]]:
    started = time.perf_counter()
    cached = cached_web_store(args.size, args.alerts, root=args.root)
    with copied_context(cached, "bench-web-", cluster=cluster) as context:
        load_before = os.getloadavg()[0]
        print(
            f"store: {args.size:,} mentions, {args.alerts:,} alerts ({cached.name}, ready in"
            f" {time.perf_counter() - started:.0f} s); {args.repeats} requests per route;"
            f" load average {load_before:.1f} on {os.cpu_count()} cores",
            file=sys.stderr,
        )
        timings, untimed = asyncio.run(run(context, args.repeats, args.only))
    load = (load_before, os.getloadavg()[0])
    return report(timings, untimed, load)


def report(
    timings: list[Timing], untimed: list[str], load: tuple[float, float]
) -> tuple[int, dict[str, Any]]:
    over = [t.plan.name for t in timings if t.worst > GOAL_MS]
    print(f"{len(timings)} rows over {len({t.plan.route for t in timings})} routes;"
          f" above {GOAL_MS:.0f} ms p95: {', '.join(over) or 'none'};"
          f" load average {load[0]:.1f} before, {load[1]:.1f} after")  # fmt: skip
    bad = [line for t in timings for line in t.bad]
    for line in bad[:20]:
        print(f"unexpected answer: {line}", file=sys.stderr)
    for route in untimed:
        print(f"not timed (no plan in bench/web_plans.py): {route}", file=sys.stderr)
    summary = {
        "p95_ms": {t.plan.name: t.worst for t in timings},
        "p95_ms_in_process": {t.plan.name: t.p95_in_process for t in timings},
        "p95_ms_http": {t.plan.name: t.p95_http for t in timings},
        "p95_cpu_ms_in_process": {t.plan.name: t.p95_cpu for t in timings},
        "p50_ms": {t.plan.name: t.p50 for t in timings},
        "p95_ms_max": max((t.worst for t in timings), default=None),
        "over_100": over,
        "routes": sorted({t.plan.route for t in timings}),
        "untimed": untimed,
        "load_avg": [round(x, 2) for x in load],
    }
    return (1 if bad or untimed else 0), summary


if __name__ == "__main__":
    sys.exit(main())
