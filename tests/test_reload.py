"""Editing settings.yaml while the daemon runs: new feeds are picked up, typos are survived."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from listener.config.settings import load_settings
from listener.service.daemon import Daemon
from tests.helpers import FeedHandler, SettableClock, rss_feed


def settings_text(feeds: dict[str, str]) -> str:
    sources = "".join(
        f"  - name: {name}\n    type: rss\n    interval: 10m\n    url: {url}\n"
        for name, url in feeds.items()
    )
    return (
        "brands:\n  - name: Acme\n    query: acme\n"
        f"sources:\n{sources}storage:\n  sqlite: data/listener.db\n"
    )


def rewrite(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    # Make the edit visible even on file systems with coarse timestamps.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_feed_added_to_the_file_is_polled_at_the_next_tick(
    tmp_path: Path, httpserver: HTTPServer, clock: SettableClock
) -> None:
    first = FeedHandler(rss_feed([("1", "Acme one", "first feed")]))
    second = FeedHandler(rss_feed([("2", "Acme two", "second feed")]))
    httpserver.expect_request("/one").respond_with_handler(first)
    httpserver.expect_request("/two").respond_with_handler(second)
    path = tmp_path / "settings.yaml"
    path.write_text(settings_text({"one": httpserver.url_for("/one")}), encoding="utf-8")

    async def scenario() -> list[str]:
        daemon = Daemon(load_settings(path), clock=clock)
        try:
            await daemon.tick()
            await daemon.wait_for_polls()
            rewrite(
                path,
                settings_text(
                    {"one": httpserver.url_for("/one"), "two": httpserver.url_for("/two")}
                ),
            )
            await daemon.tick()
            await daemon.wait_for_polls()
            return [hit.mention.source for hit in daemon.store.search("acme")]
        finally:
            await daemon.close()

    assert sorted(asyncio.run(scenario())) == ["one", "two"]
    assert len(first.requests) == 1  # the first feed kept its schedule across the reload


def test_a_broken_edit_keeps_the_running_settings_and_says_where(
    tmp_path: Path, clock: SettableClock, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(settings_text({"one": "http://127.0.0.1:9/x"}), encoding="utf-8")

    async def scenario() -> tuple[bool, list[str]]:
        daemon = Daemon(load_settings(path), clock=clock)
        try:
            rewrite(
                path, settings_text({"one": "http://127.0.0.1:9/x"}).replace("interval", "intervl")
            )
            applied = await daemon.reload_if_changed()
            return applied, [s.name for s in daemon.settings.sources]
        finally:
            await daemon.close()

    with caplog.at_level(logging.ERROR, logger="listener.config.reload"):
        applied, sources = asyncio.run(scenario())
    assert applied is False and sources == ["one"]
    [record] = caplog.records
    problems = record.fields["problems"]  # type: ignore[attr-defined]
    assert "settings.yaml:7: sources[0].intervl" in problems


def test_sighup_style_request_reloads_even_without_a_visible_change(
    tmp_path: Path, clock: SettableClock
) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(settings_text({"one": "http://127.0.0.1:9/x"}), encoding="utf-8")
    stat = path.stat()

    async def scenario() -> list[str]:
        daemon = Daemon(load_settings(path), clock=clock)
        try:
            path.write_text(settings_text({"uno": "http://127.0.0.1:9/x"}), encoding="utf-8")
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime and size
            assert await daemon.reload_if_changed() is False
            daemon.request_reload()
            assert await daemon.reload_if_changed() is True
            return [s.name for s in daemon.settings.sources]
        finally:
            await daemon.close()

    assert asyncio.run(scenario()) == ["uno"]
