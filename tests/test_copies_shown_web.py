"""A syndicated story on the web app, the API and in an alert's message (issue 18): its head
says "also on N sources" and links each copy's mention page; a copy links its head; inbox
rows and search hits count the copies. Real store file, real HTTP server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from alerts.channels.render import render_text
from alerts.compose import compose
from listener.config.settings import Settings
from listener.models import AlertKind, Mention
from listener.store import Store, open_store
from tests.alert_helpers import raise_alert
from tests.channel_messages import context
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer

HOSTILE_TITLE = "<script>alert('copy')</script> Acme recalls kettles"


def _story(store: Store) -> tuple[Mention, list[Mention]]:
    """One article on feed-a (the head) and its near-copies on feed-b and feed-c, the last
    with a link no browser should follow."""
    head = make_mention(1, source="feed-a", title="Acme recalls kettles")
    copies = [
        make_mention(2, source="feed-b", title=HOSTILE_TITLE, copy_of=head.id),
        make_mention(3, source="feed-c", url="javascript:alert(1)", copy_of=head.id),
    ]
    store.insert_mentions([head, *copies])
    return head, copies


def test_the_mention_page_of_a_story_lists_where_else_it_ran(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    head, (b, c) = _story(running.store)
    shown = httpx.get(f"{running.url}/api/v1/mentions/{head.id}").json()
    copies = shown["copies"]
    assert (copies["count"], copies["sources"]) == (2, 2)
    assert [(x["id"], x["source"], x["page"]) for x in copies["shown"]] == [
        (b.id, "feed-b", f"/mentions/{b.id}"),
        (c.id, "feed-c", f"/mentions/{c.id}"),
    ]
    assert copies["shown"][0]["link"] == b.url
    assert copies["shown"][1]["link"] is None  # javascript: is never a link
    assert shown["copy_of"] is None
    page = httpx.get(f"{running.url}/mentions/{head.id}").text
    assert "Also on 2 sources" in page
    assert f'href="/mentions/{b.id}"' in page and f'href="/mentions/{c.id}"' in page
    assert "&lt;script&gt;alert(&#39;copy&#39;)&lt;/script&gt; Acme recalls kettles" in page
    assert "<script>alert(" not in page
    assert 'href="javascript:' not in page


def test_a_copys_page_links_the_story_it_copies(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    head, (b, _c) = _story(running.store)
    shown = httpx.get(f"{running.url}/api/v1/mentions/{b.id}").json()
    assert shown["mention"]["copy_of"] == head.id
    assert shown["copy_of"] == {
        "id": head.id,
        "source": "feed-a",
        "title": "Acme recalls kettles",
        "page": f"/mentions/{head.id}",
        "held": True,
    }
    assert shown["copies"]["count"] == 0
    page = httpx.get(f"{running.url}/mentions/{b.id}").text
    assert "A near-copy of" in page
    assert f'href="/mentions/{head.id}"' in page
    assert "Also on" not in page


def test_a_story_without_copies_says_nothing_of_them(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    alone = make_mention(9, source="feed-a")
    running.store.insert_mentions([alone])
    shown = httpx.get(f"{running.url}/api/v1/mentions/{alone.id}").json()
    assert shown["copies"] == {"count": 0, "sources": 0, "shown": []}
    page = httpx.get(f"{running.url}/mentions/{alone.id}").text
    assert "Also on" not in page and "near-copy" not in page


def test_the_inbox_row_and_alert_page_say_also_on_two_sources(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    head, (b, c) = _story(running.store)
    alert, _ = raise_alert(running.store, 1, at=T0, mention_ids=[head.id])
    rows = httpx.get(f"{running.url}/api/v1/alerts").json()["items"]
    assert [(r["id"], r["also_on"]) for r in rows] == [(alert.id, 2)]
    inbox = httpx.get(f"{running.url}/inbox").text
    assert "also on 2 sources" in inbox
    detail = httpx.get(f"{running.url}/api/v1/alerts/{alert.id}").json()
    lead = detail["mention_list"][0]
    assert lead["copies"]["sources"] == 2
    assert [x["page"] for x in lead["copies"]["shown"]] == [
        f"/mentions/{b.id}",
        f"/mentions/{c.id}",
    ]
    page = httpx.get(f"{running.url}/alerts/{alert.id}").text
    assert "Also on 2 sources" in page
    assert f'href="/mentions/{b.id}"' in page


def test_search_hits_say_which_are_copies_and_how_many_a_story_has(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    head, (b, c) = _story(running.store)
    hits = httpx.get(f"{running.url}/api/v1/search", params={"q": "ordinary"}).json()["items"]
    by_id = {h["id"]: h for h in hits}
    assert set(by_id) == {head.id, b.id, c.id}
    assert (by_id[head.id]["copies"], by_id[head.id]["copy_sources"]) == (2, 2)
    assert by_id[head.id]["copy_of"] is None
    assert by_id[b.id]["copy_of"] == head.id
    assert by_id[b.id]["copy_of_link"] == "/mentions/feed-a%3A1"  # as every hit's link
    assert by_id[b.id]["copies"] == 0
    page = httpx.get(f"{running.url}/search", params={"q": "ordinary"}).text
    assert "also on 2 sources" in page


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "l.db") as opened:
        yield opened


ALERT_SETTINGS = """\
brands:
  - name: acme
    query: acme
alerts:
  enabled: true
  channels:
    - {name: hooks, type: console}
"""


def test_the_alert_message_of_a_syndicated_story_says_also_on_two_sources(
    store: Store, write_settings: Callable[[str], Settings]
) -> None:
    head, (b, _c) = _story(store)
    alert, deliveries = raise_alert(store, 1, at=T0, mention_ids=[head.id])
    message = compose(store, write_settings(ALERT_SETTINGS), alert, deliveries[0])
    assert message.mention is not None
    assert message.mention.copy_sources == 2
    assert [(x.source, x.url) for x in message.mention.copies] == [
        ("feed-b", b.url),
        ("feed-c", "javascript:alert(1)"),  # raw here; each template drops it as a link
    ]
    text = render_text(context(httpx.AsyncClient()), "alerts/console.txt.j2", message)
    assert "Also on 2 sources:" in text
    assert f"  - feed-b: {b.url}" in text
    assert "  - feed-c\n" in text


def test_a_waves_examples_show_a_story_once(
    store: Store, write_settings: Callable[[str], Settings]
) -> None:
    head, (b, c) = _story(store)
    other = make_mention(7, source="feed-a")
    store.insert_mentions([other])
    ids = [head.id, b.id, c.id, other.id]
    alert, deliveries = raise_alert(store, 2, at=T0, kind=AlertKind.INCIDENT, mention_ids=ids)
    message = compose(store, write_settings(ALERT_SETTINGS), alert, deliveries[0])
    assert [(e.id, e.copy_sources) for e in message.examples] == [(head.id, 2), (other.id, 0)]


def test_a_copy_whose_story_is_gone_still_names_it(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    orphan = make_mention(4, source="feed-b", copy_of="feed-a:404")
    running.store.insert_mentions([orphan])
    shown = httpx.get(f"{running.url}/api/v1/mentions/{orphan.id}").json()
    assert shown["copy_of"] == {
        "id": "feed-a:404",
        "source": "",
        "title": "",
        "page": "/mentions/feed-a:404",
        "held": False,
    }
    page = httpx.get(f"{running.url}/mentions/{orphan.id}").text
    assert 'A near-copy of\n    <a href="/mentions/feed-a:404">feed-a:404</a>' in page
