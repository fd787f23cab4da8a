"""Digests (once per period, only the latest after downtime, their sections) and saved
searches (instant alerts, or digest-only hits the digest lists)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from alerts.digest import latest_period
from listener.config.alerts import DigestSettings
from listener.models import AlertKind, AlertState, DeliveryEvent, DeliveryStatus
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings

DAILY = {"name": "morning", "every": "daily", "at": "09:00", "timezone": "Europe/Berlin",
         "channels": ["mail"]}  # fmt: skip


def test_daily_period_is_local_days_ending_at_the_hour() -> None:
    daily = DigestSettings.model_validate(DAILY)
    # 15:00 UTC is 16:00 in Berlin: the last period ended at 09:00 Berlin, 08:00 UTC.
    assert latest_period(daily, NOW) == (
        datetime(2026, 11, 22, 8, tzinfo=UTC),
        datetime(2026, 11, 23, 8, tzinfo=UTC),
    )
    early = datetime(2026, 11, 23, 7, 59, tzinfo=UTC)
    assert latest_period(daily, early)[1] == datetime(2026, 11, 22, 8, tzinfo=UTC)
    # The night summer time ends, the day is 25 hours long.
    autumn = DigestSettings(channels=["mail"], at=time(9), timezone="Europe/Berlin")
    start, end = latest_period(autumn, datetime(2026, 10, 25, 12, tzinfo=UTC))
    assert end - start == timedelta(hours=25)


def test_a_daily_digest_is_built_once_with_its_sections(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(digests=[DAILY]), now=NOW - timedelta(hours=10))
    # Yesterday's mentions and this period's: 2 earlier, 4 now (3 negative, 1 positive).
    h.history([judged(at=NOW - timedelta(days=1, hours=12)) for _ in range(2)])
    h.history([judged("acme is great", negative=False, complaint=False, at=h.clock.now)])
    h.feed([judged("acme broke my phone", handle="ann", reach=50_000, at=h.clock.now)])
    h.feed([judged("acme late again", handle="bob", at=h.clock.now)])
    h.feed([judged("acme why", handle="cy", complaint=False, at=h.clock.now)])
    [_, bob] = sorted(h.alerts(AlertKind.COMPLAINT), key=lambda a: a.id)
    h.store.set_alert_state(bob.id, AlertState.RESOLVED, at=h.clock.now)
    h.clock.now = NOW  # 16:00 Berlin: the 09:00 digest is due
    [digest] = [a for a in h.tick() if a.kind is AlertKind.DIGEST]
    assert digest.key == "digest:morning:acme:2026-11-22T08:00:00+00:00"
    assert digest.title == (
        "Daily digest for acme: 4 mentions (3 negative), 2 complaints, 1 open alerts"
    )
    d = digest.details
    v = d["volume"]
    assert (v["total"], v["negative"], v["positive"]) == (4, 3, 1)
    assert (v["previous_total"], v["previous_negative"]) == (2, 2)
    assert len(v["series"]) == 24 and sum(b["total"] for b in v["series"]) == 4
    assert [c["title"] for c in d["top_complaints"]] == [
        "Complaint from @ann on feed: acme broke my phone",
        "Complaint from @bob on feed: acme late again",
    ]
    assert d["top_complaints"][0]["severity"] == "normal"
    assert d["open_alerts"]["count"] == 1
    assert d["open_alerts"]["oldest"]["title"].startswith("Complaint from @ann")
    assert d["sla_breaches"] == []
    lines = {section["title"]: section["lines"] for section in d["sections"]}
    assert lines["Volume and sentiment"] == [
        "4 mentions: 3 negative, 1 positive",
        "mentions +100% on the period before (2)",
        "negative +50% on the period before (2)",
    ]
    assert lines["Top complaints"][1].startswith("[low] Complaint from @bob on feed")
    assert lines["Top complaints"][1].endswith(", resolved)")
    assert lines["SLA breaches"] == ["none"]
    assert lines["Held back by rate limits"] == ["nothing"]
    [row] = h.deliveries(digest)
    assert (row.channel, row.event) == ("mail", DeliveryEvent.DIGEST)
    assert [a.kind for a in h.tick(minutes=10)] == []  # once per period
    # After two days down, one digest: the latest period's, not a backlog.
    built = h.tick(days=2)
    assert [a.key for a in built] == ["digest:morning:acme:2026-11-24T08:00:00+00:00"]


def test_the_digest_lists_sla_breaches(tmp_path: Path) -> None:
    channels = [{"name": "mail", "type": "console"}, {"name": "pager", "type": "console"}]
    sla = {"ack_within": "30m", "escalate_to": ["pager"], "min_severity": "low"}
    hourly = {"name": "hourly", "every": "hourly", "channels": ["mail"]}
    h = Harness(tmp_path, make_settings(channels=channels, sla=sla, digests=[hourly]))
    h.feed([judged(handle="ann")])
    h.tick(minutes=31)
    [digest] = h.tick(minutes=29)  # 16:00: the 15:00-16:00 digest
    [breach] = digest.details["sla_breaches"]
    assert breach["title"].startswith("Complaint from @ann")


SEARCHES = [
    {"type": "saved_search", "name": "refunds", "query": "refund* -spam"},
    {"type": "saved_search", "name": "press", "query": '"journalist" OR reporter',
     "delivery": "digest"},
]  # fmt: skip


def test_saved_search_instant_alerts_and_digest_only_hits(tmp_path: Path) -> None:
    hourly = {"name": "hourly", "every": "hourly", "channels": ["slack"]}
    h = Harness(tmp_path, make_settings(rules=SEARCHES, digests=[hourly]))
    refund = judged("acme refunds take forever", handle="ann", complaint=False)
    press = judged("acme reporter asking about the recall", handle="rita", complaint=False)
    h.feed([refund, press, judged("acme refund spam", complaint=False)])
    alerts = {a.rule: a for a in h.alerts(AlertKind.SAVED_SEARCH)}
    assert set(alerts) == {"refunds", "press"}
    instant = alerts["refunds"]
    assert instant.key == f"search:refunds:{refund.id}"
    assert instant.details["matched"] == ["refund*"]
    assert {(d.channel, d.status) for d in h.deliveries(instant)} == {
        ("slack", DeliveryStatus.PENDING),
        ("mail", DeliveryStatus.PENDING),
    }
    quiet = alerts["press"]
    assert {(d.status, d.reason) for d in h.deliveries(quiet)} == {
        (DeliveryStatus.SUPPRESSED, "digest only")
    }
    [digest] = h.tick(hours=1)
    section = digest.details["suppressed"]
    assert section["count"] == 0  # nothing was rate limited
    assert [(i["rule"], i["id"]) for i in section["digest_only"]] == [("press", quiet.id)]
    [hits] = [s["lines"] for s in digest.details["sections"] if "digest only" in s["title"]]
    assert hits == [f"press: [low] {quiet.title} (#{quiet.id}, new)"]
