"""Near-copies on the real path: raw items → pipeline → SQLite store on disk (issue 18).

A syndicated story under another headline, with a sentence changed, joins the cluster of the
first one stored: stored, searchable, marked ``copy_of`` the head. What looks alike but says
something else (another insider's sale) is not a copy, nor are short posts.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from listener.config.settings import Settings
from listener.fingerprint import MIN_SHINGLES, fingerprint, numbers_agree, similarity
from listener.models import RawItem
from listener.pipeline.copies import THRESHOLD, NearCopies
from listener.pipeline.run import Pipeline
from listener.service.upkeep import Upkeep
from listener.store import SQLiteStore, open_store
from tests.helpers import SettableClock
from tests.store_helpers import make_mention

SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
storage:
  sqlite: data/listener.db
"""

STORY = (
    "Acme Corp chief executive John Smith sold 10,000 shares of the company on Monday, "
    "according to a filing with the Securities and Exchange Commission. The sale was worth "
    "about 1.2 million dollars and leaves him with 250,000 shares."
)
# One sentence changed, as a syndicating site rewrites it.
RETOLD = STORY.replace("The sale was worth about", "The transaction was valued at roughly")
# The same template, another insider and another sale: not a copy.
OTHER_SALE = (
    "Acme Corp chief financial officer Jane Doe sold 4,500 shares of the company on Thursday, "
    "according to a filing with the Securities and Exchange Commission. The sale was worth "
    "about 0.5 million dollars and leaves her with 80,000 shares."
)


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    with open_store(settings.storage.sqlite) as opened:
        yield opened


@pytest.fixture
def pipeline(settings: Settings, store: SQLiteStore, clock: SettableClock) -> Pipeline:
    return Pipeline(settings, store, clock=clock)


def item(native_id: str, title: str, text: str) -> RawItem:
    return RawItem(native_id, url=f"https://{native_id}.example/story", title=title, html=text)


def copy_of(store: SQLiteStore, mention_id: str) -> str | None:
    found = store.get_mention(mention_id)
    assert found is not None
    return found.copy_of


def test_a_story_on_three_feeds_is_one_head_and_two_copies(
    pipeline: Pipeline, store: SQLiteStore
) -> None:
    pipeline.process("wire", "rss", [item("a", "Acme CEO sells shares", STORY)])
    pipeline.process("news", "rss", [item("b", "Insider sale at Acme", RETOLD)])
    pipeline.process("blog", "rss", [item("c", "Acme boss cashes in", STORY)])

    assert copy_of(store, "wire:a") is None
    assert copy_of(store, "news:b") == "wire:a"
    assert copy_of(store, "blog:c") == "wire:a"  # a copy of a copy points at the head
    copies = store.copies_of(["wire:a", "news:b"])
    assert [c.mention_id for c in copies["wire:a"]] == ["news:b", "blog:c"]
    assert [c.source for c in copies["wire:a"]] == ["news", "blog"]
    assert copies["news:b"] == []


def test_copies_in_one_batch_point_at_the_first(pipeline: Pipeline, store: SQLiteStore) -> None:
    report = pipeline.process(
        "wire", "rss", [item("a", "Acme CEO sells shares", STORY), item("b", "Again", RETOLD)]
    )
    assert [m.id for m in report.stored] == ["wire:a", "wire:b"]
    assert [m.copy_of for m in report.stored] == [None, "wire:a"]


def test_the_same_template_about_another_sale_is_not_a_copy(
    pipeline: Pipeline, store: SQLiteStore
) -> None:
    pipeline.process("wire", "rss", [item("a", "Acme CEO sells shares", STORY)])
    pipeline.process("news", "rss", [item("b", "Acme CFO sells shares", OTHER_SALE)])
    assert copy_of(store, "news:b") is None


def test_short_posts_are_never_clustered(pipeline: Pipeline, store: SQLiteStore) -> None:
    short = "I love my new Acme anvil"
    assert fingerprint("", short).shingles < MIN_SHINGLES
    pipeline.process("x", "rss", [item("a", "", short)])
    pipeline.process("y", "rss", [item("b", "", short + " so much")])
    assert copy_of(store, "y:b") is None


def test_a_copy_is_searchable(pipeline: Pipeline, store: SQLiteStore) -> None:
    pipeline.process("wire", "rss", [item("a", "Acme CEO sells shares", STORY)])
    pipeline.process("news", "rss", [item("b", "Insider sale at Acme", RETOLD)])
    found = store.search("transaction valued")
    assert [h.mention.id for h in found] == ["news:b"]
    assert found[0].mention.copy_of == "wire:a"


def test_outside_the_dedupe_window_a_story_starts_a_new_cluster(
    settings: Settings, pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    pipeline.process("wire", "rss", [item("a", "Acme CEO sells shares", STORY)])
    clock.now += settings.pipeline.dedupe_window + timedelta(minutes=1)
    pipeline.process("news", "rss", [item("b", "Insider sale at Acme", RETOLD)])
    assert copy_of(store, "news:b") is None


def test_old_prints_are_pruned_and_a_deleted_mention_takes_its_prints(
    settings: Settings, pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    pipeline.process("wire", "rss", [item("a", "Acme CEO sells shares", STORY)])
    clock.advance(hours=1)
    pipeline.process("other", "rss", [item("z", "Acme CFO", OTHER_SALE)])
    db = sqlite3.connect(settings.storage.sqlite)
    db.execute("PRAGMA foreign_keys = ON")

    def prints() -> int:
        return int(db.execute("SELECT count(*) FROM near_prints").fetchone()[0])

    def bands() -> int:
        return int(db.execute("SELECT count(*) FROM near_bands").fetchone()[0])

    assert (prints(), bands()) == (2, 42)
    assert store.forget_near_prints(clock() - timedelta(minutes=30)) == 1
    assert (prints(), bands()) == (1, 21)
    with db:
        db.execute("DELETE FROM mentions WHERE id = 'other:z'")
    assert (prints(), bands()) == (0, 0)


def test_the_estimate_tracks_how_alike_the_words_are() -> None:
    assert similarity(fingerprint("t", STORY), fingerprint("t", STORY)) == 1.0
    assert similarity(fingerprint("a", STORY), fingerprint("b", RETOLD)) >= 0.5
    other = fingerprint("a", OTHER_SALE)
    assert not numbers_agree(fingerprint("a", STORY), other)
    assert numbers_agree(fingerprint("a", STORY), fingerprint("b", RETOLD))
    assert similarity(fingerprint("a", STORY), fingerprint("a", "Nothing alike " * 9)) < 0.2


def test_the_daemons_hourly_upkeep_prunes_prints_outside_the_window(
    settings: Settings, pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    pipeline.process("wire", "rss", [item("a", "Acme CEO sells shares", STORY)])
    clock.advance(hours=2)
    pipeline.process("other", "rss", [item("z", "Acme CFO", OTHER_SALE)])
    upkeep = Upkeep(store, settings)
    db = sqlite3.connect(settings.storage.sqlite)

    later = clock() + settings.pipeline.dedupe_window - timedelta(hours=1)
    asyncio.run(upkeep.forget_old_hashes(later, settings))
    kept = db.execute("SELECT m.id FROM near_prints p JOIN mentions m USING (seq)").fetchall()
    assert kept == [("other:z",)]
    assert copy_of(store, "wire:a") is None and store.get_mention("wire:a") is not None


def test_the_recheck_in_the_write_transaction_finds_a_head_stored_since_the_first_pass(
    pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    # The first pass ran before another source stored the story: the mention comes to the
    # insert unmarked, and the recheck on the writer marks it.
    since = clock() - timedelta(hours=1)
    late = make_mention(7, source="news", title="Insider sale at Acme", text=RETOLD)
    assert NearCopies().find([late], store, since=since) == {}
    pipeline.process("wire", "rss", [item("a", "Acme CEO sells shares", STORY)])

    stored = store.insert_mentions(
        [late], recheck=lambda lookups: NearCopies().recheck([late], lookups, since=since)
    )
    assert [m.copy_of for m in stored] == ["wire:a"]
    assert copy_of(store, "news:7") == "wire:a"


def test_the_recheck_unmarks_a_copy_whose_head_is_gone(store: SQLiteStore) -> None:
    since = datetime(2000, 1, 1, tzinfo=UTC)
    orphan = make_mention(8, text=RETOLD, copy_of="wire:gone")
    stored = store.insert_mentions(
        [orphan], recheck=lambda lookups: NearCopies().recheck([orphan], lookups, since=since)
    )
    assert [m.copy_of for m in stored] == [None]


WAREHOUSE = (
    "Acme opened its largest warehouse yet on the edge of Leeds this week, hiring local staff "
    "for every shift.",
    "This week the Acme company cut the ribbon on a huge new depot outside Leeds and took on "
    "local workers.",
    "The building will handle parcels for the whole north of England and is meant to shorten "
    "delivery times for customers there.",
    "Union leaders welcomed the jobs but asked for guarantees on pay and breaks for the night "
    "teams.",
    "Trade unions said they were pleased about employment yet demanded firm promises over "
    "wages and rest periods overnight.",
)


def test_a_copy_of_a_copy_joins_the_head_even_when_it_is_unlike_the_head(
    pipeline: Pipeline, store: SQLiteStore
) -> None:
    first, reworded, middle, last, last_reworded = WAREHOUSE
    head = f"{first} {middle} {last}"
    copy = f"{reworded} {middle} {last}"
    copy_of_copy = f"{reworded} {middle} {last_reworded}"
    assert similarity(fingerprint("", head), fingerprint("", copy_of_copy)) < THRESHOLD
    assert similarity(fingerprint("", copy), fingerprint("", copy_of_copy)) >= THRESHOLD

    pipeline.process("wire", "rss", [item("a", "", head)])
    pipeline.process("news", "rss", [item("b", "", copy)])
    pipeline.process("blog", "rss", [item("c", "", copy_of_copy)])
    assert copy_of(store, "news:b") == "wire:a"
    assert copy_of(store, "blog:c") == "wire:a"
    assert [c.mention_id for c in store.copies_of(["wire:a"])["wire:a"]] == ["news:b", "blog:c"]
