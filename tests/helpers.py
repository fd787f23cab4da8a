"""Test helpers shared by several test modules: a settable clock and a feed server handler.

HTTP is served by pytest-httpserver (a real local server); nothing reaches the internet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from werkzeug import Request, Response

FIXTURES = Path(__file__).parent / "fixtures"
RSS_FIXTURES = FIXTURES / "rss"


class SettableClock:
    """A clock tests move by hand, so time-based behaviour needs no sleeping."""

    def __init__(self, start: datetime = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class FeedHandler:
    """Serves one feed body like a well-behaved server: ETag, Last-Modified, 304 on a match.

    ``status`` and ``headers`` let a test turn the feed into an outage (500, 429, 404…).
    Every request's headers are kept so tests can see what the client sent.
    """

    body: bytes
    content_type: str = "application/xml"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    honour_validators: bool = True
    requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    last_modified = "Sun, 22 Nov 2026 10:00:00 GMT"

    def __call__(self, request: Request) -> Response:
        self.requests.append(dict(request.headers))
        if self.status != 200:
            return Response(f"error {self.status}", status=self.status, headers=self.headers)
        validators = {"ETag": self.etag, "Last-Modified": self.last_modified}
        if self.honour_validators and request.headers.get("If-None-Match") == self.etag:
            return Response(status=304, headers=validators)
        return Response(
            self.body,
            status=200,
            content_type=self.content_type,
            headers={**validators, **self.headers},
        )


def rss_feed(items: list[tuple[str, str, str]], *, title: str = "Test feed") -> bytes:
    """A small RSS 2.0 document; ``items`` are (guid, title, description) tuples."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{item_title}</title>"
        f"<link>https://news.example.org/{guid}</link>"
        f"<description>{description}</description>"
        f"<pubDate>Sun, 22 Nov 2026 09:00:00 GMT</pubDate></item>"
        for guid, item_title, description in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://news.example.org/</link>{entries}</channel></rss>"
    ).encode()
