"""Generated hostile feeds through the rss source, from a real local HTTP server.

    python bench/fuzz_feeds.py [--examples 5000] [--seed 0] [--json]

Each feed mixes good entries with poison — references to no character (``&#1114112;``,
surrogates), bytes that are not ASCII in the XML declaration's encoding name, undefined
entities, CDATA, control characters, stray markup, deep nesting, truncation. What must hold
for every one: the poll either succeeds or fails with the source's own ``TransientError``
(a message for ``listener sources``), never anything else; and when the poison leaves the
XML well-formed, every good entry is read. The suite runs a few hundred of these
(``tests/test_source_rss_fuzz.py``); this runs as many as asked and prints the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from listener.models import SourceState
from listener.sources import rss
from listener.sources.base import PollContext, PollResult
from listener.sources.errors import TransientError
from listener.sources.http import build_client

# Poison that leaves the document well-formed XML: every good entry must still be read.
SAFE_POISON = [
    "&#1114112;",
    "&#x110000;",
    "&#xD800;",
    "&#xdfff;",
    "&#56320;",
    "&#99999999999999;",
    "&#xFFFFFFFFFFFF;",
    "&amp;#xD800;",
    "&amp;#1114112;",
    "&lt;p&gt;&amp;#xD800;&lt;/p&gt;",
    "<![CDATA[&#1114112; <b>&#xD800;</b>]]>",
    "&#x1F600;",
    "\u202e",
    "\ufeff",
    "&amp;",
    "plain words",
]
# Poison that may break the document: only "a TransientError or a result" must hold.
BREAKING_POISON = [
    "&nbsp;",
    "&bogus;",
    "&#0;",
    "&#1;",
    "\x01",
    "<",
    "&",
    "</item>",
    "<b><i>",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
    "&#",
    "\udcff",
]
DECLARATIONS = [
    b'<?xml version="1.0" encoding="utf-8"?>',
    b"<?xml version='1.0'?>",
    b"",
    b'\xef\xbb\xbf<?xml version="1.0"?>',
]


@dataclass(frozen=True)
class HostileFeed:
    body: bytes
    good_titles: tuple[str, ...]  # must all be read when ``well_formed``
    well_formed: bool


@st.composite
def hostile_feeds(draw: st.DrawFn) -> HostileFeed:
    well_formed = draw(st.booleans())
    pool = SAFE_POISON if well_formed else SAFE_POISON + BREAKING_POISON
    pieces = st.one_of(st.sampled_from(pool), st.text(max_size=8).map(_escape))
    good_count = draw(st.integers(1, 4))
    poisoned = draw(st.integers(0, good_count))
    entries = []
    for n in range(good_count + 1):
        if n == poisoned:
            title = "".join(draw(st.lists(pieces, max_size=6)))
            body = "".join(draw(st.lists(pieces, max_size=10)))
            entries.append(f"<item><title>{title}</title><description>{body}</description></item>")
        else:
            entries.append(f"<item><guid>good-{n}</guid><title>good {n}</title></item>")
    declaration = draw(st.sampled_from(DECLARATIONS))
    garbage_name = draw(st.none() | st.binary(min_size=1, max_size=4))
    if garbage_name is not None and not well_formed:
        declaration = b'<?xml version="1.0" encoding="ut' + garbage_name + b'8"?>'
    elif garbage_name is not None:
        # A byte that is not ASCII in the name: repaired, so the entries must still be read.
        declaration = (
            b'<?xml version="1.0" encoding="utf' + bytes([0x80 | garbage_name[0]]) + b'"?>'
        )
    document = (
        declaration
        + b'<rss version="2.0"><channel><title>fuzz</title>'
        + "".join(entries).encode("utf-8", "surrogatepass")
        + b"</channel></rss>"
    )
    if not well_formed:
        depth = draw(st.sampled_from([0, 0, 50, 300, 5000]))
        document = document.replace(b"<title>fuzz", b"<b>" * depth + b"<title>fuzz", 1)
        cut = draw(st.none() | st.integers(0, len(document)))
        document = document[:cut] if cut is not None else document
    titles = tuple(f"good {n}" for n in range(good_count + 1) if n != poisoned)
    return HostileFeed(document, titles, well_formed)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FeedServer:
    """Serves whatever ``body`` is at the moment, at ``url``."""

    def __init__(self) -> None:
        self.body = b""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}/feed.xml"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def poll(url: str) -> PollResult:
    async def once() -> PollResult:
        async with build_client(timeout_s=10) as client:
            ctx: PollContext[rss.Options] = PollContext(
                source="fuzz", options=rss.Options(url=url), http=client
            )
            return await rss.poll(ctx, SourceState(source="fuzz"))

    return asyncio.run(once())


def check(url: str, feed: HostileFeed) -> str:
    """Poll ``feed`` (served at ``url``); the outcome's name. Raises when a promise broke."""
    try:
        result = poll(url)
    except TransientError:
        if feed.well_formed:
            raise AssertionError(f"a well-formed hostile feed failed: {feed.body!r}") from None
        return "refused"
    titles = {item.title for item in result.items}
    if feed.well_formed:
        missing = set(feed.good_titles) - titles
        assert not missing, f"good entries lost: {missing} from {feed.body!r}"
    return "read with problems" if result.problems else "read"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    server = FeedServer()
    outcomes: Counter[str] = Counter()
    started = time.monotonic()

    @seed(args.seed)
    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(hostile_feeds())
    def run(feed: HostileFeed) -> None:
        server.body = feed.body
        outcomes[check(server.url, feed)] += 1

    try:
        run()
    finally:
        server.close()
    elapsed = time.monotonic() - started
    total = sum(outcomes.values())
    print(
        f"{total} generated feeds in {elapsed:.0f} s: "
        + ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
        + "; every promise held"
    )
    if args.json:
        print(json.dumps({"feeds": total, **outcomes, "seconds": round(elapsed, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
