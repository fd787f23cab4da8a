"""One POST to a receiver, and what its answer means for the outbox.

- 2xx: delivered.
- 429: ``DeliveryError(retry_after_s=...)`` from ``Retry-After`` (seconds or an HTTP date,
  RFC 9110 §10.2.3) or, as Discord sends it, a JSON body's ``retry_after`` (seconds).
- 408, 5xx, timeouts, refused connections: a transient ``DeliveryError``.
- any other 4xx: ``DeliveryError(permanent=True)`` quoting the receiver's words (capped):
  a deleted webhook or a payload the receiver refuses will not get better by waiting.

The URL is the secret of a webhook: it never appears in an error, only ``what`` does
("Slack webhook"). Exceptions from httpx are described by their type for the same reason
(some quote the URL).

Of the answer's body only the first ``ANSWER_BYTES`` are read, inflated a piece at a time
(``listener.sources.http_body``), within ``BODY_DEADLINE_S`` (``DELIVERED_BODY_DEADLINE_S``
after a 2xx, whose body decides nothing): a receiver is a server we do not
control, and a gzip bomb, an endless body or a drip must cost a delivery no more memory or
time than an error message does. The status decides; a body that breaks off, drips or runs
on is read as far as it came.
"""

from __future__ import annotations

import asyncio
import codecs
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from alerts.channels.base import DeliveryError, SendContext
from listener.clock import ensure_utc
from listener.redaction import redact, url_secret_parts
from listener.sources.http_body import body_chunks

ERROR_TEXT_CHARS = 300  # enough of the receiver's answer to act on, never a whole page
TIMEOUT_S = 15.0
# Error bodies are a few hundred bytes (Slack's "invalid_payload", a proxy's HTML page);
# what lies past this is never needed.
ANSWER_BYTES = 64 * 1024
# httpx's timeout is per read, which a receiver dripping a byte at a time never trips.
BODY_DEADLINE_S = TIMEOUT_S
# After a 2xx the body decides nothing (no channel reads it): it is read only so that the
# connection can be reused, and a receiver that drips it must not hold the delivery, and
# so its sent mark (a kill meanwhile sends the message again), or the channel's queue.
DELIVERED_BODY_DEADLINE_S = 1.0


@dataclass(frozen=True)
class Answer:
    """A receiver's answer: its status and headers, and the start of its body."""

    status_code: int
    headers: httpx.Headers
    body: bytes  # decoded from its Content-Encoding; at most ANSWER_BYTES
    truncated: bool  # the body went on past what was read (or broke off, or dripped)
    encoding: str = "utf-8"

    @property
    def text(self) -> str:
        return self.body.decode(self.encoding, errors="replace")

    def json(self) -> object:
        """The body as JSON, or None when it is not (or was cut short)."""
        try:
            parsed: object = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None
        return parsed


def retry_after_s(response: Answer, now: datetime) -> float | None:
    """The receiver's wait hint in seconds, or ``None`` when it gave none we can read."""
    body = response.json()
    if isinstance(body, dict):
        hint = body.get("retry_after")  # Discord: seconds, a float
        if isinstance(hint, int | float) and not isinstance(hint, bool) and hint >= 0:
            return float(hint)
    header = response.headers.get("Retry-After", "").strip()
    if not header:
        return None
    try:
        return max(float(header), 0.0)
    except ValueError:
        pass
    try:
        at = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    return max((ensure_utc(at) - now).total_seconds(), 0.0)


def _receiver_words(response: Answer, url: str) -> str:
    words = response.text.split()
    if response.truncated:
        # The last word may be the first half of an echoed secret, which redaction (by
        # whole values) would not recognise.
        words = words[:-1]
    # Secrets out before the cut: a cut through an echoed token would keep its first half.
    text = " ".join(words).replace(url, "[redacted]")
    for part in url_secret_parts(url):
        text = text.replace(part, "[redacted]")
    text = redact(text)
    if len(text) > ERROR_TEXT_CHARS:
        text = text[: ERROR_TEXT_CHARS - 1] + "…"
    return text or "(no body)"


def check_response(ctx: SendContext, response: Answer, what: str, url: str) -> None:
    """Raise ``DeliveryError`` unless ``response`` says the message was taken."""
    status = response.status_code
    if 200 <= status < 300:
        return
    words = _receiver_words(response, url)
    if status == 429:
        wait = retry_after_s(response, ctx.clock())
        hint = f"; it asks to wait {wait:.0f}s" if wait is not None else ""
        raise DeliveryError(f"{what} is rate limiting us (429){hint}", retry_after_s=wait)
    if status == 408 or status >= 500:
        raise DeliveryError(f"{what} failed with HTTP {status}: {words}")
    raise DeliveryError(
        f"{what} refused the message with HTTP {status}: {words} — check the channel's"
        " settings (a 404 usually means the webhook was deleted)",
        permanent=True,
    )


async def post(
    ctx: SendContext,
    url: str,
    *,
    what: str,
    content: bytes | None = None,
    payload: object = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """POST ``content`` (or ``payload`` as JSON) to ``url`` and check the answer."""
    if content is None:
        content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", **(headers or {})}
    try:
        async with ctx.http.stream(
            "POST", url, content=content, headers=headers, timeout=TIMEOUT_S
        ) as response:
            answer = await _read_answer(response)
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"{what} did not answer in time ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(
            f"could not reach {what} ({type(exc).__name__}); is the address right and"
            " the network up?"
        ) from None
    check_response(ctx, answer, what, url)
    return answer


async def _read_answer(response: httpx.Response) -> Answer:
    """The status and headers of ``response`` and at most ``ANSWER_BYTES`` of its body.

    Past the status line nothing the body does is a failure of the delivery: a receiver
    that said 2xx took the message, whatever follows it.
    """
    body = bytearray()
    complete = False
    delivered = 200 <= response.status_code < 300
    try:
        async with asyncio.timeout(DELIVERED_BODY_DEADLINE_S if delivered else BODY_DEADLINE_S):
            async for piece in body_chunks(response):
                body += piece[: ANSWER_BYTES + 1 - len(body)]
                if len(body) > ANSWER_BYTES:
                    break
            else:
                complete = True
    except (httpx.HTTPError, TimeoutError):
        pass  # broken off, undecodable or too slow: the body is what arrived
    return Answer(
        status_code=response.status_code,
        headers=response.headers,
        body=bytes(body[:ANSWER_BYTES]),
        truncated=not complete,
        encoding=_known_codec(response.charset_encoding),
    )


def _known_codec(name: str | None) -> str:
    # The receiver names the charset; one Python does not know is read as UTF-8, and so is
    # one that is no text encoding (rot13, base64, zlib: bytes.decode refuses them with
    # LookupError, which failed the delivery with an error that was not a DeliveryError).
    try:
        codec = codecs.lookup(name) if name else None
        if codec is None or not codec._is_text_encoding:
            return "utf-8"
        return codec.name
    except LookupError:
        return "utf-8"
