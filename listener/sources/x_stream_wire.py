"""The filtered stream's wire: lines as they arrive, and what each line means.

X writes one JSON message per ``\\r\\n``-terminated line and a bare ``\\r\\n`` as a
keep-alive. A message with ``data`` is a post (with ``includes.users`` for its author and
``matching_rules``, whose ids were numbers in 2021 and are strings today: neither is read);
one with only ``errors`` ends the connection (``operational-disconnect``) or was refused
(``ConnectionException``/``TooManyConnections``). A line that is not JSON, or a post that
cannot be mapped, is skipped: the stream goes on.
"""

from __future__ import annotations

import json
from collections import deque
from datetime import datetime, timedelta
from typing import Any

import httpx

from listener.sources import x
from listener.sources.errors import RateLimited, TransientError
from listener.sources.http import describe_transport_error
from listener.sources.http_body import body_chunks
from listener.sources.stream_wire import LineReader, read_error_body
from listener.sources.streaming import StreamContext, StreamEvent
from listener.sources.values import MAPPING_ERRORS
from listener.sources.x_stream_rules import shown

MAX_LOGGED_PROBLEMS = 5  # per connection: a broken stream must not flood the log
MAX_ERROR_BODY_BYTES = 64 * 1024
# A post id or time this far past our clock is a clock gone wrong (theirs or ours).
FUTURE_SLACK = timedelta(minutes=5)


def snowflake_at(moment: datetime) -> int:
    """The smallest post id X can give at ``moment`` (ms since X's epoch << 22)."""
    return (int(moment.timestamp() * 1000) - x.SNOWFLAKE_EPOCH_MS) << 22


def id_ceiling(now: datetime) -> int:
    """The largest post id a position may record at ``now``: one from the future would make
    the next reconnect's backfill (``since_id``) skip the real gap."""
    return snowflake_at(now + FUTURE_SLACK)


async def error_body(response: httpx.Response) -> Any:
    """A refused connect's body as JSON, ``None`` when it is none (or was cut at the cap)."""
    body = await read_error_body(response, MAX_ERROR_BODY_BYTES)
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def said(body: Any) -> str:
    """X's own words from an error body: ``{"title", "detail"}`` or ``{"errors": [...]}``."""
    found = body.get("errors") if isinstance(body, dict) else None
    problems = found if isinstance(found, list) else [body]
    parts = []
    for problem in problems:
        if isinstance(problem, dict):
            title, detail = problem.get("title") or "", problem.get("detail") or ""
            issue = problem.get("connection_issue") or ""
            parts.append(" ".join(str(p) for p in (title, issue, detail) if p))
    return shown("; ".join(p for p in parts if p))


class Lines:
    """The response's lines as they arrive, each at most ``cap`` bytes (``\\r`` dropped)."""

    def __init__(self, response: httpx.Response, cap: int) -> None:
        self.url = str(response.url)
        # Inflated in pieces (a compressed bomb stops at the cap), unlike aiter_bytes.
        self.chunks = body_chunks(response)
        self.reader = LineReader(cap, "X")
        self.ready: deque[bytes] = deque()
        self.done = False

    async def next(self) -> bytes | None:
        """The next line; ``None`` when the server ended the response."""
        while not self.ready:
            if self.done:
                return None
            try:
                chunk = await anext(self.chunks)
            except StopAsyncIteration:
                self.done = True
                rest = self.reader.rest()
                if rest is not None:
                    self.ready.append(rest)
                continue
            except httpx.ReadTimeout as exc:
                raise TransientError(
                    "X sent nothing, not even a keep-alive, within the idle timeout"
                ) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise TransientError(describe_transport_error(exc, self.url)) from exc
            self.ready.extend(self.reader.feed(chunk))
        return self.ready.popleft()


class Decoder:
    """Turns lines into events; counts and logs (a few of) the lines it could not use."""

    def __init__(self, ctx: StreamContext[Any], newest: int) -> None:
        self.ctx = ctx
        self.newest = newest
        # Refreshed only when an id or a time passes them: no clock read per post.
        self.ceiling = id_ceiling(ctx.clock())
        self.latest_at = ctx.clock() + FUTURE_SLACK
        self.problems = 0

    def capped(self, at: datetime | None) -> datetime | None:
        """A post's time, no later than the clock plus the slack (the lag shown follows it)."""
        if at is not None and at > self.latest_at:
            self.latest_at = self.ctx.clock() + FUTURE_SLACK
            return min(at, self.latest_at)
        return at

    def record(self, *post_ids: int) -> None:
        """Posts read: the position follows them, never past the clock's ceiling."""
        for post_id in post_ids:
            if post_id > self.ceiling:
                self.ceiling = id_ceiling(self.ctx.clock())
            self.newest = max(self.newest, min(post_id, self.ceiling))

    def event(self, line: bytes, *, hold_position: bool) -> StreamEvent:
        if not line.strip():
            return StreamEvent.heartbeat()
        try:
            message = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return self.skip(f"a line that is not JSON ({exc})")
        data = message.get("data") if isinstance(message, dict) else None
        if isinstance(data, dict):
            try:
                item = x.raw_item(data, x.users_by_id(message.get("includes")))
                post_id = int(data["id"])
            except MAPPING_ERRORS as exc:
                return self.skip(f"a malformed post ({type(exc).__name__}: {exc})")
            self.record(post_id)
            position = None if hold_position else str(self.newest)
            return StreamEvent(items=(item,), position=position, at=self.capped(item.published_at))
        errors = message.get("errors") if isinstance(message, dict) else None
        if isinstance(errors, list):
            raise_stream_error(errors)
            return self.skip(f"a message of errors only: {said({'errors': errors})}")
        # X: "new message types may appear"; one we do not know proves the connection
        # alive and nothing more.
        return StreamEvent.heartbeat()

    def skip(self, what: str) -> StreamEvent:
        self.problems += 1
        if self.problems <= MAX_LOGGED_PROBLEMS:
            more = " (further ones on this connection are not logged)"
            self.ctx.log.warning(
                "x_stream skipped %s%s",
                shown(what),
                more if self.problems == MAX_LOGGED_PROBLEMS else "",
                extra={"source": self.ctx.source},
            )
        return StreamEvent.heartbeat()


def raise_stream_error(errors: list[Any]) -> None:
    words = said({"errors": errors})
    text = json.dumps(errors)
    if "TooManyConnections" in text or "ConnectionException" in text:
        raise RateLimited(f"X refused the stream: {words}")
    if "disconnect" in text.lower():
        raise TransientError(f"X ended the stream: {words}")
