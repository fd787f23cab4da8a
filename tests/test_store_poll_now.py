"""'Poll now' moves one column: a poll that finished meanwhile keeps everything it stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from listener.models import SourceState
from listener.store import SQLiteStore

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def test_only_the_next_check_moves_and_only_forward(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "l.db") as store:
        polled = SourceState(
            source="news",
            etag='"v2"',
            cursor="page-9",
            next_check_at=NOW + timedelta(minutes=10),
            last_success_at=NOW,
            items_total=42,
        )
        store.save_source_state(polled)
        store.make_source_due("news", NOW)
        assert store.load_source_state("news") == replace(polled, next_check_at=NOW)
        # Already due earlier: left as it is (poll now never postpones a check).
        earlier = NOW - timedelta(minutes=5)
        store.save_source_state(replace(polled, next_check_at=earlier))
        store.make_source_due("news", NOW)
        state = store.load_source_state("news")
        assert state is not None and state.next_check_at == earlier


def test_a_state_saved_after_the_request_is_kept_whole(tmp_path: Path) -> None:
    """A poll ending between the web's read of the state and its write used to lose its
    cursor and counts to the stale copy written back; now nothing is written back."""
    with SQLiteStore(tmp_path / "l.db") as store, SQLiteStore(tmp_path / "l.db") as daemon:
        store.save_source_state(SourceState(source="news", cursor="old", next_check_at=NOW))
        stale_view = store.load_source_state("news")
        finished = SourceState(
            source="news", cursor="new", items_total=7, next_check_at=NOW + timedelta(hours=1)
        )
        daemon.save_source_state(finished)
        assert stale_view is not None and stale_view.cursor == "old"
        store.make_source_due("news", NOW)
        assert store.load_source_state("news") == replace(finished, next_check_at=NOW)


def test_a_source_never_polled_gets_no_row(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "l.db") as store:
        store.make_source_due("never", NOW)
        assert store.load_source_state("never") is None
