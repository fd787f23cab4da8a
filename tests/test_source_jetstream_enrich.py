"""jetstream's ``enrich``: the authors of the screened posts looked up at a local AppView
(pytest-httpserver), 25 a call, cached per source, never losing a post."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import RawItem
from listener.sources import jetstream
from listener.sources.jetstream_map import read_frame
from listener.sources.streaming import StreamContext
from tests.jetstream_client import (
    PROFILES_PATH,
    options,
    read,
)
from tests.jetstream_server import (
    JetstreamServer,
    capture_lines,
    post_line,
)

# -- enrich --------------------------------------------------------------------------


def profiles_answer(request: Request) -> Response:
    actors = request.args.getlist("actors")
    assert len(actors) <= 25
    profiles = [
        {
            "did": did,
            "handle": f"user{n}.bsky.social",
            "displayName": f"User {n}",
            "followersCount": 100 + n,
        }
        for n, did in enumerate(actors)
        if not did.endswith("gone")
    ]
    return Response(json.dumps({"profiles": profiles}), content_type="application/json")


def enrich(
    items: list[RawItem], appview: str, kept: dict[str, Any] | None = None, **values: Any
) -> list[RawItem]:
    """``jetstream.enrich`` as the daemon calls it; ``kept`` shared between calls is one
    source's context kept across batches (its author cache), a new one another source's."""

    async def run() -> list[RawItem]:
        async with httpx.AsyncClient() as http:
            opts = jetstream.Options(appview_url=appview, **values)
            ctx = StreamContext(
                source="bluesky-live", options=opts, http=http, kept={} if kept is None else kept
            )
            return await jetstream.enrich(ctx, items)

    return asyncio.run(run())


def authored(n: int, suffix: str = "") -> list[RawItem]:
    lines = [
        post_line(f"post {i}", time_us=1_783_175_888_000_000 + i, did=f"did:plc:a{i:04d}{suffix}")
        for i in range(n)
    ]
    return [read_frame(line).item for line in lines]


def test_enrich_resolves_authors_25_a_call_and_caches_them(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(profiles_answer)
    items = authored(30)
    source: dict[str, Any] = {}
    got = enrich(items, httpserver.url_for("").rstrip("/"), source)
    assert len(httpserver.log) == 2  # 25 + 5
    assert [len(r.args.getlist("actors")) for r, _ in httpserver.log] == [25, 5]
    first = got[0]
    assert first.author.handle == "user0.bsky.social" and first.author.name == "User 0"
    assert first.author.followers == 100
    assert first.url == items[0].url  # the post's address keeps the DID
    again = enrich(items, httpserver.url_for("").rstrip("/"), source)
    assert len(httpserver.log) == 2 and again == got


def test_enrich_keeps_one_author_cache_per_source(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(profiles_answer)
    items = authored(3)
    first: dict[str, Any] = {}
    named = enrich(items, httpserver.url_for("").rstrip("/"), first)
    assert len(httpserver.log) == 1
    # Another source (another context) has a cache of its own: it asks for itself.
    assert enrich(items, httpserver.url_for("").rstrip("/"), {}) == named
    assert len(httpserver.log) == 2
    assert enrich(items, httpserver.url_for("").rstrip("/"), first) == named
    assert len(httpserver.log) == 2


def test_enrich_asks_about_at_most_100_authors_a_batch(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(profiles_answer)
    got = enrich(authored(120), httpserver.url_for("").rstrip("/"))
    assert len(httpserver.log) == 4
    named = [i for i in got if i.author.handle and not i.author.handle.startswith("did:")]
    assert len(named) == 100  # the other 20 keep their DID until a later batch


def test_enrich_keeps_the_did_when_the_lookup_fails(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_data("busy", status=502)
    items = authored(3)
    assert enrich(items, httpserver.url_for("").rstrip("/")) == items
    assert items[0].author.handle == "did:plc:a0000"


def test_enrich_an_author_the_appview_does_not_show_keeps_the_did(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(profiles_answer)
    items = authored(1, suffix="gone")
    assert enrich(items, httpserver.url_for("").rstrip("/")) == items


def test_enrich_can_be_turned_off(httpserver: HTTPServer) -> None:
    items = authored(2)
    assert enrich(items, httpserver.url_for("").rstrip("/"), resolve_handles=False) == items
    assert not httpserver.log


def test_an_identity_event_with_a_handle_names_the_author(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_data("down", status=503)
    identity = capture_lines("docs_readme_v1_identity_event_with_handle.json")
    did = "did:plc:ufbl4k27gp6kzas5glhz7fim"
    source: dict[str, Any] = {}
    with JetstreamServer(identity) as server:
        read(options(server.url), kept=source)
    [item] = [read_frame(post_line("hi", time_us=1_725_516_665_234_704, did=did)).item]
    [named] = enrich([item], httpserver.url_for("").rstrip("/"), source)
    assert named.author.handle == "yohenrique.bsky.social"
    assert len(httpserver.log) == 1  # still asked for the name and followers
