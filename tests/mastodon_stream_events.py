"""What the local Mastodon streaming server (tests/mastodon_stream_server.py) sends: events
as each transport writes them, the captures of tests/fixtures/mastodon_stream/ (provenance
in its README.md), a connection's script (``Session``), and statuses made to order."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tests.helpers import FIXTURES

HERE = FIXTURES / "mastodon_stream"


@dataclass(frozen=True)
class Event:
    """One event, written the way each transport writes it."""

    name: str
    payload: str | None  # JSON text, a bare id (delete), or None (no payload)

    def sse(self) -> bytes:
        data = self.payload if self.payload is not None else "undefined"
        return f"event: {self.name}\ndata: {data}\n\n".encode()

    def ws(self, stream: list[str]) -> str:
        frame: dict[str, Any] = {"stream": stream, "event": self.name}
        if self.payload is not None:
            frame["payload"] = self.payload
        return json.dumps(frame)


@dataclass(frozen=True)
class Verbatim:
    """Sent as it is: SSE body bytes, or one WebSocket text frame."""

    body: bytes

    def sse(self) -> bytes:
        return self.body

    def ws(self, stream: list[str]) -> str:
        return self.body.decode()


Item = Event | Verbatim
End = Literal["open", "close", "drop", "stall"]


@dataclass
class Session:
    """What one streaming connection is sent, and how it ends."""

    items: list[Item] = field(default_factory=list)
    end: End = "open"
    # Statuses posted while no client was connected: in the REST timeline from this
    # connection on, never sent live (only a backfill finds them).
    missed: list[dict[str, Any]] = field(default_factory=list)


def update(status: dict[str, Any]) -> Event:
    return Event("update", json.dumps(status))


def status_update(status: dict[str, Any]) -> Event:
    return Event("status.update", json.dumps(status))


def delete(status_id: str) -> Event:
    return Event("delete", status_id)


def sse_capture(name: str) -> Verbatim:
    """A captured SSE body or block; a docs block gets the blank line that ends its event."""
    body = (HERE / name).read_bytes()
    return Verbatim(body + b"\n" if "__docs" in name else body)


def ws_capture(name: str) -> Verbatim:
    """A docs frame as the server sends it: compact JSON."""
    return Verbatim(json.dumps(json.loads((HERE / name).read_bytes())).encode())


def status_of(capture: Path | str) -> dict[str, Any]:
    """The status in an SSE ``update``/``status.update`` capture block."""
    text = (HERE / capture).read_text(encoding="utf-8")
    [data] = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
    status: dict[str, Any] = json.loads(data)
    return status


def numbered(status: Any) -> bool:
    return isinstance(status, dict) and str(status.get("id", "")).isdigit()


def statuses(base: dict[str, Any], ids: Iterable[int]) -> list[dict[str, Any]]:
    """Copies of ``base`` under other ids, each with its own text."""
    return [{**base, "id": str(i), "content": f"<p>status {i}</p>"} for i in ids]
