"""The outbox's retry policy and what it lets out of a failure: pure functions, no store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import TypeAdapter

from alerts.channels.base import DeliveryError
from alerts.outbox_policy import REDACTED, backoff, describe, secrets_of
from listener.config.channels import ChannelSettings

BASE = timedelta(seconds=30)
MAX = timedelta(minutes=15)


@pytest.mark.parametrize(
    ("attempts", "expected_s"),
    [(0, 30), (1, 60), (2, 120), (4, 480), (5, 900), (6, 900), (500, 900)],
)
def test_backoff_doubles_from_the_base_up_to_the_maximum(attempts: int, expected_s: int) -> None:
    assert backoff(attempts, BASE, MAX) == timedelta(seconds=expected_s)


def test_a_longer_retry_after_wins_over_the_backoff() -> None:
    assert backoff(0, BASE, MAX, retry_after_s=120) == timedelta(seconds=120)
    # A Retry-After longer than backoff_max still wins: the receiver said so.
    assert backoff(0, BASE, MAX, retry_after_s=3600) == timedelta(hours=1)


def test_a_shorter_retry_after_does_not_shorten_the_backoff() -> None:
    assert backoff(3, BASE, MAX, retry_after_s=1) == timedelta(seconds=240)


def test_a_huge_base_doubled_many_times_does_not_overflow() -> None:
    assert backoff(10_000, timedelta(days=3000), timedelta(days=3650)) == timedelta(days=3650)


def _channel(raw: dict[str, object]) -> ChannelSettings:
    adapter: TypeAdapter[ChannelSettings] = TypeAdapter(ChannelSettings)
    return adapter.validate_python(raw)


def test_an_error_naming_the_webhook_url_is_stored_without_it() -> None:
    url = "https://hooks.slack.com/services/T000/B000/SECRETTOKEN"
    channel = _channel({"name": "team", "type": "slack", "webhook_url": url})
    error = RuntimeError(f"Server error '500' for url '{url}'\nmore")
    text = describe(error, secrets_of(channel))
    assert "SECRETTOKEN" not in text
    assert text == f"RuntimeError: Server error '500' for url '{REDACTED}' more"


def test_webhook_secrets_and_header_tokens_are_redacted() -> None:
    channel = _channel(
        {
            "name": "hooks",
            "type": "webhook",
            "url": "https://hooks.example.org/listener?key=abc123",
            "secret": "hmac-secret-value",
            "headers": {"Authorization": "Bearer tok-0123456789"},
        }
    )
    error = DeliveryError(
        "sent to https://hooks.example.org/listener?key=abc123 with hmac-secret-value"
        " and Bearer tok-0123456789"
    )
    text = describe(error, secrets_of(channel))
    assert "abc123" not in text and "hmac-secret" not in text and "tok-0123" not in text
    # A DeliveryError's own words are the message: no class name in front.
    assert text.startswith("sent to [redacted]")


def test_a_long_error_is_capped() -> None:
    text = describe(RuntimeError("x" * 5000))
    assert len(text) == 500 and text.endswith("…")
