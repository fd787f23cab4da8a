"""The escaping filters: each markup's special characters shown, not parsed; caps that
never split a grapheme or an escape."""

from __future__ import annotations

import pytest

from alerts.channels.formatting import describe, detail_items, digest_sections, duration, when
from alerts.channels.limits import cut
from alerts.escaping import (
    FILTERS,
    channel_filters,
    clip,
    discord_text,
    link_url,
    oneline,
    plain_text,
    slack_text,
    teams_text,
    units,
)
from tests.channel_messages import BENGALI, NOW


def test_slack_text_turns_control_characters_into_entities_and_breaks_broadcasts() -> None:
    text = slack_text("<!channel> a & b <@U123> @here @Everyone <script>")
    assert "<" not in text and ">" not in text
    assert text.startswith("&lt;!channel&gt; a &amp; b &lt;@U123&gt;")
    assert "@here" not in text and "@Everyone" not in text
    assert "@\u200bhere" in text


def test_slack_text_leaves_ordinary_at_signs_and_emails_alone() -> None:
    assert slack_text("mail rita@here.example or @heresy") == "mail rita@here.example or @heresy"


def test_discord_text_escapes_markdown_and_mass_mentions() -> None:
    text = discord_text("*b* _i_ ~s~ `c` | > # - [l](u) <@&1> @everyone\n2. item")
    assert text.startswith(r"\*b\* \_i\_ \~s\~ \`c\` \| \> \# \- \[l\]\(u\) \<@&1\>")
    assert "@everyone" not in text
    assert text.endswith("\n2\\. item")


def test_teams_text_escapes_markdown_and_keeps_line_breaks_visible() -> None:
    assert teams_text("**x**\nnext") == "\\*\\*x\\*\\*\n\nnext"


def test_plain_text_removes_controls_and_bidi_overrides_but_keeps_bengali_joiners() -> None:
    joined = "ক্\u200dষ"  # a zero-width joiner is part of how Bengali is written
    assert plain_text("a\x07b\x1b[0m\r\nc\u202ed" + joined) == "ab[0m\ncd" + joined


def test_oneline_folds_every_line_break() -> None:
    assert oneline(" a\n\n b\u2028c\t d ") == "a b c d"


@pytest.mark.parametrize("text", ["😡" * 40, "👍🏽" * 40, BENGALI * 5, "👨‍👩‍👧" * 20])
def test_clip_cuts_at_a_grapheme_boundary_within_the_limit(text: str) -> None:
    clipped = clip(text, 21)
    assert units(clipped) <= 21
    assert clipped.endswith("…")
    assert text.startswith(clipped[:-1].rstrip())  # only whole graphemes kept


def test_clip_counts_utf16_units_like_the_platforms() -> None:
    assert units("😡") == 2
    assert clip("😡" * 10, 20) == "😡" * 10
    assert clip("😡" * 11, 20) == "😡" * 9 + "…"


def test_an_escaping_limit_never_splits_an_entity_or_a_backslash_escape() -> None:
    for limit in range(2, 30):
        slack = slack_text("&" * 40, limit)
        assert units(slack) <= limit
        assert slack[:-1].replace("&amp;", "") == ""
        discord = discord_text("*" * 40, limit)
        assert units(discord) <= limit
        assert discord[:-1].replace("\\*", "") == ""


def test_cut_of_escaped_text_keeps_whole_escapes() -> None:
    assert cut("&amp;&amp;&amp;", 12) == "&amp;&amp;…"
    assert cut("\\*\\*\\*", 5) == "\\*\\*…"


def test_none_degrades_to_empty_text() -> None:
    for name in ("plain_text", "oneline", "slack_text", "discord_text", "teams_text", "clip"):
        assert FILTERS[name](None) == ""


def test_link_url_allows_only_http_and_encodes_link_breakers() -> None:
    assert link_url("javascript:alert(1)") == ""
    assert link_url("  ") == ""
    assert link_url("https://x.example/a b|c>(d)") == "https://x.example/a%20b%7Cc%3E%28d%29"


def test_channel_filters_cover_every_filter_the_templates_use() -> None:
    names = set(channel_filters())
    assert {"slack_text", "discord_text", "teams_text", "plain_text", "clip", "when"} <= names


def test_value_formatting() -> None:
    assert when(NOW) == "2026-03-02 10:00 UTC"
    assert when(None) == "unknown"
    assert when("2026-03-01T09:00:00+01:00") == "2026-03-01 08:00 UTC"
    assert duration(5400) == "1h 30m"
    assert duration(90061) == "1d 1h"
    assert describe({"delivery": 30, "app": [1, 2]}) == "delivery 30, app 1, 2"


def test_detail_items_label_known_keys_and_skip_machine_ones() -> None:
    items = dict(detail_items({"window_s": 3600, "share": 0.5, "example_ids": ["a"], "x_y": ""}))
    assert items == {"window": "1h", "negative share": "50%"}


def test_digest_sections_read_given_sections_or_fall_back_to_the_details() -> None:
    given = digest_sections({"sections": [{"title": "Top", "lines": ["a", "b"]}]})
    assert [(s.title, s.lines) for s in given] == [("Top", ("a", "b"))]
    fallback = digest_sections({"total": 3, "top_complaints": ["late"]})
    assert [(s.title, s.lines) for s in fallback] == [
        ("overview", ("mentions: 3",)),
        ("top complaints", ("late",)),
    ]
