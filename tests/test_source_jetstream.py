"""The jetstream source's mapping of Jetstream's own captured v1 frames
(tests/fixtures/jetstream/, provenance in its README) and its options. The connection is
tested in test_source_jetstream_stream.py and _faults.py, the author lookup in _enrich.py."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from listener.cli.main import main
from listener.models import RawItem
from listener.sources import jetstream
from listener.sources.jetstream_map import MAX_TEXT_BYTES, MalformedFrame, read_frame
from tests.jetstream_client import (
    CAPTURE,
    GOLDEN,
    POST,
    events_of,
    frame,
    post_events,
)
from tests.jetstream_server import (
    capture_lines,
    post_line,
)

# -- mapping -------------------------------------------------------------------------


def test_map_a_post_with_link_and_hashtag_facets() -> None:
    got = frame("commit_create_post_link_and_hashtag_facets_images_multilang.json")
    item = got.item
    did, rkey = "did:plc:ynfp6wddjqpl44gordpsqkuw", "3mptbyo7tas2u"
    assert got.time_us == 1783175888400999
    assert item.native_id == f"at://{did}/app.bsky.feed.post/{rkey}"
    assert item.url == f"https://bsky.app/profile/{did}/post/{rkey}"
    assert item.author.handle == did and item.author.url == f"https://bsky.app/profile/{did}"
    assert item.language == "es"
    assert item.published_at == datetime(2026, 7, 4, 14, 38, 6, 71000, tzinfo=UTC)
    full = "https://www.tumblr.com/tempo-tales/765681292369166336/behind-them-timmi-and-wankyu-follow-silently-but?source=share"
    assert f'<a href="{full}">www.tumblr.com/tempo-tales/...</a>' in item.html
    assert item.html.startswith("&quot;Behind them") is False  # quotes kept as text
    assert item.html.startswith('"Behind them, Timmi')
    assert item.extra["links"] == [full]
    assert item.extra["embed"] == "app.bsky.embed.images"
    assert item.thread_id == item.native_id and item.parent_id is None
    assert not item.deleted and item.edited_at is None


def test_map_a_reply_names_its_parent_and_root() -> None:
    event = events_of(GOLDEN)[1]
    item = read_frame(json.dumps(event)).item
    reply = event["commit"]["record"]["reply"]
    assert item.parent_id == reply["parent"]["uri"]
    assert item.thread_id == reply["root"]["uri"]
    assert item.language == "en"


def test_map_created_at_with_an_offset_and_a_region_language() -> None:
    item = frame("commit_create_post_createdat_utc_offset_langs_region.json").item
    assert item.published_at is not None and item.published_at.tzinfo is not None
    assert item.language == "en-US"
    assert item.extra["links"]


def test_map_a_post_without_langs_and_a_link_at_byte_zero() -> None:
    item = frame("commit_create_post_link_facet_no_langs.json").item
    assert item.language is None
    assert item.html.startswith("<a href=")


def test_map_multibyte_text_and_hashtag_facets_leave_the_text_whole() -> None:
    ja = frame("commit_create_post_plain_lang_ja.json").item
    assert ja.language == "ja" and ja.html and "<a" not in ja.html
    tags = frame("commit_create_post_hashtag_facets.json").item
    assert "<a" not in tags.html  # #tag facets are not links
    assert tags.language == "de"


def test_map_a_bad_date_is_none_not_a_failure() -> None:
    event = json.loads(capture_lines("commit_create_post_plain_lang_ja.json")[0])
    event["commit"]["record"]["createdAt"] = "yesterday-ish"
    assert read_frame(json.dumps(event)).item.published_at is None


def test_map_a_deleted_post_is_a_tombstone() -> None:
    got = frame("commit_delete_post.json")
    assert got.item == RawItem(
        native_id="at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p",
        deleted=True,
        extra={"author_did": "did:plc:4smmjsqf6l5jkzczvw6vsrqc"},
    )


def test_map_an_updated_post_is_an_edit_at_the_event_time() -> None:
    line = post_line("edited text", time_us=1_783_175_888_400_999, operation="update")
    item = read_frame(line).item
    assert item.edited_at == datetime(2026, 7, 4, 14, 38, 8, 400999, tzinfo=UTC)
    assert item.html == "edited text"


@pytest.mark.parametrize(
    "name",
    [
        "commit_create_like.json",
        "commit_create_repost.json",
        "commit_create_follow.json",
        "commit_create_block.json",
        "commit_delete_follow.json",
        "commit_delete_non_bsky_collection.json",
        "commit_update_non_bsky_collection_percent_escaped_url.json",
        "commit_update_non_bsky_status_null_field.json",
        "commit_update_profile_with_blobs.json",
        "identity_event_no_handle.json",
        "identity_event_no_handle_2.json",
        "account_event_active.json",
        "account_event_active_2.json",
        "docs_rfd_v1_commit_like_with_cursor_field.json",
    ],
)
def test_map_other_kinds_and_collections_give_no_item_but_a_time(name: str) -> None:
    got = frame(name)
    assert got.item is None and got.handle is None
    assert got.time_us == json.loads((capture_lines(name))[0])["time_us"]


def test_map_every_post_of_both_captures() -> None:
    for name in (CAPTURE, GOLDEN):
        posts = post_events(name)
        items = [read_frame(json.dumps(e)).item for e in posts]
        assert all(i is not None and i.native_id.startswith("at://did:") for i in items)
        assert len({i.native_id for i in items if i}) == len(posts)


def test_map_an_identity_event_with_a_handle() -> None:
    got = frame("docs_readme_v1_identity_event_with_handle.json")
    assert got.item is None
    assert (got.did, got.handle) == ("did:plc:ufbl4k27gp6kzas5glhz7fim", "yohenrique.bsky.social")


@pytest.mark.parametrize(
    "text", ["{not json", "[1, 2]", '{"kind": "commit"}', '{"time_us": true}', "\xff"]
)
def test_map_refuses_what_is_no_event(text: str) -> None:
    with pytest.raises(MalformedFrame):
        read_frame(text)


def test_map_hostile_text_is_escaped_and_capped() -> None:
    text = "<script>alert(1)</script> & " + "é" * 5000
    item = read_frame(post_line(text, time_us=1_783_175_888_000_000)).item
    assert "<script>" not in item.html and "&lt;script&gt;" in item.html
    assert len(item.html.encode("utf-8")) < MAX_TEXT_BYTES + 100


def test_map_only_web_links_become_anchors() -> None:
    event = json.loads(post_line("click me or me", time_us=1_783_175_888_000_000))
    event["commit"]["record"]["facets"] = [
        {
            "index": {"byteStart": 0, "byteEnd": 8},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "javascript:alert(1)"}],
        },
        {
            "index": {"byteStart": 12, "byteEnd": 14},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://ok.example/"}],
        },
    ]
    item = read_frame(json.dumps(event)).item
    assert item.html == 'click me or <a href="https://ok.example/">me</a>'
    assert item.extra["links"] == ["https://ok.example/"]


# -- options -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"url": "https://jetstream2.us-east.bsky.network/subscribe"}, "ws:// or wss://"),
        ({"url": "wss://j.example/subscribe?wantedCollections=x"}, "no query"),
        ({"collections": ["app.bsky.feed.like"]}, "only app.bsky.feed.post"),
        ({"collections": ["app.bsky.feed.po*"]}, "not a collection NSID"),
        ({"collections": []}, "at least 1"),
        ({"dids": ["alice.bsky.social"]}, "is not a DID"),
        ({"replay": "-5s"}, "replay"),
        ({"interval": "10m"}, "interval"),
    ],
)
def test_options_refuse_what_cannot_be_honoured(values: dict[str, Any], said: str) -> None:
    with pytest.raises(ValidationError, match=said):
        jetstream.Options(**values)


def test_options_defaults() -> None:
    opts = jetstream.Options()
    assert opts.url == "wss://jetstream2.us-east.bsky.network/subscribe"
    assert opts.collections == (POST,) and opts.dids == ()
    assert opts.replay == timedelta(seconds=5) and opts.idle_timeout == timedelta(seconds=60)
    assert opts.appview_url == "https://public.api.bsky.app" and opts.resolve_handles
    assert not opts.compress


def test_the_stream_registers_as_a_stream_with_enrich() -> None:
    from listener.sources.registry import source_types

    kind = source_types()["jetstream"]
    assert kind.is_stream and kind.enrich is jetstream.enrich and kind.poll is None


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "wss://jetstream2.us-east.bsky.network",
            "wss://jetstream2.us-east.bsky.network/subscribe",
        ),
        (
            "wss://j.example/",
            "must end in /subscribe, Jetstream's endpoint: wss://j.example/subscribe",
        ),
        ("ws://127.0.0.1:6008/subscribe/", "ws://127.0.0.1:6008/subscribe"),
        ("wss://j.example/firehose", "wss://j.example/subscribe"),
    ],
)
def test_a_url_without_the_subscribe_path_is_refused_with_the_expected_form(
    url: str, said: str
) -> None:
    # The server answers 404 only at connect: the source would start and park.
    with pytest.raises(ValidationError, match=re.escape(said)):
        jetstream.Options(url=url)
    assert jetstream.Options(url="wss://j.example/v1/subscribe").url.endswith("/subscribe")


@pytest.mark.parametrize("window", ["5m", "5s1ms", "10s"])
def test_a_batch_window_past_5_s_is_refused_as_a_delay_of_every_alert(window: str) -> None:
    with pytest.raises(ValidationError, match="must be at most 5s: every post") as caught:
        jetstream.Options.model_validate({"batch_window": window})
    assert "delays every alert" in str(caught.value)


def test_a_batch_window_up_to_5_s_is_accepted() -> None:
    assert jetstream.Options.model_validate({"batch_window": "5s"}).batch_window == timedelta(
        seconds=5
    )
    assert jetstream.Options.model_validate({"batch_window": "0s"}).batch_window == timedelta(0)


def test_listener_check_refuses_the_window_and_the_url_at_their_lines(tmp_path: Path) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(
        "brands:\n"
        "  - {name: Acme, query: acme}\n"
        "sources:\n"
        "  - name: bluesky-live\n"
        "    type: jetstream\n"
        "    url: wss://jetstream2.us-east.bsky.network\n"
        "    batch_window: 5m\n"
        "storage:\n"
        "  sqlite: data/listener.db\n"
        "web: {enabled: false}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", "--config", str(config)])
    assert result.exit_code == 2, result.output
    said = result.stderr
    assert "settings.yaml:6" in said and "must end in /subscribe" in said
    assert "settings.yaml:7" in said and "must be at most 5s" in said
