"""Posts on X as they are written, through API v2's filtered stream (Pro access or above).

At each connect the brands' queries, translated to X rules (``x_stream_rules``), are synced
to the app's rule set; then ``GET /2/tweets/search/stream`` is held open. X writes one JSON
message per ``\\r\\n``-terminated line — ``{"data": post, "includes": {"users": …},
"matching_rules": […]}`` — and a bare ``\\r\\n`` at least every 20 s as a keep-alive. Posts
come unsorted and sometimes twice (the pipeline stores each once). The stream has no
cursor: after a reconnect or a restart the gap since the newest post seen (``position``, a
snowflake id) is read through recent search (``listener.sources.x.poll`` with that
``since_id``) while the live stream is already being read, so nothing posted meanwhile is
lost. ``backfill_minutes`` asks X itself to replay up to 5 minutes (Enterprise only).

Faults, as X documents them: an in-stream ``operational-disconnect`` error ends the
connection (``TransientError``); ``ConnectionException``/``TooManyConnections`` (one
connection per app) and HTTP 429 are ``RateLimited`` (until ``x-rate-limit-reset``); 401
and 403 park the source; a 5xx is ``ServerRefused``. ``RECONNECT`` is X's strategy.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal

import httpx
from pydantic import Field

from listener.models import RawItem, SourceState
from listener.sources import x
from listener.sources.api import BaseUrl, Secret, dump_cursor, load_cursor
from listener.sources.base import PollContext, SourceInfo
from listener.sources.errors import (
    PermanentError,
    RateLimited,
    SourceError,
    TransientError,
)
from listener.sources.http import describe_transport_error
from listener.sources.http_times import parse_retry_after
from listener.sources.ratelimit import read_budget
from listener.sources.stream_wire import refusal_error, saved_position
from listener.sources.streaming import ReconnectPolicy, StreamContext, StreamEvent, StreamOptions
from listener.sources.x_stream_rules import MAX_RULES, RULE_MAX_CHARS, Rule, wanted_rules
from listener.sources.x_stream_sync import ACCESS_ADVICE, sync_rules
from listener.sources.x_stream_wire import (
    Decoder,
    Lines,
    error_body,
    id_ceiling,
    said,
    snowflake_at,
)
from listener.units import Duration, at_least

# X's "Handling disconnections" page: reconnect at once, then +250 ms a time up to 16 s for
# network errors; 5 s doubling up to 320 s for HTTP errors; 1 minute doubling for 429. X
# gives no ceiling for 429: 16 minutes outlasts the 15-minute window of 50 connects.
RECONNECT = ReconnectPolicy(
    network_step_s=0.25,
    network_max_s=16.0,
    http_base_s=5.0,
    http_max_s=320.0,
    rate_limited_base_s=60.0,
    rate_limited_max_s=960.0,
    jitter=0.2,
    healthy_after_s=30.0,
)
# The stream's rules are built from the brands' queries: a brand edit reconnects it.
USES_BRAND_QUERIES = True
KEEPALIVE_EVERY = timedelta(seconds=20)  # X's promise: "\r\n" at least this often
# A little above the keep-alive period: a keep-alive late by a second is no dead stream, and
# each false reconnect costs one of X's 50 connects per 15 minutes, a rules read and a search.
DEFAULT_IDLE_TIMEOUT = timedelta(seconds=30)
CONNECT_TIMEOUT_S = 10.0
SEARCH_QUERY_MAX_CHARS = 1024  # recent search's query cap on Pro, which the stream needs
BACKFILL_ROUNDS = 5  # polls of backfill_max_pages each, at most, per reconnect

INFO = SourceInfo(
    summary="Posts on X (Twitter) as they are posted: the filtered stream, with rules built "
    "from the brand queries (API v2, Pro access or above)",
    credentials=("bearer_token: an X app's bearer token (developer.x.com, Pro or Enterprise)",),
    limits="one connection per app; 50 connects per 15 minutes; 1,000 rules of 1,024 "
    "characters (Pro); 250 posts/s; rules: 450 reads and 100 changes per 15 minutes; "
    "streamed posts count against the monthly post cap; no resume (a reconnect's gap is read "
    "through recent search)",
    sample="""\
- name: x-live
  type: x_stream
  bearer_token: ${X_BEARER_TOKEN}
  backfill: search         # after a reconnect, read the gap through recent search
""",
    network="x",  # the same people as the polled x source
)


class Options(StreamOptions):
    bearer_token: Secret
    api_url: BaseUrl = "https://api.x.com"
    # X rules to use instead of the brand queries (X's own operators, e.g. "acme -is:retweet").
    rules: (
        Annotated[
            list[Annotated[str, Field(min_length=1, max_length=RULE_MAX_CHARS)]],
            Field(min_length=1, max_length=MAX_RULES),
        ]
        | None
    ) = None
    backfill: Literal["search", "off"] = "search"
    backfill_max_pages: int = Field(default=10, ge=1, le=50)
    backfill_minutes: int = Field(default=0, ge=0, le=5)  # X's own replay: Enterprise only
    idle_timeout: Annotated[Duration, at_least(timedelta(seconds=1))] = DEFAULT_IDLE_TIMEOUT


async def stream(ctx: StreamContext[Options], state: SourceState) -> AsyncIterator[StreamEvent]:
    options = ctx.options
    rest = ctx.as_poll_context()  # rules and search: plain REST through x's helpers
    rules, notes = wanted_rules(
        ctx.brand_queries, options.rules, frozenset({ctx.source, "x_stream"})
    )
    for note in notes:
        ctx.log.info("x_stream %s", note, extra={"source": ctx.source})
    synced = await sync_rules(rest, options.api_url, _auth(options), rules)
    if synced.added or synced.deleted:
        ctx.log.info(
            "x_stream rules synced: %d added, %d deleted, %d kept",
            len(synced.added),
            len(synced.deleted),
            synced.kept,
            extra={"source": ctx.source},
        )
    since = _position(ctx, state)
    async with _connected(ctx) as response:
        yield StreamEvent.opened_now()
        gap = None
        if options.backfill == "search" and since is not None:
            gap = asyncio.create_task(_backfill(ctx, rest, rules, since))
        async for event in _events(ctx, response, since or 0, gap):
            yield event


def _auth(options: Options) -> dict[str, str]:
    return {"Authorization": f"Bearer {options.bearer_token.get_secret_value()}"}


def _position(ctx: StreamContext[Options], state: SourceState) -> int | None:
    """The newest post id seen, saved as the cursor; ``None`` before the first post. One
    from the future is taken as now: a backfill since it would read nothing of the gap."""
    now = ctx.clock()
    saved = saved_position(ctx, state.cursor, ceiling=id_ceiling(now), unit="a post id")
    return snowflake_at(now) if saved.future else saved.value


@contextlib.asynccontextmanager
async def _connected(ctx: StreamContext[Options]) -> AsyncIterator[httpx.Response]:
    options = ctx.options
    params: dict[str, Any] = {
        "tweet.fields": x.TWEET_FIELDS,
        "expansions": "author_id",
        "user.fields": x.USER_FIELDS,
    }
    if options.backfill_minutes:
        params["backfill_minutes"] = options.backfill_minutes
    idle_s = options.idle_timeout.total_seconds()
    url = f"{options.api_url}/2/tweets/search/stream"
    request = ctx.http.build_request(
        "GET",
        url,
        params=params,
        headers={**_auth(options), "Accept": "application/json"},
        # A read that waits longer than the idle timeout (30 s by default, X promises a
        # keep-alive every 20 s) is a dead stream; the daemon watches the same limit.
        timeout=httpx.Timeout(idle_s, connect=CONNECT_TIMEOUT_S),
    )
    try:
        response = await ctx.http.send(request, stream=True)
    except httpx.TransportError as exc:
        raise TransientError(describe_transport_error(exc, url)) from exc
    try:
        if response.status_code != 200:
            await _refuse(ctx, response)
        yield response
    finally:
        await response.aclose()


async def _refuse(ctx: StreamContext[Options], response: httpx.Response) -> None:
    status = response.status_code
    body = await error_body(response)
    words = said(body)
    what = f"X answered the stream connect with HTTP {status}" + (f": {words}" if words else "")
    now = ctx.clock()
    budget = read_budget(response.headers, now)
    wait = (budget.reset_s if budget is not None else None) or parse_retry_after(
        response.headers.get("Retry-After"), now
    )
    if status == 429 or "TooManyConnections" in str(body):
        raise RateLimited(_with_wait(what, wait), retry_after_s=wait)
    raise refusal_error(
        status,
        what if 400 <= status < 500 else _with_wait(what, wait),
        retry_after_s=wait,
        auth_advice=ACCESS_ADVICE,
        client_advice="check the x_stream options in settings.yaml",
    )


def _with_wait(message: str, wait: float | None) -> str:
    return message if wait is None else f"{message}; retry after {wait:g} s"


async def _events(
    ctx: StreamContext[Options],
    response: httpx.Response,
    newest: int,
    gap: asyncio.Task[_Backfill] | None,
) -> AsyncIterator[StreamEvent]:
    """The live events, with the backfill's items once they are read.

    While the gap is being read, live events carry no position: a crash then must not save
    a cursor past posts the backfill has not handed over yet.
    """
    lines = Lines(response, ctx.max_response_bytes)
    reader = Decoder(ctx, newest)
    holding = gap is not None
    reading: asyncio.Task[bytes | None] | None = None
    try:
        while True:
            if gap is not None:
                reading = reading or asyncio.ensure_future(lines.next())
                await asyncio.wait((reading, gap), return_when=asyncio.FIRST_COMPLETED)
                if gap.done():
                    filled, gap = gap.result(), None
                    holding = not filled.complete
                    reader.record(*filled.ids)
                    yield StreamEvent(
                        items=tuple(filled.items),
                        position=None if holding else str(reader.newest),
                    )
                    continue
            if reading is not None:
                line, reading = await reading, None
            else:
                line = await lines.next()
            if line is None:
                return
            yield reader.event(line, hold_position=holding)
    finally:
        for task in (reading, gap):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


@dataclass(frozen=True)
class _Backfill:
    """What recent search found in the gap; ``complete`` when all of it could be read."""

    items: list[RawItem]
    ids: list[int]
    complete: bool


async def _backfill(
    ctx: StreamContext[Options], rest: PollContext[Any], rules: list[Rule], since: int
) -> _Backfill:
    """Posts after ``since`` that match the rules, through recent search (same operators).

    A failure that retrying may cure leaves the gap to the next connect (the position stays
    where it was); a refusal (no search on this plan, an operator search lacks) parks the
    source, since the setting cannot be honoured.
    """
    items: list[RawItem] = []
    ids: list[int] = []
    complete = True
    for query in _search_queries([r.value for r in rules]):
        options = x.Options(
            query=query,
            bearer_token=ctx.options.bearer_token,
            api_url=ctx.options.api_url,
            max_pages=ctx.options.backfill_max_pages,
        )
        search = ctx.as_poll_context(options)
        state = SourceState(source=ctx.source, cursor=dump_cursor({"since": since}))
        try:
            for _ in range(BACKFILL_ROUNDS):
                result = await x.poll(search, state)
                items.extend(result.items)
                ids.extend(int(i.extra.get("version_id", i.native_id)) for i in result.items)
                for problem in result.problems:
                    ctx.log.warning("x_stream backfill: %s", problem, extra={"source": ctx.source})
                state = SourceState(source=ctx.source, cursor=result.cursor)
                if "gap_until" not in load_cursor(state):
                    break
            else:
                ctx.log.warning(
                    "x_stream backfill stopped after %d posts: older posts of the gap were "
                    "not read (raise backfill_max_pages)",
                    len(items),
                    extra={"source": ctx.source},
                )
        except PermanentError as exc:
            raise PermanentError(
                f"the backfill through recent search failed: {exc} — set `backfill: off` if "
                "the app's access has no recent search"
            ) from exc
        except SourceError as exc:
            ctx.log.warning(
                "x_stream backfill failed, the gap is read at the next connect: %s",
                exc,
                extra={"source": ctx.source},
            )
            complete = False
    return _Backfill(items, ids, complete)


def _search_queries(values: list[str]) -> list[str]:
    """The rules ORed into as few search queries as fit recent search's length cap."""
    queries: list[str] = []
    for value in values:
        part = f"({value})" if len(values) > 1 else value
        if queries and len(queries[-1]) + 4 + len(part) <= SEARCH_QUERY_MAX_CHARS:
            queries[-1] = f"{queries[-1]} OR {part}"
        else:
            queries.append(part if len(part) <= SEARCH_QUERY_MAX_CHARS else value)
    return queries
