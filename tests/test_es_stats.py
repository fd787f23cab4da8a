"""The dashboard's statistics on the cluster (issue 19): the same generated mentions written
to a SQLite store and to an ElasticStore, and every panel of both compared answer for
answer, over real HTTP to the session's test cluster (osmem-server unless
LISTENER_TEST_ES_URL names one).

The documents reach the cluster the way the outbox sends them (``document_of`` with the
local row number, one bulk, then a refresh), so these tests do not depend on when the write
path sends: they test the reads. The set is several brands (one written in two cases), six
languages (a region subtag, a script subtag, none, an empty one), two source types sharing
a handle, twenty days of hours, complaints, topics and feelings, a tombstone and a copy.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import (
    AlertKind,
    Author,
    Engagement,
    Finding,
    Judgments,
    Mention,
    SentimentLabel,
    Severity,
)
from listener.store import SQLiteStore
from listener.store.alert_contract import NewAlert
from listener.store.elasticsearch.documents import document_of
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.stats import (
    DIMENSIONS,
    breakdown,
    complaints,
    engaged_mentions,
    headline,
    rising_terms,
    share_of_voice,
    top_authors,
    volume,
)
from listener.store.stats.models import ShareOfVoice
from listener.store.stats.scope import StatsScope, scope_for
from tests.store_helpers import make_mention

START = datetime(2026, 3, 1, tzinfo=UTC)  # a Sunday
WORDS = ("refund", "delivery", "late", "great", "price", "app", "crash", "support", "love")
LANGUAGES = ("en", "en-GB", "hi-Latn", "fr", None, "")
BRANDS = (("Acme",), ("Globex",), ("Acme", "Globex"), ("Initech",), ("ACME",))
SENTIMENTS = tuple(SentimentLabel)
HANDLES = tuple(f"person{i}" for i in range(12))


def generated(count: int = 240, seed: int = 19) -> list[Mention]:
    """``count`` mentions over 20 days, reproducibly random; published times all differ."""
    rng = random.Random(seed)
    found = []
    for n in range(1, count + 1):
        published = START + timedelta(minutes=117 * n + rng.randrange(60))
        source, source_type = rng.choice((("news", "rss"), ("reddit-main", "reddit")))
        handle = rng.choice(HANDLES)
        words = " ".join(rng.choice(WORDS) for _ in range(6))
        found.append(
            make_mention(
                n,
                source=source,
                source_type=source_type,
                published_at=published,
                fetched_at=published + timedelta(seconds=5),
                brands=rng.choice(BRANDS),
                language=rng.choice(LANGUAGES),
                author=Author(handle=handle, name=handle.title(), url=f"https://x.test/{handle}"),
                title=f"Post {n}",
                text=f"{words} number {n}",
                engagement=Engagement(
                    likes=rng.choice((None, rng.randrange(500))),
                    shares=rng.randrange(50),
                    replies=rng.choice((None, rng.randrange(40))),
                    views=rng.randrange(100_000),  # never engagement: would lead every rank
                ),
                judgments=Judgments(
                    sentiment_label=rng.choice(SENTIMENTS),
                    complaint=rng.random() < 0.3,
                    topics=tuple(
                        Finding(t)
                        for t in rng.sample(("billing", "delivery", "app"), rng.randrange(3))
                    ),
                    feelings=tuple(
                        Finding(f) for f in rng.sample(("angry", "happy"), rng.randrange(2))
                    ),
                    reach=rng.randrange(10_000),
                ),
            )
        )
    # A copy of the first (copies count like any mention), a mention with no author.
    found.append(replace(found[0], id="news:copy", native_id="copy", content_hash="copy",
                         copy_of=found[0].id))  # fmt: skip
    found.append(replace(found[1], id="news:anon", native_id="anon", content_hash="anon",
                         author=Author()))  # fmt: skip
    return found


MENTIONS = generated()
TOMBSTONED = {MENTIONS[6].id, MENTIONS[29].id, MENTIONS[-1].id}


def fill(store: SQLiteStore, mentions: list[Mention]) -> None:
    store.insert_mentions(mentions)
    store.tombstone_mentions(sorted(TOMBSTONED), START + timedelta(days=30))
    with store.alert_transaction() as tx:
        for n, brand, created in ((1, "Acme", START + timedelta(days=3, hours=4)),
                                  (2, "Globex", START + timedelta(days=9))):  # fmt: skip
            tx.add_alert(
                NewAlert(
                    key=f"incident:{brand}:{n}",
                    kind=AlertKind.INCIDENT,
                    rule="spike",
                    brand=brand,
                    severity=Severity.HIGH,
                    title=f"Spike {n}",
                    created_at=created,
                )
            )


def send_local_mentions(store: ElasticStore) -> None:
    """Index every local mention as the outbox would (its document with its row number)."""
    with sqlite3.connect(store.path) as conn:
        seqs = conn.execute("SELECT seq, id FROM mentions ORDER BY seq").fetchall()
    index = store.shared_index.mentions_index
    lines: list[dict[str, Any]] = []
    for seq, mention_id in seqs:
        m = SQLiteStore.get_mention(store, mention_id)  # the local row, never the index
        assert m is not None
        lines += [{"index": {"_index": index, "_id": m.id}}, document_of(m, seq=seq)]
    answer = store.cluster.call(lambda es: es.bulk(operations=lines, refresh=True)).body
    assert not answer["errors"], answer
    store.cluster.call(lambda es: es.indices.refresh(index=index))


@pytest.fixture
def both(
    tmp_path: Path, es_settings: ClusterSettings
) -> Iterator[tuple[SQLiteStore, ElasticStore]]:
    mentions = MENTIONS
    local = SQLiteStore(tmp_path / "local.db")
    elastic = ElasticStore(tmp_path / "elastic.db", es_settings)
    try:
        fill(local, mentions)
        fill(elastic, mentions)
        send_local_mentions(elastic)
        yield local, elastic
    finally:
        local.close()
        elastic.close()


def _scopes() -> list[StatsScope]:
    at = START + timedelta(days=6, hours=5)
    found = []
    for brand in (None, "acme", "Globex", "Nobody"):
        found += [
            scope_for(brand, at, at + timedelta(days=2, hours=7), "hour"),
            scope_for(brand, at, at + timedelta(days=9, hours=13), "day"),
            # Weeks over a range that starts mid-week and lasts no whole number of days:
            # the previous period's weeks are moved back by 16 days 11 hours.
            scope_for(brand, at, at + timedelta(days=16, hours=11), "week"),
        ]
    return found


SCOPES = _scopes()


def test_the_elastic_store_reads_the_index(both: tuple[SQLiteStore, ElasticStore]) -> None:
    _, elastic = both
    assert elastic.shared_index is not None
    # The local file holds the same mentions: a panel equal to SQLite's proves nothing
    # unless it was read from the index. Emptying the index must change the answer.
    scope = SCOPES[1]
    assert volume(elastic, scope).total > 0
    index = elastic.shared_index.mentions_index
    elastic.cluster.call(
        lambda es: es.delete_by_query(index=index, query={"match_all": {}}, refresh=True)
    )
    assert volume(elastic, scope).total == 0


def test_volume_and_complaints_equal_sqlites(both: tuple[SQLiteStore, ElasticStore]) -> None:
    local, elastic = both
    for scope in SCOPES:
        assert volume(elastic, scope) == volume(local, scope), scope
        assert complaints(elastic, scope) == complaints(local, scope), scope
    # Not vacuous: buckets with counts, a previous period, incidents (local alerts).
    busy = volume(local, SCOPES[2])
    assert busy.total > 20 and busy.previous_total > 20 and len(busy.points) == 4
    assert [i.title for i in volume(elastic, SCOPES[1]).incidents] == ["Spike 2"]
    assert sum(p.complaints for p in complaints(local, SCOPES[2]).previous_points) > 5


def test_breakdowns_and_share_of_voice_equal_sqlites(
    both: tuple[SQLiteStore, ElasticStore],
) -> None:
    local, elastic = both
    for scope in SCOPES:
        for dimension in DIMENSIONS:
            assert breakdown(elastic, scope, dimension) == breakdown(local, scope, dimension), (
                scope,
                dimension,
            )
        assert _shares(share_of_voice(elastic, scope)) == _shares(share_of_voice(local, scope))
    languages = {r.value for r in breakdown(local, SCOPES[1], "language").rows}
    assert languages == {"en", "hi", "fr", "unknown"}  # en-GB in en; None and '' unknown
    brands = [b.brand for b in share_of_voice(elastic, SCOPES[1]).brands]
    assert sorted(brands) == ["Acme", "Globex", "Initech"]  # "ACME" is Acme


def _shares(found: ShareOfVoice) -> list[tuple[str, int, int]]:
    # A brand written in two cases is one brand in both engines, but the name shown may
    # differ: SQLite shows the spelling its rollup row was first written with (which
    # depends on insert order, per hour and day row), the index the most common one.
    return [(b.brand.lower(), b.mentions, b.negative) for b in found.brands]


def test_headline_counts_equal_sqlites(both: tuple[SQLiteStore, ElasticStore]) -> None:
    local, elastic = both
    for scope in SCOPES:
        assert headline(elastic, scope) == headline(local, scope), scope
    assert headline(local, SCOPES[1]).complaints > 0


def test_ranking_panels_equal_sqlites(both: tuple[SQLiteStore, ElasticStore]) -> None:
    local, elastic = both
    for scope in SCOPES:
        for limit in (1, 5, 10):
            assert top_authors(elastic, scope, limit) == top_authors(local, scope, limit)
            assert engaged_mentions(elastic, scope, limit) == engaged_mentions(local, scope, limit)
        assert rising_terms(elastic, scope, sample=40) == rising_terms(local, scope, sample=40)
    # The same handle on two networks is two authors, in both engines.
    leaders = top_authors(local, SCOPES[2], 10)
    assert len(leaders) == 10 and len({(a.source_type, a.handle) for a in leaders}) == 10
    assert len({a.handle for a in top_authors(local, SCOPES[2], 24)}) < 24


def test_tombstones_count_nowhere(both: tuple[SQLiteStore, ElasticStore]) -> None:
    local, elastic = both
    everything = scope_for(None, START, START + timedelta(days=21), "week")
    # 242 stored, 3 tombstoned; the range holds every published time.
    assert volume(elastic, everything).total == volume(local, everything).total == 239
    engaged = {m.mention_id for m in engaged_mentions(elastic, everything, 242)}
    assert len(engaged) == 239 and not engaged & TOMBSTONED


def test_pruned_mentions_keep_their_counts_only_on_sqlite(
    both: tuple[SQLiteStore, ElasticStore],
) -> None:
    """The one documented difference between the engines' dashboards: retention keeps the
    pruned mentions' counts in SQLite's rollups (``rollup_kept_hours``), while the index
    has no document left to count (docs/scaling.md lists kept counts as not built)."""
    local, elastic = both
    cutoff = START + timedelta(days=5)
    scope = scope_for(None, START, cutoff, "day")
    before = volume(local, scope).total
    assert before > 30 and volume(elastic, scope).total == before
    for store in (local, elastic):
        store.prune_published_before(cutoff)
    elastic.drain_index()  # what the daemon's upkeep does after a write left the queue
    elastic.shared_index.refresh()
    assert volume(local, scope).total == before
    assert volume(elastic, scope).total == 0
    # Past the cutoff (the previous period too) both engines still agree.
    later = scope_for(None, cutoff + timedelta(days=3), cutoff + timedelta(days=6), "hour")
    assert volume(elastic, later) == volume(local, later) and volume(local, later).total > 20
