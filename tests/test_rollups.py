"""Rollups kept exact by each write of a real SQLite store: a new mention, an edit, a
tombstone, re-judging and a person's label; a DELETE keeps the counts; a store held at an
older schema writes none; ``listener rollups check|rebuild`` find and mend a bad count."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from listener.config.settings import Settings
from listener.models import Finding, Judgments, SentimentLabel
from listener.store import SQLiteStore, open_store
from listener.store.rollup_rebuild import (
    check_rollups,
    check_store_rollups,
    rebuild_ranges,
    rebuild_store_rollups,
)
from listener.store.schema import MIGRATIONS
from listener.store.schema_stats import ROLLUPS_SCHEMA
from tests.rollup_helpers import recount_store, row_counts, stored
from tests.store_helpers import T0, make_mention

HOUR = "2024-05-01T12"
DAY = "2024-05-01"
ANGRY_ABOUT_DELIVERY = Judgments(
    sentiment_label=SentimentLabel.NEGATIVE,
    complaint=True,
    topics=(Finding("Delivery"),),
    feelings=(Finding("angry"),),
    flags=(Finding("spam"),),  # flags are not charted
)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    with SQLiteStore(tmp_path / "listener.db") as s:
        yield s


def _hours(store: SQLiteStore) -> dict[tuple[object, ...], int]:
    return dict(stored(store.path)["rollup_hours"])


def _tag_hours(store: SQLiteStore) -> dict[tuple[object, ...], int]:
    return dict(stored(store.path)["rollup_tag_hours"])


def _consistent(store: SQLiteStore, ids: list[str]) -> None:
    with store._write() as conn:
        assert check_rollups(conn) == []
    assert stored(store.path) == recount_store(store, ids)
    assert all(n > 0 for n in row_counts(store.path))


def test_a_two_brand_mention_counts_once_under_all_brands_and_once_under_each(
    store: SQLiteStore,
) -> None:
    store.insert_mentions(
        [make_mention(1, brands=("Acme", "Globex"), judgments=ANGRY_ABOUT_DELIVERY)]
    )

    counted = ("news", "rss", "en", "negative", 1)
    assert _hours(store) == {(b, HOUR, *counted): 1 for b in ("", "acme", "globex")}
    assert dict(stored(store.path)["rollup_days"]) == {
        (b, DAY, *counted): 1 for b in ("", "acme", "globex")
    }
    assert _tag_hours(store) == {
        (b, HOUR, kind, value): 1
        for b in ("", "acme", "globex")
        for kind, value in (("topic", "delivery"), ("feeling", "angry"))
    }
    _consistent(store, ["news:1"])


def test_a_tombstone_leaves_every_table(store: SQLiteStore) -> None:
    store.insert_mentions(
        [
            make_mention(1, brands=("Acme",), judgments=ANGRY_ABOUT_DELIVERY),
            make_mention(2, brands=("Acme",)),
        ]
    )

    assert store.tombstone_mentions(["news:1"], T0 + timedelta(days=1)) == 1

    assert stored(store.path) == recount_store(store, ["news:2"])
    assert _tag_hours(store) == {}
    assert dict(stored(store.path)["rollup_tag_days"]) == {}
    assert _hours(store) == {(b, HOUR, "news", "rss", "en", "unknown", 0): 1 for b in ("", "acme")}
    _consistent(store, ["news:1", "news:2"])


def test_an_edit_naming_another_brand_moves_the_counts_and_the_tags(store: SQLiteStore) -> None:
    first = make_mention(1, brands=("Acme",), judgments=ANGRY_ABOUT_DELIVERY)
    store.insert_mentions([first])

    edit = dataclasses.replace(
        first,
        brands=("Globex",),
        text="Billing is the problem, not delivery.",
        language="fr",
        edited_at=T0 + timedelta(hours=2),
        judgments=dataclasses.replace(ANGRY_ABOUT_DELIVERY, topics=(Finding("billing"),)),
    )
    assert store.revise_mentions([edit]) == 1

    assert _hours(store) == {
        (b, HOUR, "news", "rss", "fr", "negative", 1): 1 for b in ("", "globex")
    }
    assert _tag_hours(store) == {
        (b, HOUR, kind, value): 1
        for b in ("", "globex")
        for kind, value in (("topic", "billing"), ("feeling", "angry"))
    }
    _consistent(store, ["news:1"])


def test_a_label_flipping_complaint_moves_the_mention_and_re_judging_moves_it_back(
    store: SQLiteStore,
) -> None:
    store.insert_mentions([make_mention(1, brands=("Acme",), judgments=ANGRY_ABOUT_DELIVERY)])

    store.set_complaint_label("news:1", False, by="dana", at=T0 + timedelta(hours=1))
    assert _hours(store) == {(b, HOUR, "news", "rss", "en", "negative", 0): 1 for b in ("", "acme")}
    _consistent(store, ["news:1"])

    store.update_judgments("news:1", Judgments(sentiment_label=SentimentLabel.POSITIVE))
    assert _hours(store) == {(b, HOUR, "news", "rss", "en", "positive", 0): 1 for b in ("", "acme")}
    assert _tag_hours(store) == {}
    _consistent(store, ["news:1"])


def test_a_mention_deleted_outright_keeps_its_counts(store: SQLiteStore) -> None:
    # Retention (issue 18) removes old rows but keeps what the dashboard counted of them.
    store.insert_mentions([make_mention(1, brands=("Acme",), judgments=ANGRY_ABOUT_DELIVERY)])
    before = stored(store.path)

    with store._write() as conn:
        conn.execute("DELETE FROM mention_tags WHERE mention_id = 'news:1'")
        conn.execute("DELETE FROM mentions WHERE id = 'news:1'")

    assert stored(store.path) == before
    assert sum(before["rollup_hours"].values()) == 2


def test_a_store_held_before_schema_12_writes_no_rollups_and_the_migration_counts_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore(path, migrations=MIGRATIONS[: ROLLUPS_SCHEMA - 1]) as old:
        assert old.schema_version == ROLLUPS_SCHEMA - 1
        old.insert_mentions([make_mention(n, brands=("Acme",)) for n in (1, 2)])
        old.revise_mentions([make_mention(1, brands=("Globex",), edited_at=T0 + timedelta(days=1))])
        old.tombstone_mentions(["news:2"], T0 + timedelta(days=1))
        old.set_complaint_label("news:1", True, by="dana", at=T0)

    with SQLiteStore(path) as new:
        assert new.schema_version >= ROLLUPS_SCHEMA
        _consistent(new, ["news:1", "news:2"])
        assert _hours(new) == {
            (b, HOUR, "news", "rss", "en", "unknown", 1): 1 for b in ("", "globex")
        }


def test_the_check_reports_a_bad_count_and_writes_nothing(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, brands=("Acme",), judgments=ANGRY_ABOUT_DELIVERY)])
    with store._write() as conn:
        conn.execute("UPDATE rollup_tag_days SET mentions = 5 WHERE brand = 'Acme'")
        conn.execute("DELETE FROM rollup_hours WHERE brand = ''")
    before = stored(store.path)

    found = check_store_rollups(store)

    assert {(d.table, d.stored, d.counted) for d in found} == {
        ("rollup_hours", 0, 1),
        ("rollup_tag_days", 5, 1),
    }
    assert len(found) == 3  # the topic and the feeling of that day
    assert stored(store.path) == before
    assert check_store_rollups(store, limit=1) == found[:1]


def test_a_rebuild_by_ranges_of_days_mends_every_day_and_removes_rows_of_no_mention(
    store: SQLiteStore,
) -> None:
    store.insert_mentions(
        [
            make_mention(n, brands=("Acme",), published_at=T0 + timedelta(hours=7 * n))
            for n in range(40)  # 12 days
        ]
    )
    with store._write() as conn:
        conn.execute("UPDATE rollup_hours SET mentions = mentions + 1")
        conn.execute("DELETE FROM rollup_days WHERE day = '2024-05-09'")
        conn.execute(
            "INSERT INTO rollup_tag_days VALUES ('Acme', '2023-01-01', 'topic', 'x', 3),"
            " ('Acme', '2031-01-01', 'topic', 'x', 3), ('Acme', 'not a day', 'topic', 'x', 3)"
        )
        ranges = rebuild_ranges(conn, 2)
    assert ranges[0][0] == "" and len(ranges) == 8  # 12 days + 3 odd ones, 2 by 2

    rebuilt = rebuild_store_rollups(store, days=2)

    assert check_store_rollups(store) == []
    assert rebuilt.rows == sum(len(counts) for counts in stored(store.path).values())
    _consistent(store, [f"news:{n}" for n in range(40)])


def test_the_check_runs_while_another_process_holds_the_write_lock(store: SQLiteStore) -> None:
    # As beside a running daemon mid-batch: the check reads a snapshot and needs no lock.
    store.insert_mentions([make_mention(1, brands=("Acme",), judgments=ANGRY_ABOUT_DELIVERY)])
    daemon = sqlite3.connect(store.path, isolation_level=None, timeout=0.1)
    try:
        daemon.execute("BEGIN IMMEDIATE")
        daemon.execute("UPDATE rollup_hours SET mentions = 7")  # not committed: unseen

        assert check_store_rollups(store) == []
    finally:
        daemon.execute("ROLLBACK")
        daemon.close()


SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
"""


def _listener(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listener.cli.main", *args, "--config", str(settings.config_path)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip


def test_rollups_check_exits_1_on_a_corrupt_row_and_0_after_rebuild(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions(
            [make_mention(n, brands=("Acme",), judgments=ANGRY_ABOUT_DELIVERY) for n in range(30)]
        )
    assert _listener(settings, "rollups", "check").returncode == 0
    raw = sqlite3.connect(settings.storage.sqlite)
    with raw:
        raw.execute("UPDATE rollup_hours SET mentions = mentions + 1 WHERE brand = 'Acme'")
    raw.close()

    check = _listener(settings, "rollups", "check")

    assert check.returncode == 1
    assert "rollup_hours brand='Acme' hour='2024-05-01T12'" in check.stdout
    assert "stored 31, counted 30" in check.stdout
    assert "listener rollups rebuild" in check.stderr

    rebuild = _listener(settings, "rollups", "rebuild")
    assert rebuild.returncode == 0, rebuild.stderr
    assert (
        "rollups rebuilt: 12 rows in "
    )  # 2 brand keys: 2 + 2 × 2 tags, hour and day in rebuild.stdout
    again = _listener(settings, "rollups", "check")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "rollups match the mentions" in again.stdout


def test_brands_differing_only_in_case_count_a_mention_once_as_search_finds_it(
    store: SQLiteStore,
) -> None:
    # mention_brands (what search filters by) keeps one NOCASE row for "Acme" and "ACME";
    # the rollups' brand key is NOCASE too, so the mention must count there once as well.
    store.insert_mentions(
        [make_mention(1, brands=("Acme", "ACME"), judgments=ANGRY_ABOUT_DELIVERY)]
    )
    store.insert_mentions([make_mention(2, brands=("Acme",))])
    raw = sqlite3.connect(store.path)
    searched = raw.execute("SELECT count(*) FROM mention_brands WHERE brand = 'acme'").fetchone()
    raw.close()

    counted = ("news", "rss", "en", "negative", 1)
    assert searched == (2,)
    assert _hours(store)[("acme", HOUR, *counted)] == 1
    assert _tag_hours(store)[("acme", HOUR, "topic", "delivery")] == 1
    # The edit's triggers and a rebuild agree with the insert.
    store.update_judgments("news:1", dataclasses.replace(ANGRY_ABOUT_DELIVERY, complaint=False))
    assert _hours(store)[("acme", HOUR, "news", "rss", "en", "negative", 0)] == 1
    _consistent(store, ["news:1", "news:2"])
