"""Accounts latency: p50/p95 of signing in and of the account routes over HTTP, and of working
out who is asking (which every route of the app pays), on a store with many accounts.

    python bench/accounts.py [--users 200] [--tokens 1000] [--sessions 10000]
                             [--failures 5000] [--repeats 40] [--json]

The accounts go in through the store's own functions (``listener.store.accounts``): users
(each password hashed with the app's argon2id setting, so building costs ~40 ms a user),
live and revoked tokens, sessions and recent failed sign-ins from many addresses. The app is
served by uvicorn in a thread and asked with httpx, one request at a time, after a warm-up:

- ``who_session``, ``who_token``: ``GET /account`` with a session cookie, with a bearer token
  (the principal lookup every route starts with, plus a small page);
- ``api_users``, ``api_tokens``: the admin listings as JSON (50 a page);
- ``admin_page``: ``/admin/users`` (its first page: 50 users and 50 tokens);
- ``login_ok``, ``login_wrong``: ``POST /login`` with the right and a wrong password (one argon2
  verify each; a wrong one also records the failure). Each wrong try comes from its own
  address (X-Forwarded-For, with web.trust_proxy) and name, so throttling never short-cuts it.

The mentions table plays no part in any of these queries, so no million-mention store is
built. With ``--json`` the last line is one JSON object: ``p50_ms`` and ``p95_ms`` per route.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import uvicorn

from listener.clock import utcnow
from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.store import SQLiteStore, accounts, open_store
from listener.web.app import create_app
from listener.web.auth import SESSION_COOKIE
from listener.web.context import WebContext

PASSWORD = "bench-orchard-lantern-42"
SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
web:
  trust_proxy: true  # so each wrong sign-in can come from its own address (X-Forwarded-For)
"""


def fill(store: SQLiteStore, users: int, tokens: int, sessions: int, failures: int) -> str:
    """The accounts; returns an admin token's secret."""
    now = utcnow()
    policy = accounts.SessionPolicy(idle=timedelta(days=14), absolute=timedelta(days=30))
    made = [
        accounts.add_user(store, f"user{n:04d}", ("viewer", "agent", "admin")[n % 3],
                          f"{PASSWORD}-{n}", now)
        for n in range(users)
    ]
    for n in range(sessions):
        accounts.start_session(store, made[n % len(made)], "bench", now, policy)
    admin_secret = ""
    for n in range(tokens):
        _token, secret = accounts.create_token(store, f"token{n:05d}", "admin", "bench", now)
        admin_secret = admin_secret or secret
        if n % 4 == 1:
            accounts.revoke_token(store, f"token{n:05d}", now)
    for n in range(failures):
        accounts.record_login_failure(
            store, f"guess{n}", f"198.51.100.{n % 250}", now - timedelta(seconds=n % 800),
            timedelta(minutes=15),
        )
    return admin_secret


def serve(context: WebContext) -> tuple[str, uvicorn.Server, threading.Thread]:
    config = uvicorn.Config(
        create_app(context), host="127.0.0.1", port=0, log_level="warning", proxy_headers=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}", server, thread


def timed(call: Callable[[int], httpx.Response], repeats: int) -> list[float]:
    call(-1)  # warm-up
    spans = []
    for n in range(repeats):
        started = time.perf_counter()
        response = call(n)
        spans.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400 and response.status_code != 429:
            raise SystemExit(f"{response.request.url}: {response.status_code} {response.text}")
    return spans


def p95(spans: list[float]) -> float:
    return statistics.quantiles(spans, n=20)[-1] if len(spans) >= 2 else spans[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--failures", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # The wrong sign-ins' warnings are the app working as meant, not news for the table.
    logging.getLogger("listener").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.yaml"
        path.write_text(SETTINGS.format(db=Path(folder) / "bench.db"), encoding="utf-8")
        settings = load_settings(path, environ={})
        store = open_store(settings.storage.sqlite)
        started = time.perf_counter()
        admin = fill(store, args.users, args.tokens, args.sessions, args.failures)
        print(f"built {args.users:,} users, {args.tokens:,} tokens, {args.sessions:,} sessions,"
              f" {args.failures:,} failed sign-ins in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        url, server, thread = serve(WebContext(settings=settings, store=store, metrics=Metrics()))
        results: dict[str, list[float]] = {}
        with httpx.Client(base_url=url, follow_redirects=False) as c:
            c.get("/login")
            csrf = c.cookies["listener_csrf"]
            form = {"name": "user0000", "password": f"{PASSWORD}-0", "next": "/",
                    "csrf_token": csrf}
            c.post("/login", data=form)
            session = c.cookies[SESSION_COOKIE]
            as_session = {"Cookie": f"{SESSION_COOKIE}={session}"}
            as_admin = {"Authorization": f"Bearer {admin}"}
            results["who_session"] = timed(lambda n: c.get("/account", headers=as_session),
                                           args.repeats)
            results["who_token"] = timed(lambda n: c.get("/account", headers=as_admin),
                                         args.repeats)
            results["api_users"] = timed(lambda n: c.get("/api/v1/users", headers=as_admin),
                                         args.repeats)
            results["api_tokens"] = timed(lambda n: c.get("/api/v1/tokens", headers=as_admin),
                                          args.repeats)
            admin_user = {"name": "user0002", "password": f"{PASSWORD}-2", "next": "/",
                          "csrf_token": csrf}
            with httpx.Client(base_url=url, follow_redirects=False) as browser:
                browser.cookies.set("listener_csrf", csrf)
                browser.post("/login", data=admin_user)
                results["admin_page"] = timed(lambda n: browser.get("/admin/users"),
                                              args.repeats)

            def login(n: int, right: bool) -> httpx.Response:
                with httpx.Client(base_url=url, follow_redirects=False) as fresh:
                    fresh.cookies.set("listener_csrf", csrf)
                    if right:
                        return fresh.post("/login", data=form)
                    wrong = {**form, "name": f"nobody{n}", "password": "not-it-at-all"}
                    return fresh.post("/login", data=wrong,
                                      headers={"X-Forwarded-For": f"192.0.2.{n % 250}"})

            results["login_ok"] = timed(lambda n: login(n, True), args.repeats)
            results["login_wrong"] = timed(lambda n: login(n, False), args.repeats)
        server.should_exit = True
        thread.join(timeout=10)
        store.close()

    print(f"{'route':<12} {'p50 ms':>8} {'p95 ms':>8}")
    for route, spans in results.items():
        print(f"{route:<12} {statistics.median(spans):8.1f} {p95(spans):8.1f}")
    if args.json:
        print(json.dumps({
            "p50_ms": {k: round(statistics.median(v), 2) for k, v in results.items()},
            "p95_ms": {k: round(p95(v), 2) for k, v in results.items()},
        }))


if __name__ == "__main__":
    main()
