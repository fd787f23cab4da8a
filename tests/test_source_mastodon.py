"""The mastodon source against a local server replaying Mastodon.py's recorded answers of a
Mastodon 4.6 dev server (tests/fixtures/mastodon/, provenance in its README.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement
from listener.sources import mastodon
from listener.sources.errors import PermanentError, RateLimited, TransientError
from tests.source_helpers import NOW, Capture, ReplayPlan, capture, next_state, poll_source, serve

HOOT = "mastodon/extracted/mastodonpy__test_hashtag_tl__02.meta.json"  # GET tag/hoot
DELETED = "mastodon/extracted/mastodonpy__test_hashtag_tl__03.meta.json"  # DELETE's answer
PUBLIC = "mastodon/extracted/mastodonpy__test_public_tl_anonymous__02.meta.json"  # 8 statuses
SEARCH_EMPTY = "mastodon/extracted/mastodonpy__test_search__02.meta.json"
EDITED = "mastodon/extracted/mastodonpy__test_status_edit__03.meta.json"
MISSING = "mastodon/extracted/mastodonpy__test_status_missing__00.meta.json"  # 404
TAG_PATH = "/api/v1/timelines/tag/hoot"
HOOT_ID = "117020593741189701"
START = mastodon.snowflake_at(NOW - timedelta(days=1))  # a default first poll's min_id
RECORDED = datetime(2026, 8, 1, 14, 0, tzinfo=UTC)  # just after the captures were made


def replay(server: HTTPServer) -> ReplayPlan:
    """The #hoot timeline, for the all-sources test (tests/test_sources_all.py)."""
    serve(server, "/mastodon" + TAG_PATH, capture(HOOT))
    return ReplayPlan(
        options={"instance_url": server.url_for("/mastodon"), "hashtags": ["hoot"]},
        term="hoot",  # "#hoot (hashtag toot)"
        mentions=1,
    )


def base(server: HTTPServer) -> str:
    return server.url_for("")


def statuses(*ids: int) -> list[dict[str, Any]]:
    """Copies of the recorded #hoot status under other ids, newest first as Mastodon sends."""
    [status] = capture(HOOT).json()
    return [{**status, "id": str(i)} for i in ids]


def page(items: list[dict[str, Any]], **headers: str) -> Capture:
    return Capture(json.dumps(items).encode(), 200, headers)


def test_a_hashtag_status_maps_to_a_mention(httpserver: HTTPServer) -> None:
    serve(httpserver, TAG_PATH, capture(HOOT))
    result = poll_source(mastodon, instance_url=base(httpserver), hashtags=["#hoot"])
    [item] = result.items
    assert item.native_id == HOOT_ID
    assert item.url == f"http://localhost:3000/@mastodonpy_test_2/{HOOT_ID}"
    assert item.html.startswith('<p><a href="http://localhost:3000/tags/hoot"')
    assert item.title is None  # no content warning
    assert item.author == Author(
        handle="mastodonpy_test_2",
        name=None,  # display_name is ""
        url="http://localhost:3000/@mastodonpy_test_2",
        followers=0,
        created_at=datetime(2026, 8, 1, tzinfo=UTC),  # the profile (issue 18)
        bio="",  # note is "": an empty bio, which clears a stored one (not None: not given)
        following=0,
        posts=3,
    )
    assert item.published_at == datetime(2026, 8, 1, 13, 55, 55, 867000, tzinfo=UTC)
    assert item.language == "ja"  # what the client claimed, though the text is English
    assert item.engagement == Engagement(likes=0, shares=0, replies=0)
    assert item.parent_id is None and item.thread_id == HOOT_ID
    assert item.edited_at is None and not item.deleted
    assert item.extra["tags"] == ["hoot"] and item.extra["visibility"] == "public"
    assert item.extra["uri"].endswith(f"/statuses/{HOOT_ID}")
    assert result.problems == []


def test_the_public_timeline_capture_maps_every_status_with_edits_and_audiences(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, TAG_PATH, capture(PUBLIC))
    items = poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"]).items
    assert len(items) == 8
    by_id = {i.native_id: i for i in items}
    edited = by_id["117020586180926938"]
    assert edited.edited_at == datetime(2026, 8, 1, 13, 54, 0, 695000, tzinfo=UTC)
    assert "KDE Advanced Text Editor" in edited.html
    admin = by_id["117020592137523525"]
    assert admin.author.handle == "admin" and admin.author.followers == 1
    assert admin.language == "en"
    assert admin.html == "<p>you can&#39;t say that on television</p>"  # HTML passed through


def test_the_first_poll_looks_back_and_the_next_asks_for_newer_ids(
    httpserver: HTTPServer,
) -> None:
    timeline = serve(httpserver, TAG_PATH, capture(HOOT))
    options = {"instance_url": base(httpserver), "hashtags": ["hoot"], "lookback": "2d"}
    first = poll_source(mastodon, now=RECORDED, **options)
    sent = timeline.args[0]
    # Snowflake ids are milliseconds << 16: the id of two days ago starts the first poll.
    assert int(sent["min_id"]) == int((RECORDED - timedelta(days=2)).timestamp() * 1000) << 16
    assert sent["limit"] == "40"
    assert json.loads(first.cursor or "") == {"tag:hoot": HOOT_ID}

    poll_source(mastodon, next_state(first), now=RECORDED, **options)
    assert timeline.args[1]["min_id"] == HOOT_ID  # the newest stored, as Link rel="prev" said


def test_ids_compare_as_numbers_not_text(httpserver: HTTPServer) -> None:
    # "99…" sorts after "100…" as text; as ids 100… is newer.
    newer, older = 10**18, 10**18 - 1
    serve(httpserver, TAG_PATH, page(statuses(newer, older)))
    result = poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"])
    assert json.loads(result.cursor or "") == {"tag:hoot": str(newer)}


def test_a_poll_stops_at_max_pages_and_the_next_goes_on_from_there(
    httpserver: HTTPServer,
) -> None:
    # 100 new statuses after min_id; each page holds the 40 right after its min_id, newest
    # first, with Link rel="prev" naming the next min_id, as Mastodon pages forwards.
    newest = START + 100
    seen: list[str] = []

    def answer(request: Request) -> Response:
        min_id = int(request.args["min_id"])
        seen.append(str(min_id))
        ids = list(range(min(min_id + 40, newest), min_id, -1))
        link = f'<{base(httpserver)}{TAG_PATH}?min_id={ids[0]}>; rel="prev"' if ids else ""
        return page(statuses(*ids), Link=link).response()

    httpserver.expect_request(TAG_PATH).respond_with_handler(answer)
    options = {"instance_url": base(httpserver), "hashtags": ["hoot"], "max_pages": 2}
    state = next_state(poll_source(mastodon, **options))
    assert seen == [str(START), str(START + 40)]
    assert json.loads(state.cursor or "") == {"tag:hoot": str(START + 80)}

    seen.clear()
    result = poll_source(mastodon, state, **options)
    assert seen == [str(START + 80)]  # a short page is the newest end: one request
    assert [i.native_id for i in result.items] == [str(i) for i in range(newest, START + 80, -1)]


def test_each_hashtag_keeps_its_own_cursor(httpserver: HTTPServer) -> None:
    hoot = serve(httpserver, TAG_PATH, capture(HOOT))
    other = serve(httpserver, "/api/v1/timelines/tag/Acme", page([]))
    options = {"instance_url": base(httpserver), "hashtags": ["hoot", "Acme"]}
    first = poll_source(mastodon, now=RECORDED, **options)
    start = str(mastodon.snowflake_at(RECORDED - timedelta(days=1)))
    assert json.loads(first.cursor or "") == {"tag:hoot": HOOT_ID, "tag:acme": start}
    poll_source(mastodon, next_state(first), now=RECORDED, **options)
    assert hoot.args[1]["min_id"] == HOOT_ID and other.args[1]["min_id"] == start


def test_a_low_budget_slows_the_next_poll(httpserver: HTTPServer) -> None:
    reset = (NOW + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%S.916474Z")
    headers = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "2", "x-ratelimit-reset": reset}
    serve(httpserver, TAG_PATH, capture(HOOT, headers=headers))
    result = poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"])
    # 2 requests left for 60.9 s, one request a poll: wait half of it.
    assert result.min_next_check_s == pytest.approx(60.916474 / 2)


def test_the_recorded_budget_is_comfortable(httpserver: HTTPServer) -> None:
    serve(httpserver, TAG_PATH, capture(HOOT))  # 299 of 300 left
    result = poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"])
    assert result.min_next_check_s is None


def test_a_429_waits_for_the_announced_reset(httpserver: HTTPServer) -> None:
    reset = (NOW + timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    headers = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
    serve(httpserver, TAG_PATH, Capture(b'{"error":"Too many requests"}', 429, headers))
    with pytest.raises(RateLimited) as raised:
        poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"])
    assert raised.value.retry_after_s == 240


def test_a_missing_timeline_is_a_permanent_error_naming_the_setting(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, TAG_PATH, capture(MISSING))  # {"error":"Not Found"}
    with pytest.raises(PermanentError, match=r"HTTP 404.*check the url in settings\.yaml"):
        poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"])


def test_an_unexpected_answer_is_a_clear_error(httpserver: HTTPServer) -> None:
    serve(httpserver, TAG_PATH, capture(SEARCH_EMPTY))  # an object, not a list of statuses
    with pytest.raises(TransientError, match="#hoot timeline: expected a list of statuses"):
        poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"])


def test_a_malformed_status_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    serve(httpserver, TAG_PATH, page([*statuses(START + 2), {"id": "not-a-number"}, "junk"]))
    result = poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"])
    assert [i.native_id for i in result.items] == [str(START + 2)]
    assert len(result.problems) == 2 and "not-a-number" in result.problems[0]


def test_the_status_a_delete_returns_still_maps_from_its_source_text(
    httpserver: HTTPServer,
) -> None:
    # DELETE /api/v1/statuses/:id answers with the status' plain "text" and no "content".
    serve(httpserver, TAG_PATH, page([capture(DELETED).json()]))
    [item] = poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"]).items
    assert item.native_id == HOOT_ID and item.html == "#hoot (hashtag toot)"


def test_a_boost_maps_the_boosted_status(httpserver: HTTPServer) -> None:
    [original] = statuses(START + 1)
    booster = {**original["account"], "acct": "fan@other.example"}
    boost = {"id": str(START + 5), "content": "", "account": booster, "reblog": original}
    serve(httpserver, TAG_PATH, page([boost]))
    result = poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"])
    [item] = result.items
    assert item.native_id == str(START + 1) and "hashtag toot" in item.html
    assert item.author.handle == "mastodonpy_test_2"
    assert item.extra["boosted_by"] == "fan@other.example"
    assert json.loads(result.cursor or "") == {"tag:hoot": str(START + 5)}  # timeline position


def test_a_reply_with_a_content_warning_maps_parent_and_title(httpserver: HTTPServer) -> None:
    [status] = statuses(START + 1)
    status.update(in_reply_to_id="117020593741189701", spoiler_text="acme & co <rant>")
    serve(httpserver, TAG_PATH, page([status]))
    [item] = poll_source(mastodon, instance_url=base(httpserver), hashtags=["hoot"]).items
    assert item.parent_id == HOOT_ID and item.thread_id is None  # the root is not named
    assert item.title == "acme &amp; co &lt;rant&gt;"


def test_recheck_reports_deleted_and_edited_statuses(httpserver: HTTPServer) -> None:
    # Timelines never say a status was deleted or edited: fetching it again does.
    timeline = [statuses(START + 2)[0], capture(EDITED).json()]
    serve(httpserver, TAG_PATH, page(timeline))
    options = {"instance_url": base(httpserver), "hashtags": ["hoot"], "recheck": 2}
    first = poll_source(mastodon, **options)
    assert json.loads(first.cursor or "")["recent"] == [str(START + 2), "117020586180926938"]

    httpserver.clear()
    serve(httpserver, TAG_PATH, page([]))
    gone = serve(httpserver, f"/api/v1/statuses/{START + 2}", capture(MISSING))
    serve(httpserver, "/api/v1/statuses/117020586180926938", capture(EDITED))
    second = poll_source(mastodon, next_state(first), **options)
    assert len(gone.requests) == 1
    deleted, edited = second.items
    assert deleted.native_id == str(START + 2) and deleted.deleted
    assert edited.native_id == "117020586180926938" and edited.edited_at is not None
    assert json.loads(second.cursor or "")["recent"] == ["117020586180926938"]


def test_search_sends_the_token_and_reads_newest_first(httpserver: HTTPServer) -> None:
    search = serve(httpserver, "/api/v2/search", capture(SEARCH_EMPTY))  # 0 statuses
    options = {"instance_url": base(httpserver), "query": "acme", "access_token": "s3cret"}
    result = poll_source(mastodon, **options)
    [request] = search.requests
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert request.args["q"] == "acme" and request.args["type"] == "statuses"
    assert request.args["min_id"] == str(START) and "max_id" not in request.args
    assert result.items == [] and json.loads(result.cursor or "") == {"search": {"since": START}}


def test_search_keeps_the_unread_gap_for_the_next_poll(httpserver: HTTPServer) -> None:
    # 99 matching statuses newer than the first poll's start; search answers newest first
    # and pages backwards with max_id.
    requests: list[dict[str, str]] = []

    def answer(request: Request) -> Response:
        requests.append(dict(request.args))
        top = int(request.args.get("max_id", START + 100)) - 1
        ids = list(range(top, max(top - 40, START), -1))
        return Capture(json.dumps({"statuses": statuses(*ids)}).encode()).response()

    httpserver.expect_request("/api/v2/search").respond_with_handler(answer)
    options = {
        "instance_url": base(httpserver),
        "query": "acme",
        "access_token": "t",
        "max_pages": 1,
    }
    first = poll_source(mastodon, **options)
    assert len(first.items) == 40
    cursor = json.loads(first.cursor or "")["search"]
    assert cursor == {"since": START, "newest": START + 99, "gap_until": START + 60}

    second = poll_source(mastodon, next_state(first), **options)
    assert requests[1]["max_id"] == str(START + 60) and requests[1]["min_id"] == str(START)
    assert len(second.items) == 40
    third = poll_source(mastodon, next_state(second, next_state(first)), **options)
    assert len(third.items) == 19  # START+19 … START+1: a short page closes the gap
    assert json.loads(third.cursor or "")["search"] == {"since": START + 99}


@pytest.mark.parametrize(
    "bad",
    [
        {},  # nothing to read
        {"hashtags": ["two words"]},
        {"hashtags": ["ok"], "instance_url": "mastodon.social"},
        {"query": "acme"},  # search needs a token
        {"query": "acme", "access_token": ""},
        {"hashtags": ["ok"], "recheck": 21},
        {"hashtags": ["ok"], "hashtag": ["typo"]},
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        mastodon.Options(**bad)


def test_options_take_hashtags_with_or_without_the_sign() -> None:
    options = mastodon.Options(hashtags=["#Acme", "acme_corp"])
    assert options.hashtags == ("Acme", "acme_corp")
    assert options.instance_url == "https://mastodon.social"
