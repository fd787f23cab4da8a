"""The search page, its API and its exports filter by urgency and by flag (threat, press,
abuse, spam, bot) as the CLI's ``--urgency`` and ``--flag`` do: a value is honoured or
refused with the choices, never ignored; the facets count both; the URL keeps them (links,
saved searches), and the page's selects set them in a real browser."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alerts.rules.saved_search import saved_search_problems
from listener.config.settings import Settings
from listener.models import AlertKind, Finding, Flag, Judgments, SentimentLabel, Urgency
from listener.store import open_store
from listener.store.saved_searches import SavedSearches
from listener.web.search_form import FLAG_CHOICES, URGENCY_CHOICES, form_from_params
from tests.alert_rules_helpers import NOW, Harness, judged
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer
from tests.web_search_helpers import api

Serve = Callable[..., WebServer]
URGENCIES = (Urgency.LOW, Urgency.NORMAL, Urgency.HIGH)


def _flags(n: int) -> tuple[Finding, ...]:
    if n % 5 == 0:
        return (Finding(Flag.PRESS.value, ("headline",)),)
    if n % 7 == 0:
        return (Finding(Flag.THREAT.value, ("kill you",)), Finding(Flag.ABUSE.value, ()))
    return ()


def _fill(running: WebServer, count: int = 40) -> None:
    """Mentions 1..count: urgency by n % 3, press every 5th, threat and abuse every 7th
    (not 35: press wins there)."""
    running.store.insert_mentions(
        [
            make_mention(
                n,
                source="news",
                text=f"acme anvil {n} story",
                judgments=Judgments(
                    sentiment_label=SentimentLabel.NEGATIVE,
                    urgency=URGENCIES[n % 3],
                    flags=_flags(n),
                ),
            )
            for n in range(1, count + 1)
        ]
    )


def _numbers(items: list[dict[str, Any]]) -> set[int]:
    return {int(item["id"].rsplit(":", 1)[1]) for item in items}


def test_the_api_filters_by_flag_and_urgency_as_the_store_does(web_server: Serve) -> None:
    running = web_server()
    _fill(running)
    with api(running) as client:
        press = client.get("/api/v1/search", params={"flag": "press", "limit": 100}).json()
        threat = client.get(
            "/api/v1/search", params={"q": "anvil", "flag": "threat", "limit": 100}
        ).json()
        high = client.get("/api/v1/search", params={"urgency": "high", "limit": 100}).json()
        both = client.get(
            "/api/v1/search", params={"urgency": "high", "flag": "press", "sort": "newest"}
        ).json()
    assert _numbers(press["items"]) == {n for n in range(1, 41) if n % 5 == 0}
    assert _numbers(threat["items"]) == {n for n in range(1, 41) if n % 7 == 0 and n % 5}
    assert _numbers(high["items"]) == {n for n in range(1, 41) if n % 3 == 2}
    assert _numbers(both["items"]) == {n for n in range(1, 41) if n % 5 == 0 and n % 3 == 2}


def test_a_flag_or_urgency_outside_the_choices_is_refused_never_ignored(
    web_server: Serve,
) -> None:
    running = web_server()
    _fill(running, 10)
    with api(running) as client:
        page = client.get("/search", params={"flag": "angry"})
        api_answer = client.get("/api/v1/search", params={"urgency": "urgent"})
        export = client.get("/search/export.csv", params={"flag": "angry"})
    assert page.status_code == 200  # the page answers with the reason under the box
    assert "flag must be one of spam, bot, abuse, threat, press" in page.text
    assert "This search cannot run" in page.text
    assert api_answer.status_code in (400, 422)
    assert "urgency" in api_answer.text and "high" in api_answer.text
    assert export.status_code == 400
    assert "flag must be one of" in export.text


def test_the_page_offers_both_filters_and_counts_them_as_facets(web_server: Serve) -> None:
    running = web_server()
    _fill(running)
    with api(running) as client:
        page = client.get("/search", params={"flag": "press"})
        body = client.get("/api/v1/search", params={"q": "anvil"}).json()
    assert page.status_code == 200
    assert '<select name="flag">' in page.text and '<select name="urgency">' in page.text
    assert '<option value="press" selected>press</option>' in page.text
    facets = {
        g["name"]: {v["value"]: v["count"] for v in g["values"]} for g in body["facets"]["groups"]
    }
    assert facets["urgency"] == {"low": 13, "normal": 14, "high": 13}
    assert facets["flag"] == {"press": 8, "threat": 4, "abuse": 4}
    press = next(v for g in body["facets"]["groups"] if g["name"] == "flag" for v in g["values"]
                 if v["value"] == "press")  # fmt: skip
    assert press["url"] == "/search?q=anvil&flag=press"


def test_the_export_follows_the_flag(web_server: Serve) -> None:
    running = web_server()
    _fill(running)
    with api(running) as client:
        answer = client.get("/search/export.csv", params={"flag": "threat", "urgency": "low"})
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    expected = {n for n in range(1, 41) if n % 7 == 0 and n % 5 and n % 3 == 0}
    assert {int(r["id"].rsplit(":", 1)[1]) for r in rows} == expected


def test_the_url_keeps_both_and_the_choices_are_the_clis() -> None:
    form = form_from_params({"q": "acme", "urgency": "high", "flag": "threat"})
    assert form.url() == "/search?q=acme&urgency=high&flag=threat"
    assert form_from_params(form.params()) == form
    assert form.url(flag=None) == "/search?q=acme&urgency=high"
    assert tuple(f.value for f in Flag) == FLAG_CHOICES
    assert tuple(u.value for u in Urgency) == URGENCY_CHOICES


def test_the_api_documents_the_same_choices(web_server: Serve) -> None:
    running = web_server()
    with api(running) as client:
        document = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/search"]["get"]["parameters"]}

    def choices(name: str) -> set[str]:
        schema = parameters[name]["schema"]
        options = schema.get("anyOf", [schema])
        return {v for o in options for v in o.get("enum", [])}

    assert choices("flag") == set(FLAG_CHOICES)
    assert choices("urgency") == set(URGENCY_CHOICES)


def test_choosing_a_flag_and_an_urgency_narrows_the_page_in_the_browser(
    web_server: Serve, page: Any
) -> None:
    running = web_server()
    _fill(running)
    page.goto(running.url + "/search?q=anvil")
    page.select_option("select[name=flag]", "press")
    page.wait_for_url("**flag=press*")
    expected = {n for n in range(1, 41) if n % 5 == 0}
    page.locator(".search-count").wait_for()
    assert page.locator(".search-count").inner_text().startswith(f"{len(expected)} matches")
    page.select_option("select[name=urgency]", "high")
    page.wait_for_url("**urgency=high*")
    narrowed = {n for n in expected if n % 3 == 2}
    page.wait_for_function("n => document.querySelectorAll('.hit').length === n", arg=len(narrowed))
    # The URL is the state: opened afresh, it shows the same search with both chosen.
    page.goto(page.url)
    assert page.locator("select[name=flag]").input_value() == "press"
    assert page.locator("select[name=urgency]").input_value() == "high"
    assert page.locator(".hit").count() == len(narrowed)
    # The facet links narrow too.
    page.goto(running.url + "/search?q=anvil")
    page.locator(".facet-list a", has_text="threat").click()
    page.wait_for_url("**flag=threat*")
    page.wait_for_function("n => document.querySelectorAll('.hit').length === n", arg=4)


def test_hits_show_their_flags_and_high_urgency(web_server: Serve) -> None:
    running = web_server()
    _fill(running, 13)
    with api(running) as client:
        body = client.get("/api/v1/search", params={"flag": "threat"}).json()
        page = client.get("/search", params={"flag": "threat"})
    (hit,) = body["items"]  # 7: threat and abuse, urgency by 7 % 3 = 1 (normal)
    assert hit["flags"] == ["threat", "abuse"] and hit["urgency"] == "normal"
    assert '<span class="badge badge-critical" data-flag>threat</span>' in page.text
    assert '<span class="badge badge-tag" data-flag>abuse</span>' in page.text
    assert "data-urgency" not in page.text
    with api(running) as client:
        urgent = client.get("/search", params={"urgency": "high", "flag": "press"})
    assert urgent.text.count("data-urgency>high urgency<") == 1  # 5 (10 is normal)
    with api(running) as client:
        high = client.get("/search", params={"urgency": "high"})
    expected = len([n for n in range(1, 14) if n % 3 == 2])
    assert high.text.count("data-urgency>high urgency<") == expected


def test_a_saved_search_with_flag_and_urgency_is_honoured_by_an_alert_rule(
    tmp_path: Path,
) -> None:
    db = tmp_path / "alerts.db"
    with open_store(db) as store:
        SavedSearches(store).save(
            "Urgent threats", "", {"flag": "threat", "urgency": "high"}, by="t", at=NOW
        )
    settings = Settings.model_validate(
        {
            "brands": [{"name": "acme", "query": "acme"}],
            "storage": {"sqlite": str(db)},
            "alerts": {
                "enabled": True,
                "channels": [{"name": "slack", "type": "console"}],
                "rules": [{"type": "saved_search", "name": "watch", "saved": "Urgent threats"}],
            },
        }
    )
    assert saved_search_problems(settings) == []  # not refused as a filter it cannot test
    h = Harness(tmp_path, settings)
    h.feed(
        [
            judged("acme I will hurt you", flags=["threat"], urgency=Urgency.HIGH, n=1),
            judged("acme I will hurt you", flags=["threat"], n=2),
            judged("acme is down", urgency=Urgency.HIGH, n=3),
            judged("acme news", flags=["press"], urgency=Urgency.HIGH, n=4),
        ]
    )
    assert [a.mention_ids for a in h.alerts(AlertKind.SAVED_SEARCH)] == [("feed:1",)]
    h.store.close()
