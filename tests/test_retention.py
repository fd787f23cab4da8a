"""``storage.retention``: mentions published before now − retention are pruned in bounded
batches with their index rows, leaving opaque tombstones (an old item served again is not
stored) and the dashboard's rollup counts, which `listener rollups check` and `rebuild` keep
too; authors not seen since go; an audit row says how many. The daemon's upkeep runs it at
most once a day and counts it in a metric."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from listener.config.errors import ConfigError
from listener.config.settings import Settings
from listener.metrics import Metrics
from listener.models import Author
from listener.service.upkeep import Upkeep
from listener.store import SQLiteStore, open_store
from listener.store.people import Account
from tests.store_helpers import T0, make_mention

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
  retention: 400d
"""


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    with open_store(settings.storage.sqlite) as opened:
        opened.insert_mentions(
            [
                make_mention(n, published_at=T0 + timedelta(days=n), text=f"word{n} pelican{n}",
                             author=Author(handle=f"user{n}", name=f"User {n}"))
                for n in range(1, 8)
            ]
        )  # fmt: skip
        yield opened


def sql(store: SQLiteStore, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(Path(store.path)) as conn:
        found = conn.execute(query).fetchall()
    conn.close()
    return found


def test_pruning_keeps_the_counts_and_leaves_tombstones(store: SQLiteStore) -> None:
    counted = sql(store, "SELECT sum(mentions) FROM rollup_days WHERE brand = ''")
    report = store.prune_published_before(T0 + timedelta(days=5), batch=2)
    assert report.counts["mentions"] == 4
    assert report.counts["authors"] == 4
    assert [r[0] for r in sql(store, "SELECT id FROM mentions ORDER BY seq")] == [
        "news:5", "news:6", "news:7"
    ]  # fmt: skip
    # The index forgot the words; the dashboard's counts did not.
    assert sql(store, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'pelican2'") == [
        (0,)
    ]
    assert sql(store, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'pelican6'") == [
        (1,)
    ]
    assert sql(store, "SELECT sum(mentions) FROM rollup_days WHERE brand = ''") == counted
    assert sql(store, "SELECT count(*) FROM mention_filters") == [(3,)]
    # An old item served again is known, by its tombstone alone.
    assert store.existing_ids(["news:1", "news:6", "news:99"]) == {"news:1", "news:6"}
    assert store.get_author("rss", "user1") is None
    assert store.get_author("rss", "user6") is not None
    (entry,) = store.erasure_audit()
    assert entry.scope == "retention" and entry.counts["mentions"] == 4


def test_nothing_to_prune_writes_no_audit(store: SQLiteStore) -> None:
    report = store.prune_published_before(T0, batch=2)
    assert report.counts == {}
    assert store.erasure_audit() == []


def test_upkeep_prunes_at_most_once_a_day(store: SQLiteStore, settings: Settings) -> None:
    metrics = Metrics()
    upkeep = Upkeep(store, settings, metrics=metrics)
    now = T0 + timedelta(days=400 + 3, hours=12)  # cutoff: T0 + 3.5 days
    assert asyncio.run(upkeep.prune_retention(now, settings)) == 3
    later = now + timedelta(days=2)  # would prune two more, but not within the day
    assert asyncio.run(upkeep.prune_retention(now + timedelta(hours=23), settings)) == 0
    assert asyncio.run(upkeep.prune_retention(later, settings)) == 2
    assert metrics.registry.get_sample_value("listener_retention_pruned_total") == 5


def test_retention_is_off_by_default(
    write_settings: Callable[[str], Settings], store: SQLiteStore
) -> None:
    plain = write_settings(SETTINGS.replace("  retention: 400d\n", ""))
    assert plain.storage.retention is None
    upkeep = Upkeep(store, plain)
    assert asyncio.run(upkeep.prune_retention(T0 + timedelta(days=9000), plain)) == 0
    assert store.count_mentions() == 7


def test_a_retention_under_a_day_is_refused(write_settings: Callable[[str], Settings]) -> None:
    with pytest.raises(ConfigError, match="at least 1d"):
        write_settings(SETTINGS.replace("400d", "12h"))


def test_the_audit_says_the_cutoff_as_a_date_and_counts_the_tombstones(
    store: SQLiteStore,
) -> None:
    cutoff = T0 + timedelta(days=5, hours=7, minutes=3, microseconds=123456)
    store.prune_published_before(cutoff, batch=3)
    (entry,) = store.erasure_audit()
    assert entry.reason == f"published before {cutoff:%Y-%m-%d}"
    assert entry.counts["mentions"] == entry.counts["tombstones"] == 5
    assert sql(store, "SELECT count(*) FROM erased_ids") == [(5,)]


def test_a_retention_of_0_says_how_to_keep_everything(
    write_settings: Callable[[str], Settings],
) -> None:
    with pytest.raises(ConfigError, match=r"at least 1d \(or null to keep everything\)"):
        write_settings(SETTINGS.replace("400d", "0"))


def _listener(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listener.cli.main", *args, "--config", str(settings.config_path)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip


def test_rollups_check_and_rebuild_keep_the_pruned_and_erased_counts(
    store: SQLiteStore, settings: Settings
) -> None:
    """Retention and erasure keep the dashboard's counts; `listener rollups check` counted
    only live mentions (reporting the kept counts as corruption) and `rebuild` wiped them."""
    counted = sql(store, "SELECT sum(mentions) FROM rollup_days WHERE brand = ''")
    hours = sql(store, "SELECT * FROM rollup_hours ORDER BY 1, 2, 3, 4, 5, 6, 7")
    tags = sql(store, "SELECT * FROM rollup_tag_days ORDER BY 1, 2, 3, 4")
    store.prune_published_before(T0 + timedelta(days=3), batch=1)
    store.erase_accounts([Account("rss", "user5")], asked_by="dpo", reason="")
    assert store.count_mentions() == 4
    store.close()

    check = _listener(settings, "rollups", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "rollups match the mentions (and the kept counts of" in check.stdout
    rebuild = _listener(settings, "rollups", "rebuild")
    assert rebuild.returncode == 0, rebuild.stderr
    assert "including the kept counts of 3 pruned or erased mentions" in rebuild.stdout
    with open_store(settings.storage.sqlite) as reopened:
        assert sql(reopened, "SELECT sum(mentions) FROM rollup_days WHERE brand = ''") == counted
        assert sql(reopened, "SELECT * FROM rollup_hours ORDER BY 1, 2, 3, 4, 5, 6, 7") == hours
        assert sql(reopened, "SELECT * FROM rollup_tag_days ORDER BY 1, 2, 3, 4") == tags
