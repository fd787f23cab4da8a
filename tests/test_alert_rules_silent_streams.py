"""The silent-source rule on a stream: failures in a row say nothing (a stream reconnects
within seconds; a rate limit waits minutes), time without a success does, with a floor of
ten minutes; the daemon's own downtime does not count; parked is silent at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from alerts.rules.silent import STREAM_SILENCE_FLOOR, check_silent
from listener.config.alerts import SilentSourceRule
from listener.config.settings import SourceSettings
from listener.models import Alert, SourceState
from listener.store import open_store
from tests.alert_rules_helpers import NOW

RULE = SilentSourceRule.model_validate({"type": "silent_source", "intervals": 6})
# idle_timeout 20 s: six of them are two minutes, below the floor.
SKY = SourceSettings.model_validate({"name": "sky", "type": "jetstream", "idle_timeout": "20s"})


def evaluate(
    tmp_path: Path, state: SourceState, now: datetime, started: datetime | None = None
) -> list[Alert]:
    with open_store(tmp_path / "silent.db") as store:
        store.save_source_state(state)
        with store.alert_transaction() as tx:
            return check_silent(tx, RULE, [SKY], now=now, started=started)


def test_a_stream_that_never_connected_is_not_silent_after_six_quick_failures(
    tmp_path: Path,
) -> None:
    # Six linear reconnects take a second or two: a blip, not a silent source.
    failing = SourceState(source="sky", last_attempt_at=NOW, error_count=6, last_error="reset")
    assert evaluate(tmp_path, failing, NOW + timedelta(seconds=2), started=NOW) == []
    [alert] = evaluate(tmp_path, failing, NOW + STREAM_SILENCE_FLOOR, started=NOW)
    assert alert.details["source"] == "sky" and "never listened" in alert.title


def test_a_stream_waiting_out_rate_limits_is_silent_only_past_the_floor(tmp_path: Path) -> None:
    # Two routine 429 waits (more than six 20 s idle timeouts) since the last batch stored.
    success = NOW - timedelta(minutes=4)
    limited = SourceState(source="sky", last_attempt_at=NOW, last_success_at=success, error_count=2)
    assert evaluate(tmp_path, limited, NOW, started=NOW - timedelta(hours=1)) == []
    later = success + STREAM_SILENCE_FLOOR
    [alert] = evaluate(tmp_path, limited, later, started=NOW - timedelta(hours=1))
    assert "has not listened successfully for 10 minutes" in alert.title, alert.title


def test_a_restart_after_downtime_counts_from_the_start_even_when_failing(
    tmp_path: Path,
) -> None:
    # Down all night; the first reconnect after the start failed (a polled source would be
    # silent at once): the stream has the floor to come back.
    night = SourceState(
        source="sky",
        last_attempt_at=NOW,
        last_success_at=NOW - timedelta(hours=8),
        error_count=1,
    )
    assert evaluate(tmp_path, night, NOW + timedelta(minutes=9), started=NOW) == []
    assert len(evaluate(tmp_path, night, NOW + timedelta(minutes=10), started=NOW)) == 1


def test_a_parked_stream_is_silent_at_once(tmp_path: Path) -> None:
    parked = SourceState(source="sky", last_attempt_at=NOW, error_count=1, parked_reason="HTTP 401")
    [alert] = evaluate(tmp_path, parked, NOW, started=NOW)
    assert "parked" in alert.title
