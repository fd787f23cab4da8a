"""The digest's dashboard part: the headline figures the dashboard shows (read from the
rollups and alerts of a real store) and the link to the dashboard of its period, in every
channel; no link, and a line saying why, without ``alerts.base_url``; weekly digests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from alerts.channels.render import render_json, render_text
from alerts.channels.webhook import message_payload
from alerts.compose import compose
from alerts.digest import latest_period
from alerts.escaping import discord_text, slack_text, teams_text
from listener.config.alerts import DigestSettings
from listener.models import Alert, AlertKind, AlertState
from listener.store.stats import headline
from listener.store.stats.scope import scope_for
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings
from tests.channel_messages import context

BASE = "https://listener.example.org/"
DAILY = {"name": "morning", "every": "daily", "at": "09:00", "timezone": "Europe/Berlin",
         "channels": ["mail"]}  # fmt: skip
WEEKLY = DAILY | {"name": "weekly", "every": "weekly"}
# The Berlin digest's period at NOW (Monday 16:00 Berlin): whole UTC hours.
SINCE, UNTIL = datetime(2026, 11, 22, 8, tzinfo=UTC), datetime(2026, 11, 23, 8, tzinfo=UTC)
LINK = (
    "https://listener.example.org/dashboard?brand=acme&range=custom"
    "&since=2026-11-22T08%3A00%3A00%2B00%3A00&until=2026-11-23T08%3A00%3A00%2B00%3A00"
)
HEADLINE = [
    "4 mentions, +100% on the period before (2)",
    "negative share 75.0% (3 mentions), 100.0% the period before",
    "2 complaints, complaint rate 50.0%, 100.0% the period before",
    "first response: median 1h, p90 1h 24m (alerts answered: 2)",
    "1 alerts open now",
]


def _digest(tmp_path: Path, **alerts: Any) -> tuple[Harness, Alert]:
    """A day of known counts, two complaint alerts answered after 30 and 90 minutes, and
    the morning digest built at NOW."""
    h = Harness(tmp_path, make_settings(**alerts), now=NOW - timedelta(hours=10))
    h.history([judged(at=NOW - timedelta(days=1, hours=12)) for _ in range(2)])  # before
    h.history([judged("acme is great", negative=False, complaint=False, at=h.clock.now)])
    h.feed([judged("acme broke my phone", handle="ann", at=h.clock.now)])
    h.feed([judged("acme late again", handle="bob", at=h.clock.now)])
    h.feed([judged("acme why", handle="cy", complaint=False, at=h.clock.now)])
    ann, bob = sorted(h.alerts(AlertKind.COMPLAINT), key=lambda a: a.id)
    after = ann.created_at + timedelta(minutes=30)
    h.store.set_alert_state(ann.id, AlertState.ACKNOWLEDGED, at=after)
    h.store.set_alert_state(bob.id, AlertState.RESOLVED, at=after + timedelta(hours=1))
    h.clock.now = NOW
    [digest] = [a for a in h.tick() if a.kind is AlertKind.DIGEST]
    return h, digest


def _lines(digest: Alert) -> dict[str, list[str]]:
    return {section["title"]: section["lines"] for section in digest.details["sections"]}


def test_the_digest_shows_the_dashboards_headline_and_links_to_its_period(
    tmp_path: Path,
) -> None:
    h, digest = _digest(tmp_path, digests=[DAILY], base_url=BASE)
    figures = digest.details["headline"]
    assert (figures["mentions"], figures["negative"], figures["complaints"]) == (4, 3, 2)
    assert (figures["previous_mentions"], figures["previous_complaints"]) == (2, 2)
    assert (figures["answered"], figures["first_response_median_s"]) == (2, 3600)
    assert (figures["since"], figures["until"]) == (SINCE.isoformat(), UNTIL.isoformat())
    assert figures["whole_hours_wider"] is False
    # The same figures as the dashboard reads them, on a reader connection of the store.
    shown = headline(h.store, scope_for("acme", SINCE, UNTIL))
    assert (shown.mentions, shown.negative, shown.complaints, shown.open_alerts) == (4, 3, 2, 1)
    assert digest.details["dashboard_url"] == LINK
    lines = _lines(digest)
    assert lines["Headline (as on the dashboard)"] == HEADLINE
    # The digest's own section still counts what it counted before.
    assert lines["Volume and sentiment"][0] == "4 mentions: 3 negative, 1 positive"


def test_without_base_url_the_digest_says_why_it_has_no_dashboard_link(tmp_path: Path) -> None:
    h, digest = _digest(tmp_path, digests=[DAILY])
    assert digest.details["dashboard_url"] is None
    assert _lines(digest)["Headline (as on the dashboard)"] == HEADLINE
    rendered = _rendered(h, digest)
    for name, text in rendered.items():
        assert "/dashboard" not in text, name
        assert "open the dashboard" not in text.lower(), name
        if name != "webhook":  # its JSON says "dashboard_url": null
            assert "dashboard link: alerts.base_url is not set" in text, name
    assert json.loads(rendered["webhook"])["alert"]["details"]["dashboard_url"] is None


def _rendered(h: Harness, digest: Alert) -> dict[str, str]:
    """The digest as every channel sends it (the webhook's JSON body included)."""
    [delivery] = h.deliveries(digest)
    message = compose(h.store, h.settings, digest, delivery)
    ctx = context(httpx.AsyncClient())
    out = {"webhook": json.dumps(message_payload(message))}
    for name in ("alerts/slack.json.j2", "alerts/teams.json.j2", "alerts/discord.json.j2"):
        out[name] = json.dumps(render_json(ctx, name, message), ensure_ascii=False)
    for name in ("alerts/console.txt.j2", "alerts/email.txt.j2", "alerts/email.html",
                 "alerts/apprise_body.txt.j2"):  # fmt: skip
        out[name] = render_text(ctx, name, message)
    return out


def test_every_channel_shows_the_headline_and_the_dashboard_link_escaped(tmp_path: Path) -> None:
    h, digest = _digest(tmp_path, digests=[DAILY], base_url=BASE)
    rendered = _rendered(h, digest)
    for name in ("alerts/console.txt.j2", "alerts/email.txt.j2", "alerts/apprise_body.txt.j2"):
        assert all(line in rendered[name] for line in HEADLINE), name
        assert f"Dashboard: {LINK}" in rendered[name], name
    # Discord: markdown, escaped ('(' as '\\('); the link in its own syntax.
    discord = json.loads(rendered["alerts/discord.json.j2"])
    fields = {f["name"]: f["value"] for f in discord["embeds"][0]["fields"]}
    assert fields["Dashboard"] == f"[open the dashboard for this period]({LINK})"
    headline_field = fields[discord_text("Headline (as on the dashboard)")]
    assert headline_field == "\n".join(f"• {discord_text(line)}" for line in HEADLINE)
    # HTML: the link's '&' written as '&amp;' in the button's href.
    html = rendered["alerts/email.html"]
    assert all(line in html for line in HEADLINE)
    assert "&range=" not in html
    assert html.count(LINK.replace("&", "&amp;")) == 1
    assert f'<a href="{LINK.replace("&", "&amp;")}"' in html
    # Slack mrkdwn escapes '&' in its text; its button takes the URL as JSON.
    slack = json.loads(rendered["alerts/slack.json.j2"])
    buttons = [e for b in slack["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {"Open the dashboard": LINK}.items() <= {
        e["text"]["text"]: e["url"] for e in buttons
    }.items()
    texts = [b["text"]["text"] for b in slack["blocks"] if b["type"] == "section"]
    assert "\n".join(f"• {slack_text(line)}" for line in HEADLINE) in texts[0]
    teams = json.loads(rendered["alerts/teams.json.j2"])
    actions = teams["attachments"][0]["content"]["actions"]
    assert actions[0] == {"type": "Action.OpenUrl", "title": "Open the dashboard", "url": LINK}
    blocks = [b.get("text") for b in teams["attachments"][0]["content"]["body"]]
    assert all(f"• {teams_text(line)}" in blocks for line in HEADLINE)
    body = json.loads(rendered["webhook"])["alert"]["details"]
    assert (body["headline"]["mentions"], body["dashboard_url"]) == (4, LINK)


def test_a_half_hour_zone_counts_the_headline_over_whole_hours_and_says_so(
    tmp_path: Path,
) -> None:
    kolkata = DAILY | {"timezone": "Asia/Kolkata"}  # 09:00 there is 03:30 UTC
    h = Harness(tmp_path, make_settings(digests=[kolkata], base_url=BASE), now=NOW)
    start = datetime(2026, 11, 22, 3, 30, tzinfo=UTC)
    h.history([judged(at=start - timedelta(minutes=20))])  # in the hour, not the period
    h.history([judged(at=start + timedelta(hours=8))])
    [digest] = [a for a in h.tick() if a.kind is AlertKind.DIGEST]
    assert digest.details["volume"]["total"] == 1
    figures = digest.details["headline"]
    assert (figures["mentions"], figures["whole_hours_wider"]) == (2, True)
    assert figures["since"] == "2026-11-22T03:00:00+00:00"
    assert figures["until"] == "2026-11-23T04:00:00+00:00"
    assert _lines(digest)["Headline (as on the dashboard)"][-1] == (
        "counted over whole UTC hours, as the dashboard counts:"
        " 2026-11-22 03:00 UTC to 2026-11-23 04:00 UTC"
    )
    assert "since=2026-11-22T03%3A30%3A00%2B00%3A00" in digest.details["dashboard_url"]


def test_weekly_period_is_monday_to_monday_at_the_local_hour() -> None:
    weekly = DigestSettings.model_validate(WEEKLY)
    # NOW is Monday 16:00 in Berlin: the week that ended at 09:00 today (08:00 UTC).
    assert latest_period(weekly, NOW) == (
        datetime(2026, 11, 16, 8, tzinfo=UTC),
        datetime(2026, 11, 23, 8, tzinfo=UTC),
    )
    early = datetime(2026, 11, 23, 7, 59, tzinfo=UTC)  # Monday, before 09:00 Berlin
    assert latest_period(weekly, early)[1] == datetime(2026, 11, 16, 8, tzinfo=UTC)
    sunday = datetime(2026, 11, 22, 23, tzinfo=UTC)
    assert latest_period(weekly, sunday)[1] == datetime(2026, 11, 16, 8, tzinfo=UTC)
    # The week summer time ends (Sunday 25 October 2026) is 169 hours long.
    autumn = DigestSettings(channels=["mail"], every="weekly", at=time(9), timezone="Europe/Berlin")
    start, end = latest_period(autumn, datetime(2026, 10, 27, 12, tzinfo=UTC))
    assert (start, end - start) == (datetime(2026, 10, 19, 7, tzinfo=UTC), timedelta(hours=169))


def test_a_weekly_digest_is_built_once_a_week_with_daily_buckets(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(digests=[WEEKLY], base_url=BASE), now=NOW)
    h.history([judged(at=NOW - timedelta(days=d)) for d in (1, 3, 6)])
    h.history([judged(at=NOW - timedelta(days=9))])  # the week before
    [digest] = [a for a in h.tick() if a.kind is AlertKind.DIGEST]
    assert digest.key == "digest:weekly:acme:2026-11-16T08:00:00+00:00"
    assert digest.title.startswith("Weekly digest for acme: 3 mentions")
    volume = digest.details["volume"]
    assert (len(volume["series"]), volume["bucket_s"], volume["previous_total"]) == (7, 86400, 1)
    assert digest.details["headline"]["mentions"] == 3
    assert "until=2026-11-23T08%3A00%3A00%2B00%3A00" in digest.details["dashboard_url"]
    assert [a.kind for a in h.tick(days=6)] == []  # Sunday: the week is not over
    assert [a.key for a in h.tick(days=1)] == ["digest:weekly:acme:2026-11-23T08:00:00+00:00"]


def test_a_digest_period_other_than_hourly_daily_weekly_is_refused() -> None:
    with pytest.raises(ValidationError, match="every"):
        DigestSettings.model_validate(DAILY | {"every": "monthly"})
