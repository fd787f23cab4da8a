"""What a response's headers say about time: when to ask again (``Retry-After``) and how
long an answer stays fresh (``Cache-Control``, ``Expires``). HTTP-dates in all three
historic forms are read as aware UTC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 §10.2.3), or ``None``.

    Either delay-seconds (a non-negative integer) or an HTTP-date; a date already past
    means "now" (0.0). Negative numbers and anything unparsable give ``None``.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    when = _parse_http_date(value)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def cache_hint_s(headers: Mapping[str, str], now: datetime) -> float | None:
    """How long the server says the response stays fresh, in seconds, or ``None``.

    ``Cache-Control: max-age`` (less ``Age``) wins over ``Expires`` (RFC 9111 §5.3);
    ``no-cache``/``no-store`` mean there is no hint. ``Expires`` is measured against the
    server's own ``Date`` so a skewed local clock does not matter.
    """
    headers = httpx.Headers(headers)
    directives = _cache_control(headers.get("Cache-Control", ""))
    if "no-cache" in directives or "no-store" in directives:
        return None
    max_age = directives.get("max-age")
    if max_age is not None:
        if not max_age.isdigit():
            return None
        age = headers.get("Age", "").strip()
        fresh = int(max_age) - (int(age) if age.isdigit() else 0)  # RFC 9111 §4.2.3
        return float(fresh) if fresh > 0 else None
    expires = _parse_http_date(headers.get("Expires", ""))
    if expires is None:  # an invalid Expires (often "0") means already stale, RFC 9111 §5.3
        return None
    origin = _parse_http_date(headers.get("Date", "")) or now
    fresh_s = (expires - origin).total_seconds()
    return fresh_s if fresh_s > 0 else None


def _cache_control(value: str) -> dict[str, str | None]:
    directives: dict[str, str | None] = {}
    for part in value.split(","):
        name, sep, arg = part.strip().partition("=")
        if name:
            # Recipients should accept the quoted-string form too (RFC 9111 §5.2).
            directives[name.strip().lower()] = arg.strip().strip('"') if sep else None
    return directives


def _parse_http_date(value: str) -> datetime | None:
    """An HTTP-date (RFC 9110 §5.6.7, all three historic forms) as aware UTC, or ``None``."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000" means UTC with no source zone (RFC 5322 §3.3)
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
