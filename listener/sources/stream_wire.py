"""What every stream source reads the same way: its saved position, a capped line reader, a
refused connect's body and what the refusal means.

Positions are integers on all three networks (Jetstream's ``time_us``, Mastodon's and X's
snowflake ids), and all three grow with time. A saved position past the clock is a broken
clock or someone else's cursor; one recorded past it would make the next reconnect skip the
real gap (a backfill reads "after the position"). So a position is read strictly (ASCII
digits only: ``"²".isdigit()`` holds, ``int("²")`` fails) and, when recorded, never put
past ``ceiling`` (the clock plus a small slack, in the network's own unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from listener.sources.errors import (
    PermanentError,
    RateLimited,
    ServerRefused,
    SourceError,
    TransientError,
)
from listener.sources.http_body import body_chunks
from listener.sources.streaming import StreamContext

# Longer than any position a network writes (Jetstream's time_us has 16 digits, snowflakes 19).
MAX_POSITION_DIGITS = 20
# Error bodies are a line of JSON; a proxy's page is not worth reading in full.
MAX_ERROR_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class SavedPosition:
    """A saved cursor as read: ``value`` (``None`` when there is none or it is no number)
    and ``future`` (it lay past the ceiling; ``value`` is then what it said)."""

    value: int | None = None
    future: bool = False


def saved_position(
    ctx: StreamContext[Any], cursor: str | None, *, ceiling: int, unit: str
) -> SavedPosition:
    """``cursor`` as an integer position (``unit`` names it in the warnings: "a status id")
    no greater than ``ceiling``; a warning says what was wrong with it."""
    text = (cursor or "").strip()
    if not text:
        return SavedPosition()
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_POSITION_DIGITS):
        ctx.log.warning(
            "%s: the saved cursor %r is not %s; reading from now on",
            ctx.source,
            text[:40],
            unit,
            extra={"source": ctx.source},
        )
        return SavedPosition()
    value = int(text)
    if value > ceiling:
        ctx.log.warning(
            "%s: the saved cursor is %s from the future (a clock gone wrong, or another "
            "source's cursor); reading from now",
            ctx.source,
            unit,
            extra={"source": ctx.source, "cursor": text},
        )
        return SavedPosition(value, future=True)
    return SavedPosition(value)


class LineReader:
    """Bytes to lines (``\\n``-ended, a trailing ``\\r`` dropped), each at most ``cap`` bytes.

    The pending bytes are searched from where the last search stopped: a long line arriving
    in small chunks is scanned once, not once per chunk (a 10 MB line in 1 KB chunks took
    0.65 s of the event loop when every chunk searched it all).
    """

    def __init__(self, cap: int, shown: str) -> None:
        self.cap = cap
        self.shown = shown
        self.pending = bytearray()
        self.scanned = 0  # bytes of ``pending`` known to hold no newline

    def feed(self, chunk: bytes) -> list[bytes]:
        """The lines ``chunk`` completed; raises ``TransientError`` for a line over the cap."""
        self.pending += chunk
        lines: list[bytes] = []
        start = 0
        while (end := self.pending.find(b"\n", max(start, self.scanned))) != -1:
            if end - start > self.cap:
                break
            lines.append(bytes(self.pending[start:end]).removesuffix(b"\r"))
            start = end + 1
        else:
            del self.pending[:start]  # cheap: CPython drops a bytearray's head in place
            self.scanned = len(self.pending)  # every newline in it was found
            if self.scanned <= self.cap:
                return lines
        raise TransientError(f"a line from {self.shown} passed {self.cap} bytes")

    def rest(self) -> bytes | None:
        """What followed the last newline when the body ended, if anything."""
        rest, self.pending, self.scanned = bytes(self.pending), bytearray(), 0
        return rest.removesuffix(b"\r") or None


async def read_error_body(response: httpx.Response, cap: int = MAX_ERROR_BODY_BYTES) -> bytes:
    """The start of a refused connect's body, at most ``cap`` bytes (inflated in pieces, so
    a compressed bomb stops at the cap); a body that breaks off leaves what came."""
    body = bytearray()
    try:
        async for chunk in body_chunks(response):
            body += chunk
            if len(body) >= cap:
                break
    except (httpx.TransportError, httpx.DecodingError):
        pass  # the status decides
    return bytes(body[:cap])


def refusal_error(
    status: int,
    what: str,
    *,
    retry_after_s: float | None,
    auth_advice: str,
    client_advice: str | dict[int, str],
    auth_error: type[PermanentError] = PermanentError,
) -> SourceError:
    """The error for a connect the server answered with ``status`` (``what`` says so, with
    the server's words): 401/403 park the source (``auth_advice`` says what to check), 429 is
    a rate limit, another 4xx parks it with ``client_advice`` (by status when a mapping: a
    status it does not name is taken as the server's trouble), anything else is refused."""
    if status in (401, 403):
        return auth_error(f"{what} — {auth_advice}")
    if status == 429:
        return RateLimited(what, retry_after_s=retry_after_s)
    if 400 <= status < 500:
        advice = client_advice if isinstance(client_advice, str) else client_advice.get(status)
        if advice is not None:
            return PermanentError(f"{what} — {advice}")
    if status >= 500:
        return ServerRefused(what, retry_after_s=retry_after_s)
    return ServerRefused(f"unexpected {what}", retry_after_s=retry_after_s)
