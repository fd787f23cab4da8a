"""What ``bench/latency.py`` runs the daemon against: local RSS feeds and a webhook receiver.

One threaded HTTP server serves ``/feed/<n>.xml`` for each feed, takes the alerts on
``/hook`` and stands in for Bluesky's AppView (``getProfiles``, knowing nobody). An alert is
told apart by the keys it carries (a feed item's link, a post's record key):
``arrivals(key)`` lists when each alert carrying that key came.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


class World:
    """The feeds the daemon polls and the webhook it posts to."""

    def __init__(self, feeds: int = 0) -> None:
        self.lock = threading.Lock()
        self.entries: list[list[tuple[str, str]]] = [[] for _ in range(feeds)]
        self.polls: list[list[float]] = [[] for _ in range(feeds)]
        # Every alert body with its arrival: a key is looked for after the fact, so a key
        # need not be known before its post is out (a record key is made as it is sent).
        self._alerts: list[tuple[float, str]] = []

    @property
    def alerts(self) -> int:
        return len(self._alerts)

    def arrivals(self, key: str) -> list[float]:
        """When each alert carrying ``key`` arrived (monotonic), in order."""
        with self.lock:
            return [arrived for arrived, body in self._alerts if key in body]

    def publish(self, feed: int, guid: str, text: str) -> float:
        """Put an item at the top of a feed; returns the moment it became visible."""
        with self.lock:
            self.entries[feed].append((guid, text))
            return time.monotonic()

    def feed(self, number: int) -> bytes:
        now = datetime.now(UTC)
        with self.lock:
            entries = list(self.entries[number])
        items = "".join(
            f"<item><guid>{guid}</guid><title>{escape(text[:60])}</title>"
            f"<link>https://forum.example.org/t/{guid}</link>"
            f"<description>{escape(text)}</description>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=1))}</pubDate></item>"
            for guid, text in reversed(entries)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Forum {number}</title><link>https://forum.example.org/</link>{items}"
            "</channel></rss>"
        ).encode()

    def received(self, body: str, arrived: float) -> None:
        with self.lock:
            self._alerts.append((arrived, body))


def serve(world: World) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/xrpc/app.bsky.actor.getProfiles"):
                # A local AppView that knows none of the authors: the lookup is made (the
                # daemon's path as deployed) and costs a local round trip, not the internet's.
                body = b'{"profiles":[]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            try:
                number = int(self.path.removeprefix("/feed/").removesuffix(".xml"))
                body = world.feed(number)
            except (ValueError, IndexError):
                self.send_error(404)
                return
            world.polls[number].append(time.monotonic())
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            arrived = time.monotonic()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            world.received(body.decode("utf-8", "replace"), arrived)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
