"""The people forms as a browser without JavaScript posts them (trial finding 9), against
the real web app on a real store: "Link another account" makes the user choose a network
(it used to preselect appstore), and "Not the same" confirms itself on the page it
redirects back to."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import httpx

from listener.models import Author
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import browser_client

SITE = "https://janebakes.example/about"
CONFIRMED = "Marked as not the same person"


def _store(running: WebServer) -> None:
    running.store.insert_mentions(
        [
            make_mention(1, source="x", source_type="x",
                         author=Author(handle="JaneB", links=(SITE,))),
            make_mention(2, source="reddit", source_type="reddit",
                         author=Author(handle="jane_bakes", links=(SITE,))),
        ]
    )  # fmt: skip


class Options(HTMLParser):
    """The options of the link form's network select: (value, selected, disabled)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.options: list[tuple[str, bool, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "select" and named.get("name") == "other_source_type":
            self.inside = True
        elif tag == "option" and self.inside:
            self.options.append(
                (named.get("value") or "", "selected" in named, "disabled" in named)
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.inside = False


def test_link_another_account_makes_the_user_choose_a_network(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    _store(running)
    client = browser_client(running)
    token = client.headers.pop("X-CSRF-Token")
    parser = Options()
    parser.feed(client.get("/authors/x/JaneB").text)
    first, *rest = parser.options
    assert first == ("", True, True)  # "choose a network", preselected, not a value
    assert rest and not any(selected for _, selected, _ in rest)
    # A browser that skips `required` sends nothing for a disabled option: refused.
    refused = client.post(
        "/people/link",
        data={"csrf_token": token, "source_type": "x", "handle": "JaneB",
              "other_handle": "jane_bakes", "back": "/authors/x/JaneB"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert running.store.person_of(["x"], "JaneB") is None


def test_not_the_same_confirms_after_the_redirect(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    _store(running)
    client = browser_client(running)
    token = client.headers.pop("X-CSRF-Token")
    assert CONFIRMED not in client.get("/authors/x/JaneB").text
    for back, lands in (("/authors/x/JaneB", "/authors/x/JaneB?done=not-same"),
                        ("//evil.example/", "/people?done=not-same")):  # fmt: skip
        answer = client.post(
            "/people/dismiss",
            data={"csrf_token": token, "source_type": "reddit", "handle": "jane_bakes",
                  "other_source_type": "x", "other_handle": "JaneB", "back": back},
        )  # fmt: skip
        assert answer.status_code == 303 and answer.headers["location"] == lands
        page = client.get(lands).text
        assert re.search(rf'role="status" id="people-notice">{CONFIRMED}', page)
        assert "Maybe the same person" not in page
    # The notice is a fixed word's: anything else in the URL shows nothing.
    assert "people-notice" not in httpx.get(f"{running.url}/people?done=<b>hi</b>").text
    assert CONFIRMED not in httpx.get(f"{running.url}/people").text
