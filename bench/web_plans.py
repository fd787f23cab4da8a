"""What the web bench asks of each route: real ids from the store, and for every route that
changes something a throwaway of its own per request (an alert, a mention, a user, a token,
a saved search), made through the store's API before the clock starts.

Pages are asked as a signed-in admin (a session cookie, and the CSRF cookie and header on a
POST, as htmx sends them); the JSON API with an admin's API token, as a script would. A route
gets a few variants where its cost depends on what is asked (the inbox's filters, a search's
words, a prolific author): each is a row of the table. ``plans`` says nothing about which
routes exist: ``bench/web.py`` lists those from the app and reports any it has no plan for.
"""

from __future__ import annotations

from collections.abc import Callable

from stores import SOURCES
from web_fixture import BULK, EXPORT_ROWS, OK, PASSWORD, Call, Fixture, Plan
from web_plans_people import people_plans
from web_store import BRANDS, mention_ids, raise_alerts

from listener.models import SourceState
from listener.store import accounts
from listener.web.auth import session_policy
from listener.web.dashboard_panels import PANEL_NAMES
from listener.web.saved_search_views import save_search
from listener.web.search_views import form_from_params


def _rows(stop_at: int, line: bytes) -> Callable[[bytes], bool]:
    return lambda body: body.count(line) >= stop_at


def _first_event(body: bytes) -> bool:
    at = body.find(b"event: alert")
    return at >= 0 and b"\n\n" in body[at:]


INBOX_VARIANTS = (
    ("", ""),
    ("brand", "brand=Initech"),
    ("source", f"source={SOURCES[1][0]}"),
    ("mine", "mine=1"),
    ("breaching", "breaching=1"),
    ("resolved", "state=resolved"),
)
SEARCH_VARIANTS = (
    ("", ""),
    ("common word", "q=the"),
    ("brand query", "q=%22apple+watch%22+OR+iphone+OR+%23apple+-job"),
    ("filtered", "q=trump&brand=Acme&sentiment=negative&from=2026-02-01"),
    ("newest", "brand=Globex&sort=newest"),
)


def plans(fx: Fixture) -> list[Plan]:
    # Issue 18's people and erasure routes: their own module (web_plans_people).
    return [*_get_plans(fx), *_change_plans(fx), *people_plans(fx, mention_ids(fx.store, 500))]


def _get(
    fx: Fixture,
    path: str,
    url: str | Callable[[], str],
    variant: str = "",
    *,
    headers: Callable[[], dict[str, str]] | None = None,
    until: Callable[[bytes], bool] | None = None,
    ok: frozenset[int] = OK,
) -> Plan:
    chosen = headers or (fx.api if path.startswith("/api/") else fx.page)

    def make(n: int) -> list[Call]:
        return [Call("GET", url() if callable(url) else url, chosen()) for _ in range(n)]

    return Plan("GET", path, variant, make, until=until, ok=ok)


def _q(query: str) -> str:
    return f"?{query}" if query else ""


def _get_plans(fx: Fixture) -> list[Plan]:
    rng = fx.rng

    def alert() -> str:
        return str(rng.choice(fx.alert_ids))

    def mention() -> str:
        return rng.choice(fx.alert_mentions)

    found: list[Plan] = [
        _get(fx, path, path)
        for path in ("/", "/favicon.ico", "/healthz", "/metrics", "/account", "/admin/users",
                     "/api/v1/users", "/api/v1/tokens", "/sources", "/api/v1/sources",
                     "/search/saved", "/api/v1/saved-searches", "/api/v1/openapi.json")
    ]  # fmt: skip
    found += [
        # 503 is an answer too: no daemon ticks in a bench, and old deliveries wait.
        _get(fx, "/readyz", "/readyz", ok=OK | {503}),
        _get(fx, "/login", "/login", headers=fx.anonymous),
        _get(fx, "/static/{path}", "/static/app.css", "app.css"),
        _get(fx, "/alerts/{alert_id}", lambda: f"/alerts/{alert()}"),
        _get(fx, "/api/v1/alerts/{alert_id}", lambda: f"/api/v1/alerts/{alert()}"),
        _get(fx, "/mentions/{mention_id:path}", lambda: f"/mentions/{mention()}"),
        _get(fx, "/api/v1/mentions/{mention_id:path}", lambda: f"/api/v1/mentions/{mention()}"),
        _get(fx, "/inbox/newer", f"/inbox/newer?after={fx.newest_alert - 20}"),
        _get(
            fx,
            "/inbox/events",
            f"/inbox/events?after={fx.newest_alert - 20}",
            "first event",
            until=_first_event,
        ),
        _get(
            fx,
            "/search/export.csv",
            "/search/export.csv",
            f"first {EXPORT_ROWS:,} rows",
            until=_rows(EXPORT_ROWS + 1, b"\r\n"),
        ),
        _get(
            fx,
            "/search/export.jsonl",
            "/search/export.jsonl",
            f"first {EXPORT_ROWS:,} rows",
            until=_rows(EXPORT_ROWS, b"\n"),
        ),
        _get(
            fx,
            "/api/v1/export",
            "/api/v1/export?format=jsonl",
            f"first {EXPORT_ROWS:,} rows",
            until=_rows(EXPORT_ROWS, b"\n"),
        ),
        _get(fx, "/api/v1/saved-searches/{name}", f"/api/v1/saved-searches/{fx.saved}"),
    ]
    for path in ("/inbox", "/api/v1/alerts"):
        found += [_get(fx, path, path + _q(query), variant) for variant, query in INBOX_VARIANTS]
        found.append(_get(fx, path, f"{path}?cursor={fx.deep_cursor}", "page 21"))
    for path in ("/search", "/api/v1/search"):
        found += [_get(fx, path, path + _q(query), variant) for variant, query in SEARCH_VARIANTS]
    found.append(_get(fx, "/search", f"/search?saved={fx.saved}", "saved"))
    # The dashboard over its default range (7 days, all brands); bench/web_dashboard.py
    # times every panel and the page over 24h to 180d on a store of 180 days.
    found.append(_get(fx, "/dashboard", "/dashboard", "7d"))
    for name in PANEL_NAMES:
        for path in (f"/api/v1/stats/{name}", f"/api/v1/stats/{name}.csv"):
            found.append(_get(fx, path, path, "7d"))
    for variant, (source_type, handle) in fx.authors.items():
        for path in ("/authors", "/api/v1/authors"):
            found.append(
                _get(fx, path + "/{source_type}/{handle:path}", f"{path}/{source_type}/{handle}",
                     variant)
            )  # fmt: skip
    return found


def _each(
    method: str, path: str, one: Callable[[int], Call], variant: str = "", ok: frozenset[int] = OK
) -> Plan:
    return Plan(method, path, variant, lambda n: [one(i) for i in range(n)], ok=ok)


def _throwaway_alerts(fx: Fixture, count: int, about: list[str]) -> list[int]:
    return raise_alerts(
        fx.store, count, about, prefix=fx.unique("throwaway"), seed=count, incidents=False
    )


def _change_plans(fx: Fixture) -> list[Plan]:
    store, settings, now = fx.store, fx.context.settings, fx.context.clock()
    policy = session_policy(settings.web)
    everywhere = accounts.get_user(store, "everywhere")
    admin = accounts.get_user(store, "ann")
    assert everywhere is not None and admin is not None
    # Read once: picking mentions spread over the store walks all of it.
    spread = mention_ids(store, 5000)
    labelled = iter(spread[::-1])
    parked = SOURCES[2][0]
    polled = SOURCES[0][0]

    def park(_call: Call) -> None:
        store.save_source_state(SourceState(source=parked, parked_reason="HTTP 401 (bench)"))

    def alert_call(api: bool) -> Callable[[int], Call]:
        def one(_i: int) -> Call:
            (alert_id,) = _throwaway_alerts(fx, 1, spread)
            if api:
                return Call("POST", f"/api/v1/alerts/{alert_id}/acknowledge", fx.api())
            return Call("POST", f"/alerts/{alert_id}/acknowledge", fx.page(post=True),
                        form={"view": "row"})  # fmt: skip

        return one

    def ignore_from_mention(_i: int) -> Call:
        (alert_id,) = _throwaway_alerts(fx, 1, spread)
        alert = store.get_alert(alert_id)
        assert alert is not None
        return Call("POST", f"/mentions/{alert.mention_ids[0]}/ignore-alert",
                    fx.page(post=True), form={"alert_id": str(alert_id)})  # fmt: skip

    def bulk_call(api: bool) -> Callable[[int], Call]:
        def one(_i: int) -> Call:
            ids = _throwaway_alerts(fx, BULK, spread)
            if api:
                return Call("POST", "/api/v1/alerts/bulk", fx.api(),
                            json={"ids": ids, "action": "acknowledge"})  # fmt: skip
            headers = {**fx.page(post=True), "HX-Current-URL": "http://127.0.0.1/inbox"}
            return Call("POST", "/inbox/bulk", headers,
                        form={"action": "acknowledge", "ids": [str(i) for i in ids]})  # fmt: skip

        return one

    def user(role: str = "viewer") -> str:
        name = fx.unique("bench-user")
        accounts.add_user(store, name, role, PASSWORD, now)
        return name

    def token() -> str:
        name = fx.unique("bench-token")
        accounts.create_token(store, name, "viewer", "ann", now)
        return name

    def saved() -> str:
        name = fx.unique("bench-saved")
        save_search(store, settings, name, form_from_params({"q": "refund"}), by="ann", at=now)
        return name

    def session_of(who: accounts.User) -> str:
        return accounts.start_session(store, who, "bench", now, policy)

    def signed_in(who: accounts.User) -> Callable[[Call], None]:
        def sign_in(call: Call) -> None:
            call.headers.update(page(post=True, session=session_of(who)))

        return sign_in

    page, api, anonymous = fx.page, fx.api, fx.anonymous
    return [
        _each("POST", "/login", lambda _i: Call(
            "POST", "/login", anonymous(post=True),
            form={"name": "ann", "password": PASSWORD, "next": "/inbox"})),
        _each("POST", "/logout", lambda _i: Call(
            "POST", "/logout", {}, before=signed_in(admin))),
        _each("POST", "/logout/everywhere", lambda _i: Call(
            "POST", "/logout/everywhere", {}, before=signed_in(everywhere))),
        _each("POST", "/admin/users", lambda _i: Call(
            "POST", "/admin/users", page(post=True),
            form={"name": fx.unique("new-user"), "role": "viewer", "password": PASSWORD})),
        _each("POST", "/admin/users/remove", lambda _i: Call(
            "POST", "/admin/users/remove", page(post=True), form={"name": user()})),
        _each("POST", "/admin/users/logout", lambda _i: Call(
            "POST", "/admin/users/logout", page(post=True), form={"name": "everywhere"})),
        _each("POST", "/admin/tokens", lambda _i: Call(
            "POST", "/admin/tokens", page(post=True),
            form={"name": fx.unique("new-token"), "role": "viewer"})),
        _each("POST", "/admin/tokens/revoke", lambda _i: Call(
            "POST", "/admin/tokens/revoke", page(post=True), form={"name": token()})),
        _each("POST", "/api/v1/users", lambda _i: Call(
            "POST", "/api/v1/users", api(),
            json={"name": fx.unique("api-user"), "role": "viewer", "password": PASSWORD})),
        _each("DELETE", "/api/v1/users/{name}", lambda _i: Call(
            "DELETE", f"/api/v1/users/{user()}", api())),
        _each("POST", "/api/v1/users/{name}/logout", lambda _i: Call(
            "POST", "/api/v1/users/everywhere/logout", api())),
        _each("POST", "/api/v1/tokens", lambda _i: Call(
            "POST", "/api/v1/tokens", api(),
            json={"name": fx.unique("api-token"), "role": "viewer"})),
        _each("DELETE", "/api/v1/tokens/{name}", lambda _i: Call(
            "DELETE", f"/api/v1/tokens/{token()}", api())),
        _each("POST", "/mentions/{mention_id:path}/label", lambda _i: Call(
            "POST", f"/mentions/{next(labelled)}/label", page(post=True),
            form={"verdict": "complaint"})),
        _each("POST", "/api/v1/mentions/{mention_id:path}/label", lambda _i: Call(
            "POST", f"/api/v1/mentions/{next(labelled)}/label", api(), json={"complaint": True})),
        _each("POST", "/mentions/{mention_id:path}/ignore-alert", ignore_from_mention),
        _each("POST", "/alerts/{alert_id}/{action}", alert_call(api=False), "acknowledge"),
        # replies.llm is off in the bench's settings: this times the refusal. Asking a model
        # costs what the model takes, at most replies.llm.timeout.
        _each("POST", "/alerts/{alert_id}/drafts/local-model", lambda _i: Call(
            "POST", f"/alerts/{_throwaway_alerts(fx, 1, spread)[0]}/drafts/local-model",
            page(post=True)), "model off", ok=frozenset({409})),
        _each("POST", "/api/v1/alerts/{alert_id}/{action}", alert_call(api=True), "acknowledge"),
        _each("POST", "/inbox/bulk", bulk_call(api=False), f"acknowledge {BULK}"),
        _each("POST", "/api/v1/alerts/bulk", bulk_call(api=True), f"acknowledge {BULK}"),
        _each("POST", "/sources/{name}/poll", lambda _i: Call(
            "POST", f"/sources/{polled}/poll", page(post=True))),
        _each("POST", "/api/v1/sources/{name}/poll", lambda _i: Call(
            "POST", f"/api/v1/sources/{polled}/poll", api())),
        _each("POST", "/sources/{name}/unpark", lambda _i: Call(
            "POST", f"/sources/{parked}/unpark", page(post=True), before=park)),
        _each("POST", "/api/v1/sources/{name}/unpark", lambda _i: Call(
            "POST", f"/api/v1/sources/{parked}/unpark", api(), before=park)),
        _each("POST", "/search/saved", lambda _i: Call(
            "POST", "/search/saved", page(post=True),
            form={"name": fx.unique("page-saved"), "q": "acme", "complaint": "yes"})),
        _each("POST", "/search/saved/rename", lambda _i: _rename(fx, saved())),
        _each("POST", "/search/saved/delete", lambda _i: Call(
            "POST", "/search/saved/delete", page(post=True), form={"name": saved()})),
        _each("POST", "/api/v1/saved-searches", lambda _i: Call(
            "POST", "/api/v1/saved-searches", api(),
            json={"name": fx.unique("api-saved"), "query": "acme",
                  "filters": {"brand": BRANDS[0]}})),
        _each("PUT", "/api/v1/saved-searches/{name}", lambda _i: Call(
            "PUT", f"/api/v1/saved-searches/{saved()}", api(), json={"query": "refund OR late"})),
        _each("DELETE", "/api/v1/saved-searches/{name}", lambda _i: Call(
            "DELETE", f"/api/v1/saved-searches/{saved()}", api())),
    ]  # fmt: skip


def _rename(fx: Fixture, name: str) -> Call:
    return Call("POST", "/search/saved/rename", fx.page(post=True),
                form={"name": name, "new_name": name + " (renamed)"})  # fmt: skip
