"""A linked account's author page labels its count as this account's and gives the person's
total beside it (recheck finding 3): it said "Mentions stored 1" right above a merged history
of 2 mentions, as though the history were one account's."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import httpx

from listener.models import Author
from listener.store.people import Account
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer


def _text(html: str, marker: str) -> str:
    found = re.search(rf"<dd {marker}>(.*?)</dd>", html, re.S)
    assert found, f"no {marker}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def _store(running: WebServer) -> None:
    on_x = Author(handle="JaneB", name="Jane on X")
    on_reddit = Author(handle="jane_bakes", name="Jane on Reddit")
    running.store.insert_mentions(
        [
            make_mention(1, source="x", source_type="x", author=on_x),
            # The stream of X: the same network, so the same account.
            make_mention(2, source="xs", source_type="x_stream", author=on_x,
                         published_at=T0 + timedelta(hours=1)),
            make_mention(3, source="reddit", source_type="reddit", author=on_reddit,
                         published_at=T0 + timedelta(hours=2)),
        ]
    )  # fmt: skip


def test_a_linked_account_shows_its_own_count_and_the_persons(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    _store(running)
    alone = httpx.get(f"{running.url}/authors/reddit/jane_bakes").text
    assert _text(alone, "data-account-total").startswith("1 mention stored, from")
    assert "data-person-total" not in alone
    assert (
        httpx.get(f"{running.url}/api/v1/authors/reddit/jane_bakes").json()["person_total"] is None
    )

    person = running.store.link_accounts(
        [Account("x", "JaneB"), Account("reddit", "jane_bakes")], by="test"
    )
    page = httpx.get(f"{running.url}/authors/reddit/jane_bakes").text
    assert _text(page, "data-account-total").startswith("1 mention stored, from")
    person_line = _text(page, "data-person-total")
    assert person_line.startswith("3 mentions stored over 2 linked accounts, from")
    assert f'href="/people/{person.id}">their page</a>' in page
    # The merged history below holds what the person's total says.
    assert len(re.findall(r'data-mention="', page)) == 3
    # The X page adds its stream's mention to its own count; the person's stays 3.
    x_page = httpx.get(f"{running.url}/authors/x/JaneB").text
    assert _text(x_page, "data-account-total").startswith("2 mentions stored")
    assert _text(x_page, "data-person-total").startswith("3 mentions stored over 2")
    body = httpx.get(f"{running.url}/api/v1/authors/reddit/jane_bakes").json()
    assert body["record"]["mention_count"] == 1
    assert body["person_total"]["mention_count"] == 3
    assert body["person_total"]["accounts"] == 2
    assert body["person_total"]["first_seen_at"] is not None
