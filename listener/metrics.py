"""Counters an operator can scrape and tests can assert on.

One ``Metrics`` per daemon, on its own Prometheus registry (not the global one), so tests and
several daemons in one process never share counts. Names carry their unit.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

# Every counter and histogram would also expose a ``_created`` series (its start time): noise
# on every scrape that no dashboard reads. Process-wide, so once, here.
disable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated upstream


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.polls = Counter(
            "listener_polls",
            "Polls by outcome: ok, not_modified, transient_error, rate_limited, parked",
            ["source", "outcome"],
            registry=self.registry,
        )
        self.items_fetched = Counter(
            "listener_items_fetched",
            "Entries a source returned",
            ["source"],
            registry=self.registry,
        )
        self.mentions_stored = Counter(
            "listener_mentions_stored", "New mentions stored", ["source"], registry=self.registry
        )
        self.mentions_updated = Counter(
            "listener_mentions_updated",
            "Stored mentions whose post was edited at the source: new words, judged again",
            ["source"],
            registry=self.registry,
        )
        self.mentions_tombstoned = Counter(
            "listener_mentions_tombstoned",
            "Stored mentions whose post was deleted at the source: words cleared",
            ["source"],
            registry=self.registry,
        )
        self.dropped = Counter(
            "listener_items_dropped",
            "Entries not stored, by reason",
            ["source", "reason"],
            registry=self.registry,
        )
        self.feed_problems = Counter(
            "listener_source_problems",
            "Non-fatal problems in what a source returned (ill-formed feed that still had entries)",
            ["source"],
            registry=self.registry,
        )
        self.poll_duration = Histogram(
            "listener_poll_duration_seconds",
            "Time from the start of a poll to its mentions being stored",
            ["source"],
            registry=self.registry,
        )
        self.deliveries = Counter(
            "listener_deliveries",
            "Outbox delivery attempts by channel and outcome: sent, failed",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "listener_outbox_pending",
            "Outbox rows due for a channel and not sent by the last flush (held or failing)",
            ["channel"],
            registry=self.registry,
        )
        self.llm_requests = Counter(
            "listener_llm_requests",
            "Requests for reply drafts to the local model (replies.llm) by outcome: answered,"
            " timeout, unreachable, http_error, bad_answer, empty",
            ["outcome"],
            registry=self.registry,
        )
        self.llm_drafts = Counter(
            "listener_llm_drafts",
            "Drafts the local model wrote: kept, or dropped by the first reason (lint or checks)",
            ["outcome"],
            registry=self.registry,
        )
        # Streams (listener.service.streams): the live part a polled source does not have.
        # The counters above count streams too: a stored batch is an "ok" poll, a dropped
        # connection a failed one.
        self.stream_connected = Gauge(
            "listener_stream_connected",
            "1 while the stream source's connection is open and reading, else 0",
            ["source"],
            registry=self.registry,
        )
        self.stream_events = Counter(
            "listener_stream_events",
            "Frames a stream source read (keep-alives excluded)",
            ["source"],
            registry=self.registry,
        )
        self.stream_reconnects = Counter(
            "listener_stream_reconnects",
            "Connections a stream source opened again after one ended",
            ["source"],
            registry=self.registry,
        )
        self.stream_lag = Gauge(
            "listener_stream_lag_seconds",
            "How far behind the stream's own clock the newest event was read",
            ["source"],
            registry=self.registry,
        )
        self.stream_last_event = Gauge(
            "listener_stream_last_event_timestamp_seconds",
            "Unix time the stream source's newest event arrived",
            ["source"],
            registry=self.registry,
        )
        self.stream_batch_duration = Histogram(
            "listener_stream_batch_seconds",
            "Time from a stream batch's first item being read to the batch being stored",
            ["source"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0),
            registry=self.registry,
        )

        self.http_request_duration = Histogram(
            "listener_http_request_duration_seconds",
            "Web app requests: time from arrival to the last byte sent, by route template"
            " (/mentions/{mention_id}, not each id) and method",
            ["route", "method"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
            registry=self.registry,
        )

    def value(self, name: str, **labels: str) -> float:
        """A sample's current value, 0 when never incremented."""
        found = self.registry.get_sample_value(name, labels)
        return found or 0.0

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric, for a ``/metrics`` endpoint."""
        return generate_latest(self.registry)
