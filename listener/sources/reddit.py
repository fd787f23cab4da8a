"""Reddit submissions and comments: the OAuth API (app-only), or without credentials the
public RSS feeds.

``mode: oauth`` (the default when ``client_id``/``client_secret`` are set) gets an app-only
token (``client_credentials`` grant), keeps it in memory until shortly before it expires and
reads ``/search`` (or ``/r/{subs}/new``, ``/r/{subs}/search``, ``/r/{subs}/comments`` when
``subreddits`` are set) with ``sort=new&limit=100&raw_json=1``. Each listing is read newest
first, paging with the ``after`` fullname until a post older than the cursor's ``created_utc``
(or ``max_pages``); a gap left by the page limit is resumed with ``after`` on the next poll
(``window.Window``). ``mode: rss`` reads the same listings as Atom feeds through the rss source.

Caps and traps:
- 100 queries/minute per OAuth client, averaged over 10 minutes; ``x-ratelimit-remaining`` is
  a float string ("599.0") and ``x-ratelimit-reset`` seconds to the window's end. Both feed
  ``min_next_check_s``; 429 is ``RateLimited``. Anonymous RSS gets ~10/minute: poll it slowly.
- A listing goes back ~1,000 items at most, and search is not realtime: a post indexed late,
  after the cursor moved past its time, is not seen.
- A descriptive User-Agent is required ("python:listener:1.0 (by /u/you)"); the generic ones
  are throttled hard.
- Without ``raw_json=1`` the HTML fields come entity-escaped; an escaped one is unescaped once.
  Search results' permalinks end in ``?ref=search_posts``: dropped, so a post has one URL.
- Deletions: a deleted post or comment keeps its id with ``[deleted]`` as body (and author);
  a removed one says ``[removed]`` (newer posts also set ``removed_by_category``): both are
  ``deleted=True``. A ``[deleted]`` author alone (the account was deleted) keeps the text and
  is not a deletion. ``edited`` is ``false`` or an epoch float.
- The API search covers submissions only; comments need ``subreddits`` (``/r/{subs}/comments``).
- Reach on Reddit uses karma: listings show no follower count, so in OAuth mode the newest
  posts' authors are looked up with ``/user/{name}/about`` (``reddit_authors``: at most
  ``karma_lookups`` a poll, default 10, cached a day, none while the budget is low) and their
  total karma becomes ``Author.followers``. RSS mode has no karma.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from pydantic import AfterValidator, Field, model_validator

from listener import __version__
from listener.models import RawItem, SourceState
from listener.sources.api import (
    ApiOptions,
    BaseUrl,
    JsonResponse,
    Secret,
    dump_cursor,
    first_poll_since,
    get_json,
    load_cursor,
    require,
)
from listener.sources.base import PollContext, PollResult, SourceInfo
from listener.sources.errors import PermanentError, SourceError, TransientError
from listener.sources.http import Explain, FailedResponse
from listener.sources.ratelimit import RateBudget, longest, pause_s
from listener.sources.reddit_authors import add_karma
from listener.sources.reddit_map import WEB, child_name, map_child
from listener.sources.reddit_rss import poll_feeds
from listener.sources.timestamps import epoch
from listener.sources.values import MAPPING_ERRORS
from listener.sources.window import Window

PAGE_LIMIT = 100  # the most a listing returns per request
TOKEN_MARGIN = timedelta(seconds=60)  # renew a token this long before Reddit expires it
DEFAULT_USER_AGENT = f"python:listener:{__version__} (self-hosted social listening)"

INFO = SourceInfo(
    summary="Reddit submissions and comments (OAuth API, or the public RSS feeds)",
    credentials=(
        "client_id, client_secret: a Reddit app (https://www.reddit.com/prefs/apps, type "
        "'script'); without them the public RSS feeds are read (slow, ~10 requests/minute)",
        "user_agent: 'python:<app>:<version> (by /u/<your username>)' as Reddit requires",
    ),
    limits="100 queries/minute per OAuth client (x-ratelimit-* headers), 429 beyond; listings "
    "reach back ~1,000 items; search covers submissions only; reach uses the authors' karma "
    "(OAuth only: up to karma_lookups /about requests a poll, cached a day)",
    sample="""\
- name: reddit
  type: reddit
  interval: 5m
  query: acme
  # subreddits: [acmecorp]        # read these instead: /new (and /comments with kinds)
  # kinds: [posts, comments]      # comments need subreddits
  client_id: ${REDDIT_CLIENT_ID}
  client_secret: ${REDDIT_CLIENT_SECRET}
  user_agent: "python:listener:1.0 (by /u/your_reddit_username)"
  lookback: 1d
  # karma_lookups: 10             # authors' karma (reach) looked up per poll; 0: none
""",
    # Raised: 100 queries a minute per OAuth client, shared by every source of the client,
    # and one poll may take max_pages per listing plus karma_lookups (10) /about calls;
    # the keyless RSS fallback is served about 10 requests a minute.
    min_interval=timedelta(minutes=1),
)

Kind = Literal["posts", "comments"]
_SUBREDDIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{1,20}")


def _subreddit(value: str) -> str:
    name = value.strip().removeprefix("/").removeprefix("r/")
    if not _SUBREDDIT.fullmatch(name):
        raise ValueError(f"{value!r} is not a subreddit name (write it as 'acme' or 'r/acme')")
    return name


class Options(ApiOptions):
    mode: Literal["oauth", "rss"] | None = None  # None: oauth when credentials are given
    query: str | None = Field(default=None, min_length=1)
    subreddits: tuple[Annotated[str, AfterValidator(_subreddit)], ...] = ()
    kinds: tuple[Kind, ...] = Field(default=("posts",), min_length=1)
    client_id: Secret | None = None
    client_secret: Secret | None = None
    user_agent: str = Field(default=DEFAULT_USER_AGENT, min_length=8)
    # Authors whose karma (Reddit's stand-in for followers) one poll may look up: one
    # request each, from the same 100-a-minute budget as the listings.
    karma_lookups: int = Field(default=10, ge=0, le=100)
    api_url: BaseUrl = "https://oauth.reddit.com"
    auth_url: BaseUrl = WEB
    rss_url: BaseUrl = WEB

    @model_validator(mode="after")
    def _consistent(self) -> Options:
        if not self.query and not self.subreddits:
            raise ValueError("set query, subreddits or both")
        if "comments" in self.kinds and not self.subreddits:
            raise ValueError("kinds: comments needs subreddits (Reddit search finds posts only)")
        if (self.client_id is None) != (self.client_secret is None):
            raise ValueError("set both client_id and client_secret, or neither (RSS mode)")
        if self.mode == "oauth" and self.client_id is None:
            raise ValueError("mode oauth needs client_id and client_secret")
        return self

    @property
    def use_oauth(self) -> bool:
        return self.mode == "oauth" or (self.mode is None and self.client_id is not None)


@dataclass(frozen=True)
class Stream:
    """One listing a poll reads: its cursor key, path, parameters and fullname prefix."""

    kind: Kind
    path: str
    params: dict[str, str]

    @property
    def prefix(self) -> str:
        return "t1" if self.kind == "comments" else "t3"


def streams(options: Options) -> list[Stream]:
    subs = "+".join(options.subreddits)  # one listing over several subreddits: "a+b"
    found: list[Stream] = []
    if "posts" in options.kinds:
        if not subs:
            query = {"q": options.query or "", "sort": "new", "type": "link"}
            found.append(Stream("posts", "/search", query))
        elif options.query:
            query = {"q": options.query, "sort": "new", "restrict_sr": "on", "type": "link"}
            found.append(Stream("posts", f"/r/{subs}/search", query))
        else:
            found.append(Stream("posts", f"/r/{subs}/new", {}))
    if "comments" in options.kinds:
        found.append(Stream("comments", f"/r/{subs}/comments", {}))
    return found


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    if not options.use_oauth:
        urls = [
            f"{options.rss_url}{s.path}.rss?" + urlencode({**s.params, "limit": PAGE_LIMIT})
            for s in streams(options)
        ]
        return await poll_feeds(ctx, state, urls, options.user_agent, options.lookback)
    cursor = load_cursor(state)
    since = epoch(first_poll_since(ctx, options.lookback))
    items: list[RawItem] = []
    problems: list[str] = []
    new_cursor: dict[str, Any] = {}
    reader = _Reader(ctx)
    for stream in streams(options):
        stream_cursor = cursor.get(stream.kind)
        new_cursor[stream.kind] = await reader.read(
            stream, stream_cursor if isinstance(stream_cursor, dict) else {}, since, items, problems
        )
    # What is left of the window, spread over the polls that may still need every page.
    # (Karma lookups are not counted: they stop before the budget gets this low.)
    per_poll = 1 + len(new_cursor) * options.max_pages
    enriched = await add_karma(
        ctx,
        items,
        get=reader.get,
        budget=lambda: reader.budget,
        lookups=options.karma_lookups,
        reserve=per_poll,
    )
    return PollResult(
        items=enriched.items,
        cursor=dump_cursor(new_cursor),
        min_next_check_s=longest(pause_s(reader.budget, per_poll), enriched.retry_after_s),
        problems=problems + enriched.problems,
    )


# Access tokens by (source, auth_url, client_id): a token lives an hour, a poll minutes.
_TOKENS: dict[tuple[str, str, str], tuple[str, datetime]] = {}


class _Reader:
    """Reads listings for one poll: holds the token and the budget last announced."""

    def __init__(self, ctx: PollContext[Options]) -> None:
        self.ctx = ctx
        self.budget: RateBudget | None = None

    async def read(
        self,
        stream: Stream,
        cursor: dict[str, Any],
        default_since: int,
        items: list[RawItem],
        problems: list[str],
    ) -> dict[str, Any]:
        """Page through ``stream`` newest first; returns its new cursor."""
        window = Window.from_cursor(cursor, default_since)
        after = cursor.get("after") if window.upper is not None else None
        resuming = isinstance(after, str)
        keys: list[int] = []
        complete = False
        for page in range(self.ctx.options.max_pages):
            if self.budget is not None and self.budget.exhausted:
                break  # leave the rest to the next poll rather than earn a 429
            params = {**stream.params, "limit": PAGE_LIMIT, "raw_json": 1, "after": after}
            response = await self.get(stream.path, params)
            where = f"Reddit {stream.path}"
            listing = require(response.data, "data", dict, where)
            children = require(listing, "children", list, where)
            if not children and resuming and page == 0:
                # The post the gap was to resume after has gone (deleted): ``after`` then
                # lists nothing. Keep the gap and reach it from the top next time.
                after = None
                break
            reached_since = False
            for position, child in enumerate(children):
                try:
                    item, created = map_child(child)
                except MAPPING_ERRORS as exc:
                    problems.append(f"{where}: item {child_name(child, position)} skipped: {exc}")
                    continue
                if created < window.since:
                    reached_since = True
                elif window.upper is None or created <= window.upper:
                    items.append(item)
                    keys.append(created)
            after = listing.get("after")
            if reached_since or not children or not isinstance(after, str) or not after:
                complete = True
                break
        new = window.after(keys, complete=complete)
        stored = new.to_cursor()
        if new.gap_until is not None and isinstance(after, str) and after:
            stored["after"] = after  # where the next poll resumes the gap
        return stored

    async def get(
        self, path: str, params: dict[str, Any], also: Explain | None = None
    ) -> JsonResponse:
        """An authenticated GET of ``path``; ``also`` explains failures other than a 401."""
        options = self.ctx.options
        token, fresh = await self._token()

        def explain(failed: FailedResponse, default: SourceError) -> SourceError | None:
            if failed.status != 401:
                return also(failed, default) if also is not None else None
            _TOKENS.pop(self._key(), None)  # expired or revoked: the next poll gets a new one
            if fresh:
                return PermanentError(
                    f"{default}: Reddit rejected a token it had just issued — check that the "
                    "app in client_id is of type 'script' and not suspended"
                )
            return TransientError(
                "Reddit rejected the cached access token; a new one is requested on the next poll"
            )

        response = await get_json(
            self.ctx,
            options.api_url + path,
            explain=explain,
            params=params,
            headers={"Authorization": f"bearer {token}", "User-Agent": options.user_agent},
        )
        self.budget = _budget(response)
        return response

    def _key(self) -> tuple[str, str, str]:
        options = self.ctx.options
        client_id = options.client_id.get_secret_value() if options.client_id else ""
        return (self.ctx.source, options.auth_url, client_id)

    async def _token(self) -> tuple[str, bool]:
        """A valid access token, and whether it was fetched just now."""
        now = self.ctx.clock()
        cached = _TOKENS.get(self._key())
        if cached is not None and now < cached[1]:
            return cached[0], False
        options = self.ctx.options
        assert options.client_id is not None and options.client_secret is not None
        pair = f"{options.client_id.get_secret_value()}:{options.client_secret.get_secret_value()}"
        try:
            response = await get_json(
                self.ctx,
                f"{options.auth_url}/api/v1/access_token",
                method="POST",
                form={"grant_type": "client_credentials"},
                headers={
                    "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
                    "User-Agent": options.user_agent,
                },
            )
        except PermanentError as exc:
            raise PermanentError(
                f"{exc} — Reddit refused the app credentials: check client_id and "
                "client_secret in settings.yaml (https://www.reddit.com/prefs/apps)"
            ) from exc
        data = response.data if isinstance(response.data, dict) else {}
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise PermanentError(
                f"Reddit gave no access token ({data.get('error') or 'no error given'}) — "
                "check client_id and client_secret in settings.yaml"
            )
        expires_in = data.get("expires_in")
        lifetime = timedelta(seconds=expires_in if isinstance(expires_in, int) else 3600)
        _TOKENS[self._key()] = (token, now + max(timedelta(0), lifetime - TOKEN_MARGIN))
        return token, True


def _budget(response: JsonResponse) -> RateBudget | None:
    """Reddit's budget; it sends no limit header, but remaining + used is the window's size."""
    budget = response.budget
    used = response.headers.get("x-ratelimit-used", "")
    if budget is None or budget.remaining is None or budget.limit is not None:
        return budget
    try:
        limit = budget.remaining + float(used)
    except ValueError:
        return budget
    return RateBudget(remaining=budget.remaining, limit=limit, reset_s=budget.reset_s)
