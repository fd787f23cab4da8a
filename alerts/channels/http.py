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
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from alerts.channels.base import DeliveryError, SendContext
from listener.clock import ensure_utc
from listener.redaction import redact, url_secret_parts

ERROR_TEXT_CHARS = 300  # enough of the receiver's answer to act on, never a whole page
TIMEOUT_S = 15.0


def retry_after_s(response: httpx.Response, now: datetime) -> float | None:
    """The receiver's wait hint in seconds, or ``None`` when it gave none we can read."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
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


def _receiver_words(response: httpx.Response, url: str) -> str:
    # Secrets out before the cut: a cut through an echoed token would keep its first half.
    text = " ".join(response.text.split()).replace(url, "[redacted]")
    for part in url_secret_parts(url):
        text = text.replace(part, "[redacted]")
    text = redact(text)
    if len(text) > ERROR_TEXT_CHARS:
        text = text[: ERROR_TEXT_CHARS - 1] + "…"
    return text or "(no body)"


def check_response(ctx: SendContext, response: httpx.Response, what: str, url: str) -> None:
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
) -> httpx.Response:
    """POST ``content`` (or ``payload`` as JSON) to ``url`` and check the answer."""
    if content is None:
        content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", **(headers or {})}
    try:
        response = await ctx.http.post(url, content=content, headers=headers, timeout=TIMEOUT_S)
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"{what} did not answer in time ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(
            f"could not reach {what} ({type(exc).__name__}); is the address right and"
            " the network up?"
        ) from None
    check_response(ctx, response, what, url)
    return response
