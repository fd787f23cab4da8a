"""The erasure's preview (the confirm page, the CLI's plan) counts by reads on a reader
connection: it answers while another connection holds the write lock, and its counts are
the erasure's own for a linked person with profile keys, alerts and a near-copy. Each
account's mentions are found by the mentions_author index, whatever the handle's '@'."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from listener.config.settings import Settings
from listener.models import Author, RawItem
from listener.store import SQLiteStore, open_store
from listener.store.people import Account
from tests.test_erasure_bytes import HANDLE, NAME, SETTINGS, build, items


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def filled(settings: Settings) -> Iterator[SQLiteStore]:
    with open_store(settings.storage.sqlite) as store:
        pipeline = build(settings, store)
        for (source, source_type), batch in items(datetime.now(UTC)).items():
            pipeline.process(source, source_type, batch)
        yield store


def test_the_preview_answers_while_the_writer_is_held(filled: SQLiteStore) -> None:
    holder = sqlite3.connect(Path(filled.path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a poll's batch holding the write lock
    try:
        started = time.perf_counter()
        counts = filled.preview_erasure([Account("x", HANDLE)])
        waited = time.perf_counter() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert counts["mentions"] == 2
    assert waited < 1.0  # no wait for the lock: before, it waited out the busy timeout


def test_the_preview_counts_what_the_erasure_removes(filled: SQLiteStore) -> None:
    linked = filled.link_accounts(
        [Account("x", HANDLE), Account("mastodon", f"{HANDLE}@social.example")],
        by="agent ana", name=NAME,
    )  # fmt: skip
    accounts = [Account("x", HANDLE), Account("mastodon", f"{HANDLE}@social.example")]
    preview = filled.preview_erasure(accounts, person_id=linked.id)
    report = filled.erase_person(linked.id, asked_by="dpo", reason="r", accounts=accounts)
    done = {k: v for k, v in report.counts.items() if k != "drafts_removed"}
    assert preview == done
    assert preview["mentions"] == 3 and preview["copies_reheaded"] == 1
    assert preview["people"] == 1 and preview["author_keys"] >= 1


def test_a_handle_shown_with_an_at_is_found_without_it(settings: Settings) -> None:
    with open_store(settings.storage.sqlite) as store:
        pipeline = build(settings, store)
        pipeline.process("yt", "youtube", [RawItem(
            "c1", html="Acme blender broke after two days, very unhappy with it",
            author=Author(handle="@JaneTube", name="Jane Tube"),
        )])  # fmt: skip
        assert store.preview_erasure([Account("youtube", "janetube")])["mentions"] == 1
        report = store.erase_accounts([Account("youtube", "JaneTube")], asked_by="d", reason="")
        assert report.counts["mentions"] == 1 and report.counts["authors"] == 1
        assert store.get_mention("yt:c1") is None
