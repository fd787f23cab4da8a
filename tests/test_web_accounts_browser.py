"""Accounts in a real browser (Chromium via Playwright): a viewer signs in, sees their name,
signs out; the admin page shows hostile user and token names as text and runs none of them;
a token made on the page is shown once and works."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from listener.store import accounts
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer

PASSWORD = "plum-orchard-lantern-42"
HOSTILE_NAMES = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "{{ 7*7 }}",
    "javascript:alert(3)",
    "</style><style>body{display:none}</style>",
)

Serve = Callable[..., WebServer]


def test_a_viewer_signs_in_sees_their_name_and_signs_out(web_server: Serve, page: Any) -> None:
    running = web_server()
    running.store.insert_mentions([make_mention(1, text="acme parcel arrived late")])
    accounts.add_user(running.store, "vera", "viewer", PASSWORD, running.context.clock())

    page.goto(f"{running.url}/mentions/news:1")
    assert page.url.startswith(f"{running.url}/login?next=")
    page.fill("#sign-in-name", "vera")
    page.fill("#sign-in-password", "a-wrong-password-here")
    page.click("button[type=submit]")
    assert page.locator("#sign-in-error").inner_text() == (
        "That name and password do not match an account."
    )
    page.fill("#sign-in-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{running.url}/mentions/news:1")
    assert "acme parcel arrived late" in page.locator("main").inner_text()
    assert page.locator(".top-user .who").inner_text().startswith("vera")
    assert "viewer" in page.locator(".top-user .badge-role").inner_text()
    # The session cookie is out of the page's reach (HttpOnly).
    assert "listener_session" not in page.evaluate("document.cookie")

    page.click("text=Sign out")
    page.wait_for_url(f"{running.url}/login")
    page.goto(f"{running.url}/mentions/news:1")
    assert page.url.startswith(f"{running.url}/login?next=")


def test_the_admin_page_shows_hostile_names_as_text_and_a_new_token_once(
    web_server: Serve, page: Any
) -> None:
    running = web_server()
    now = running.context.clock()
    accounts.add_user(running.store, "ops", "admin", PASSWORD, now)
    for n, name in enumerate(HOSTILE_NAMES):
        accounts.add_user(running.store, name, "viewer", f"{PASSWORD}-{n}", now)
        accounts.create_token(running.store, name, "viewer", name, now)

    page.goto(f"{running.url}/login?next=/admin/users")
    page.fill("#sign-in-name", "ops")
    page.fill("#sign-in-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{running.url}/admin/users")
    text = page.locator("main").inner_text()
    for name in HOSTILE_NAMES:
        assert name in text
    assert "49" not in text  # the Jinja markup was not evaluated
    assert page.locator("main script, main img, main style").count() == 0
    assert page.locator("body").is_visible()

    page.fill("#new-token-name", "nightly-export")
    page.select_option("#new-token-role", "viewer")
    page.click("text=Create token")
    secret = page.locator("#new-token-secret").inner_text().strip()
    assert len(secret) >= 40
    with httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {secret}"}) as c:
        assert c.get("/api/v1/users").status_code == 403  # a viewer's token, and it works
    page.goto(f"{running.url}/admin/users")
    assert secret not in page.content()
    assert "nightly-export" in page.locator("main").inner_text()
