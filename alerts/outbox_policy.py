"""The outbox's policy on a failed delivery: how long the row waits, and what of the error
is kept — one capped line, with the channel's secrets (webhook URLs carry theirs) taken out
before it is logged or stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from pydantic import SecretStr

from alerts.channels.base import DeliveryError
from listener.config.channels import ChannelSettings
from listener.redaction import redact, url_secret_parts

ERROR_CHARS = 500  # a stored and logged error: enough to act on, never a whole HTML page
REDACTED = "[redacted]"
_LONGEST_WAIT_S = 7 * 86400.0  # a Retry-After beyond a week is a receiver's mistake


def backoff(
    attempts: int, base: timedelta, maximum: timedelta, retry_after_s: float | None = None
) -> timedelta:
    """How long a row waits after its ``attempts + 1``-th failure: ``base`` doubling per
    earlier failure up to ``maximum``, or the receiver's ``Retry-After`` when longer."""
    # In float seconds: a large base doubled many times must not overflow timedelta.
    doubled = base.total_seconds() * 2.0 ** min(attempts, 64)
    wait = min(doubled, maximum.total_seconds())
    if retry_after_s is not None and retry_after_s > 0:
        wait = max(wait, min(retry_after_s, _LONGEST_WAIT_S))
    return timedelta(seconds=wait)


def describe(error: Exception, secrets: Iterable[str] = ()) -> str:
    """The error as one capped line, with the channel's secrets and every ``${VAR}`` secret
    in force taken out."""
    text = str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    text = redact(text)
    text = " ".join(text.split())
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


def secrets_of(channel: ChannelSettings) -> list[str]:
    """Every secret in a channel's settings, and every URL (a webhook's URL is its key)."""
    found: list[str] = []
    for name, value in channel:
        found += _secret_values(name, value)
    return found


def _secret_values(name: str, value: Any) -> list[str]:
    # A receiver may echo only the path of a webhook URL, or just its token, in an error.
    if isinstance(value, SecretStr):
        secret = value.get_secret_value()
        return [secret, *url_secret_parts(secret)] if "://" in secret else [secret]
    if isinstance(value, str) and ("url" in name or "://" in value):
        return [value, *url_secret_parts(value)]
    if isinstance(value, Mapping):  # headers may carry tokens
        return [v for v in value.values() if isinstance(v, str) and len(v) >= 8]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _secret_values(name, item)]
    return []
