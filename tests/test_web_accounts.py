"""Accounts in the web app, over real HTTP against the app on a real port and a real SQLite
file: signing in and out, throttling, the session cookie's flags, API tokens, roles, the
shape of a 401, ``next=`` that cannot leave the site, and when the app refuses to start."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest

from listener.config.settings import load_settings
from listener.store import accounts, open_store
from listener.web.auth import SESSION_COOKIE, startup_refusal
from listener.web.routes_auth import safe_next
from tests.helpers import SettableClock
from tests.web_fixtures import MINIMAL_SETTINGS, WebServer

PASSWORD = "plum-orchard-lantern-42"
CSRF_COOKIE = "listener_csrf"

Serve = Callable[..., WebServer]


@contextmanager
def client(running: WebServer, **headers: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=running.url, follow_redirects=False, headers=headers) as c:
        yield c


def sign_in(
    c: httpx.Client, name: str, password: str = PASSWORD, next_path: str = "/"
) -> httpx.Response:
    c.get("/login")  # the CSRF cookie and the form's token
    csrf = c.cookies[CSRF_COOKIE]
    # Sent by hand: behind a trusted https proxy the cookie is Secure, and the client, which
    # speaks plain http to the app as the proxy would, does not send a Secure cookie itself.
    return c.post(
        "/login",
        data={"name": name, "password": password, "next": next_path, "csrf_token": csrf},
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in c.cookies.items())},
    )


def add_user(running: WebServer, name: str, role: str) -> None:
    accounts.add_user(running.store, name, role, PASSWORD, running.context.clock())


def token_for(running: WebServer, name: str, role: str) -> str:
    _token, secret = accounts.create_token(
        running.store, name, role, "test", running.context.clock()
    )
    return secret


def test_startup_is_refused_off_loopback_until_an_account_exists(tmp_path: Path) -> None:
    def settings_with(host: str) -> object:
        path = tmp_path / "settings.yaml"
        text = MINIMAL_SETTINGS.format(db=tmp_path / "listener.db") + f"web:\n  host: '{host}'\n"
        path.write_text(text, encoding="utf-8")
        return load_settings(path, environ={})

    with open_store(tmp_path / "listener.db") as store:
        for host in ("127.0.0.1", "127.8.9.10", "::1", "localhost", "::ffff:127.0.0.1"):
            assert startup_refusal(settings_with(host), store) is None, host  # type: ignore[arg-type]
        for host in ("0.0.0.0", "::", "192.168.1.20", "listener.example.org"):
            refusal = startup_refusal(settings_with(host), store)  # type: ignore[arg-type]
            assert refusal is not None, host
            assert f"web.host is {host}" in refusal
            assert "listener users add NAME --role admin" in refusal
        accounts.add_user(store, "ops", "admin", PASSWORD, SettableClock()())
        assert startup_refusal(settings_with("0.0.0.0"), store) is None  # type: ignore[arg-type]


def test_without_accounts_loopback_is_the_local_operator_and_the_first_account_ends_that(
    web_server: Serve,
) -> None:
    running = web_server()
    with client(running) as c:
        listed = c.get("/api/v1/users")
        assert listed.status_code == 200 and listed.json() == {"items": [], "next_cursor": None}
        add_user(running, "ops", "admin")
        refused = c.get("/api/v1/users")
        assert refused.status_code == 401


def test_sign_in_sets_a_session_and_wrong_passwords_are_refused_without_saying_which(
    web_server: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    running = web_server(clock=SettableClock())
    add_user(running, "dana", "admin")
    with client(running) as c:
        page = c.get("/admin/users")
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fadmin%2Fusers"

        wrong = sign_in(c, "dana", "not-the-password-at-all")
        unknown = sign_in(c, "nobody", PASSWORD)
        for refused in (wrong, unknown):
            assert refused.status_code == 200  # the form again, with its error
            assert "That name and password do not match an account." in refused.text
        assert SESSION_COOKIE not in c.cookies

        signed_in = sign_in(c, "Dana", next_path="/admin/users")  # a name matches any case
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/admin/users"
        assert c.get("/admin/users").status_code == 200
        me = c.get("/api/v1/users")
        assert me.status_code == 200 and [u["name"] for u in me.json()["items"]] == ["dana"]
    assert PASSWORD not in caplog.text and "not-the-password-at-all" not in caplog.text


def test_five_failures_for_a_name_refuse_it_for_a_while_and_say_when(web_server: Serve) -> None:
    clock = SettableClock()
    running = web_server(clock=clock)
    add_user(running, "dana", "viewer")
    with client(running) as c:
        for _ in range(5):
            assert SESSION_COOKIE not in sign_in(c, "dana", "wrong-password-again").cookies
        clock.advance(minutes=5)
        blocked = sign_in(c, "dana")  # the right password, but too soon
        assert blocked.status_code == 429
        assert "Too many failed sign-ins" in blocked.text
        assert "Try again after 12:15 UTC (in 10 min)" in blocked.text
        assert blocked.headers["retry-after"] == "600"
        assert SESSION_COOKIE not in c.cookies
        clock.advance(minutes=10)
        assert sign_in(c, "dana").status_code == 303


def test_five_failures_from_one_address_refuse_any_name_from_it(web_server: Serve) -> None:
    running = web_server(clock=SettableClock())
    add_user(running, "erin", "viewer")
    with client(running) as c:
        for attempt in range(5):
            assert "do not match" in sign_in(c, f"guess{attempt}", "wrong-password-again").text
        assert sign_in(c, "erin").status_code == 429


@pytest.mark.parametrize(
    ("trust_proxy", "forwarded", "secure"),
    [(False, None, False), (False, "https", False), (True, "https", True), (True, "http", False)],
)
def test_the_session_cookie_is_http_only_lax_and_secure_only_over_https(
    web_server: Serve, trust_proxy: bool, forwarded: str | None, secure: bool
) -> None:
    settings = MINIMAL_SETTINGS + f"web:\n  trust_proxy: {str(trust_proxy).lower()}\n"
    running = web_server(settings)
    add_user(running, "dana", "viewer")
    headers = {"X-Forwarded-Proto": forwarded} if forwarded else {}
    with client(running, **headers) as c:
        signed_in = sign_in(c, "dana")
    assert signed_in.status_code == 303, signed_in.text
    cookies = [v for v in signed_in.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE)]
    assert len(cookies) == 1
    flags = [part.strip().lower() for part in cookies[0].split(";")]
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert ("secure" in flags) is secure


def test_logout_ends_this_session_and_logout_everywhere_ends_the_others(
    web_server: Serve,
) -> None:
    running = web_server(clock=SettableClock())
    add_user(running, "dana", "viewer")
    add_user(running, "finn", "admin")
    with client(running) as laptop, client(running) as phone, client(running) as other:
        for c, name in ((laptop, "dana"), (phone, "dana"), (other, "finn")):
            assert sign_in(c, name).status_code == 303
        who = phone.get("/api/v1/users")
        assert who.status_code == 403  # signed in (a viewer), so not 401
        csrf = laptop.cookies[CSRF_COOKIE]
        gone = laptop.post("/logout/everywhere", data={"csrf_token": csrf})
        assert gone.status_code == 303 and gone.headers["location"] == "/login"
        assert phone.get("/api/v1/users").status_code == 401
        assert laptop.get("/api/v1/users").status_code == 401
        assert other.get("/api/v1/users").status_code == 200  # someone else's stays

        csrf = other.cookies[CSRF_COOKIE]
        assert other.post("/logout", data={"csrf_token": csrf}).status_code == 303
        assert other.get("/api/v1/users").status_code == 401


def test_a_removed_user_and_an_expired_session_stop_working(web_server: Serve) -> None:
    clock = SettableClock()
    running = web_server(clock=clock)
    add_user(running, "dana", "admin")
    add_user(running, "finn", "admin")
    with client(running) as c, client(running) as idle:
        assert sign_in(c, "dana").status_code == 303
        assert sign_in(idle, "finn").status_code == 303
        accounts.remove_user(running.store, "dana")
        assert c.get("/api/v1/users").status_code == 401
        clock.advance(days=13)
        assert idle.get("/api/v1/users").status_code == 200  # slides the idle expiry
        clock.advance(days=13)
        assert idle.get("/api/v1/users").status_code == 200
        clock.advance(days=5)  # 31 days after sign-in: past the absolute limit
        assert idle.get("/api/v1/users").status_code == 401


def test_a_revoked_token_is_refused_at_once_and_a_wrong_one_never_falls_back(
    web_server: Serve,
) -> None:
    running = web_server(clock=SettableClock())
    secret = token_for(running, "nightly", "admin")
    with client(running, Authorization=f"Bearer {secret}") as c:
        assert c.get("/api/v1/users").status_code == 200
        accounts.revoke_token(running.store, "nightly", running.context.clock())
        refused = c.get("/api/v1/users")
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
    # No accounts exist, so loopback without credentials is the local operator; a bad token
    # is still refused rather than treated as no token.
    with client(running, Authorization="Bearer not-a-token") as c:
        assert c.get("/api/v1/users").status_code == 401


def test_roles_viewer_cannot_act_and_agent_cannot_administer(web_server: Serve) -> None:
    running = web_server(clock=SettableClock())
    viewer = token_for(running, "reader", "viewer")
    agent = token_for(running, "helper", "agent")
    with client(running, Authorization=f"Bearer {viewer}") as c:
        refused = c.post("/api/v1/mentions/news:1/label", json={"complaint": True})
        assert refused.status_code == 403
        assert refused.json()["detail"] == "needs the agent role"
    with client(running, Authorization=f"Bearer {agent}") as c:
        assert c.post("/api/v1/mentions/news:1/label", json={"complaint": True}).status_code != 403
        refused = c.get("/api/v1/users")
        assert refused.status_code == 403 and refused.json()["detail"] == "needs the admin role"
        assert c.post("/api/v1/tokens", json={"name": "x", "role": "admin"}).status_code == 403


def test_the_api_401_is_problem_json_with_a_bearer_challenge(web_server: Serve) -> None:
    running = web_server()
    add_user(running, "ops", "admin")
    with client(running) as c:
        refused = c.get("/api/v1/users")
        page = c.get("/admin/users")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["www-authenticate"].startswith("Bearer")
    body = refused.json()
    assert body["status"] == 401 and "API token" in body["detail"]
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "attempt",
    [
        "//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
        "javascript:alert(1)", "/\t/evil.example", "evil.example", "",
        "http:/evil.example", "/%0d%0aSet-Cookie:x=1",
    ],
)
def test_next_is_a_path_on_this_site_only(attempt: str) -> None:
    target = safe_next(attempt)
    assert target.startswith("/") and not target.startswith(("//", "/\\"))
    assert "evil.example" not in target


def test_an_open_redirect_through_sign_in_is_refused(web_server: Serve) -> None:
    running = web_server()
    add_user(running, "dana", "viewer")
    with client(running) as c:
        assert sign_in(c, "dana", next_path="//evil.example/x").headers["location"] == "/"
    with client(running) as c:
        kept = sign_in(c, "dana", next_path="/search?q=acme&brand=Acme")
        assert kept.headers["location"] == "/search?q=acme&brand=Acme"
    with client(running) as c:
        assert sign_in(c, "dana", next_path="https://evil.example/").headers["location"] == "/"


def test_the_api_manages_users_and_tokens_and_never_lists_a_secret(web_server: Serve) -> None:
    running = web_server(clock=SettableClock())
    admin = token_for(running, "admin-script", "admin")
    with client(running, Authorization=f"Bearer {admin}") as c:
        made = c.post("/api/v1/users", json={"name": "gita", "role": "agent", "password": PASSWORD})
        assert made.status_code == 201 and made.json()["role"] == "agent"
        assert "password" not in made.text and PASSWORD not in made.text
        weak = c.post("/api/v1/users", json={"name": "hal", "role": "agent", "password": "short"})
        assert weak.status_code == 422
        again = c.post("/api/v1/users", json={"name": "GITA", "role": "viewer",
                                               "password": PASSWORD})
        assert again.status_code == 409

        created = c.post("/api/v1/tokens", json={"name": "export", "role": "viewer"})
        assert created.status_code == 201
        secret = created.json()["secret"]
        listed = c.get("/api/v1/tokens")
        assert {t["name"] for t in listed.json()["items"]} == {"export", "admin-script"}
        assert secret not in listed.text
        with client(running, Authorization=f"Bearer {secret}") as script:
            assert script.get("/api/v1/users").status_code == 403  # a viewer token
        assert c.delete("/api/v1/tokens/export").status_code == 204
        assert c.delete("/api/v1/tokens/export").status_code == 404
        with client(running, Authorization=f"Bearer {secret}") as script:
            assert script.get("/api/v1/users").status_code == 401

        assert c.post("/api/v1/users/gita/logout").json() == {"name": "gita",
                                                              "sessions_ended": 0}
        assert c.delete("/api/v1/users/gita").status_code == 204
        assert c.delete("/api/v1/users/gita").status_code == 404

        first = c.get("/api/v1/tokens", params={"limit": 1}).json()
        assert len(first["items"]) == 1 and first["next_cursor"] is not None
        rest = c.get("/api/v1/tokens", params={"limit": 1, "cursor": first["next_cursor"]})
        assert rest.json()["items"][0]["name"] != first["items"][0]["name"]


def test_state_changes_from_a_browser_need_the_csrf_token(web_server: Serve) -> None:
    running = web_server()
    add_user(running, "dana", "admin")
    with client(running) as c:
        c.get("/login")
        forged = c.post("/login", data={"name": "dana", "password": PASSWORD, "next": "/"})
        assert forged.status_code == 403 and SESSION_COOKIE not in c.cookies
        assert sign_in(c, "dana").status_code == 303
        forged = c.post("/admin/tokens", data={"name": "x", "role": "admin"})
        assert forged.status_code == 403


def test_signing_in_again_ends_the_session_the_browser_had(web_server: Serve) -> None:
    running = web_server()
    add_user(running, "dana", "admin")
    add_user(running, "finn", "viewer")
    with client(running) as c:
        assert sign_in(c, "dana").status_code == 303
        first = c.cookies[SESSION_COOKIE]
        assert sign_in(c, "finn").status_code == 303
        assert c.cookies[SESSION_COOKIE] != first
    with client(running) as stolen:
        stolen.cookies.set(SESSION_COOKIE, first)
        assert stolen.get("/api/v1/users").status_code == 401


def test_the_last_admin_stays_while_other_users_remain(web_server: Serve) -> None:
    running = web_server()
    add_user(running, "dana", "admin")
    add_user(running, "finn", "viewer")
    admin = token_for(running, "admin-script", "admin")
    with client(running, Authorization=f"Bearer {admin}") as c:
        kept = c.delete("/api/v1/users/dana")
        assert kept.status_code == 409 and "last admin" in kept.json()["detail"]
        assert c.delete("/api/v1/users/finn").status_code == 204
        assert c.delete("/api/v1/users/dana").status_code == 204  # the last user of all


def test_the_sign_in_and_account_pages_show_hostile_text_as_text(web_server: Serve) -> None:
    running = web_server()
    hostile = '"><script>alert(1)</script>{{ 7*7 }}'
    add_user(running, hostile, "viewer")
    with client(running) as c:
        refused = sign_in(c, hostile, "a-wrong-password-here", next_path='/x"><script>')
        assert "<script>alert(1)" not in refused.text and "{{ 7*7 }}" in refused.text
        assert "&lt;script&gt;alert(1)" in refused.text
        assert '/x"><script>' not in refused.text
        assert sign_in(c, hostile).status_code == 303
        page = c.get("/account")
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
        assert "Sign out everywhere" in page.text and "14 days" in page.text


def test_behind_a_proxy_nobody_is_the_local_operator(web_server: Serve, tmp_path: Path) -> None:
    trusted = web_server(MINIMAL_SETTINGS + "web:\n  trust_proxy: true\n")
    assert startup_refusal(trusted.context.settings, trusted.store) is not None
    with client(trusted) as c:
        assert c.get("/api/v1/users").status_code == 401
        login = c.get("/login")
        assert login.status_code == 200 and "listener users add NAME --role admin" in login.text
    trusted.stop()
    trusted.store.close()

    plain = web_server()
    # web.trust_proxy is off, but a relayed request still came from another machine.
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        with client(plain, **{header: "203.0.113.9"}) as c:
            assert c.get("/api/v1/users").status_code == 401, header
    with client(plain) as c:
        assert c.get("/api/v1/users").status_code == 200
        assert "No accounts exist yet" not in c.get("/login", follow_redirects=True).text


def test_an_htmx_request_without_a_session_sends_the_whole_page_to_sign_in(
    web_server: Serve,
) -> None:
    running = web_server()
    add_user(running, "dana", "viewer")
    headers = {"HX-Request": "true", "HX-Current-URL": f"{running.url}/search?q=acme"}
    with client(running, **headers) as c:
        swap = c.get("/admin/users")
    assert swap.status_code == 401
    assert swap.headers["hx-redirect"] == "/login?next=%2Fsearch%3Fq%3Dacme"


def test_a_sign_in_sweeps_the_sessions_that_expired(web_server: Serve) -> None:
    clock = SettableClock()
    running = web_server(clock=clock)
    add_user(running, "dana", "viewer")
    for _ in range(3):
        with client(running) as abandoned:
            assert sign_in(abandoned, "dana").status_code == 303
    clock.advance(days=15)  # idle past web.session_idle
    with client(running) as c:
        assert sign_in(c, "dana").status_code == 303
    with closing(sqlite3.connect(running.store.path)) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_the_api_refuses_a_lone_surrogate_in_a_name_or_password(web_server: Serve) -> None:
    running = web_server()
    admin = token_for(running, "admin-script", "admin")
    body = '{"name": "x\\ud800y", "role": "viewer", "password": "%s"}'
    with client(running, Authorization=f"Bearer {admin}") as c:
        for raw in (body % PASSWORD, '{"name": "zed", "role": "viewer", "password": '
                    '"plum-orchard-\\ud800-lantern"}'):
            refused = c.post("/api/v1/users", content=raw,
                             headers={"Content-Type": "application/json"})
            assert refused.status_code == 422, refused.text
        bad_token = c.post("/api/v1/tokens", content='{"name": "\\udfff", "role": "viewer"}',
                           headers={"Content-Type": "application/json"})
        assert bad_token.status_code == 422


def test_the_admin_page_pages_through_many_users_and_tokens(web_server: Serve) -> None:
    running = web_server()
    now = running.context.clock()
    for n in range(3):
        add_user(running, f"user{n:02d}", "admin")
    for n in range(55):
        accounts.create_token(running.store, f"token{n:02d}", "viewer", "test", now)
    # Users are few here (each costs an argon2 hash); the tokens page past 50.
    with client(running) as c:
        assert sign_in(c, "user00").status_code == 303
        first = c.get("/admin/users")
        assert "token54" in first.text and "token05" in first.text
        assert "token04" not in first.text and 'id="users-next"' not in first.text
        more = first.text.split('id="tokens-next"')[0].rsplit('href="', 1)[1].split('"')[0]
        second = c.get(more.replace("&amp;", "&"))
        assert second.status_code == 200
        assert "token04" in second.text and "token00" in second.text
        assert "token05" not in second.text and "user02" in second.text


def test_a_disabled_user_cannot_sign_in_and_their_session_and_tokens_stop_at_once(
    web_server: Serve,
) -> None:
    running = web_server(clock=SettableClock())
    add_user(running, "ops", "admin")
    add_user(running, "dana", "admin")
    with client(running) as dana, client(running) as ops:
        assert sign_in(dana, "dana").status_code == 303
        assert sign_in(ops, "ops").status_code == 303
        made = dana.post(
            "/api/v1/tokens",
            json={"name": "dana-script", "role": "viewer"},
            headers={"X-CSRF-Token": dana.cookies[CSRF_COOKIE]},
        )
        assert made.status_code in (200, 201), made.text
        secret = made.json()["secret"]
        with client(running, Authorization=f"Bearer {secret}") as script:
            assert script.get("/api/v1/users").status_code == 403  # a viewer, but it works

            assert accounts.set_disabled(running.store, "dana", True) == 1
            assert dana.get("/api/v1/users").status_code == 401
            refused = script.get("/api/v1/users")
            assert refused.status_code == 401
            with client(running) as again:
                assert sign_in(again, "dana").status_code != 303
                assert SESSION_COOKIE not in again.cookies

            page = ops.get("/admin/users")
            assert page.status_code == 200
            users = page.text.split('id="users-title"')[1].split('id="tokens-title"')[0]
            rows = {r.split("<td>")[1].split()[0]: r for r in users.split("<tr data-row>")[1:]}
            assert ">disabled</span>" in rows["dana"] and "disabled" not in rows["ops"]
            listed = ops.get("/api/v1/users").json()["items"]
            assert {u["name"]: u["disabled"] for u in listed} == {"dana": True, "ops": False}

            accounts.set_disabled(running.store, "dana", False)
            # Enabled again: the tokens work, the ended session stays ended.
            assert script.get("/api/v1/users").status_code == 403
            assert dana.get("/api/v1/users").status_code == 401
            assert sign_in(dana, "dana").status_code == 303


def test_the_sign_in_page_shows_no_nav_to_someone_signed_out(web_server: Serve) -> None:
    running = web_server()
    add_user(running, "dana", "agent")
    with client(running) as c:
        login = c.get("/login").text
        assert 'class="top-nav"' not in login and 'href="/sources"' not in login
        assert sign_in(c, "dana").status_code == 303
        inbox = c.get("/inbox").text
        assert 'class="top-nav"' in inbox and 'href="/sources"' in inbox
