"""The youtube source against a local server replaying python-youtube's real commentThreads
answers (tests/fixtures/youtube/, provenance in its README.md; the error bodies for quota,
disabled comments and a bad key are synthetic, in the documented shape)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement
from listener.sources import youtube
from listener.sources.base import PollResult
from listener.sources.errors import PermanentError, RateLimited
from listener.sources.timestamps import seconds_until_midnight
from listener.sources.youtube_authors import forget_channels
from tests.source_helpers import (
    NOW,
    Capture,
    ReplayPlan,
    capture,
    next_state,
    poll_source,
    serve,
)

BY_VIDEO = "youtube/python-youtube__comment_threads_comment_threads_by_video_paged_1.json"
WITH_SEARCH = "youtube/python-youtube__comment_threads_comment_threads_with_search.json"
ALL_TO_ME = "youtube/python-youtube__comment_threads_comment_threads_all_to_me.json"
PERMISSION = "youtube/python-youtube__error_permission_resp.json"
QUOTA = "youtube/synthetic_error_quota_exceeded.json"
DISABLED = "youtube/synthetic_error_comments_disabled.json"
BAD_KEY = "youtube/synthetic_error_key_invalid.json"
# Statistics of BY_VIDEO's comment authors: one hidden, one at 0, one channel gone.
CHANNELS = "youtube/synthetic_channels_statistics.json"
PATH = "/youtube/v3/commentThreads"
CHANNELS_PATH = "/youtube/v3/channels"
VIDEO = "F1UP7wRCPH8"
LONG_AGO = "4000d"  # the captures are from 2019: a look-back that reaches them


@pytest.fixture(autouse=True)
def no_cached_channels() -> Iterator[None]:
    # Subscriber counts live in the module for the daemon's lifetime; each test starts bare.
    forget_channels()
    yield
    forget_channels()


def replay(server: HTTPServer) -> ReplayPlan:
    """One page of real comments on one video, and its authors' channels, for the
    all-sources test."""
    serve(server, PATH, capture(BY_VIDEO))
    serve(server, CHANNELS_PATH, capture(CHANNELS))
    term = "heroku"
    threads = capture(BY_VIDEO).json()["items"]
    texts = [t["snippet"]["topLevelComment"]["snippet"]["textOriginal"] for t in threads]
    return ReplayPlan(
        options={
            "api_url": api(server),
            "api_key": "${YOUTUBE_API_KEY}",
            "video_ids": [VIDEO],
            "lookback": LONG_AGO,
            "max_pages": 1,
        },
        term=term,
        mentions=sum(1 for text in texts if re.search(rf"\b{term}\b", text.lower())),
        environ={"YOUTUBE_API_KEY": "replay-key"},
    )


def api(server: HTTPServer) -> str:
    return server.url_for("/youtube/v3")


def options(server: HTTPServer, **more: Any) -> dict[str, Any]:
    return {"api_url": api(server), "api_key": "k3y", "lookback": LONG_AGO, **more}


def test_a_video_comment_thread_maps_to_a_mention(httpserver: HTTPServer) -> None:
    threads = serve(httpserver, PATH, capture(BY_VIDEO))
    serve(httpserver, CHANNELS_PATH, capture(CHANNELS))
    result = poll_source(youtube, **options(httpserver, video_ids=[VIDEO], max_pages=1))
    assert len(result.items) == 5 and result.problems == []
    first, *_, last = result.items
    assert first.native_id == "UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first.url == f"https://www.youtube.com/watch?v={VIDEO}&lc=UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first.html == '<a href="http://google.com/">Google.com</a>'  # textDisplay: HTML
    assert first.title is None
    assert first.author == Author(
        name="himani agarwal",
        url="http://www.youtube.com/channel/UCzj-CjKYmGlZ7vTL-vOe57A",
        followers=1520,  # statistics.subscriberCount, a string, from channels.list
        posts=31,  # statistics.videoCount (issue 18)
    )
    assert first.extra["author_channel_id"] == "UCzj-CjKYmGlZ7vTL-vOe57A"
    assert first.published_at == datetime(2019, 11, 26, 15, 51, 44, tzinfo=UTC)
    assert first.edited_at is None  # updatedAt == publishedAt
    assert first.thread_id == VIDEO and first.parent_id is None
    assert first.language is None and first.rating is None  # the API gives neither
    assert last.engagement == Engagement(likes=0, replies=2)
    assert "Lot&#39;s of good light" in last.html
    assert result.items[2].engagement == Engagement(likes=4, replies=0)

    [sent] = threads.args
    assert sent == {
        "part": "snippet",
        "videoId": VIDEO,
        "order": "time",
        "maxResults": "100",
        "textFormat": "html",
        "key": "k3y",
    }


def test_a_channel_search_maps_channel_threads(httpserver: HTTPServer) -> None:
    threads = serve(httpserver, PATH, capture(WITH_SEARCH))
    channel = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    result = poll_source(youtube, **options(httpserver, channel_id=channel, search_terms="hello"))
    [item] = result.items
    # A comment on the channel itself has no video to link to.
    assert item.url == f"https://www.youtube.com/channel/{channel}"
    assert item.thread_id == channel and item.html == "Hello"
    assert threads.args[0]["allThreadsRelatedToChannelId"] == channel
    assert threads.args[0]["searchTerms"] == "hello"
    assert "videoId" not in threads.args[0]


def test_channel_threads_on_videos_link_to_the_video(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(ALL_TO_ME))
    result = poll_source(youtube, **options(httpserver, channel_id="UCa-vrCLQHviTOVnEKDOdetQ"))
    first = result.items[0]
    assert first.url == "https://www.youtube.com/watch?v=JE8xdDp5B8Q&lc=UgyWeTdgc4sc1xgmbld4AaABAg"
    assert first.thread_id == "JE8xdDp5B8Q"
    assert first.extra["channel_id"] == "UCa-vrCLQHviTOVnEKDOdetQ"


def edited(path: str, updated: str) -> Capture:
    body = capture(path).json()
    body["items"][0]["snippet"]["topLevelComment"]["snippet"]["updatedAt"] = updated
    return Capture(json.dumps(body).encode())


def test_an_edited_comment_carries_its_edit_time(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, edited(BY_VIDEO, "2019-11-27T08:00:00.000Z"))
    first = poll_source(youtube, **options(httpserver, video_ids=[VIDEO])).items[0]
    assert first.edited_at == datetime(2019, 11, 27, 8, tzinfo=UTC)


def test_the_second_poll_stops_at_the_newest_comment_stored(httpserver: HTTPServer) -> None:
    # Comments of 26, 21, 17, 16 and 14 November 2019; look back a week from the 27th.
    serve(httpserver, PATH, capture(BY_VIDEO))
    now = datetime(2019, 11, 27, tzinfo=UTC)
    opts = options(httpserver, video_ids=[VIDEO], lookback="7d")
    first = poll_source(youtube, now=now, **opts)
    assert [i.published_at.day for i in first.items if i.published_at] == [26, 21]
    newest = int(datetime(2019, 11, 26, 15, 51, 44, tzinfo=UTC).timestamp())
    assert json.loads(first.cursor or "") == {f"video:{VIDEO}": {"since": newest}}

    second = poll_source(youtube, next_state(first), now=now, **opts)
    # Only the stored newest comment again (two can share a second; the store drops repeats).
    assert [i.native_id for i in second.items] == ["UgyZ1jqkHKYvi1-ruOZ4AaABAg"]
    assert second.cursor == first.cursor


def older_page() -> Capture:
    """The page after the capture's: one thread older than the first poll's start."""
    body = capture(BY_VIDEO).json()
    thread = body["items"][-1]
    thread["id"] = "UgOlderThread"
    thread["snippet"]["topLevelComment"]["snippet"]["publishedAt"] = "2019-11-10T00:00:00Z"
    return Capture(json.dumps({"items": [thread]}).encode())


def test_a_poll_stops_at_max_pages_and_the_next_resumes_from_the_page_token(
    httpserver: HTTPServer,
) -> None:
    pages = {"": capture(BY_VIDEO), "QURT": older_page()}
    sent: list[dict[str, str]] = []

    def answer(request: Request) -> Response:
        sent.append(dict(request.args))
        return pages[request.args.get("pageToken", "")[:4]].response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    now = datetime(2019, 11, 27, tzinfo=UTC)
    opts = options(httpserver, video_ids=[VIDEO], lookback="14d", max_pages=1)
    first = poll_source(youtube, now=now, **opts)
    assert len(first.items) == 5 and len(sent) == 1
    token = capture(BY_VIDEO).json()["nextPageToken"]
    start = int((now - timedelta(days=14)).timestamp())
    newest = int(datetime(2019, 11, 26, 15, 51, 44, tzinfo=UTC).timestamp())
    cursor = json.loads(first.cursor or "")[f"video:{VIDEO}"]
    assert cursor == {"since": start, "newest": newest, "page_token": token}

    second = poll_source(youtube, next_state(first), now=now, **opts)
    assert sent[1]["pageToken"] == token
    assert second.items == []  # the older page reached the first poll's start
    assert json.loads(second.cursor or "") == {f"video:{VIDEO}": {"since": newest}}


def test_a_stale_page_token_drops_the_gap_not_the_source(httpserver: HTTPServer) -> None:
    stale = Capture(
        json.dumps(
            {"error": {"code": 400, "message": "bad token", "errors": [{"reason": "invalid"}]}}
        ).encode(),
        400,
    )
    serve(httpserver, PATH, stale)
    state = next_state(
        PollResult(
            items=[],
            cursor=json.dumps({f"video:{VIDEO}": {"since": 100, "newest": 200, "page_token": "x"}}),
        )
    )
    result = poll_source(youtube, state, **options(httpserver, video_ids=[VIDEO]))
    assert "could not resume paging" in result.problems[0] and "bad token" in result.problems[0]
    assert json.loads(result.cursor or "") == {f"video:{VIDEO}": {"since": 200}}


def test_an_exhausted_quota_waits_for_midnight_pacific(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(QUOTA, status=403))
    with pytest.raises(RateLimited, match=r"quotaExceeded.*midnight Pacific") as raised:
        poll_source(youtube, **options(httpserver, video_ids=[VIDEO]))
    # The test clock says 12:00 UTC on 22 November: 04:00 in California (PST), 20 h to go.
    assert raised.value.retry_after_s == 20 * 3600


def test_midnight_pacific_follows_daylight_saving() -> None:
    summer = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # 23:00 PDT on 30 June
    assert seconds_until_midnight(summer, youtube.PACIFIC) == 3600


def test_comments_disabled_on_one_video_does_not_stop_the_others(httpserver: HTTPServer) -> None:
    def answer(request: Request) -> Response:
        if request.args["videoId"] == "closed":
            return capture(DISABLED, status=403).response()
        return capture(BY_VIDEO).response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    serve(httpserver, CHANNELS_PATH, capture(CHANNELS))
    result = poll_source(youtube, **options(httpserver, video_ids=["closed", VIDEO], max_pages=1))
    assert len(result.items) == 5
    [problem] = result.problems
    assert "video closed" in problem and "commentsDisabled" in problem
    assert set(json.loads(result.cursor or "")) == {"video:closed", f"video:{VIDEO}"}


def test_an_invalid_key_parks_the_source_without_showing_the_key(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(BAD_KEY, status=400))
    with pytest.raises(PermanentError, match=r"keyInvalid.*check api_key") as raised:
        poll_source(youtube, **options(httpserver, video_ids=[VIDEO], api_key="s3cret"))
    assert "s3cret" not in str(raised.value)


def test_a_captured_permission_error_is_permanent_and_quotes_youtube(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, PATH, capture(PERMISSION, status=403))
    with pytest.raises(PermanentError, match="The caller does not have permission"):
        poll_source(youtube, **options(httpserver, video_ids=[VIDEO]))


def test_a_malformed_thread_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    body = capture(BY_VIDEO).json()
    body["items"].insert(1, {"kind": "youtube#commentThread", "id": "broken"})
    serve(httpserver, PATH, Capture(json.dumps(body).encode()))
    serve(httpserver, CHANNELS_PATH, capture(CHANNELS))
    result = poll_source(youtube, **options(httpserver, video_ids=[VIDEO], max_pages=1))
    assert len(result.items) == 5
    assert result.problems == [
        f"YouTube comments on video {VIDEO}: skipped a thread without id or publishedAt"
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"api_key": "k"},  # nothing to watch
        {"video_ids": [VIDEO]},  # no key
        {"api_key": "", "video_ids": [VIDEO]},
        {"api_key": "k", "video_ids": [""]},
        {"api_key": "k", "channel_id": "c", "query": "acme"},  # unknown key
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        youtube.Options(**bad)


def channel_lookups(server: HTTPServer) -> list[list[str]]:
    """The ids of every channels.list request the server saw, served or not."""
    return [r.args["id"].split(",") for r, _ in server.log if r.path == CHANNELS_PATH]


def many_authors(count: int) -> Capture:
    """BY_VIDEO's first thread, written by ``count`` different channels, one a minute."""
    body = capture(BY_VIDEO).json()
    thread = body["items"][0]
    body["items"] = []
    for n in range(count):
        copy = json.loads(json.dumps(thread))
        copy["id"] = f"Ugthread{n:04d}"
        snippet = copy["snippet"]["topLevelComment"]["snippet"]
        snippet["authorChannelId"] = {"value": f"UCauthor{n:04d}"}
        stamp = f"2019-11-26T{15 - n // 60:02d}:{59 - n % 60:02d}:00.000Z"
        snippet["publishedAt"] = snippet["updatedAt"] = stamp
        body["items"].append(copy)
    del body["nextPageToken"]
    return Capture(json.dumps(body).encode())


def test_subscriber_counts_come_from_channels_list(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(BY_VIDEO))
    channels = serve(httpserver, CHANNELS_PATH, capture(CHANNELS))
    result = poll_source(youtube, **options(httpserver, video_ids=[VIDEO], max_pages=1))
    [sent] = channels.args
    authors = [i.extra["author_channel_id"] for i in result.items]
    assert sent == {
        "part": "snippet,statistics",
        "id": ",".join(authors),  # newest comment's author first
        "maxResults": "50",
        "key": "k3y",
    }
    by_name = {i.author.name: i.author.followers for i in result.items}
    assert by_name == {
        "himani agarwal": 1520,
        "el bojo loco": None,  # hiddenSubscriberCount: true
        "Andres Jorquera": 37,
        "Masum Khan": 0,  # no subscribers is a count
        "matrix uduma": None,  # channel missing from the answer
    }
    assert result.problems == []


def test_at_most_two_lookups_of_50_channels_a_poll(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, many_authors(130))
    serve(httpserver, CHANNELS_PATH, capture(CHANNELS))
    opts = options(httpserver, video_ids=[VIDEO], max_pages=1)
    first = poll_source(youtube, **opts)
    assert len(first.items) == 130
    lookups = channel_lookups(httpserver)
    assert [len(ids) for ids in lookups] == [50, 50]
    assert lookups[0][0] == "UCauthor0000"  # the newest comment's author
    # The next poll asks about the 30 left over; the 100 answered are cached.
    poll_source(youtube, **opts)
    assert [len(ids) for ids in channel_lookups(httpserver)] == [50, 50, 30]


def test_cached_counts_are_not_looked_up_again_until_they_expire(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, PATH, capture(BY_VIDEO))
    serve(httpserver, CHANNELS_PATH, capture(CHANNELS))
    opts = options(httpserver, video_ids=[VIDEO], max_pages=1)
    poll_source(youtube, **opts)
    again = poll_source(youtube, **opts)
    assert len(channel_lookups(httpserver)) == 1
    assert again.items[0].author.followers == 1520
    poll_source(youtube, now=NOW + timedelta(hours=7), **opts)
    assert len(channel_lookups(httpserver)) == 2


def test_an_exhausted_quota_on_the_lookup_keeps_the_comments(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(BY_VIDEO))
    serve(httpserver, CHANNELS_PATH, capture(QUOTA, status=403))
    result = poll_source(youtube, **options(httpserver, video_ids=[VIDEO], max_pages=1))
    assert len(result.items) == 5
    assert all(item.author.followers is None for item in result.items)
    [problem] = result.problems
    assert "channels.list" in problem and "quotaExceeded" in problem
    assert "k3y" not in problem  # the key never reaches a message


def test_a_failed_lookup_is_asked_again_next_poll(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(BY_VIDEO))
    serve(httpserver, CHANNELS_PATH, Capture(b"<html>oops</html>", 503))
    opts = options(httpserver, video_ids=[VIDEO], max_pages=1)
    first = poll_source(youtube, **opts)
    assert len(first.items) == 5 and "channels.list" in first.problems[0]
    poll_source(youtube, **opts)
    assert len(channel_lookups(httpserver)) == 2  # a failure is not cached
