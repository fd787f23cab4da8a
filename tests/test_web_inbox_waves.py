"""An incident's inbox row says what it is — a wave of mentions across sources, under its own
title — and does not present its lead (the most-read example) as the one who sent it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest

from listener.models import AlertKind, Author, Judgments, Severity
from listener.store import SQLiteStore
from tests.alert_helpers import raise_alert
from tests.inbox_helpers import INBOX_SETTINGS, NOW, alert_about
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer

Start = Callable[..., WebServer]
SPIKE_TITLE = "Spike in negative mentions of Acme: 18 in the last 1h (usually 2) — charged, twice"


@pytest.fixture
def inbox(web_server: Start) -> WebServer:
    return web_server(INBOX_SETTINGS)


def _spike_across_two_sources(store: SQLiteStore) -> int:
    """18 negative mentions by 18 people, 10 on news and 8 on forum; the most-read is
    Casey's, so the alert leads with it, as the spike rule orders a wave by reach."""
    mentions = [
        make_mention(
            n,
            source="news" if n <= 10 else "forum",
            text=(
                "Casey here: Acme charged me twice and nobody answers"
                if n == 1
                else f"Acme charged me twice too, number {n}"
            ),
            author=Author(handle="casey", name="Casey") if n == 1 else Author(handle=f"p{n}"),
            published_at=NOW - timedelta(minutes=30 - n),
            judgments=Judgments(complaint=True, reach=50_000 if n == 1 else 10 + n),
        )
        for n in range(1, 19)
    ]
    store.insert_mentions(mentions)
    by_reach = sorted(mentions, key=lambda m: -m.judgments.reach)
    alert, _ = raise_alert(
        store,
        500,
        at=NOW - timedelta(minutes=1),
        channels=(),
        kind=AlertKind.INCIDENT,
        rule="spike",
        brand="Acme",
        severity=Severity.HIGH,
        title=SPIKE_TITLE,
        mention_ids=tuple(m.id for m in by_reach),
        details={
            "count": 18,
            "expected": 2.1,
            "window_s": 3600,
            "measure": "negative",
            "terms": ["charged", "twice"],
            "sources": {"news": 10, "forum": 8},
        },
    )
    return alert.id


def _row(page: str, alert_id: int) -> str:
    found = re.search(rf'<tr data-row data-alert-id="{alert_id}".*?</tr>', page, re.DOTALL)
    assert found is not None, page
    return found.group(0)


def test_an_incident_row_says_what_it_is_not_who_led_it(inbox: WebServer) -> None:
    incident = _spike_across_two_sources(inbox.store)
    complaint = alert_about(inbox.store, 100, at=NOW - timedelta(minutes=2)).id
    page = httpx.get(f"{inbox.url}/inbox")
    assert page.status_code == 200
    row = _row(page.text, incident)
    text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
    assert "Spike in negative mentions of Acme: 18 in the last 1h" in text
    assert text.startswith("high incident Acme")  # severity, then what it is
    assert "Acme · 18 negative mentions · 2 sources" in text
    assert 'title="news, forum"' in row  # the sources by name, biggest first
    # Casey is one of eighteen: not the row's sender, words or audience.
    assert "Casey" not in row and "casey" not in row and "charged me twice" not in row
    assert "50,000" not in row
    # A complaint's row still shows the person who wrote it.
    other = _row(page.text, complaint)
    assert "User 100" in other and "parcel number 100" in other


def test_the_api_marks_a_wave_and_leaves_a_complaint_alone(inbox: WebServer) -> None:
    incident = _spike_across_two_sources(inbox.store)
    complaint = alert_about(inbox.store, 100, at=NOW - timedelta(minutes=2)).id
    items = httpx.get(f"{inbox.url}/api/v1/alerts").json()["items"]
    rows = {item["id"]: item for item in items}
    assert rows[incident]["wave"] == {
        "mentions": 18,
        "negative_only": True,
        "sources": {"news": 10, "forum": 8},
    }
    assert rows[incident]["mentions"] == 18
    assert rows[complaint]["wave"] is None
    assert rows[complaint]["author"]["handle"] == "user100"


def test_a_wave_whose_details_are_spoiled_still_renders(inbox: WebServer) -> None:
    """Details are JSON kept in the row: a count or a source count of the wrong type (an
    older version's, a hand edit) is left out, not a 500."""
    store = inbox.store
    store.insert_mentions([make_mention(1, judgments=Judgments(reach=7))])
    alert, _ = raise_alert(
        store,
        1,
        at=NOW,
        channels=(),
        kind=AlertKind.INCIDENT,
        title="",
        mention_ids=("news:1",),
        details={"count": "many", "sources": {"news": "ten", "forum": True}},
    )
    page = httpx.get(f"{inbox.url}/inbox")
    assert page.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", _row(page.text, alert.id)).split())
    assert "incident acme · 1 mention " in text and "source" not in text
