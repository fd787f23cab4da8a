"""Stream sources in each state the daemon can leave them in, written as the daemon writes
them (``store.save_stream_health`` and ``save_source_state`` into a real SQLite file), for
the tests of ``listener sources`` and of the web app's sources page.

The settings take each stream from its type's own ``sample`` block when it has one (so the
tests keep validating as the types grow required options), renamed per case.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import yaml

from listener.models import SourceState, StreamHealth, StreamStatus
from listener.sources.registry import get_source_type

STREAM_TYPE = "jetstream"
SECRET = "stream-token-5a4b3c2d1e"  # the value of ${FEED_TOKEN}
# A server's words: the secret echoed back, terminal escapes that would retitle the window
# and colour what follows, and markup.
HOSTILE_ERROR = (
    f"connection lost (GET /subscribe?token={SECRET}) \x1b]0;pwned\x07\x1b[31m"
    "<script>alert('err')</script><img src=x onerror=alert(1)> {{ 7*7 }}"
)
PARKED_REASON = "HTTP 401 Unauthorized: the token was refused"

# Source name -> what it shows; settings order.
CASES = ("live", "retrying", "refused", "stale", "halted", "fresh", "opening", "off")


def _entry(name: str, enabled: bool = True) -> dict[str, Any]:
    sample = get_source_type(STREAM_TYPE).info.sample
    loaded = yaml.safe_load(sample) if sample.strip() else None
    entry: dict[str, Any] = dict(loaded[0]) if loaded else {"type": STREAM_TYPE}
    entry["name"] = name
    entry.pop("interval", None)
    if not enabled:
        entry["enabled"] = False
    return entry


def settings_text(db: str, *, with_poll: bool = True) -> str:
    """Settings with an rss source ``news`` (polled) and one stream per case."""
    sources: list[dict[str, Any]] = []
    if with_poll:
        sources.append(
            {
                "name": "news",
                "type": "rss",
                "interval": "1h",
                "url": "http://127.0.0.1:9/f.xml?token=${FEED_TOKEN}",
            }
        )
    sources += [_entry(name, enabled=name != "off") for name in CASES]
    return yaml.safe_dump(
        {
            "brands": [{"name": "Acme", "query": "acme"}],
            "storage": {"sqlite": db},
            "sources": sources,
        },
        sort_keys=False,
    )


def sample_environ() -> dict[str, str]:
    """``FEED_TOKEN``, and a value for every ``${VAR}`` the stream type's sample names."""
    sample = get_source_type(STREAM_TYPE).info.sample
    named = {name: f"test-value-{name.lower()}" for name in re.findall(r"\$\{(\w+)\}", sample)}
    return {**named, "FEED_TOKEN": SECRET}


def write_stream_rows(store: Any, now: datetime) -> None:
    """One stream in each state; ``fresh`` and ``off`` have no health row."""

    def ago(seconds: float) -> datetime:
        return now - timedelta(seconds=seconds)

    store.save_stream_health(
        StreamHealth(
            source="live",
            status=StreamStatus.CONNECTED,
            updated_at=ago(2),
            connected_since=ago(2 * 3600),
            last_event_at=ago(1),
            stream_time=ago(1.4),
            events_total=1_728_000,
            events_per_s=240.0,
            reconnects=3,
        )
    )
    store.save_source_state(
        SourceState(source="live", last_success_at=ago(1), items_total=1234, last_new_items=2)
    )
    store.save_stream_health(
        StreamHealth(
            source="retrying",
            status=StreamStatus.BACKING_OFF,
            updated_at=ago(1),
            last_event_at=ago(30),
            reconnects=5,
            last_error=HOSTILE_ERROR,
        )
    )
    store.save_source_state(
        SourceState(
            source="retrying",
            error_count=2,
            last_error=HOSTILE_ERROR,
            last_attempt_at=ago(1),
            next_check_at=now + timedelta(seconds=8),
        )
    )
    store.save_stream_health(
        StreamHealth(
            source="refused",
            status=StreamStatus.PARKED,
            updated_at=ago(3),
            last_error=PARKED_REASON,
        )
    )
    store.save_source_state(SourceState(source="refused", parked_reason=PARKED_REASON))
    # Said "connected", then nothing for five minutes: the daemon is gone.
    store.save_stream_health(
        StreamHealth(
            source="stale",
            status=StreamStatus.CONNECTED,
            updated_at=ago(300),
            connected_since=ago(3600),
            last_event_at=ago(301),
            stream_time=ago(302),
            events_per_s=180.0,
        )
    )
    store.save_stream_health(
        StreamHealth(source="halted", status=StreamStatus.STOPPED, updated_at=ago(600))
    )
    store.save_stream_health(
        StreamHealth(source="opening", status=StreamStatus.CONNECTING, updated_at=ago(1))
    )
