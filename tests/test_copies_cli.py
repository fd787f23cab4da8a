"""Near-copies in the CLI (issue 18): `listener show` says where else a story ran and which
story a copy belongs to; `listener search` marks copies and heads, and its JSON has the web
API's copy fields; `listener alerts show` gives the lead mention's "Also on N sources" line.
Real settings file, real SQLite file, the real CLI; hostile titles and URLs stay inert in
the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result

from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import Mention
from listener.store import open_store
from tests.alert_helpers import raise_alert
from tests.store_helpers import T0, make_mention

SETTINGS = """\
brands:
  - name: acme
    query: acme
storage:
  sqlite: data/listener.db
alerts:
  enabled: true
  channels:
    - {name: hooks, type: console}
"""

ESCAPE = "\x1b]0;pwned\x07\x1b[2J"


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


def cli(settings: Settings, *args: str) -> Result:
    result = CliRunner().invoke(main, [*args, "--config", str(settings.config_path)])
    assert result.exit_code == 0, result.output
    return result


def _story(settings: Settings) -> tuple[Mention, Mention, Mention]:
    """A story on feed-a (the head) with near-copies on feed-b and feed-c; feed-b's copy
    carries terminal escapes in its URL and title."""
    head = make_mention(1, source="feed-a", title="Acme recalls kettles")
    b = make_mention(
        2, source="feed-b", title=f"Acme {ESCAPE}recall", url=f"https://b.example/{ESCAPE}x",
        copy_of=head.id,
    )  # fmt: skip
    c = make_mention(3, source="feed-c", copy_of=head.id)
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions([head, b, c])
    return head, b, c


def _no_escapes(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text


def test_show_a_story_says_where_else_it_ran(settings: Settings) -> None:
    head, b, c = _story(settings)
    out = cli(settings, "show", head.id).output
    assert f"Also on 2 sources: feed-b (https://b.example/]0;pwned[2Jx), feed-c ({c.url})" in out
    _no_escapes(out)
    shown = json.loads(cli(settings, "show", head.id, "--json").output)
    assert shown["copy_of"] is None
    assert shown["copy_sources"] == 2
    assert [(x["id"], x["source"]) for x in shown["copies"]] == [
        (b.id, "feed-b"),
        (c.id, "feed-c"),
    ]


def test_show_a_copy_names_its_story(settings: Settings) -> None:
    head, _b, c = _story(settings)
    out = cli(settings, "show", c.id).output
    assert f"A near-copy of {head.id} (feed-a, {head.url})" in out
    assert "Also on" not in out
    shown = json.loads(cli(settings, "show", c.id, "--json").output)
    assert (shown["copy_of"], shown["copies"], shown["copy_sources"]) == (head.id, [], 0)


def test_show_a_mention_without_copies_says_nothing_of_them(settings: Settings) -> None:
    alone = make_mention(9, source="feed-a")
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions([alone])
    out = cli(settings, "show", alone.id).output
    assert "Also on" not in out and "near-copy" not in out


def _hits(result: Result) -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in map(json.loads, result.output.splitlines())}


def test_search_marks_copies_and_counts_a_storys_sources(settings: Settings) -> None:
    head, b, c = _story(settings)
    hits = _hits(cli(settings, "search", "ordinary", "--json"))
    # The web API's names (listener.web.search_views.SearchHitOut).
    assert {i: (h["copy_of"], h["copies"], h["copy_sources"]) for i, h in hits.items()} == {
        head.id: (None, 2, 2),
        b.id: (head.id, 0, 0),
        c.id: (head.id, 0, 0),
    }
    text = cli(settings, "search", "ordinary").output
    blocks = {block.split(" ")[3]: block for block in text.strip().split("\n\n")}
    assert "  also on 2 sources\n" in blocks[head.id]
    assert f"  copy of {head.id}\n" in blocks[b.id]
    assert f"  copy of {head.id}\n" in blocks[c.id]
    assert "copy of" not in blocks[head.id]
    _no_escapes(text)


def test_alerts_show_gives_the_leads_other_sources(settings: Settings) -> None:
    head = make_mention(1, source="feed-a", title="Acme recalls kettles")
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions([head])
        alert, _ = raise_alert(store, 1, at=T0, mention_ids=[head.id])
        # A copy stored after the alert: the alert gets an "also on" event, no new alert.
        later = make_mention(4, source="feed-d", copy_of=head.id)
        store.insert_mentions([later])
    out = cli(settings, "alerts", "show", str(alert.id)).output
    assert f"Also on 1 source: feed-d ({later.url})" in out
    shown = json.loads(cli(settings, "alerts", "show", str(alert.id), "--json").output)
    assert shown["mentions"][0]["copy_sources"] == 1
    assert [x["id"] for x in shown["mentions"][0]["copies"]] == [later.id]
