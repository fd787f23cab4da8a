"""Helpers for the outbox, compose and ``listener alerts`` tests: alerts raised the way the
rules raise them (one alert transaction, outbox rows enqueued with it) and a webhook
receiver that fails on cue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug import Request, Response

from listener.models import Alert, AlertKind, Delivery, DeliveryEvent, Severity
from listener.store import Store
from listener.store.alert_contract import NewAlert


def raise_alert(
    store: Store,
    n: int,
    *,
    at: datetime,
    channels: Sequence[str] = ("hooks",),
    kind: AlertKind = AlertKind.COMPLAINT,
    mention_ids: Sequence[str] = (),
    not_before: datetime | None = None,
    **overrides: Any,
) -> tuple[Alert, list[Delivery]]:
    """Alert number ``n`` (title "Alert number n") and one outbox row per channel."""
    values: dict[str, Any] = {
        "key": f"{kind.value}:test:{n}",
        "kind": kind,
        "rule": kind.value,
        "brand": "acme",
        "severity": Severity.NORMAL,
        "title": f"Alert number {n}",
        "created_at": at,
        "mention_ids": tuple(mention_ids),
    }
    values.update(overrides)
    with store.alert_transaction() as tx:
        alert = tx.add_alert(NewAlert(**values))
        assert alert is not None
        rows = []
        for channel in channels:
            row = tx.enqueue(
                alert.id, channel, DeliveryEvent.NEW, at=at, not_before=not_before or at
            )
            assert row is not None
            rows.append(row)
    return alert, rows


@dataclass
class Receiver:
    """A webhook endpoint: answers ``failures`` (status, headers) in turn, then 200.

    Keeps every request's body, so a test can tell which alert each one carried and in
    which order they came."""

    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    always: int | None = None  # answer every request with this status
    bodies: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.bodies.append(request.get_data(as_text=True))
        if self.always is not None:
            status, headers = self.always, {}
        elif self.failures:
            status, headers = self.failures.pop(0)
        else:
            status, headers = 200, {}
        self.statuses.append(status)
        return Response("ok" if status == 200 else f"error {status}", status, headers)

    def alerts_seen(self, *, ok_only: bool = False) -> list[int]:
        """Which "Alert number N" each request carried, in arrival order."""
        seen = []
        for body, status in zip(self.bodies, self.statuses, strict=True):
            if ok_only and status != 200:
                continue
            numbers = [n for n in range(1, 200) if f'Alert number {n}"' in body]
            assert len(numbers) == 1, body
            seen.append(numbers[0])
        return seen
