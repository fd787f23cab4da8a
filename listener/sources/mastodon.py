"""Mastodon statuses: public hashtag timelines, and full-text status search with a token.

Each configured hashtag is read from ``GET /api/v1/timelines/tag/:tag`` (no credentials on
most instances; an ``access_token`` is sent when given, for instances that closed public
preview). With ``query`` and an ``access_token``, ``GET /api/v2/search?type=statuses`` is
read as well: search needs a logged-in user.

Incremental polling uses Mastodon's own cursor. A tag timeline is read forwards in time
with ``min_id=<newest id stored>``: each page holds the statuses right after ``min_id``, and
its ``Link: rel="prev"`` names the next ``min_id``. Pages are contiguous, so stopping at
``max_pages`` skips nothing — the next poll goes on from the newest status reached (a busy
tag catches up over several polls, oldest first). Ids are snowflakes (milliseconds << 16):
the first poll starts at the id of ``lookback`` ago, and ids are compared as integers.
Search answers newest first, so it pages backwards with ``max_id`` and keeps any unreached
gap in the cursor (``window.Window``).

Caps and traps:
- ``limit`` is at most 40 per page; 300 requests per 5 minutes per account or IP (instances
  differ), announced in ``x-ratelimit-*`` with an ISO 8601 reset, fed to the scheduler.
- ``language`` is what the posting client claimed (a plain English toot can say ``"ja"``).
- Full-text search needs Elasticsearch/OpenSearch on the instance and only finds statuses
  that opted in (indexable) or that the token's user interacted with; without it search
  answers nothing, so hashtags are the dependable path.
- Timelines never report deletions or edits. With ``recheck: N`` each poll fetches the N
  newest statuses again: a 404 (deleted, or no longer public) becomes ``deleted=True``, a
  changed ``edited_at`` is re-ingested. Off by default: it costs N requests a poll.
- A boost wraps the boosted status in ``reblog`` with empty ``content``; the inner status is
  mapped (its own id, so several boosts of one post are one mention). Tag timelines and
  search do not list boosts today; this only guards against a server that does.
- Statuses that federate late may carry ids from their publication time, below the cursor:
  a timeline read by ``min_id`` never shows them.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs, quote, urlsplit

from pydantic import AfterValidator, Field, model_validator

from listener.models import Author, Engagement, RawItem, SourceState
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
from listener.sources.errors import PermanentError, TransientError
from listener.sources.profiles import html_bio, links_in_html, web_links
from listener.sources.ratelimit import RateBudget, pause_s
from listener.sources.timestamps import parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_count, as_int, as_text
from listener.sources.window import Window

PAGE_LIMIT = 40  # Mastodon's maximum for timelines and search
MAX_RECHECK = 20

INFO = SourceInfo(
    summary="Mastodon statuses: public hashtag timelines, and status search with a token",
    credentials=(
        "none for hashtag timelines",
        "access_token: an access token with read:search (Preferences → Development) for query",
    ),
    limits="300 requests / 5 min per account or IP (x-ratelimit-* headers); 40 statuses a page",
    sample="""\
- name: mastodon
  type: mastodon
  interval: 5m
  instance_url: https://mastodon.social
  hashtags: [acme, acmecorp]
  query: acme                          # status search: needs access_token
  access_token: ${MASTODON_ACCESS_TOKEN}
  lookback: 1d                         # first poll only
""",
    # 300 requests per 5 minutes per IP or account: a poll asks once per hashtag (and once
    # for query) while nothing is new, so three timelines every 15 s spend 60 of them.
    min_interval=timedelta(seconds=15),
)

_TAG = re.compile(r"\w+")


def _hashtag(value: str) -> str:
    tag = value.strip().removeprefix("#")
    if not _TAG.fullmatch(tag):
        raise ValueError(f"{value!r} is not a hashtag (letters, digits and _ only)")
    return tag


Hashtag = Annotated[str, AfterValidator(_hashtag)]


class Options(ApiOptions):
    instance_url: BaseUrl = "https://mastodon.social"
    hashtags: tuple[Hashtag, ...] = ()
    query: str | None = Field(default=None, min_length=1)
    access_token: Secret | None = None
    recheck: int = Field(default=0, ge=0, le=MAX_RECHECK)

    @model_validator(mode="after")
    def _something_to_read(self) -> Options:
        if not self.hashtags and not self.query:
            raise ValueError("give hashtags, or a query with an access_token")
        if self.query and self.access_token is None:
            raise ValueError(
                "query (status search) needs an access_token: Mastodon searches for users only"
            )
        return self


class _Poll:
    """One poll's running totals: items, problems, requests made and the lowest budget."""

    def __init__(self, ctx: PollContext[Options]) -> None:
        self.ctx = ctx
        self.items: list[RawItem] = []
        self.problems: list[str] = []
        self.requests = 0
        self.budget: RateBudget | None = None
        token = ctx.options.access_token
        self.headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}

    async def get(self, path: str, params: dict[str, Any] | None = None) -> JsonResponse:
        response = await get_json(
            self.ctx, self.ctx.options.instance_url + path, params=params, headers=self.headers
        )
        self.requests += 1
        if response.budget is not None and (
            self.budget is None or (response.budget.remaining or 0) <= (self.budget.remaining or 0)
        ):
            self.budget = response.budget
        return response

    def map(self, statuses: list[Any], where: str) -> list[int]:
        """Map ``statuses`` into ``items``; the page keys (wrapper ids) of those mapped."""
        keys: list[int] = []
        for status in statuses:
            try:
                if not isinstance(status, dict):
                    raise TypeError("not a JSON object")
                item = raw_item(status)
                keys.append(int(status["id"]))
            except MAPPING_ERRORS as exc:
                shown = status.get("id") if isinstance(status, dict) else type(status).__name__
                self.problems.append(f"{where}: skipped status {shown!r}: {exc!r}")
                continue
            self.items.append(item)
        return keys


def snowflake_at(moment: datetime) -> int:
    """The smallest status id Mastodon can give at ``moment`` (ms since epoch << 16)."""
    return int(moment.timestamp() * 1000) << 16


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    cursor = load_cursor(state)
    run = _Poll(ctx)
    start = snowflake_at(first_poll_since(ctx, options.lookback))
    new_cursor: dict[str, Any] = {}
    for tag in options.hashtags:
        key = f"tag:{tag.lower()}"
        new_cursor[key] = str(await _read_tag(run, tag, as_int(cursor.get(key)) or start))
    if options.query:
        search = cursor.get("search")
        window = Window.from_cursor(search if isinstance(search, dict) else {}, start)
        new_cursor["search"] = (await _read_search(run, options.query, window)).to_cursor()
    recent = [str(i.native_id) for i in run.items if not i.deleted]
    if options.recheck:
        earlier = [str(i) for i in cursor.get("recent", []) if as_int(i)]
        await _recheck(run, [i for i in earlier if i not in recent][: options.recheck])
        gone = {i.native_id for i in run.items if i.deleted}
        kept = {*recent, *earlier} - gone
        new_cursor["recent"] = sorted(kept, key=int, reverse=True)[: options.recheck]
    return PollResult(
        items=run.items,
        cursor=dump_cursor(new_cursor),
        min_next_check_s=pause_s(run.budget, max(1, run.requests)),
        problems=run.problems,
    )


async def _read_tag(run: _Poll, tag: str, min_id: int) -> int:
    """Read ``tag``'s timeline forwards from ``min_id``; the newest id reached."""
    path = f"/api/v1/timelines/tag/{quote(tag, safe='')}"
    for _ in range(run.ctx.options.max_pages):
        response = await run.get(path, {"min_id": str(min_id), "limit": PAGE_LIMIT})
        statuses = _status_list(response.data, f"Mastodon #{tag} timeline")
        keys = run.map(statuses, f"#{tag}")
        # rel="prev" is Mastodon's own "newer than this page" cursor; the page's newest id is
        # the same number, and the fallback when a proxy drops the Link header.
        prev = as_int(_link_param(response.headers.get("Link"), "prev", "min_id"))
        min_id = max([min_id, *keys, *([prev] if prev else [])])
        if len(statuses) < PAGE_LIMIT:
            break  # the newest end of the timeline
    return min_id


async def _read_search(run: _Poll, query: str, window: Window) -> Window:
    """Search newest first down to ``window.since``; the window after what was read."""
    keys: list[int] = []
    max_id = window.upper
    complete = False
    for _ in range(run.ctx.options.max_pages):
        params = {
            "q": query,
            "type": "statuses",
            "resolve": "false",  # a local search: resolving remote URLs costs the server
            "limit": PAGE_LIMIT,
            "min_id": str(window.since),
            "max_id": str(max_id) if max_id is not None else None,
        }
        response = await run.get("/api/v2/search", params)
        statuses = require(response.data, "statuses", list, "Mastodon search")
        page = run.map(statuses, "search")
        keys.extend(page)
        if len(statuses) < PAGE_LIMIT or not page:
            complete = True
            break
        max_id = min(page)
    return window.after(keys, complete=complete)


async def _recheck(run: _Poll, ids: list[str]) -> None:
    """Fetch statuses seen before: a 404/410 means deleted (or no longer public)."""
    for status_id in ids:
        try:
            response = await run.get(f"/api/v1/statuses/{status_id}")
        except PermanentError as exc:
            # fetch() names the status first ("HTTP 404 Not Found from …"); 401/403 stay
            # errors for the operator, since they concern the token, not this status.
            if not str(exc).startswith(("HTTP 404", "HTTP 410")):
                raise
            run.items.append(RawItem(native_id=status_id, deleted=True))
            continue
        run.map([response.data], f"recheck {status_id}")


def raw_item(status: dict[str, Any]) -> RawItem:
    """One status as a ``RawItem``; a boost maps the status it boosted."""
    boosted_by = None
    if isinstance(status.get("reblog"), dict):
        boosted_by = _account(status).get("acct")
        status = status["reblog"]
    status_id = str(status["id"])
    int(status_id)  # ids are numeric strings; anything else is a malformed status
    account = _account(status)
    content = status.get("content")
    if not isinstance(content, str):
        # The status a DELETE returns carries its plain-text source in "text" instead.
        content = html.escape(str(status.get("text") or ""), quote=False)
    spoiler = status.get("spoiler_text")
    parent = status.get("in_reply_to_id")
    extra: dict[str, Any] = {
        "uri": status.get("uri"),
        "visibility": status.get("visibility"),
        "sensitive": status.get("sensitive"),
        "quotes": as_count(status.get("quotes_count")),
        "tags": [t.get("name") for t in status.get("tags") or [] if isinstance(t, dict)],
        "boosted_by": boosted_by,
    }
    return RawItem(
        native_id=status_id,
        url=status.get("url") or status.get("uri"),
        # A content warning is the subject line shown before the text: the post's title.
        title=html.escape(spoiler, quote=False) if isinstance(spoiler, str) and spoiler else None,
        html=content,
        author=Author(
            handle=as_text(account.get("acct")),  # "user" on this instance, "user@domain" remote
            name=as_text(account.get("display_name")),
            url=as_text(account.get("url")),
            followers=as_count(account.get("followers_count")),
            bio=html_bio(account.get("note")),  # HTML: normalize makes it text
            links=_profile_links(account),
            created_at=parse_timestamp(account.get("created_at")),
            following=as_count(account.get("following_count")),
            posts=as_count(account.get("statuses_count")),
        ),
        published_at=parse_timestamp(status.get("created_at")),
        language=as_text(status.get("language")),
        engagement=Engagement(
            likes=as_count(status.get("favourites_count")),
            shares=as_count(status.get("reblogs_count")),
            replies=as_count(status.get("replies_count")),
        ),
        parent_id=str(parent) if parent else None,
        # The API names a reply's parent, not its thread's root; a root is its own thread.
        thread_id=None if parent else status_id,
        edited_at=parse_timestamp(status.get("edited_at")),
        extra={k: v for k, v in extra.items() if v not in (None, [])},
    )


def _status_list(data: Any, where: str) -> list[Any]:
    if not isinstance(data, list):
        got = type(data).__name__ if data is not None else "nothing"
        raise TransientError(f"{where}: expected a list of statuses, got {got}")
    return data


def _link_param(link: str | None, rel: str, name: str) -> str | None:
    """``name``'s value in the ``Link`` header's ``rel`` URL (RFC 8288), if any."""
    for url, rels in re.findall(r'<([^>]*)>\s*;\s*rel="([^"]*)"', link or ""):
        if rel in rels.split():
            values = parse_qs(urlsplit(url).query).get(name)
            return values[0] if values else None
    return None


def _profile_links(account: dict[str, Any]) -> tuple[str, ...]:
    """The sites an account names: the links in its profile fields ("Website", "Blog"),
    then those in its note; never a hashtag or a mention, which point at the instance."""
    fields = account.get("fields")
    values = (
        [f.get("value") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    )
    return web_links(
        link for markup in [*values, account.get("note")] for link in links_in_html(markup)
    )


def _account(status: dict[str, Any]) -> dict[str, Any]:
    account = status.get("account")
    return account if isinstance(account, dict) else {}
