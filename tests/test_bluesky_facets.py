"""Bluesky's link facets as both Bluesky sources read them (listener.sources.bluesky_facets):
the polled ``bluesky`` source's post views and ``jetstream``'s firehose records."""

from __future__ import annotations

import json
from typing import Any

from listener.sources.bluesky_facets import MAX_FACETS, link_facets, linked_html
from listener.sources.jetstream_map import read_frame
from tests.jetstream_server import post_line

LINK = "app.bsky.richtext.facet#link"


def facet(start: int, end: int, uri: str, kind: str = LINK) -> dict[str, Any]:
    return {
        "index": {"byteStart": start, "byteEnd": end},
        "features": [{"$type": kind, "uri": uri}],
    }


def test_web_links_become_anchors_at_utf8_byte_offsets() -> None:
    text = "café <see> example.com/a…"
    start = len("café <see> ".encode())
    links = link_facets([facet(start, len(text.encode()), "https://example.com/a?b=1&c=2")])
    assert linked_html(text, links) == (
        'café &lt;see&gt; <a href="https://example.com/a?b=1&amp;c=2">example.com/a…</a>'
    )


def test_only_web_links_of_the_link_feature_are_kept_and_overlaps_dropped() -> None:
    facets: list[Any] = [
        facet(0, 4, "javascript:alert(1)"),
        facet(0, 4, "data:text/html,hi"),
        facet(5, 9, "https://example.com/", kind="app.bsky.richtext.facet#mention"),
        facet(10, 14, "https://a.example/"),
        facet(12, 16, "https://overlap.example/"),
        {
            "index": {"byteStart": "0", "byteEnd": 4},
            "features": [{"$type": LINK, "uri": "https://x/"}],
        },
        "not a facet",
        {"index": None},
    ]
    assert link_facets(facets) == [(10, 14, "https://a.example/")]
    assert link_facets("facets") == [] and link_facets(None) == []


def test_a_hostile_number_of_facets_is_cut_and_a_facet_past_the_text_left_out() -> None:
    many = [facet(i, i + 1, f"https://e.example/{i}") for i in range(MAX_FACETS + 50)]
    assert len(link_facets(many)) == MAX_FACETS
    assert linked_html("short", [(0, 99, "https://e.example/")]) == "short"


def test_the_firehose_caps_the_text_the_polled_source_keeps_whole() -> None:
    text = "é" * 10
    assert linked_html(text, [], max_bytes=5) == "éé"  # a cut character is dropped
    assert linked_html(text, []) == text


def test_jetstream_maps_its_record_facets_through_them() -> None:
    event = json.loads(post_line("click me", time_us=1_783_175_888_000_000))
    event["commit"]["record"]["facets"] = [facet(0, 5, "javascript:alert(1)")]
    item = read_frame(json.dumps(event)).item
    assert item is not None and item.html == "click me" and "links" not in item.extra
