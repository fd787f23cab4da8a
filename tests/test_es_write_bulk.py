"""Bulk sending against a cluster that answers what a busy or strict cluster answers: a local
HTTP server (pytest-httpserver) in front of the session's real test cluster, passing every
request through and changing only the ``_bulk`` answers a test names (a per-item 429, a
whole-request 429, a mapping refusal). The fakes stand where the network is: our client
and our code run unchanged."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.store.base import StoreError
from listener.store.elasticsearch import bulk
from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import T0, make_mention

# What the cluster answers for one bulk item: None passes it through.
ItemFault = Callable[[dict[str, Any], dict[str, Any] | None], dict[str, Any] | None]


@dataclass
class Proxy:
    """Passes requests to ``target``; ``_bulk`` items a fault answers never reach it."""

    target: str
    item_fault: ItemFault | None = None
    whole_bulk_429s: int = 0  # the next N bulk requests are refused whole with 429
    bulk_bodies: list[list[dict[str, Any]]] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        if request.path.endswith("/_bulk"):
            return self._bulk(request)
        return self._forward(request, request.get_data())

    def _forward(self, request: Request, body: bytes) -> Response:
        url = self.target.rstrip("/") + request.full_path.rstrip("?")
        headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
        outbound = urllib.request.Request(
            url, data=body or None, method=request.method, headers=headers
        )
        try:
            with urllib.request.urlopen(outbound, timeout=30) as answer:  # a local server
                status, data, kind = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            status, data, kind = error.code, error.read(), error.headers
        return Response(data, status=status, headers=_product(kind.get("Content-Type")))

    def _bulk(self, request: Request) -> Response:
        lines = [json.loads(x) for x in request.get_data().splitlines() if x.strip()]
        items: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        i = 0
        while i < len(lines):
            action = lines[i]
            op = next(iter(action))
            document = None if op == "delete" else lines[i + 1]
            items.append((action, document))
            i += 1 if document is None else 2
        self.bulk_bodies.append([a for a, _ in items])
        if self.whole_bulk_429s:
            self.whole_bulk_429s -= 1
            refusal = {"error": {"type": "es_rejected_execution_exception"}, "status": 429}
            return Response(json.dumps(refusal), status=429, headers=_product("application/json"))
        answers: list[dict[str, Any] | None] = []
        passed: list[str] = []
        for action, document in items:
            fault = self.item_fault(action, document) if self.item_fault else None
            answers.append(fault)
            if fault is None:
                passed.append(json.dumps(action))
                if document is not None:
                    passed.append(json.dumps(document))
        forwarded: list[dict[str, Any]] = []
        if passed:
            answer = self._forward(request, ("\n".join(passed) + "\n").encode())
            forwarded = json.loads(answer.get_data())["items"]
        merged = [a if a is not None else forwarded.pop(0) for a in answers]
        body = {"took": 1, "errors": any(next(iter(m.values())).get("error") for m in merged),
                "items": merged}  # fmt: skip
        return Response(json.dumps(body), status=200, headers=_product("application/json"))


def _product(content_type: str | None) -> dict[str, str]:
    return {
        "Content-Type": content_type or "application/json",
        "X-Elastic-Product": "Elasticsearch",
    }


def item_error(action: dict[str, Any], status: int, kind: str, reason: str) -> dict[str, Any]:
    op = next(iter(action))
    meta = action[op]
    return {op: {"_index": meta["_index"], "_id": meta["_id"], "status": status,
                 "error": {"type": kind, "reason": reason}}}  # fmt: skip


@pytest.fixture
def proxy(httpserver: HTTPServer, es_cluster_url: tuple[str, str]) -> Iterator[Proxy]:
    front = Proxy(es_cluster_url[0])
    httpserver.expect_request(re.compile(".*")).respond_with_handler(front)
    yield front


@pytest.fixture
def through(httpserver: HTTPServer, es_settings: ClusterSettings) -> ClusterSettings:
    return ClusterSettings(
        urls=(httpserver.url_for("/").rstrip("/"),), index_prefix=es_settings.index_prefix,
        replicas=0, max_retries=0, flavour="opensearch",
    )  # fmt: skip


def actions(n: int, index: str = "bulk-test") -> list[bulk.BulkAction]:
    return [bulk.BulkAction("index", index, f"d{i}", {"n": i}) for i in range(n)]


def test_requests_are_bounded_by_documents_and_bytes(
    proxy: Proxy, through: ClusterSettings
) -> None:
    cluster = Cluster(ClusterSettings(**{**_fields(through), "bulk_docs": 2}))
    try:
        report = bulk.send(cluster, actions(5))
        assert [len(b) for b in proxy.bulk_bodies] == [2, 2, 1]
        assert all(
            bulk.acknowledged(a, o) for a, o in zip(actions(5), report.outcomes, strict=True)
        )
        proxy.bulk_bodies.clear()
        small = Cluster(ClusterSettings(**{**_fields(through), "bulk_bytes": 100}))
        try:
            bulk.send(small, actions(3))  # 57 bytes an item: one a request
        finally:
            small.close()
        assert [len(b) for b in proxy.bulk_bodies] == [1, 1, 1]
    finally:
        cluster.close()


def test_items_answered_429_are_sent_again_alone_after_a_pause(
    proxy: Proxy, through: ClusterSettings
) -> None:
    refused: set[str] = set()

    def busy_once(action: dict[str, Any], _: dict[str, Any] | None) -> dict[str, Any] | None:
        key = action["index"]["_id"]
        if key in ("d1", "d3") and key not in refused:
            refused.add(key)
            return item_error(action, 429, "es_rejected_execution_exception", "queue full")
        return None

    proxy.item_fault = busy_once
    cluster = Cluster(through)
    try:
        report = bulk.send(cluster, actions(4), backoff_s=0.01)
    finally:
        cluster.close()
    assert [[a["index"]["_id"] for a in b] for b in proxy.bulk_bodies] == [
        ["d0", "d1", "d2", "d3"],
        ["d1", "d3"],
    ]
    assert report.request_error is None and report.retried_429 == 2
    assert all(o is not None and o.ok for o in report.outcomes)


def test_a_cluster_that_stays_busy_gets_bounded_retries_then_a_reason(
    proxy: Proxy, through: ClusterSettings
) -> None:
    proxy.whole_bulk_429s = 10
    cluster = Cluster(ClusterSettings(**{**_fields(through), "bulk_docs": 2}))
    try:
        report = bulk.send(cluster, actions(4), retries_429=2, backoff_s=0.01)
    finally:
        cluster.close()
    assert len(proxy.bulk_bodies) == 3  # one batch, tried three times; the next not sent
    assert report.outcomes == [None] * 4
    assert report.request_error is not None and "429" in report.request_error


def test_a_refused_document_is_parked_with_its_reason_and_counted(
    tmp_path: Path, proxy: Proxy, through: ClusterSettings
) -> None:
    def strict(action: dict[str, Any], document: dict[str, Any] | None) -> dict[str, Any] | None:
        if document is not None and document.get("title") == "refuse me":
            return item_error(action, 400, "mapper_parsing_exception", "failed to parse [x]")
        return None

    proxy.item_fault = strict
    good, bad = make_mention(1), make_mention(2, title="refuse me")
    with ElasticStore(tmp_path / "listener.db", through) as store:
        assert store.insert_mentions([good, bad]) == [good, bad]  # stored locally, both
        assert store.index_pending() == 0  # neither waits: one sent, one parked
        (parked,) = store.index_rejected()
        assert (parked.mention_id, parked.status) == (bad.id, 400)
        assert parked.reason == "mapper_parsing_exception: failed to parse [x]"
        assert store.index_counters() == (1, 0)
        # Fixed (here: the mention changes and the cluster takes it), it leaves the park.
        proxy.item_fault = None
        store.update_judgments(bad.id, bad.judgments)
        assert store.index_rejected() == [] and store.index_pending() == 0


def _fields(settings: ClusterSettings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in settings.__dataclass_fields__}


def test_a_refused_claim_stores_nothing_and_leaves_no_claim_behind(
    tmp_path: Path, proxy: Proxy, through: ClusterSettings
) -> None:
    first, second = make_mention(1), make_mention(2)

    def refuse_second(action: dict[str, Any], _: dict[str, Any] | None) -> dict[str, Any] | None:
        if action.get("create", {}).get("_id") == f"id:{second.id}":
            return item_error(action, 403, "cluster_block_exception", "index read-only")
        return None

    proxy.item_fault = refuse_second
    # One key a request: the first mention's claim is created before the second's refused.
    with ElasticStore(
        tmp_path / "listener.db", ClusterSettings(**{**_fields(through), "bulk_docs": 1})
    ) as store:
        with pytest.raises(StoreError, match=r"index read-only.*polled again"):
            store.insert_mentions([first, second])
        assert store.existing_ids([first.id, second.id]) == set()
        index = store.shared_index
        index.refresh()
        keys = index.cluster.call(lambda es: es.count(index=index.keys_index)).body["count"]
        assert keys == 0


def test_a_429_is_retried_by_bulk_with_its_pause_not_at_once_by_the_transport(
    proxy: Proxy, through: ClusterSettings
) -> None:
    # The transport retries other failures (max_retries=3 here) with no pause; a 429 is left
    # to bulk.send's back-off, so each of its attempts is one request (review finding 10).
    proxy.whole_bulk_429s = 20
    cluster = Cluster(ClusterSettings(**{**_fields(through), "bulk_docs": 4, "max_retries": 3}))
    try:
        report = bulk.send(cluster, actions(4), retries_429=2, backoff_s=0.01)
    finally:
        cluster.close()
    assert len(proxy.bulk_bodies) == 3  # bulk's three attempts, none multiplied by the transport
    assert report.request_error is not None and "429" in report.request_error


@pytest.mark.parametrize(
    ("status", "kind"),
    [(404, "index_not_found_exception"), (403, "cluster_block_exception")],
)
def test_a_missing_or_blocked_index_keeps_the_mention_queued_not_parked(
    tmp_path: Path, proxy: Proxy, through: ClusterSettings, status: int, kind: str
) -> None:
    def away(action: dict[str, Any], document: dict[str, Any] | None) -> dict[str, Any] | None:
        if action.get("create", {}).get("_index", "").endswith("-mentions"):
            return item_error(action, status, kind, "no such index, or read-only")
        return None

    proxy.item_fault = away
    m = make_mention(1)
    with ElasticStore(tmp_path / "listener.db", through) as store:
        assert store.insert_mentions([m]) == [m]
        assert store.index_rejected() == []  # could be false: parked as a refusal before
        assert store.index_pending() == 1
        last_error = store.index_last_error()
        assert last_error is not None and "1 mentions not acknowledged" in last_error
        assert store.index_counters() == (0, 1)  # a failed send, counted; nothing refused
        proxy.item_fault = None  # the index is back
        report = store.drain_index()
        assert (report.sent, report.error, store.index_pending()) == (1, None, 0)


def test_a_late_send_of_an_older_row_does_not_overwrite_a_newer_document(
    tmp_path: Path, proxy: Proxy, through: ClusterSettings, es_settings: ClusterSettings
) -> None:
    # Two processes on one file (review finding 5): a's send of the labelled row is held at
    # the proxy while b changes the row again and sends it; a's late send then carries an
    # older row. Its replace is guarded by the version a read, so it is refused (409) and
    # the newer document stays. (osmem also takes version_type=external, but a version per
    # store file cannot order two daemons' writes of one mention, so it is not used.)
    arrived, go = threading.Event(), threading.Event()

    def hold(action: dict[str, Any], document: dict[str, Any] | None) -> dict[str, Any] | None:
        if "index" in action:
            arrived.set()
            go.wait(10)
        return None

    path = tmp_path / "listener.db"
    m = make_mention(1)
    with ElasticStore(path, es_settings) as b, ElasticStore(path, through) as a:
        assert b.insert_mentions([m]) == [m] and b.index_pending() == 0
        proxy.item_fault = hold
        labelling = threading.Thread(
            target=a.set_complaint_label, args=(m.id, True), kwargs={"by": "kim", "at": T0}
        )
        labelling.start()
        assert arrived.wait(10)
        b.update_judgments(m.id, replace(m.judgments, complaint=True, sentiment=-0.75))
        assert b.index_pending() == 0  # b sent the newest row: label and judgment
        go.set()
        labelling.join(10)
        b.shared_index.refresh()
        got = b.shared_index.get_mention(m.id)
        assert got is not None
        assert (got.judgments.complaint, got.judgments.sentiment) == (True, -0.75)
