"""Mastodon statuses as they are posted: the instance's streaming API.

One connection carries every configured timeline: a WebSocket (one socket, a ``subscribe``
message per timeline) or, when the socket cannot be opened for a reason other than the
token, Server-Sent Events (one response per timeline). ``update`` is a new status,
``status.update`` an edit (``edited_at``), ``delete`` a removal; other events (notifications,
announcements, filters) are not posts. The wire is in ``mastodon_stream_wire``; statuses
map through ``listener.sources.mastodon.raw_item``, exactly as the polled source maps them.

The streaming API cannot resume (no event ids, no replay). The position kept is the
largest status id seen (a snowflake: ids are compared as integers); each connect after the
first reads what was posted since then from the REST timelines BEFORE the live events — a
"backfill": hashtags through ``listener.sources.mastodon.poll``, the public, local and list
timelines by ``min_id`` here. It reads at most ``backfill_pages`` pages (40 statuses each)
per timeline, oldest first; a longer gap (a daemon stopped for days) is logged with the id
it reached, and the statuses between it and the live stream are not read. The socket is
open and subscribed while the backfill runs, so what is posted meanwhile waits in it.

Traps:
- Since Mastodon 4.2 public and hashtag streams need a user token (401 without one).
- The server drops statuses in languages the token's user did not select and from accounts
  or domains they muted or blocked: the listening account's own settings shape the stream.
- The streaming host may differ from the instance (``configuration.urls.streaming`` of
  ``GET /api/v2/instance``, read at each connect unless ``streaming_url`` is set).
- Statuses that federate late may carry ids below the position: a backfill never reads them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import AfterValidator, Field, model_validator

from listener.models import RawItem, SourceState
from listener.sources import mastodon
from listener.sources.api import BaseUrl, Secret, dump_cursor, get_json
from listener.sources.base import SourceInfo
from listener.sources.errors import RateLimited, SourceError, TransientError
from listener.sources.mastodon import Hashtag, raw_item, snowflake_at
from listener.sources.mastodon_stream_timelines import (
    PUBLIC_PARAMS,
    Timeline,
    auth_headers,
    discover,
    split,
    sse_url,
    stream_base,
    subscription,
    with_scheme,
)
from listener.sources.mastodon_stream_wire import (
    ALIVE,
    MALFORMED,
    OPENED,
    AuthRefused,
    Frame,
    sse_frames,
    websocket_frames,
)
from listener.sources.stream_wire import saved_position
from listener.sources.streaming import StreamContext, StreamEvent, StreamOptions
from listener.sources.timestamps import parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_int
from listener.units import Duration, at_least

PAGE_LIMIT = mastodon.PAGE_LIMIT
# A saved position this far past the clock is someone else's cursor or a broken clock.
FUTURE_SLACK = timedelta(minutes=5)

INFO = SourceInfo(
    summary="Mastodon statuses as they are posted: public, local, hashtag or list timelines",
    credentials=(
        "access_token: a user access token with the read scope (Preferences → Development); "
        "required since Mastodon 4.2 even for public and hashtag streams",
    ),
    limits=(
        "streaming: no documented limit, one connection for all timelines; a reconnect's "
        "backfill reads the REST timelines (300 requests / 5 min per account or IP, "
        "40 statuses a page, backfill_pages pages per timeline)"
    ),
    sample="""\
- name: mastodon-live
  type: mastodon_stream
  instance_url: https://mastodon.social
  timelines: [public:local]            # public, public:local, hashtag:<tag>, list:<id>
  hashtags: [acme, acmecorp]           # the same as hashtag:acme, hashtag:acmecorp
  access_token: ${MASTODON_ACCESS_TOKEN}
  transport: auto                      # websocket, then SSE if the socket cannot open
""",
    network="mastodon",  # the same people as the polled mastodon source
)


class Options(StreamOptions):
    instance_url: BaseUrl = "https://mastodon.social"
    streaming_url: Annotated[str, AfterValidator(stream_base)] | None = None
    timelines: tuple[Timeline, ...] = ()
    hashtags: tuple[Hashtag, ...] = ()
    access_token: Secret | None = None
    transport: Literal["auto", "websocket", "sse"] = "auto"
    # The server pings a socket every 30 s and writes ":thump" to SSE every 15 s.
    idle_timeout: Annotated[Duration, at_least(timedelta(seconds=1))] = timedelta(seconds=45)
    backfill: bool = True
    backfill_pages: int = Field(default=3, ge=1, le=20)

    @model_validator(mode="after")
    def _readable(self) -> Options:
        if not self.timelines and not self.hashtags:
            raise ValueError(
                "give timelines (public, public:local, hashtag:<tag>, list:<id>) or hashtags"
            )
        if self.access_token is None:
            raise ValueError(
                "access_token is required: since Mastodon 4.2 the streaming API answers 401 "
                "without a user token, even for public and hashtag timelines"
            )
        return self

    def all_timelines(self) -> list[str]:
        """Every timeline once, ``hashtags`` as ``hashtag:<tag>``, in settings order."""
        named = [*self.timelines, *(f"hashtag:{tag}" for tag in self.hashtags)]
        return list(dict.fromkeys(named))


async def stream(ctx: StreamContext[Options], state: SourceState) -> AsyncIterator[StreamEvent]:
    options = ctx.options
    saved = _saved_position(ctx, state)
    reader = _Reader(ctx, saved)
    base = options.streaming_url or await discover(ctx, options.instance_url, options.access_token)
    async with aclosing(_frames(ctx, base)) as frames:
        async for frame in frames:
            if frame is OPENED:
                if saved is None:
                    # A first connect has nothing to fill; its position is "now", so that a
                    # drop before the first status still backfills from here. It rides on
                    # the open: an event of its own would count as one read.
                    reader.largest = snowflake_at(ctx.clock())
                    yield StreamEvent(opened=True, position=str(reader.largest))
                else:
                    yield StreamEvent.opened_now()
                    if options.backfill:
                        yield await _backfill(ctx, saved, reader)
            elif frame is ALIVE:
                yield StreamEvent.heartbeat()
            else:
                yield reader.event(frame)


def _saved_position(ctx: StreamContext[Options], state: SourceState) -> int | None:
    now = ctx.clock()
    ceiling = snowflake_at(now + FUTURE_SLACK)
    saved = saved_position(ctx, state.cursor, ceiling=ceiling, unit="a status id")
    return snowflake_at(now) if saved.future else saved.value


def _capped_at(ctx: StreamContext[Options], at: datetime | None) -> datetime | None:
    """A status's time, no later than the clock's ceiling (the lag shown follows it)."""
    return None if at is None else min(at, ctx.clock() + FUTURE_SLACK)


def _ceiling(ctx: StreamContext[Options]) -> int:
    """The largest status id a position may record now: a server's (or a status's) id from
    the future would make the next backfill's ``min_id`` skip the real gap."""
    return snowflake_at(ctx.clock() + FUTURE_SLACK)


async def _frames(ctx: StreamContext[Options], base: str) -> AsyncGenerator[Frame, None]:
    options = ctx.options
    quiet_s = options.idle_timeout.total_seconds() / 3
    if options.transport != "sse":
        socket = websocket_frames(
            with_scheme(base, "ws") + "/api/v1/streaming",
            auth_headers(options.access_token),
            [subscription(t) for t in options.all_timelines()],
            max_bytes=ctx.max_response_bytes,
            quiet_s=quiet_s,
            now=ctx.clock(),
            user_agent=ctx.http.headers.get("User-Agent"),
        )
        async with aclosing(socket):
            try:
                first = await anext(socket, None)
                if first is None:
                    raise TransientError("the socket closed as it opened")
            except (AuthRefused, RateLimited):
                raise
            except SourceError as exc:
                if options.transport == "websocket":
                    raise
                ctx.log.warning(
                    "websocket refused, reading the stream as SSE",
                    extra={"source": ctx.source, "reason": str(exc)},
                )
            else:
                yield first
                async for frame in socket:
                    yield frame
                return
    events = sse_frames(
        ctx.http,
        [sse_url(base, t) for t in options.all_timelines()],
        auth_headers(options.access_token),
        max_bytes=ctx.max_response_bytes,
        idle_s=options.idle_timeout.total_seconds(),
        now=ctx.clock(),
    )
    async with aclosing(events):
        async for frame in events:
            yield frame


class _Reader:
    """Frames to events, keeping the largest status id seen as the position."""

    def __init__(self, ctx: StreamContext[Options], saved: int | None) -> None:
        self.ctx = ctx
        self.largest = saved or 0
        self.ceiling = _ceiling(ctx)  # refreshed only when an id passes it
        self.backfilled: set[str] = set()  # read by the backfill: a live repeat is skipped

    def record(self, status_id: int) -> None:
        """``status_id`` read: the position follows it, never past the clock's ceiling."""
        if status_id > self.ceiling:
            self.ceiling = _ceiling(self.ctx)
        self.largest = max(self.largest, min(status_id, self.ceiling))

    def event(self, frame: Frame) -> StreamEvent:
        try:
            if frame.event == "update":
                return self._status(_object(frame.payload), repeat_ok=False)
            if frame.event == "status.update":
                return self._status(_object(frame.payload), repeat_ok=True)
            if frame.event == "delete":
                status_id = str(frame.payload).strip()
                int(status_id)
                return StreamEvent(items=(RawItem(native_id=status_id, deleted=True),))
            if frame.event == MALFORMED:
                raise ValueError("not a JSON frame with an event")
        except (*MAPPING_ERRORS, json.JSONDecodeError) as exc:
            shown = frame.payload if isinstance(frame.payload, str) else repr(frame.payload)
            self.ctx.log.warning(
                "skipped a malformed stream event",
                extra={
                    "source": self.ctx.source,
                    "event": frame.event[:50],
                    "error": repr(exc),
                    "payload": str(shown)[:200],
                },
            )
        return StreamEvent()  # notifications, announcements, filters: not posts

    def _status(self, status: dict[str, Any], *, repeat_ok: bool) -> StreamEvent:
        item = raw_item(status)
        # A boost (lists carry them) maps the boosted status; the timeline's own id and time
        # are the boost's, and they are what the position and the lag follow.
        outer = item if status.get("reblog") is None else None
        at = outer.published_at if outer else parse_timestamp(status.get("created_at"))
        at = _capped_at(self.ctx, at)
        if not repeat_ok and item.native_id in self.backfilled:
            return StreamEvent(at=at)
        self.record(int(status["id"]))
        return StreamEvent(items=(item,), position=str(self.largest), at=at)


def _object(payload: Any) -> dict[str, Any]:
    data = json.loads(payload) if isinstance(payload, str | bytes) else payload
    if not isinstance(data, dict):
        raise TypeError(f"payload is {type(data).__name__}, not a status")
    return data


async def _backfill(ctx: StreamContext[Options], since: int, reader: _Reader) -> StreamEvent:
    """What was posted after ``since`` on every timeline, oldest first, as one event; a
    status on two timelines (a local post with a followed tag) once."""
    found: dict[str, RawItem] = {}
    for timeline in ctx.options.all_timelines():
        items, newest = await _read_missed(ctx, timeline, since)
        for item in items:
            found.setdefault(item.native_id, item)
        reader.record(newest)
    items = sorted(found.values(), key=lambda item: int(item.native_id))
    reader.backfilled = set(found)
    return StreamEvent(
        items=tuple(items),
        position=str(reader.largest),
        at=_capped_at(ctx, items[-1].published_at) if items else None,
    )


async def _read_missed(
    ctx: StreamContext[Options], timeline: str, since: int
) -> tuple[list[RawItem], int]:
    """``timeline``'s statuses after ``since``, and the newest timeline id reached (a
    boost's own id, not the boosted status's)."""
    options = ctx.options
    kind, _, value = split(timeline)
    if kind == "hashtag":
        # The polled source's own reader: the same mapping, the same min_id paging.
        key = f"tag:{value.lower()}"
        tag_options = mastodon.Options(
            instance_url=options.instance_url,
            hashtags=(value,),
            access_token=options.access_token,
            max_pages=options.backfill_pages,
        )
        state = SourceState(source=ctx.source, cursor=dump_cursor({key: str(since)}))
        result = await mastodon.poll(ctx.as_poll_context(tag_options), state)
        for problem in result.problems:
            _skipped(ctx, problem)
        newest = as_int(json.loads(result.cursor or "{}").get(key)) or since
        _note_gap(ctx, timeline, len(result.items), newest)
        return result.items, newest
    if kind == "hashtag:local":
        path, params = f"/api/v1/timelines/tag/{quote(value, safe='')}", {"local": "true"}
    elif kind == "list":
        path, params = f"/api/v1/timelines/list/{value}", {}
    else:
        path, params = "/api/v1/timelines/public", PUBLIC_PARAMS[kind]
    return await _read_forward(ctx, timeline, path, params, since)


async def _read_forward(
    ctx: StreamContext[Options], timeline: str, path: str, params: dict[str, str], since: int
) -> tuple[list[RawItem], int]:
    """A REST timeline from ``since`` forwards, ``backfill_pages`` pages at most."""
    poll_ctx = ctx.as_poll_context()
    items: list[RawItem] = []
    min_id = since
    ceiling = _ceiling(ctx)  # a page's id from the future must not page past the gap
    for _ in range(ctx.options.backfill_pages):
        response = await get_json(
            poll_ctx,
            ctx.options.instance_url + path,
            params={**params, "min_id": str(min_id), "limit": PAGE_LIMIT},
            headers=auth_headers(ctx.options.access_token),
        )
        if not isinstance(response.data, list):
            raise TransientError(f"Mastodon {timeline} timeline: expected a list of statuses")
        for status in response.data:
            try:
                item = raw_item(status)
                # A boost's own id, which the timeline pages by: hostile text like the rest.
                outer_id = as_int(status["id"])
                if outer_id is None:
                    raise ValueError(f"the status id {str(status['id'])[:40]!r} is no number")
            except MAPPING_ERRORS as exc:
                _skipped(ctx, f"{timeline}: {exc!r}")
                continue
            items.append(item)
            min_id = max(min_id, min(outer_id, ceiling))
        if len(response.data) < PAGE_LIMIT:
            return items, min_id
    _note_gap(ctx, timeline, len(items), min_id)
    return items, min_id


def _skipped(ctx: StreamContext[Options], problem: str) -> None:
    ctx.log.warning("backfill skipped a status", extra={"source": ctx.source, "problem": problem})


def _note_gap(ctx: StreamContext[Options], timeline: str, read: int, newest: int) -> None:
    if read < ctx.options.backfill_pages * PAGE_LIMIT:
        return
    ctx.log.warning(
        "backfill stopped at its page limit: statuses after the newest one read and before "
        "the live stream are not read (raise backfill_pages, or add a polled mastodon source)",
        extra={
            "source": ctx.source,
            "timeline": timeline,
            "statuses_read": read,
            "newest_id": str(newest),
        },
    )
