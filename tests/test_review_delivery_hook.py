"""The alert rules' hook inside ``insert_mentions`` when a rule raises.

A bug a rule meets on one mention (a "poison" mention) rolled the whole batch back: the
source then failed on every poll with the same mention at the head of its page (a cursor
never advances past it), storing nothing from it, so search, charts and every other
mention's alerts stopped for that source until someone shipped a fix. A failure of the
store itself (disk I/O) still rolls the batch back, to be retried whole.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from listener.models import AlertKind, DeliveryEvent, Mention, Severity
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import AlertTx, NewAlert
from tests.store_helpers import T0, make_mention


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as s:
        yield s


class Rules:
    """Raises an alert with an outbox row for each mention, as the rules do, and trips
    over the mentions in ``poison`` after writing part of theirs."""

    def __init__(self, poison: set[str]) -> None:
        self.poison = poison
        self.calls: list[list[str]] = []

    def __call__(self, tx: AlertTx, new: list[Mention]) -> None:
        self.calls.append([m.id for m in new])
        for m in new:
            alert = tx.add_alert(
                NewAlert(
                    key=f"complaint:{m.id}",
                    kind=AlertKind.COMPLAINT,
                    rule="complaints",
                    brand="acme",
                    severity=Severity.NORMAL,
                    title=m.title,
                    created_at=T0,
                    mention_ids=(m.id,),
                )
            )
            assert alert is not None
            if m.id in self.poison:
                raise KeyError("feelings")  # the bug, after the alert row was written
            tx.enqueue(alert.id, "hooks", DeliveryEvent.NEW, at=T0, not_before=T0)


def test_a_rule_failing_on_one_mention_costs_only_that_mentions_alert(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    rules = Rules(poison={"news:2"})
    batch = [make_mention(1), make_mention(2), make_mention(3)]

    with caplog.at_level(logging.ERROR):
        stored = store.insert_mentions(batch, on_stored=rules)

    assert [m.id for m in stored] == ["news:1", "news:2", "news:3"]
    assert store.count_mentions() == 3  # searchable, and the source's poll succeeds
    alerts = store.list_alerts()
    assert sorted(a.key for a in alerts) == ["complaint:news:1", "complaint:news:3"]
    assert sorted(d.key for d in store.list_deliveries()) == [
        "complaint:news:1|hooks|new",
        "complaint:news:3|hooks|new",
    ]
    # The operator is told which mention went without its alert, and why.
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    said = errors[0].getMessage() + str(getattr(errors[0], "fields", ""))
    assert "news:2" in said and "news:1" not in said
    assert errors[0].exc_info is not None and errors[0].exc_info[0] is KeyError

    # The next poll brings the same items: nothing is new, nothing fails again.
    rules.calls.clear()
    assert store.insert_mentions(batch, on_stored=rules) == []
    assert rules.calls == []


def test_a_rule_failing_on_every_mention_still_stores_the_batch(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    rules = Rules(poison={"news:1", "news:2"})
    with caplog.at_level(logging.ERROR):
        stored = store.insert_mentions([make_mention(1), make_mention(2)], on_stored=rules)
    assert len(stored) == 2 and store.list_alerts() == [] and store.list_deliveries() == []
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "news:1" in str(getattr(errors[0], "fields", ""))


def test_a_store_failure_inside_the_hook_still_rolls_the_batch_back(store: SQLiteStore) -> None:
    def disk_trouble(tx: AlertTx, new: list[Mention]) -> None:
        Rules(poison=set())(tx, new)
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError):
        store.insert_mentions([make_mention(1)], on_stored=disk_trouble)
    assert store.get_mention("news:1") is None and store.list_alerts() == []
    # Retried whole: the mention is new again and gets its alert.
    store.insert_mentions([make_mention(1)], on_stored=Rules(poison=set()))
    assert [a.key for a in store.list_alerts()] == ["complaint:news:1"]
