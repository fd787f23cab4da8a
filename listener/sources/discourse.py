"""Discourse forum posts: the forum's latest posts, and optionally its search.

``GET /posts.json`` lists every public post of the forum, newest first; ``before=<post id>``
pages backwards. The cursor is the newest post id stored (``window.Window``): a poll pages
down to it, at most ``max_pages`` pages, and keeps any unreached gap for the next poll. The
first poll reaches back ``lookback`` by ``created_at``. With ``query``, ``GET /search.json?q=
<query> order:latest&page=N`` is read as well (``page_walk.PageWalk`` on ``created_at``);
set ``latest: false`` on a busy forum to read only the search.

Caps and traps:
- ``before`` is inclusive and a page is a window of 50 post *ids*, not 50 posts (Discourse
  ``PostsController#latest``: ``id <= before AND id > before - 50``). Private messages,
  whispers and deleted posts hold ids too, so a page can be short or empty while older
  posts remain; paging goes on from the window's bottom, not from an empty page.
- Search pages hold up to 50 posts with a text ``blurb``, not the post's HTML; old forums
  answer the legacy array-of-groups format (topics only: id, title, url), mapped as topics.
- Deletions: an API key with staff rights lists deleted posts with ``deleted_at``; an
  author's own deletion shows ``user_deleted``; a post hidden by flags has ``hidden``. All
  three become ``deleted=True``. Anonymous readers never see them again: no tombstone.
- Edits: ``version`` > 1 means edited, ``updated_at`` is when (``updated_at`` alone also
  moves on rebakes and likes). A post edited after it was read is not listed again.
- A reply names its parent by ``reply_to_post_number`` within the topic, not by post id:
  ``parent_id`` is ``"<topic_id>/<post_number>"``, the pair that also ends the parent's url.
- Rate limits are site settings (``max_reqs_per_ip_per_minute``…) not announced in headers;
  a 429 carries ``Retry-After`` and the body's ``extras.wait_seconds``, used when a proxy
  dropped the header.
"""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from pydantic import Field, model_validator

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
from listener.sources.errors import PermanentError, RateLimited, SourceError
from listener.sources.http import FailedResponse
from listener.sources.page_walk import PageWalk
from listener.sources.ratelimit import RateBudget, pause_s
from listener.sources.timestamps import epoch, parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_count
from listener.sources.window import Window

ID_WINDOW = 50  # ids one /posts.json page spans
LIKE = 2  # PostActionType id of a like in actions_summary

INFO = SourceInfo(
    summary="Discourse forum posts: the latest posts of a forum, and its search",
    credentials=(
        "none for a public forum",
        "api_key + api_username: an API key (Admin → API) for a private forum",
    ),
    limits="per-site request limits, not announced; 429 with Retry-After; 50 ids or posts a page",
    sample="""\
- name: acme-forum
  type: discourse
  interval: 15m
  forum_url: https://forum.example.com
  query: acme                      # optional: also read the forum's search
  api_key: ${DISCOURSE_API_KEY}    # optional, with api_username
  api_username: system
  lookback: 2d                     # first poll only
""",
    # One latest-posts request (and one search, with query) while nothing is new: three
    # a minute stay far inside a forum's per-IP limits; a 429's wait_seconds is honoured.
    min_interval=timedelta(seconds=20),
)


class Options(ApiOptions):
    forum_url: BaseUrl
    latest: bool = True  # read /posts.json (every public post)
    query: str | None = Field(default=None, min_length=1)
    api_key: Secret | None = None
    api_username: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Options:
        if not self.latest and not self.query:
            raise ValueError("nothing to read: give a query, or leave latest on")
        if self.api_username and self.api_key is None:
            raise ValueError("api_username needs an api_key")
        return self


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    cursor = load_cursor(state)
    run = _Poll(ctx)
    new_cursor: dict[str, Any] = {}
    start = epoch(first_poll_since(ctx, options.lookback))
    if options.latest:
        posts = _section(cursor, "posts")
        floor = posts.get("floor")
        floor = floor if isinstance(floor, int) else start
        window = await _read_latest(run, Window.from_cursor(posts, default_since=0), floor)
        new_cursor["posts"] = {**window.to_cursor(), "floor": floor}
    if options.query:
        search = _section(cursor, "search")
        new_cursor["search"] = await _read_search(
            run, options.query, PageWalk.from_cursor(search, default_since=start)
        )
    return PollResult(
        items=run.items,
        cursor=dump_cursor(new_cursor),
        min_next_check_s=pause_s(run.budget, max(1, run.requests)),
        problems=run.problems,
    )


class _Poll:
    """One poll's items, problems and request count."""

    def __init__(self, ctx: PollContext[Options]) -> None:
        self.ctx = ctx
        self.items: list[RawItem] = []
        self.ids: set[str] = set()
        self.problems: list[str] = []
        self.requests = 0
        self.budget: RateBudget | None = None
        options = ctx.options
        self.headers: dict[str, str] = {}
        if options.api_key is not None:
            self.headers["Api-Key"] = options.api_key.get_secret_value()
            if options.api_username:
                self.headers["Api-Username"] = options.api_username

    async def get(self, path: str, params: dict[str, Any]) -> JsonResponse:
        response = await get_json(
            self.ctx, self.ctx.options.forum_url + path, explain=_explain, params=params,
            headers=self.headers,
        )  # fmt: skip
        self.requests += 1
        self.budget = response.budget or self.budget
        return response

    def add(self, item: RawItem) -> None:
        if item.native_id not in self.ids:  # the full post beats its search blurb
            self.ids.add(item.native_id)
            self.items.append(item)

    def skip(self, where: str, post: Any, exc: Exception) -> None:
        shown = post.get("id") if isinstance(post, dict) else type(post).__name__
        self.problems.append(f"{where}: skipped post {shown!r}: {exc!r}")


async def _read_latest(run: _Poll, window: Window, floor: int) -> Window:
    """Page /posts.json down to ``window.since`` (or ``floor`` on a first poll)."""
    before = window.upper - 1 if window.upper is not None else None  # gap_until was read
    keys: list[int] = []
    complete = False
    for _ in range(run.ctx.options.max_pages):
        response = await run.get("/posts.json", {"before": before})
        posts = require(response.data, "latest_posts", list, "Discourse /posts.json")
        ids: list[int] = []
        for post in posts:
            try:
                post_id = int(post["id"])
                ids.append(post_id)
                created = parse_timestamp(post.get("created_at"))
                if post_id <= window.since or (created and epoch(created) < floor):
                    complete = True  # met what earlier polls read, or the look-back
                    continue
                run.add(raw_post(run.ctx.options.forum_url, post))
                keys.append(post_id)
            except MAPPING_ERRORS as exc:
                run.skip("/posts.json", post, exc)
        if ids:
            before = min(ids) - 1
        elif before is not None:
            before -= ID_WINDOW  # an empty window of private or deleted ids
        else:
            break  # the newest 50 ids hold nothing public: nothing to page from
        if complete or before <= window.since:
            complete = True
            break
    if complete or before is None:
        return window.after(keys, complete=complete)
    # Stopped at max_pages: the gap goes on below ``before``, not below the oldest post read
    # (empty windows of private ids are read too; without this a run of them longer than one
    # poll's pages would be asked for again by every poll, and the gap would never close).
    newest = max([*keys, *([window.newest] if window.newest is not None else [])], default=None)
    return Window(since=window.since, newest=newest or window.since, gap_until=before + 1)


async def _read_search(run: _Poll, query: str, walk: PageWalk) -> dict[str, Any]:
    """Page the forum search, newest first, until it meets what earlier polls read."""
    page = walk.first_page
    complete = False
    for page in range(walk.first_page, walk.first_page + run.ctx.options.max_pages):
        response = await run.get("/search.json", {"q": f"{query} order:latest", "page": page})
        data = response.data
        if isinstance(data, list):  # the legacy array of result groups
            _legacy_topics(run, data)
            complete = True
            break
        posts = require(data, "posts", list, "Discourse /search.json")
        topics = {t.get("id"): t for t in data.get("topics") or [] if isinstance(t, dict)}
        for post in posts:
            try:
                item = raw_post(run.ctx.options.forum_url, post, topics.get(post.get("topic_id")))
                created = epoch(item.published_at) if item.published_at else None
                if walk.reached(item.native_id, created):
                    complete = True
                    break
                walk.read(item.native_id, created)
                run.add(item)
            except MAPPING_ERRORS as exc:
                run.skip("/search.json", post, exc)
        grouped = data.get("grouped_search_result")
        more = isinstance(grouped, dict) and grouped.get("more_full_page_results")
        if complete or not posts or not more:
            complete = True
            break
    return walk.to_cursor(complete=complete, next_page=page + 1)


def _legacy_topics(run: _Poll, groups: list[Any]) -> None:
    forum = run.ctx.options.forum_url
    for group in groups:
        if not isinstance(group, dict) or group.get("type") != "topic":
            continue  # users and categories are not posts
        for topic in group.get("results") or []:
            try:
                topic_id = str(int(topic["id"]))
                run.add(
                    RawItem(
                        native_id=f"topic-{topic_id}",  # a topic id, not a post id
                        url=forum + str(topic.get("url") or f"/t/{topic_id}"),
                        title=html.escape(str(topic.get("title") or ""), quote=False) or None,
                        thread_id=topic_id,
                    )
                )
            except MAPPING_ERRORS as exc:
                run.skip("/search.json", topic, exc)


def raw_post(forum: str, post: dict[str, Any], topic: dict[str, Any] | None = None) -> RawItem:
    """A post of /posts.json (full HTML) or of /search.json (a blurb, topic beside it)."""
    post_id = str(int(post["id"]))
    topic = topic or {}
    topic_id = post.get("topic_id")
    number = post.get("post_number")
    slug = post.get("topic_slug") or topic.get("slug")
    url = None
    if topic_id is not None and number is not None:
        url = f"{forum}/t/{slug}/{topic_id}/{number}" if slug else f"{forum}/t/{topic_id}/{number}"
    cooked = post.get("cooked")
    # Search gives a plain-text blurb of the post, not its HTML.
    body = cooked if isinstance(cooked, str) else html.escape(str(post.get("blurb") or ""), False)
    topic_title = post.get("topic_title") or topic.get("title")
    username = post.get("username")
    version = post.get("version")
    edited = isinstance(version, int) and version > 1
    reply_to = post.get("reply_to_post_number")
    extra = {
        "post_number": number,
        "topic_title": topic_title,
        "category_id": post.get("category_id") or topic.get("category_id"),
        "score": post.get("score"),
        "trust_level": post.get("trust_level"),
        "blurb": not isinstance(cooked, str) or None,
    }
    return RawItem(
        native_id=post_id,
        url=url,
        # The topic's title belongs to its first post; on a reply it would make every reply
        # in a topic about the brand look like a mention of it.
        title=html.escape(str(topic_title), quote=False) if topic_title and number == 1 else None,
        html=body,
        author=Author(
            handle=str(username) if username else None,
            name=post.get("name") or None,
            url=f"{forum}/u/{username}" if username else None,
        ),
        published_at=parse_timestamp(post.get("created_at")),
        engagement=Engagement(
            likes=as_count(post.get("like_count")) or _likes(post.get("actions_summary")),
            replies=as_count(post.get("reply_count")),
            views=as_count(post.get("reads")),
        ),
        parent_id=f"{topic_id}/{reply_to}" if reply_to and topic_id else None,
        thread_id=str(topic_id) if topic_id is not None else None,
        edited_at=parse_timestamp(post.get("updated_at")) if edited else None,
        deleted=bool(post.get("deleted_at") or post.get("user_deleted") or post.get("hidden")),
        extra={k: v for k, v in extra.items() if v is not None},
    )


def _explain(failed: FailedResponse, default: SourceError) -> SourceError | None:
    """Discourse says in the body what went wrong; the wait too, when the header is gone."""
    body = failed.body if isinstance(failed.body, dict) else {}
    errors = body.get("errors")
    said = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], str) else ""
    if failed.status == 429:
        extras = body.get("extras")
        wait = extras.get("wait_seconds") if isinstance(extras, dict) else None
        wait_s = default.retry_after_s if isinstance(default, RateLimited) else None
        if wait_s is None and isinstance(wait, int | float) and not isinstance(wait, bool):
            wait_s = float(wait)
        code = failed.headers.get("Discourse-Rate-Limit-Error-Code")
        what = f"Discourse rate limit{f' ({code})' if code else ''}: {said or default}"
        return RateLimited(what, retry_after_s=wait_s)
    if failed.status == 403 and said:
        return PermanentError(f"{default} — {said} Check api_key and api_username.")
    return None


def _section(cursor: dict[str, Any], name: str) -> dict[str, Any]:
    section = cursor.get(name)
    return section if isinstance(section, dict) else {}


def _likes(actions: Any) -> int | None:
    for action in actions if isinstance(actions, list) else []:
        if isinstance(action, dict) and action.get("id") == LIKE:
            return as_count(action.get("count"))
    return None
