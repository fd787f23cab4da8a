"""Lemmy posts and comments, through one instance's search API (v3, Lemmy 0.18/0.19; public
data needs no credentials).

``GET {instance_url}/api/v3/search?q=…&type_=Posts|Comments&sort=New&listing_type=All`` lists
newest first, paged by number (``page`` from 1, ``limit`` ≤ 50). Search cannot be asked for
"older than X", so each kind keeps a ``page_walk.PageWalk`` in the cursor: the newest
``published`` read and the ids at the top; a poll pages until it meets them (or
``max_pages``), and a gap left by the page limit is resumed at that page by the next poll.

Caps and traps:
- Federation: the same post has a different numeric ``id`` on every instance; its ``ap_id``
  (the URL on its home instance) is the same everywhere, so it is the native id and the URL.
  New posts push the listing down while a poll pages, so a post can come back on the next
  page: repeats within a poll are dropped.
- Timestamps: 0.18 sends no zone ("2023-09-23T10:41:41.254290", UTC), 0.19 ends in "Z".
- ``updated`` is set when a post or comment was edited; ``deleted`` (by its author) and
  ``removed`` (by a moderator) stay in the answer as flags: both are ``deleted=True``.
- Bodies are Markdown source, not HTML: they are escaped as plain text.
- Rate limits are each instance's own configuration, answered with 429 (older versions: an
  error body ``rate_limit_error``); no budget headers are sent.
"""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field

from listener.models import Author, Engagement, RawItem, SourceState
from listener.sources.api import (
    ApiOptions,
    BaseUrl,
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
from listener.sources.profiles import links_in_text, plain_bio
from listener.sources.timestamps import epoch, parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_count, as_text

PER_PAGE = 50  # Lemmy's largest search page

INFO = SourceInfo(
    summary="Lemmy posts and comments (one instance's /api/v3/search, federated content too)",
    credentials=("none (public data)",),
    limits="per-instance rate limits, answered with 429; search pages of at most 50",
    sample="""\
- name: lemmy
  type: lemmy
  interval: 15m
  query: acme
  instance_url: https://lemmy.world
  kinds: [posts, comments]
  # community: technology       # search one community only
  lookback: 2d
""",
    # Lemmy's default allows 60 searches per 10 minutes per IP, and a poll searches once
    # per kind: two kinds every 30 s are 40. Not lower: instances share one IP's budget.
    min_interval=timedelta(seconds=30),
)

Kind = Literal["posts", "comments"]
_TYPE = {"posts": "Posts", "comments": "Comments"}
_VIEW = {"posts": ("posts", "post"), "comments": ("comments", "comment")}


class Options(ApiOptions):
    query: str = Field(min_length=1)
    kinds: tuple[Kind, ...] = Field(default=("posts",), min_length=1)
    community: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]+(@[A-Za-z0-9.-]+)?$")
    instance_url: BaseUrl = "https://lemmy.world"


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    cursor = load_cursor(state)
    default_since = epoch(first_poll_since(ctx, options.lookback))
    items: list[RawItem] = []
    problems: list[str] = []
    new_cursor: dict[str, Any] = {}
    for kind in dict.fromkeys(options.kinds):
        kind_cursor = cursor.get(kind)
        walk = PageWalk.from_cursor(
            kind_cursor if isinstance(kind_cursor, dict) else {}, default_since=default_since
        )
        new_cursor[kind] = await _read(ctx, kind, walk, items, problems)
    return PollResult(items=items, cursor=dump_cursor(new_cursor), problems=problems)


async def _read(
    ctx: PollContext[Options],
    kind: Kind,
    walk: PageWalk,
    items: list[RawItem],
    problems: list[str],
) -> dict[str, Any]:
    """Page through one kind's results until the walk meets what earlier polls read."""
    options = ctx.options
    listed, key_name = _VIEW[kind]
    seen: set[str] = set()
    complete = False
    page = walk.first_page
    for page in range(walk.first_page, walk.first_page + options.max_pages):
        response = await get_json(
            ctx,
            f"{options.instance_url}/api/v3/search",
            explain=_explain,
            params={
                "q": options.query,
                "type_": _TYPE[kind],
                "sort": "New",
                "listing_type": "All",
                "community_name": options.community,
                "page": page,
                "limit": PER_PAGE,
            },
        )
        where = f"Lemmy search page {page}"
        views = require(response.data, listed, list, where)
        for position, view in enumerate(views):
            try:
                item = map_view(view, key_name, options.instance_url)
            except MAPPING_ERRORS as exc:
                problems.append(f"{where}: {key_name} {position + 1} skipped: {exc}")
                continue
            key = epoch(item.published_at) if item.published_at else None
            if walk.reached(item.native_id, key):
                complete = True
                break
            if item.native_id in seen:
                continue  # pushed down onto this page by a newer post
            seen.add(item.native_id)
            items.append(item)
            walk.read(item.native_id, key)
        if complete or len(views) < PER_PAGE:  # a short page is the last
            complete = True
            break
    else:
        page += 1  # every page allowed was full: the next poll resumes after the last
    return walk.to_cursor(complete=complete, next_page=page)


def _explain(failed: FailedResponse, default: SourceError) -> SourceError | None:
    """Lemmy's error body names the problem: ``{"error": "couldnt_find_community"}``."""
    error = failed.body.get("error") if isinstance(failed.body, dict) else None
    if error == "rate_limit_error" and not isinstance(default, RateLimited):
        return RateLimited(f"{default} (rate_limit_error)")
    if isinstance(error, str) and error and 400 <= failed.status < 500 and failed.status != 429:
        advice = (
            "check community in settings.yaml (name, or name@instance for a remote one)"
            if "community" in error
            else "check query, community and instance_url in settings.yaml"
        )
        return PermanentError(f"{default}: Lemmy says {error!r} — {advice}")
    return None


def map_view(view: Any, key_name: str, instance_url: str) -> RawItem:
    """A PostView or CommentView as a ``RawItem``; ``key_name`` is "post" or "comment"."""
    main = view[key_name]
    ap_id = str(main.get("ap_id") or "")
    if not ap_id.startswith(("http://", "https://")):
        # Every Lemmy object has one; without it the same post on two instances is not one.
        raise ValueError(f"{key_name} {main.get('id')!r} has no ap_id")
    published = parse_timestamp(main["published"])
    if published is None:
        raise ValueError(f"published {main['published']!r} is not a time")
    counts = view.get("counts") or {}
    post = view.get("post") if key_name == "comment" else main
    is_post = key_name == "post"
    body = main.get("body" if is_post else "content")
    extra: dict[str, Any] = {"id": main.get("id"), "instance": instance_url}
    community = view.get("community") or {}
    if community.get("name"):
        extra["community"] = _qualified(community["name"], community.get("actor_id"))
    if is_post and main.get("url"):
        extra["link_url"] = main["url"]  # a link post's target, not the post
    if not is_post and isinstance(post, dict) and post.get("name"):
        extra["post_title"] = post["name"]
    for flag in ("nsfw", "locked"):
        if main.get(flag):
            extra[flag] = True
    thread = str(post.get("ap_id")) if isinstance(post, dict) and post.get("ap_id") else None
    ancestors = str(main.get("path") or "").split(".")[1:-1]  # "0.<ancestors>.<own id>"
    if not is_post and ancestors:
        extra["parent_comment_id"] = ancestors[-1]  # this instance's id, not an ap_id
    return RawItem(
        native_id=ap_id,
        url=ap_id,
        # A comment has no title: its post's (in extra) is not its words.
        title=html.escape(str(main["name"]), quote=False) if is_post else None,
        html=html.escape(str(body or ""), quote=False),  # Markdown source, not HTML
        author=_author(view.get("creator")),
        published_at=published,
        engagement=Engagement(
            likes=as_count(counts.get("score")),
            replies=as_count(counts.get("comments" if is_post else "child_count")),
        ),
        # Only a top-level comment's parent (the post) has an ap_id in the answer.
        parent_id=thread if not is_post and not ancestors else None,
        thread_id=ap_id if is_post else thread,
        edited_at=parse_timestamp(main.get("updated")),
        deleted=bool(main.get("deleted") or main.get("removed")),
        extra=extra,
    )


def _author(creator: Any) -> Author:
    if not isinstance(creator, dict) or not creator.get("name"):
        return Author()
    actor = creator.get("actor_id")
    bio = as_text(creator.get("bio"))
    return Author(
        handle=_qualified(str(creator["name"]), actor),
        name=str(creator.get("display_name") or "") or None,
        url=str(actor) if actor else None,
        # The person's profile (issue 18): bio is Markdown, plain text as far as HTML goes;
        # the sites it names are written out. Lemmy's post views carry no counts of theirs.
        bio=plain_bio(bio),
        links=links_in_text(bio),
        created_at=parse_timestamp(creator.get("published")),
    )


def _qualified(name: str, actor_id: Any) -> str:
    """``name@instance``: the same name on two instances is two people (two communities)."""
    host = urlsplit(str(actor_id)).hostname if actor_id else None
    return f"{name}@{host}" if host else name
