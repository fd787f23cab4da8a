"""hour_of_week needs a mention in a baseline window that starts two weeks and a window
before now; the spike rule asks that of one mention instead of counting the whole
baseline, and must draw the line exactly where the counts did (real store file)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from alerts.rules.baseline import measure
from listener.config.alerts import SpikeRule
from listener.models import Judgments, SentimentLabel
from listener.store import open_store
from tests.store_helpers import make_mention

NOW = datetime.fromisoformat("2024-06-01T12:34:56.789000+00:00")
# The rule's defaults: one-hour windows over a 14-day baseline, so the baseline starts
# 337 windows back, and that first window is the only one two weeks and a window old.
SINCE = NOW - timedelta(hours=337)
NEGATIVE = Judgments(sentiment=-0.8, sentiment_label=SentimentLabel.NEGATIVE)


@pytest.mark.parametrize(
    ("published", "method"),
    [
        (SINCE, "hour_of_week"),
        (SINCE + timedelta(minutes=59, seconds=59), "hour_of_week"),
        (SINCE + timedelta(hours=1), "ewma"),  # the next window: under two weeks of history
        (SINCE - timedelta(microseconds=1), "ewma"),  # before the baseline: not counted
    ],
)
def test_the_two_weeks_of_history_line_is_where_the_counts_drew_it(
    tmp_path: Path, published: datetime, method: str
) -> None:
    rule = SpikeRule(type="spike")
    with open_store(tmp_path / "listener.db") as store:
        store.insert_mentions(
            [
                make_mention(1, judgments=NEGATIVE, published_at=published),
                make_mention(2, judgments=NEGATIVE, published_at=NOW - timedelta(minutes=5)),
            ]
        )
        with store.alert_transaction() as tx:
            found = measure(tx, rule, "acme", NOW)
    assert found.method == method and found.count == 1
