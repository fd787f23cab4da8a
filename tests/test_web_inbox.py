"""The inbox and alert API and pages over plain HTTP: filters, order, cursor pages, every
action with the event it records (who, when), bulk actions, snoozes and roles."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from alerts.drafts.replies import draft_replies
from listener.models import AlertKind, AlertState, Author, Finding, Judgments, Severity
from listener.store import accounts, open_store
from listener.store.inbox_reads import InboxKey, InboxQuery, page_sql
from listener.web.auth import LOCAL_OPERATOR
from listener.web.security import CSRF_COOKIE
from tests.alert_helpers import raise_alert
from tests.helpers import SettableClock
from tests.inbox_helpers import INBOX_SETTINGS, NOW, alert_about
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import signed_in

Start = Callable[..., WebServer]


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


@pytest.fixture
def inbox(web_server: Start, clock: SettableClock) -> WebServer:
    return web_server(INBOX_SETTINGS, clock=clock)


def api(running: WebServer, path: str, **params: Any) -> Any:
    response = httpx.get(f"{running.url}/api/v1/alerts{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def browser(running: WebServer) -> httpx.Client:
    """A client that acts as the page's scripts do: it has the CSRF cookie from a page and
    sends its token back in the X-CSRF-Token header (as base.html makes htmx do)."""
    if "client" not in running.extra:
        client = httpx.Client(base_url=running.url)
        client.get("/inbox")
        client.headers["X-CSRF-Token"] = client.cookies[CSRF_COOKIE]
        running.extra["client"] = client
    client: httpx.Client = running.extra["client"]
    return client


def post(running: WebServer, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return browser(running).post(f"/api/v1/alerts{path}", json=body)


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


def test_open_alerts_most_severe_then_newest_first(inbox: WebServer) -> None:
    store = inbox.store
    low = alert_about(store, 1, at=NOW - timedelta(minutes=50), severity=Severity.LOW)
    old_high = alert_about(store, 2, at=NOW - timedelta(minutes=40), severity=Severity.HIGH)
    new_high = alert_about(store, 3, at=NOW - timedelta(minutes=30), severity=Severity.HIGH)
    critical = alert_about(store, 4, at=NOW - timedelta(minutes=60), severity=Severity.CRITICAL)
    normal = alert_about(store, 5, at=NOW - timedelta(minutes=10))
    closed = alert_about(store, 6, at=NOW - timedelta(minutes=5), severity=Severity.CRITICAL)
    store.set_alert_state(closed.id, AlertState.RESOLVED, at=NOW, by="ann")

    page = api(inbox, "")
    assert ids(page) == [critical.id, new_high.id, old_high.id, normal.id, low.id]
    assert page["next_cursor"] is None
    resolved = api(inbox, "", state="resolved")
    assert ids(resolved) == [closed.id]


def test_a_row_says_who_where_reach_first_words_and_the_sla_clock(inbox: WebServer) -> None:
    long_text = "Acme " + "word " * 100
    alert_about(
        inbox.store,
        1,
        at=NOW - timedelta(minutes=10),
        text=long_text,
        author=Author(handle="vipfan", name="Vera Fan", followers=12_000),
        reach=12_345,
    )
    alert_about(inbox.store, 2, at=NOW - timedelta(minutes=45))
    rows = {r["author"]["handle"]: r for r in api(inbox, "")["items"]}
    vip = rows["vipfan"]
    assert vip["author"]["name"] == "Vera Fan"
    assert vip["author"]["tags"] == ["vip"]
    assert vip["source"] == "news"
    assert vip["reach"] == 12_345
    assert vip["excerpt"].startswith("Acme word word")
    assert len(vip["excerpt"]) <= 140 and vip["excerpt"].endswith("…")
    assert vip["sla"]["status"] == "running" and vip["sla"]["seconds"] == 20 * 60
    late = rows["user2"]
    assert late["sla"]["status"] == "overdue" and late["sla"]["seconds"] == 15 * 60


def test_filters(inbox: WebServer, clock: SettableClock) -> None:
    store = inbox.store
    a1 = alert_about(store, 1, at=NOW - timedelta(minutes=45))  # breaching: new after 30 min
    a2 = alert_about(store, 2, at=NOW - timedelta(minutes=5), source="forum", brand="Globex")
    a3 = alert_about(store, 3, at=NOW - timedelta(minutes=50), severity=Severity.LOW)
    a4 = alert_about(store, 4, at=NOW - timedelta(minutes=40), rule="vip-watch")
    a5 = alert_about(store, 5, at=NOW - timedelta(minutes=3), kind=AlertKind.INCIDENT)
    store.assign_alert(a2.id, "local", at=NOW, by="ann")
    store.assign_alert(a4.id, "bo", at=NOW, by="ann")
    store.set_alert_state(a4.id, AlertState.ACKNOWLEDGED, at=NOW, by="bo")

    assert set(ids(api(inbox, "", brand="Globex"))) == {a2.id}
    assert set(ids(api(inbox, "", source="forum"))) == {a2.id}
    assert set(ids(api(inbox, "", severity="low"))) == {a3.id}
    assert set(ids(api(inbox, "", rule="vip-watch"))) == {a4.id}
    assert set(ids(api(inbox, "", state="acknowledged"))) == {a4.id}
    assert set(ids(api(inbox, "", assignee="bo"))) == {a4.id}
    assert set(ids(api(inbox, "", kind="incident"))) == {a5.id}
    # "mine": assigned to whoever asks (here the local operator).
    assert LOCAL_OPERATOR.name == "local"
    assert set(ids(api(inbox, "", mine="true"))) == {a2.id}
    assert set(ids(api(inbox, "", unassigned="true"))) == {a1.id, a3.id, a5.id}
    # Breaching the SLA as the SLA rule decides: still new after ack_within, of its kinds
    # (complaint, incident) and at least its min_severity (normal): not the low one.
    assert set(ids(api(inbox, "", breaching="true"))) == {a1.id}
    clock.advance(minutes=30)
    assert set(ids(api(inbox, "", breaching="true"))) == {a1.id, a2.id, a5.id}


def test_breaching_is_refused_without_an_sla(web_server: Start) -> None:
    running = web_server()
    response = httpx.get(f"{running.url}/api/v1/alerts", params={"breaching": "true"})
    assert response.status_code == 400
    assert "no SLA is configured" in response.text


def test_unknown_filter_values_are_refused(inbox: WebServer) -> None:
    assert httpx.get(f"{inbox.url}/api/v1/alerts?severity=urgent").status_code == 422
    assert httpx.get(f"{inbox.url}/api/v1/alerts?cursor=bogus").status_code == 400


def test_cursor_pages_walk_every_open_alert_once_in_order(inbox: WebServer) -> None:
    store = inbox.store
    made = []
    for n in range(1, 24):
        severity = (Severity.LOW, Severity.NORMAL, Severity.HIGH)[n % 3]
        made.append(alert_about(store, n, at=NOW - timedelta(minutes=n % 7), severity=severity))
    everything = ids(api(inbox, "", limit=100))
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 5}
        if cursor:
            params["cursor"] = cursor
        page = api(inbox, "", **params)
        seen += ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert sorted(seen) == sorted(a.id for a in made)
    ranks = [-s.rank for s in (store.get_alert(i).severity for i in seen)]  # type: ignore[union-attr]
    assert ranks == sorted(ranks)


def test_a_page_reads_the_inbox_index_in_order(inbox: WebServer) -> None:
    """The open alerts' page walks alerts_inbox in order and stops at the limit: no sort of
    every open alert per request, with or without filters."""
    for filters in ({}, {"brand": "Acme", "assignee": "bo"}):
        query = InboxQuery(now=NOW, **filters)  # type: ignore[arg-type]
        after = InboxKey(1, "2026-12-05T12:00:00.000000+00:00", 10)
        for key in (None, after):
            sql, params = page_sql(query, after=key)
            with inbox.store._read() as conn:
                plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}", {**params, "limit": 51})
                details = " ".join(row["detail"] for row in plan)
            assert "USING INDEX alerts_inbox" in details and "TEMP B-TREE" not in details


def test_alert_detail_has_mentions_judgments_drafts_history_and_author(inbox: WebServer) -> None:
    from listener.models import ReplyDraft

    store = inbox.store
    author = Author(handle="vipfan", name="Vera Fan")
    earlier = alert_about(store, 1, at=NOW - timedelta(days=2), author=author)
    store.set_alert_state(earlier.id, AlertState.RESOLVED, at=NOW - timedelta(days=1), by="bo")
    draft = ReplyDraft(
        approach="acknowledge",
        text="Hi Vera, I'm sorry about the parcel.",
        language="en",
        lint={"ok": True, "length": 36, "limit": 280, "name_present": True, "banned": []},
    )
    alert = alert_about(store, 2, at=NOW - timedelta(minutes=5), author=author, drafts=(draft,))
    store.assign_alert(alert.id, "ann", at=NOW, by="bo")

    detail = api(inbox, f"/{alert.id}")
    assert detail["alert"]["id"] == alert.id
    [mention] = detail["mention_list"]
    assert mention["lead"] and mention["judgments"]["complaint"] is True
    assert mention["author"]["tags"] == ["vip"]
    [shown] = detail["drafts"]
    assert shown["text"] == draft.text and shown["lint_ok"] is True
    assert shown["lint_passed"] == ["name"]
    assert [(e["what"], e["by"]) for e in detail["events"]] == [
        ("raised", None),
        ("assigned", "bo"),
    ]
    history = {h["id"]: h for h in detail["author_history"]}
    assert set(history) == {"news:1", "news:2"}
    assert history["news:2"]["in_this_alert"] and not history["news:1"]["in_this_alert"]
    assert httpx.get(f"{inbox.url}/api/v1/alerts/999").status_code == 404


def events(running: WebServer, alert_id: int) -> list[tuple[str, str | None, str | None]]:
    return [(e.what, e.by, e.detail) for e in running.store.alert_events(alert_id)]


def test_every_action_moves_the_alert_and_records_who(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW - timedelta(minutes=5))
    path = f"/{alert.id}"
    ack = post(inbox, f"{path}/acknowledge")
    assert ack.status_code == 200 and ack.json()["state"] == "acknowledged"
    assigned = post(inbox, f"{path}/assign", {"assignee": "Bo", "note": "she knows the courier"})
    assert assigned.json()["assignee"] == "Bo"
    replied = post(inbox, f"{path}/reply", {"reply": "Sorry! DM us your order number."})
    assert replied.json()["state"] == "replied"
    resolved = post(inbox, f"{path}/resolve")
    assert resolved.json()["state"] == "resolved"
    refused = post(inbox, f"{path}/acknowledge")
    assert refused.status_code == 409 and "reopen it first" in refused.text
    reopened = post(inbox, f"{path}/reopen")
    assert reopened.json()["state"] == "replied"  # back where it was, as the CLI does
    ignored = post(inbox, f"{path}/ignore")
    assert ignored.json()["state"] == "ignored"
    assert post(inbox, f"{path}/ignore").json()["state"] == "ignored"  # no second event

    assert events(inbox, alert.id) == [
        ("raised", None, "complaint"),
        ("acknowledged", "local", None),
        ("assigned", "local", "assignee: Bo"),
        ("note", "local", "she knows the courier"),
        ("replied", "local", None),
        ("reply sent", "local", "Sorry! DM us your order number."),
        ("resolved", "local", None),
        ("reopened", "local", "state: replied"),
        ("ignored", "local", None),
    ]
    detail = api(inbox, path)
    assert [(r["by"], r["text"]) for r in detail["replies"]] == [
        ("local", "Sorry! DM us your order number.")
    ]
    assert post(inbox, "/999/acknowledge").status_code == 404
    assert post(inbox, f"{path}/explode").status_code == 422


def test_acknowledging_a_replied_alert_keeps_it_replied(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    post(inbox, f"/{alert.id}/reply", {"reply": ""})
    assert post(inbox, f"/{alert.id}/acknowledge").json()["state"] == "replied"
    assert [e[0] for e in events(inbox, alert.id)] == ["raised", "replied"]


def test_snooze_until_a_time_hides_the_alert_until_then(
    inbox: WebServer, clock: SettableClock
) -> None:
    alert = alert_about(inbox.store, 1, at=NOW - timedelta(minutes=5))
    other = alert_about(inbox.store, 2, at=NOW - timedelta(minutes=6))
    until = (NOW + timedelta(hours=2)).isoformat()
    snoozed = post(inbox, f"/{alert.id}/snooze", {"until": until})
    assert snoozed.status_code == 200, snoozed.text
    assert snoozed.json()["snooze"]["active"] is True
    assert ids(api(inbox, "")) == [other.id]
    assert ids(api(inbox, "", snoozed="true")) == [alert.id]
    clock.advance(hours=2, seconds=1)
    assert set(ids(api(inbox, ""))) == {alert.id, other.id}
    assert ("snoozed", "local", "until 2026-12-05 14:00 UTC") in events(inbox, alert.id)


def test_snooze_until_escalation_ends_when_the_sla_escalates_or_severity_rises(
    inbox: WebServer,
) -> None:
    store = inbox.store
    first = alert_about(store, 1, at=NOW - timedelta(minutes=5))
    second = alert_about(store, 2, at=NOW - timedelta(minutes=6))
    for alert in (first, second):
        assert post(inbox, f"/{alert.id}/snooze", {"until_escalation": True}).status_code == 200
    assert ids(api(inbox, "")) == []
    with store.alert_transaction() as tx:
        tx.mark_escalated(first.id, NOW + timedelta(minutes=1))
        tx.fold_into(second.id, [], at=NOW, severity=Severity.HIGH, severity_reasons=["reach"])
    assert set(ids(api(inbox, ""))) == {first.id, second.id}


def test_snooze_needs_a_future_time_and_an_open_alert(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    assert post(inbox, f"/{alert.id}/snooze", {}).status_code == 422
    past = (NOW - timedelta(hours=1)).isoformat()
    assert post(inbox, f"/{alert.id}/snooze", {"until": past}).status_code == 422
    post(inbox, f"/{alert.id}/resolve")
    later = (NOW + timedelta(hours=1)).isoformat()
    assert post(inbox, f"/{alert.id}/snooze", {"until": later}).status_code == 409


def test_unsnooze_and_closing_end_a_snooze(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    post(inbox, f"/{alert.id}/snooze", {"until_escalation": True})
    assert post(inbox, f"/{alert.id}/unsnooze").json()["snooze"] is None
    assert ids(api(inbox, "")) == [alert.id]
    post(inbox, f"/{alert.id}/snooze", {"until_escalation": True})
    post(inbox, f"/{alert.id}/resolve")
    assert post(inbox, f"/{alert.id}/reopen").json()["snooze"] is None
    assert ids(api(inbox, "")) == [alert.id]


def test_bulk_acts_on_each_and_reports_each(inbox: WebServer) -> None:
    store = inbox.store
    a1 = alert_about(store, 1, at=NOW)
    a2 = alert_about(store, 2, at=NOW)
    a3 = alert_about(store, 3, at=NOW)
    store.set_alert_state(a3.id, AlertState.RESOLVED, at=NOW, by="bo")
    result = post(inbox, "/bulk", {"ids": [a1.id, a2.id, a3.id, 999], "action": "acknowledge"})
    assert result.status_code == 200, result.text
    body = result.json()
    assert (body["done"], body["refused"]) == (2, 2)
    outcome = {o["id"]: o for o in body["outcomes"]}
    assert outcome[a3.id]["problem"] == f"alert #{a3.id} is resolved; reopen it first"
    assert outcome[999]["problem"] == "no alert with id 999"
    for alert in (a1, a2):
        assert ("acknowledged", "local", None) in events(inbox, alert.id)
    assigned = post(inbox, "/bulk", {"ids": [a1.id, a2.id], "action": "assign", "assignee": "cy"})
    assert assigned.json()["done"] == 2
    assert {store.get_alert(i).assignee for i in (a1.id, a2.id)} == {"cy"}  # type: ignore[union-attr]


def test_pages_render_and_filter_without_javascript(inbox: WebServer) -> None:
    store = inbox.store
    alert = alert_about(store, 1, at=NOW - timedelta(minutes=5))
    alert_about(store, 2, at=NOW - timedelta(minutes=5), brand="Globex")
    page = httpx.get(f"{inbox.url}/inbox")
    assert page.status_code == 200
    assert f'href="/alerts/{alert.id}"' in page.text and "Breaching SLA" in page.text
    filtered = httpx.get(f"{inbox.url}/inbox", params={"brand": "Globex"})
    assert f'href="/alerts/{alert.id}"' not in filtered.text
    # htmx asks for the list only.
    part = httpx.get(f"{inbox.url}/inbox", headers={"HX-Request": "true"})
    assert part.text.lstrip().startswith('<div id="inbox-list">')
    shown = httpx.get(f"{inbox.url}/alerts/{alert.id}")
    assert shown.status_code == 200 and "parcel number 1" in shown.text
    assert httpx.get(f"{inbox.url}/alerts/999").status_code == 404


def test_empty_inbox_says_what_it_means(inbox: WebServer) -> None:
    page = httpx.get(f"{inbox.url}/inbox")
    assert "Nothing open — new complaints land here" in page.text


def test_page_actions_redirect_back_and_answer_htmx_with_the_row(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    page = browser(inbox)
    plain = page.post(f"/alerts/{alert.id}/acknowledge", data={})
    assert plain.status_code == 303 and plain.headers["location"] == f"/alerts/{alert.id}"
    row = page.post(
        f"/alerts/{alert.id}/resolve",
        data={"view": "row"},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 200
    assert f'id="alert-row-{alert.id}"' in row.text and "badge-resolved" in row.text
    refused = page.post(
        f"/alerts/{alert.id}/acknowledge",
        data={"view": "row"},
        headers={"HX-Request": "true"},
    )
    assert "reopen it first" in refused.text
    reopened = page.post(f"/alerts/{alert.id}/reopen", headers={"HX-Request": "true"})
    assert 'id="alert-body"' in reopened.text and "badge-acknowledged" in reopened.text
    bulk = page.post(
        "/inbox/bulk",
        data={"ids": [str(alert.id)], "action": "snooze", "snooze_for": "1h"},
        headers={"HX-Request": "true", "HX-Current-URL": f"{inbox.url}/inbox?brand=Acme"},
    )
    assert bulk.status_code == 200 and "1 done" in bulk.text
    assert ("snoozed", "local", "until 2026-12-05 13:00 UTC") in events(inbox, alert.id)


def test_the_newer_notice_speaks_only_of_alerts_the_list_would_show(inbox: WebServer) -> None:
    first = alert_about(inbox.store, 1, at=NOW)
    quiet = httpx.get(f"{inbox.url}/inbox/newer", params={"after": first.id})
    assert "refresh" not in quiet.text
    alert_about(inbox.store, 2, at=NOW, brand="Globex")
    other_brand = httpx.get(f"{inbox.url}/inbox/newer", params={"after": first.id, "brand": "Acme"})
    assert "refresh" not in other_brand.text
    news = httpx.get(f"{inbox.url}/inbox/newer", params={"after": first.id})
    assert "New alerts came in — refresh" in news.text


def test_the_event_stream_sends_new_rows_that_match(inbox: WebServer) -> None:
    first = alert_about(inbox.store, 1, at=NOW)
    url = f"{inbox.url}/inbox/events"
    with httpx.stream("GET", url, params={"after": first.id, "brand": "Acme"}, timeout=10) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        # Raised through another store on the same file, as a daemon beside `listener web`
        # would: the stream reads the database, not this process's memory.
        with open_store(inbox.store.path) as other:
            alert_about(other, 2, at=NOW, brand="Globex")  # filtered out
            wanted = alert_about(other, 3, at=NOW, text="Acme broke my <b>heart</b>")
        received = ""
        for chunk in r.iter_text():
            received += chunk
            if "\n\n" in received.split("event: alert", 1)[-1] and "event: alert" in received:
                break
    event = received.split("event: alert", 1)[1]
    assert f'id="alert-row-{wanted.id}"' in event
    assert "alert-row-2" not in received
    assert "&lt;b&gt;heart&lt;/b&gt;" in event
    assert f"id: {wanted.id}" in received


@pytest.mark.parametrize("path", ["/acknowledge", "/assign", "/reply", "/resolve", "/snooze"])
def test_a_viewer_may_read_but_not_act(web_server: Start, path: str) -> None:
    running = web_server(INBOX_SETTINGS)
    alert = alert_about(running.store, 1, at=NOW)
    _token, secret = accounts.create_token(running.store, "reader", "viewer", "test", NOW)
    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{running.url}/api/v1/alerts", headers=headers).status_code == 200
    refused = httpx.post(f"{running.url}/api/v1/alerts/{alert.id}{path}", headers=headers, json={})
    assert refused.status_code == 403
    bulk = httpx.post(
        f"{running.url}/api/v1/alerts/bulk",
        headers=headers,
        json={"ids": [alert.id], "action": "resolve"},
    )
    assert bulk.status_code == 403
    assert running.store.get_alert(alert.id).state == AlertState.NEW  # type: ignore[union-attr]


def test_a_script_with_an_agent_token_acts_in_its_own_name(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    _token, secret = accounts.create_token(inbox.store, "helpdesk-bot", "agent", "test", NOW)
    done = httpx.post(
        f"{inbox.url}/api/v1/alerts/{alert.id}/acknowledge",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert done.status_code == 200, done.text
    assert ("acknowledged", "helpdesk-bot", None) in events(inbox, alert.id)


def test_a_page_post_without_the_csrf_token_is_refused(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    client = httpx.Client(base_url=inbox.url)
    client.get("/inbox")
    refused = client.post(f"/alerts/{alert.id}/acknowledge", data={})
    assert refused.status_code == 403
    assert inbox.store.get_alert(alert.id).state == AlertState.NEW  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/alerts/99999999999999999999999", None),
        ("POST", "/api/v1/alerts/99999999999999999999999/resolve", {}),
        ("POST", "/api/v1/alerts/bulk", {"ids": [2**64], "action": "resolve"}),
        ("POST", "/api/v1/alerts/bulk", {"ids": [], "action": "resolve"}),
        ("POST", "/api/v1/alerts/1/snooze", {"until": "2030-01-01T10:00:00"}),
        ("POST", "/api/v1/alerts/1/assign", {"assignee": "x" * 201}),
        ("GET", "/inbox/newer?after=99999999999999999999999", None),
        ("GET", "/api/v1/alerts?cursor=WzQsIngiLDk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ", None),
    ],
)
def test_out_of_range_input_is_refused_not_a_server_error(
    inbox: WebServer, method: str, path: str, body: dict[str, Any] | None
) -> None:
    alert_about(inbox.store, 1, at=NOW)
    answer = browser(inbox).request(method, path, json=body)
    assert 400 <= answer.status_code < 500, answer.text


def test_bad_form_values_on_the_pages_are_refused_not_a_server_error(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    page = browser(inbox)
    long_name = page.post(f"/alerts/{alert.id}/assign", data={"assignee": "x" * 300})
    assert long_name.status_code == 422
    bad_time = page.post(f"/alerts/{alert.id}/snooze", data={"until": "tomorrow-ish"})
    assert bad_time.status_code == 422
    bad_view = page.post(
        "/inbox/bulk",
        data={"ids": [str(alert.id)], "action": "resolve"},
        headers={"HX-Request": "true", "HX-Current-URL": f"{inbox.url}/inbox?severity=urgent"},
    )
    assert bad_view.status_code == 422
    assert inbox.store.get_alert(alert.id).state == AlertState.NEW  # type: ignore[union-attr]


def test_an_event_keeps_blank_lines_of_its_html_inside_the_event() -> None:
    from listener.web.inbox_stream import sse_event

    event = sse_event("alert", "<tr>\n\n<td>a</td>\n</tr>", 42)
    assert event == "id: 42\nevent: alert\ndata: <tr>\ndata: \ndata: <td>a</td>\ndata: </tr>\n\n"
    assert event.count("\n\n") == 1 and event.endswith("\n\n")


def test_a_signed_in_viewer_sees_no_action_and_an_agent_acts_in_their_name(
    inbox: WebServer,
) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    viewer = signed_in(inbox, "vera", "viewer")
    listing = viewer.get("/inbox")
    assert listing.status_code == 200 and f'id="alert-row-{alert.id}"' in listing.text
    assert 'data-action="acknowledge"' not in listing.text and 'id="bulk-form"' not in listing.text
    shown = viewer.get(f"/alerts/{alert.id}")
    assert shown.status_code == 200 and "Mark replied" not in shown.text
    assert viewer.post(f"/alerts/{alert.id}/acknowledge", data={}).status_code == 403

    agent = signed_in(inbox, "ann", "agent")
    assert 'data-action="acknowledge"' in agent.get("/inbox").text
    assert agent.post(f"/alerts/{alert.id}/acknowledge", data={}).status_code == 303
    mine = agent.get("/api/v1/alerts", params={"mine": "true"}).json()
    assert mine["items"] == []
    agent.post(f"/api/v1/alerts/{alert.id}/assign", json={"assignee": "ann"})
    assert ids(agent.get("/api/v1/alerts", params={"mine": "true"}).json()) == [alert.id]
    assert ("acknowledged", "ann", None) in events(inbox, alert.id)


def test_the_page_shows_older_alerts_on_demand(inbox: WebServer) -> None:
    made = [alert_about(inbox.store, n, at=NOW - timedelta(minutes=n)) for n in range(1, 56)]
    first = httpx.get(f"{inbox.url}/inbox")
    assert first.text.count("data-row ") == 50 and 'id="inbox-more"' in first.text
    more_url = re.search(r'hx-get="(/inbox\?cursor=[^"]+)"', first.text)
    assert more_url is not None
    more = httpx.get(f"{inbox.url}{more_url.group(1)}", headers={"HX-Request": "true"})
    assert more.text.count("data-row ") == 5 and 'id="inbox-more"' not in more.text
    assert f'id="alert-row-{made[-1].id}"' in more.text


def test_the_alert_page_says_its_drafts_apart_and_what_would_add_the_missing_ones(
    inbox: WebServer,
) -> None:
    judged = Judgments(
        complaint=True,
        complaint_score=0.9,
        language="en",
        feelings=(Finding("angry", ("angry", "worst")),),
        topics=(Finding("billing", ("charged",)), Finding("product_quality", ("broke",))),
    )
    mention = make_mention(
        1, text="Acme charged me twice, angry, worst app", brands=("Acme",), judgments=judged
    )
    inbox.store.insert_mentions([mention])
    # What the rules draft with the shipped settings for a feed (RSS) mention: no fix for
    # the topic, and a feed has no direct messages, so the acknowledgement twice.
    drafts = draft_replies(mention, settings=inbox.context.settings.replies, brand="Acme")
    assert [d.approach for d in drafts] == ["acknowledge", "acknowledge"]
    alert, _ = raise_alert(
        inbox.store, 1, at=NOW, channels=(), mention_ids=(mention.id,), drafts=drafts,
        details={"tags": [], "matched_topics": ["product_quality"]},
    )  # fmt: skip
    text = " ".join(httpx.get(f"{inbox.url}/alerts/{alert.id}").text.split())
    titles = re.findall(r'<strong class="draft-title">([^<]*)</strong>', text)
    assert titles == ["Acknowledge", "Acknowledge — another wording"]
    assert "Add a fix for &#39;billing&#39; under replies.fixes (key billing) to get a" in text
    assert "No &#39;Take it private&#39; draft: rss mentions cannot be answered by direct" in text
    # Details: an empty list is left out, a list shows as badges, never as a Python list.
    assert "[]" not in text and "<dt>tags</dt>" not in text
    assert (
        '<dt>matched topics</dt><dd class="detail-value"><span class="badge">product quality'
        in text
    )
    # A finding's label, then its evidence words apart from it.
    assert (
        '<strong class="chip">angry</strong> <span class="muted evidence-words">angry, worst</span>'
        in text
    )
    assert '<strong class="chip">product quality</strong>' in text
    mention_page = httpx.get(f"{inbox.url}/mentions/{mention.id}").text
    assert "product quality" in mention_page and "product_quality</span>" not in mention_page


def test_a_bulk_action_says_what_happened_to_which_alert(inbox: WebServer) -> None:
    first = alert_about(inbox.store, 1, at=NOW - timedelta(minutes=5))
    second = alert_about(inbox.store, 2, at=NOW - timedelta(minutes=6))
    inbox.store.set_alert_state(second.id, AlertState.RESOLVED, at=NOW, by="bo")
    page = browser(inbox)
    htmx = {"HX-Request": "true", "HX-Current-URL": f"{inbox.url}/inbox"}
    acked = page.post(
        "/inbox/bulk",
        data={"ids": [str(first.id), str(second.id)], "action": "acknowledge"},
        headers=htmx,
    )
    assert f"<li>Alert #{first.id} acknowledged</li>" in acked.text
    assert f"<li>Alert #{second.id} not changed: alert #{second.id} is resolved" in acked.text
    assigned = page.post(
        "/inbox/bulk", data={"ids": [str(first.id)], "action": "assign", "assignee": "Cy"},
        headers=htmx,
    )  # fmt: skip
    assert f"<li>Alert #{first.id} assigned to Cy</li>" in assigned.text


def test_a_viewer_is_told_in_one_line_why_there_is_nothing_to_press(inbox: WebServer) -> None:
    alert = alert_about(inbox.store, 1, at=NOW)
    line = "You can read; acting on alerts needs the agent role — ask an admin."
    viewer = signed_in(inbox, "vera", "viewer")
    for path in ("/inbox", f"/alerts/{alert.id}"):
        assert line in viewer.get(path).text, path
    assert "marking complaints needs the agent role" in viewer.get("/mentions/news:1").text
    agent = signed_in(inbox, "ann", "agent")
    for path in ("/inbox", f"/alerts/{alert.id}", "/mentions/news:1"):
        assert "needs the agent role" not in agent.get(path).text, path


def test_state_open_in_a_url_is_the_default_list_of_every_open_state(inbox: WebServer) -> None:
    new = alert_about(inbox.store, 1, at=NOW - timedelta(minutes=1))
    acked = alert_about(inbox.store, 2, at=NOW - timedelta(minutes=2))
    closed = alert_about(inbox.store, 3, at=NOW - timedelta(minutes=3))
    inbox.store.set_alert_state(acked.id, AlertState.ACKNOWLEDGED, at=NOW, by="bo")
    inbox.store.set_alert_state(closed.id, AlertState.RESOLVED, at=NOW, by="bo")
    page = httpx.get(f"{inbox.url}/inbox", params={"state": "open"})
    assert page.status_code == 200
    assert f'id="alert-row-{new.id}"' in page.text and f'id="alert-row-{acked.id}"' in page.text
    assert f'id="alert-row-{closed.id}"' not in page.text
    assert set(ids(api(inbox, "", state="open"))) == {new.id, acked.id}
    assert httpx.get(f"{inbox.url}/inbox", params={"state": "opened"}).status_code == 422
