"""A write that queues nothing for the index sends nothing (review finding 4): the outbox
holding another write's mention (left by a cluster that went away) is the upkeep's to send,
not a web session's or a source state's write. A write that queues a mention still sends
its own, with the backlog.

The cluster that dies is an osmem-server of this test's own; the one that answers next is
the session's test cluster, reached by a new store on the same file (as the outage test).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from listener.models import Judgments, SourceState
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import make_mention


@pytest.fixture
def doomed() -> Iterator[Any]:
    osmem = pytest.importorskip("osmem_server")
    server = osmem.OsmemServer.start()
    try:
        yield server
    finally:
        server.close()


def test_a_write_that_queues_nothing_leaves_the_backlog_to_the_upkeep(
    tmp_path: Path, doomed: Any, es_settings: ClusterSettings
) -> None:
    path = tmp_path / "listener.db"
    away = ClusterSettings(
        urls=(doomed.url,), index_prefix=es_settings.index_prefix, replicas=0,
        timeout_s=10, max_retries=0,
    )  # fmt: skip
    first, second = make_mention(1), make_mention(2)
    with ElasticStore(path, away) as store:
        assert store.insert_mentions([first]) == [first]
        doomed.close()
        store.update_judgments(first.id, Judgments(sentiment=-0.9, complaint=True))
        assert store.index_pending() == 1

    with ElasticStore(path, es_settings) as store:
        store.save_source_state(SourceState(source="news"))  # queues nothing
        assert store.index_pending() == 1  # could be false: it drained the backlog before

        assert store.insert_mentions([second]) == [second]  # queues: sends, backlog too
        assert store.index_pending() == 0
