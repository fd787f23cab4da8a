"""A story republished on the head's own feed is not "also on" that feed (issue 18 review,
finding 13a): the message said "also on 1 source: wire" for a wire story the wire ran twice.
The sources the message counts and lists are the others. Through the real pipeline, alert
rules and SQLite file, the message composed as the outbox composes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from alerts.compose import compose, copy_lines
from listener.cli.render_copies import also_on_line
from listener.config.settings import Settings
from listener.store import open_store
from listener.store.near_prints import CopyRef, other_sources
from listener.web.copy_views import copy_sources
from tests.test_copies_alerting import LETTER, SETTINGS, pipeline, post


def test_a_copy_on_the_heads_own_source_is_not_another_source(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS)
    letter = LETTER.format(brand="Acme")
    with open_store(settings.storage.sqlite) as store:
        p = pipeline(settings, store)
        p.process("wire", "rss", [post("w1", letter, "lee")])
        p.process("wire", "rss", [post("w2", "Updated. " + letter, "lee")])
        p.process("news", "rss", [post("n1", "Readers write. " + letter, "desk")])
        republished = store.get_mention("wire:w2")
        assert republished is not None and republished.copy_of == "wire:w1"
        [alert] = store.list_alerts()
        [delivery] = store.list_deliveries(alert_id=alert.id)
        mention = compose(store, settings, alert, delivery).mention
        assert mention is not None and mention.id == "wire:w1"
        assert mention.copy_sources == 1
        assert [c.source for c in mention.copies] == ["news"]


def _ref(n: int, source: str) -> CopyRef:
    at = datetime(2026, 12, 1, tzinfo=UTC) + timedelta(minutes=n)
    return CopyRef(f"{source}:{n}", source, "rss", f"https://{source}.example/{n}", "t", at)


def test_copies_only_on_the_heads_source_are_no_other_source() -> None:
    assert copy_lines([_ref(1, "wire"), _ref(2, "wire")], "wire") == ((), 0)
    lines, sources = copy_lines([_ref(1, "wire"), _ref(2, "news"), _ref(3, "blog")], "wire")
    assert sources == 2 and [line.source for line in lines] == ["news", "blog"]


def test_the_store_pages_and_cli_count_other_sources_as_the_message_does(
    write_settings: Callable[[str], Settings],
) -> None:
    # The same story: the store marks the head's own source, and every count leaves it out.
    settings = write_settings(SETTINGS)
    letter = LETTER.format(brand="Acme")
    with open_store(settings.storage.sqlite) as store:
        p = pipeline(settings, store)
        p.process("wire", "rss", [post("w1", letter, "lee")])
        p.process("wire", "rss", [post("w2", "Updated. " + letter, "lee")])
        p.process("news", "rss", [post("n1", "Readers write. " + letter, "desk")])
        refs = store.copies_of(["wire:w1"])["wire:w1"]
        assert [(r.source, r.on_head_source) for r in refs] == [("wire", True), ("news", False)]
        assert other_sources(refs) == 1
        assert copy_sources(store, ["wire:w1"]) == {"wire:w1": 1}
        line = also_on_line(refs)
        assert line is not None and line.startswith("Also on 1 source: news")
