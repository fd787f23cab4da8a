"""Sending documents to the cluster in bounded ``_bulk`` requests.

A request carries at most ``bulk_docs`` documents and about ``bulk_bytes`` bytes (a single
larger document still goes, alone). The cluster answers each item on its own; ``send``
reads every answer back onto its action (``BulkReport.outcomes``, in the actions' order),
so no item's failure is ever lost in a summary:

- 429 (the cluster's queues are full), on one item or the whole request: back off with
  jitter and send those items again, a bounded number of times; then they stay
  ``transient``, for the caller to try later.
- other per-item errors of 4xx (a mapping that refuses the document) are ``permanent``:
  the same document is refused the same way on every retry; but an index missing
  (index_not_found_exception) or blocked (cluster_block_exception, a full disk) is
  transient: the index comes back.
- 5xx per item, or a request that failed (unreachable, timeout, 401…): ``transient``, and
  ``request_error`` says why; the batches after a failed request are not tried (the next
  drain will), so a dead cluster costs one request, not one per batch.

No refresh is asked for: the mentions index's ``refresh_interval`` (1 s) makes writes
searchable within a second without a refresh per request.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from elastic_transport import ObjectApiResponse, TransportError
from elasticsearch import ApiError, AsyncElasticsearch

from listener.redaction import redact
from listener.store.base import StoreError
from listener.store.elasticsearch.cluster import Cluster

Op = Literal["create", "index", "delete"]

# Per-item errors of 4xx that pass: kept queued (logged, counted), never parked.
TRANSIENT_ERRORS = frozenset({"index_not_found_exception", "cluster_block_exception"})

# A cluster's error reason can quote the document (text from the internet): kept short.
REASON_CHARS = 300


@dataclass(frozen=True, slots=True)
class BulkAction:
    op: Op
    index: str
    id: str
    document: Mapping[str, Any] | None = None  # None for a delete
    # (seq_no, primary_term): write only over this version of the document (a claim taken
    # over from a stale holder), so two writers replacing it at once cannot both win.
    if_version: tuple[int, int] | None = None

    def lines(self) -> list[dict[str, Any]]:
        meta: dict[str, Any] = {"_index": self.index, "_id": self.id}
        if self.if_version is not None:
            meta["if_seq_no"], meta["if_primary_term"] = self.if_version
        head: dict[str, Any] = {self.op: meta}
        return [head] if self.document is None else [head, dict(self.document)]


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    status: int
    reason: str | None = None  # the cluster's error type and reason, when it gave one

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(slots=True)
class BulkReport:
    # One per action, in order; None where the request carrying it failed or was not sent.
    outcomes: list[ItemOutcome | None]
    request_error: str | None = None
    requests: int = 0
    retried_429: int = 0


def acknowledged(action: BulkAction, outcome: ItemOutcome | None) -> bool:
    """Whether the cluster now holds what ``action`` asked for: a create answered 409 found
    the document there already (a retry, or another writer of the same id); a delete
    answered 404 found nothing to delete."""
    if outcome is None:
        return False
    if outcome.ok:
        return True
    return (action.op, outcome.status) in (("create", 409), ("delete", 404))


def permanent(outcome: ItemOutcome | None) -> bool:
    """A refusal that a retry of the same document gets again (4xx but 429, and but an index
    missing or blocked: a cluster restarted empty or with its disk full takes the same
    document once the index is back or unblocked)."""
    if outcome is None or not 400 <= outcome.status < 500 or outcome.status == 429:
        return False
    kind = (outcome.reason or "").split(":", 1)[0]
    return kind not in TRANSIENT_ERRORS


def send(
    cluster: Cluster,
    actions: Sequence[BulkAction],
    *,
    retries_429: int = 3,
    backoff_s: float = 0.5,
    request_timeout_s: float | None = None,
) -> BulkReport:
    """Send ``actions`` in bounded requests; see the module docstring for what comes back.

    ``request_timeout_s``: a shorter timeout than the settings' for each request, without
    the transport's own retries (the claims, sent while SQLite's write lock is held, use it:
    a hung cluster must not hold every other writer for the full retry budget)."""
    report = BulkReport(outcomes=[None] * len(actions))
    s = cluster.settings
    for batch in _batches(actions, s.bulk_docs, s.bulk_bytes):
        waiting = batch  # positions in ``actions`` still to be answered for good
        for attempt in range(retries_429 + 1):
            if attempt:
                # Full jitter: daemons backing off together do not come back together.
                time.sleep(random.uniform(0, backoff_s * 2 ** (attempt - 1)))
            report.requests += 1
            failure = _send_once(cluster, actions, waiting, report, request_timeout_s)
            if failure is not None:
                status, message = failure
                if status == 429 and attempt < retries_429:
                    continue
                report.request_error = message
                return report
            waiting = [i for i in waiting if _status(report.outcomes[i]) == 429]
            if not waiting:
                break
            if attempt < retries_429:
                report.retried_429 += len(waiting)
        if waiting:
            # Back-pressure: a cluster still full after the retries gets no more batches
            # from this call; the items answered 429 stay transient.
            report.request_error = _request_error(
                cluster, f"busy (429) after {retries_429} retries with back-off"
            )
            return report
    return report


def _status(outcome: ItemOutcome | None) -> int | None:
    return None if outcome is None else outcome.status


def _send_once(
    cluster: Cluster,
    actions: Sequence[BulkAction],
    positions: list[int],
    report: BulkReport,
    request_timeout_s: float | None = None,
) -> tuple[int, str] | None:
    """One ``_bulk`` request of the actions at ``positions``; their outcomes go into
    ``report``. Returns (status, message) when the request as a whole failed."""
    operations = [line for i in positions for line in actions[i].lines()]

    def request(es: AsyncElasticsearch) -> Awaitable[ObjectApiResponse[Any]]:
        if request_timeout_s is not None:
            es = es.options(request_timeout=request_timeout_s, max_retries=0)
        return es.bulk(operations=operations, refresh=False)

    try:
        body = cluster.call(request).body
    except ApiError as exc:
        return exc.meta.status, _request_error(cluster, f"{exc.meta.status} {exc.message}")
    except (TransportError, StoreError) as exc:
        return 0, _request_error(cluster, str(exc))
    items = body.get("items") or []
    if len(items) != len(positions):
        return 0, _request_error(cluster, f"answered {len(items)} items for {len(positions)} sent")
    for i, item in zip(positions, items, strict=True):
        answer: Mapping[str, Any] = (
            next(iter(item.values()), {}) if isinstance(item, Mapping) else {}
        )
        report.outcomes[i] = ItemOutcome(int(answer.get("status") or 0), _reason(answer))
    return None


def _request_error(cluster: Cluster, what: str) -> str:
    return redact(f"the cluster at {cluster_where(cluster)}: {what}")[: REASON_CHARS * 2]


def cluster_where(cluster: Cluster) -> str:
    """The cluster's URLs as a message may show them: without a user or password."""
    return ", ".join(_without_userinfo(url) for url in cluster.settings.urls)


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _reason(answer: Mapping[str, Any]) -> str | None:
    error = answer.get("error")
    if error is None:
        return None
    if isinstance(error, Mapping):
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
    else:
        text = str(error)
    return text[:REASON_CHARS]


def _batches(actions: Sequence[BulkAction], max_docs: int, max_bytes: int) -> Iterator[list[int]]:
    batch: list[int] = []
    size = 0
    for i, action in enumerate(actions):
        # The request's NDJSON size as the client will write it, near enough.
        weight = sum(
            len(json.dumps(line, ensure_ascii=False).encode()) + 1 for line in action.lines()
        )
        if batch and (len(batch) >= max_docs or size + weight > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(i)
        size += weight
    if batch:
        yield batch
