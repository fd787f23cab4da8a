"""The cluster goes away: local writes still commit and wait in the outbox (counted, with the
reason), new mentions are not stored (their source is polled again), and once a cluster
answers, the queue is sent and nothing is lost.

The cluster that dies is an osmem-server of this test's own (stopped mid-test); the one
that takes over is the session's test cluster, reached by a new store on the same file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.config.settings import Settings
from listener.metrics import Metrics
from listener.models import Judgments
from listener.service.upkeep import Upkeep
from listener.store.base import StoreError
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import T0, make_mention

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
"""


@pytest.fixture
def doomed() -> Iterator[Any]:
    osmem = pytest.importorskip("osmem_server")
    server = osmem.OsmemServer.start()
    try:
        yield server
    finally:
        server.close()


def test_writes_wait_in_the_outbox_while_the_cluster_is_away_then_go(
    tmp_path: Path,
    doomed: Any,
    es_settings: ClusterSettings,
    write_settings: Callable[[str], Settings],
) -> None:
    path = tmp_path / "listener.db"
    away = ClusterSettings(
        urls=(doomed.url,), index_prefix=es_settings.index_prefix, replicas=0,
        timeout_s=10, max_retries=0,
    )  # fmt: skip
    first, second = make_mention(1), make_mention(2)
    metrics = Metrics()
    with ElasticStore(path, away) as store:
        assert store.insert_mentions([first]) == [first]
        assert store.index_pending() == 0
        doomed.close()

        # A label (a write to the mention row) commits locally and waits.
        store.update_judgments(first.id, Judgments(sentiment=-0.9, complaint=True))
        assert store.index_pending() == 1
        error = store.index_last_error()
        assert error is not None and doomed.url.split("//")[1] in error
        assert store.index_waiting_since() is not None  # what another process can read

        # A new mention cannot claim its keys: not stored, and the message says so.
        with pytest.raises(StoreError, match="polled again"):
            store.insert_mentions([second])
        assert store.existing_ids([second.id]) == set()

        upkeep = Upkeep(store, write_settings(SETTINGS), metrics=metrics)
        asyncio.run(upkeep.send_index_queue(T0))
        assert metrics.registry.get_sample_value("listener_index_pending") == 1
        failures = metrics.registry.get_sample_value("listener_index_send_failures_total")
        assert failures is not None and failures >= 1
        # Waiting after a failure: the next tick does not try (nor count) again.
        asyncio.run(upkeep.send_index_queue(T0 + timedelta(seconds=2)))
        assert metrics.registry.get_sample_value("listener_index_send_failures_total") == failures

    # The daemon restarts against a live cluster: the queue goes, the source's next poll
    # stores the mention that was refused.
    with ElasticStore(path, es_settings) as store:
        assert store.index_pending() == 1
        report = store.drain_index()
        assert (report.sent, report.left, report.error) == (1, 0, None)
        assert store.index_pending() == 0 and store.index_last_error() is None
        assert store.index_waiting_since() is None
        assert store.insert_mentions([second]) == [second]
        index = store.shared_index
        index.refresh()
        got = index.cluster.call(lambda es: es.get(index=index.mentions_index, id=first.id))
        assert got.body["_source"]["complaint"] is True
        count = index.cluster.call(lambda es: es.count(index=index.mentions_index)).body
        assert count["count"] == 2
