"""A stream reads the same network as its polled sibling: one person there is one author
(tags, history, cooldown) and a reply follows that network's rules, whichever reader stored
the post. The complaint rule runs on a real SQLite store with the real reply drafts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from alerts.drafts.approaches import TAKE_PRIVATE
from alerts.drafts.platforms import platform_for
from alerts.drafts.replies import draft_replies
from alerts.message import AuthorHistory
from listener.models import Mention, ReplyDraft
from listener.sources.registry import network_of, same_network_types, source_types
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings
from tests.drafts_helpers import SETTINGS as REPLIES

STREAMS = {"jetstream": "bluesky", "mastodon_stream": "mastodon", "x_stream": "x"}


def _via(source_type: str, **kw: Any) -> Mention:
    """A judged complaint of acme as the reader of ``source_type`` stores it."""
    return replace(judged(**kw), source_type=source_type)


def test_every_stream_names_a_registered_polled_network_and_the_rest_name_themselves() -> None:
    types = source_types()
    for name in types:
        if name in STREAMS:
            assert network_of(name) == STREAMS[name]
            assert not types[STREAMS[name]].is_stream  # the polled sibling exists
            assert same_network_types(name) == (name, STREAMS[name])
        else:
            assert network_of(name) == name, name
    assert same_network_types("bluesky") == ("bluesky", "jetstream")
    assert same_network_types("rss") == ("rss",)
    # A type no longer registered (a removed plugin a stored mention still names).
    assert network_of("gone_plugin") == "gone_plugin"
    assert same_network_types("gone_plugin") == ("gone_plugin",)


@pytest.mark.parametrize(
    ("listed_as", "read_by"),
    [
        ("bluesky", "jetstream"),
        ("jetstream", "bluesky"),
        ("mastodon", "mastodon_stream"),
        ("x", "x_stream"),
        ("x_stream", "x_stream"),
    ],
)
def test_a_vip_listed_under_either_type_of_a_network_is_tagged(
    tmp_path: Path, listed_as: str, read_by: str
) -> None:
    authors = [{"handle": "did:plc:vip", "source_type": listed_as, "tags": ["vip"]}]
    h = Harness(tmp_path, make_settings(authors=authors))
    h.feed([_via(read_by, handle="did:plc:vip")])
    [alert] = h.alerts()
    assert alert.details["tags"] == ["vip"]


def test_a_vip_listed_on_another_network_is_not_tagged(tmp_path: Path) -> None:
    authors = [{"handle": "did:plc:vip", "source_type": "mastodon", "tags": ["vip"]}]
    h = Harness(tmp_path, make_settings(authors=authors))
    h.feed([_via("jetstream", handle="did:plc:vip")])
    [alert] = h.alerts()
    assert alert.details["tags"] == []


def test_an_author_who_wrote_through_mastodon_is_known_when_mastodon_stream_brings_a_complaint(
    tmp_path: Path,
) -> None:
    seen: list[AuthorHistory | None] = []

    def drafts(mention: Mention, history: AuthorHistory | None) -> tuple[ReplyDraft, ...]:
        seen.append(history)
        return ()

    h = Harness(tmp_path, make_settings(), drafts=drafts)
    earlier = _via(
        "mastodon", text="acme where is my order", handle="dana@mastodon.social",
        at=NOW - timedelta(days=2), complaint=False, source="toots",
    )  # fmt: skip
    h.feed([earlier])
    # Another network's post by the same handle is someone else's.
    h.feed([_via("rss", handle="dana@mastodon.social", at=NOW - timedelta(days=1))])
    complaint = _via("mastodon_stream", handle="Dana@mastodon.social", source="live")
    h.feed([complaint])
    [alert] = [a for a in h.alerts() if a.mention_ids == (complaint.id,)]
    assert alert.details["prior_contacts"] == 1
    assert "2nd contact in 7 days" in alert.severity_reasons
    history = seen[-1]
    assert history is not None and history.mention_count == 1
    assert [item.source for item in history.recent] == ["toots"]


def test_a_stream_follow_up_folds_into_the_polled_complaint_within_the_cooldown(
    tmp_path: Path,
) -> None:
    h = Harness(tmp_path, make_settings())
    first = _via("x", text="acme my order never came", handle="dana", source="x-search")
    h.feed([first])
    h.clock.advance(minutes=20)
    follow = _via(
        "x_stream", text="acme still nothing, I want a refund", handle="Dana",
        at=NOW + timedelta(minutes=20), source="x-live",
    )  # fmt: skip
    h.feed([follow])
    [alert] = h.alerts()
    assert alert.mention_ids == (first.id, follow.id)
    # The same handle through a stream of another network is another person's alert.
    h.feed([_via("jetstream", handle="dana", at=NOW + timedelta(minutes=21), source="sky")])
    assert len(h.alerts()) == 2


@pytest.mark.parametrize(
    ("read_by", "limit"), [("jetstream", 300), ("mastodon_stream", 500), ("x_stream", 280)]
)
def test_a_stream_complaint_is_drafted_for_its_network(
    tmp_path: Path, read_by: str, limit: int
) -> None:
    def drafts(mention: Mention, history: AuthorHistory | None) -> tuple[ReplyDraft, ...]:
        return draft_replies(mention, settings=REPLIES, brand="acme", history=history)

    h = Harness(tmp_path, make_settings(), drafts=drafts)
    h.feed([_via(read_by, text="acme charged me twice and nobody answers", handle="dana")])
    [alert] = h.alerts()
    assert alert.drafts
    assert {d.lint["limit"] for d in alert.drafts} == {limit}
    assert all(d.lint["length_ok"] for d in alert.drafts)
    # private_channels.dm is true in these replies settings, and the network has DMs.
    assert TAKE_PRIVATE in {d.approach for d in alert.drafts}
    # Short-form, as on the polled type: no greeting line of its own.
    assert all("\n" not in d.text for d in alert.drafts)


def test_a_forum_source_type_still_gets_forum_rules() -> None:
    assert platform_for(None, "hackernews").name == "forum"
    assert platform_for(None, "jetstream").dm is True
    assert platform_for(None, "gone_plugin").name == "forum"


def test_an_author_entry_naming_an_unknown_source_type_is_refused() -> None:
    authors = [{"handle": "dana", "source_type": "jetstreem", "tags": ["vip"]}]
    with pytest.raises(ValidationError) as refused:
        make_settings(authors=authors)
    assert "unknown source type 'jetstreem' (did you mean 'jetstream'?)" in str(refused.value)
    make_settings(authors=[{"handle": "dana", "source_type": "x_stream", "tags": ["vip"]}])
