"""Bluesky posts, through the AT Protocol's ``app.bsky.feed.searchPosts`` (an app password).

Search needs a login: since 2025-01 the public AppView (public.api.bsky.app) answers 403 —
sometimes as an HTML page — to unauthenticated searches and always refuses ``cursor``. The
source logs in to the account's PDS (``service_url``, bsky.social by default), which proxies
the search to the AppView; ``bluesky_session`` keeps and refreshes that login.

Incremental: ``sort=latest`` lists newest first by the AppView's ``sortAt`` (the earlier of
``createdAt`` and ``indexedAt``, so a post dated in the future cannot jump the queue), and
``since=`` (inclusive) / ``until=`` (exclusive) filter on it. The cursor holds a
``window.Window`` over whole epoch seconds of that sortAt: each poll pages with the API's
opaque ``cursor`` through at most ``max_pages`` pages of 100, and the gap it could not reach
is fetched by the next poll.

Caps and traps: the API cursor "may not allow scrolling through the entire result set" (deep
paging ends early; ``hitsTotal`` is rounded or absent); a deleted post silently drops out of
search — no tombstone is ever sent; posts cannot be edited; a post view carries no follower
count, so ``bluesky_profiles`` asks ``getProfiles`` about the new posts' authors after the
search (25 a call, at most 4 calls a poll, cached 6 h, skipped when the budget is low; a
failed lookup is a problem, not a failed poll); link text in ``record.text``
is shortened ("example.com/pa...") and the full URL lives only in ``facets``, addressed by
UTF-8 byte offsets; ``createdAt`` is what the author's client claimed. bsky.social announces
``RateLimit-*`` headers (3,000 requests per 5 minutes per IP), fed to the scheduler.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field

from listener.models import Author, Engagement, RawItem, SourceState
from listener.sources.api import (
    ApiOptions,
    BaseUrl,
    Secret,
    dump_cursor,
    first_poll_since,
    load_cursor,
    require,
)
from listener.sources.base import PollContext, PollResult, SourceInfo
from listener.sources.bluesky_facets import link_facets, linked_html
from listener.sources.bluesky_profiles import add_followers
from listener.sources.bluesky_session import XrpcError, authed
from listener.sources.errors import PermanentError
from listener.sources.ratelimit import longest, pause_s
from listener.sources.timestamps import epoch, iso_z, parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_count
from listener.sources.window import Window

PAGE_SIZE = 100  # the lexicon's maximum
POST_URL = "https://bsky.app/profile/{actor}/post/{rkey}"

INFO = SourceInfo(
    summary="Bluesky posts matching a search (app.bsky.feed.searchPosts, logged in)",
    credentials=(
        "identifier: the account's handle (e.g. acme.bsky.social)",
        "app_password: an app password from https://bsky.app/settings/app-passwords",
    ),
    limits="3,000 requests per 5 minutes per IP; logins 30 per 5 minutes and 100-300 a day "
    "per account (sessions are kept and refreshed); search paging may end before all hits; "
    "up to 4 getProfiles calls a poll for authors' follower counts (cached 6 h)",
    sample="""\
- name: bluesky
  type: bluesky
  interval: 10m
  query: acme
  identifier: ${BLUESKY_HANDLE}
  app_password: ${BLUESKY_APP_PASSWORD}
  lookback: 1d             # first poll only
""",
    # 3,000 requests per 5 minutes per IP: 20 polls of up to 3 pages and 4 getProfiles
    # calls are 140; logins are not per poll (the session is kept and refreshed).
    min_interval=timedelta(seconds=15),
)


class Options(ApiOptions):
    query: str = Field(min_length=1)  # Lucene-like: words, "phrases", from:handle, #tag…
    identifier: str = Field(min_length=1)
    app_password: Secret
    service_url: BaseUrl = "https://bsky.social"


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    window = Window.from_cursor(
        load_cursor(state), default_since=epoch(first_poll_since(ctx, options.lookback))
    )
    params: dict[str, Any] = {
        "q": options.query,
        "sort": "latest",
        "limit": PAGE_SIZE,
        "since": iso_z(_at(window.since)),
        # ``until`` excludes its own second; the gap's oldest post was already stored.
        "until": iso_z(_at(window.upper + 1)) if window.upper is not None else None,
    }
    items: list[RawItem] = []
    problems: list[str] = []
    keys: list[int] = []
    complete = False
    budget = None
    for _ in range(options.max_pages):
        try:
            response = await authed(
                ctx,
                options.service_url,
                options.identifier,
                options.app_password.get_secret_value(),
                f"{options.service_url}/xrpc/app.bsky.feed.searchPosts",
                params,
            )
        except XrpcError as exc:
            if exc.error in ("BadQueryString", "InvalidRequest"):
                raise PermanentError(f"{exc} — check query in settings.yaml") from exc
            raise
        budget = response.budget
        posts = require(response.data, "posts", list, "Bluesky searchPosts")
        for post in posts:
            try:
                item = _raw_item(post)
            except MAPPING_ERRORS as exc:
                problems.append(f"skipped a malformed post ({type(exc).__name__}: {exc})")
                continue
            items.append(item)
            key = _sort_key(post)
            if key is not None:
                keys.append(key)
        cursor = response.data.get("cursor")
        if not posts or not isinstance(cursor, str) or not cursor:
            complete = True
            break
        params["cursor"] = cursor
    window = window.after(keys, complete=complete)
    # One poll's pages and a login, kept back from the follower-count lookups.
    per_poll = options.max_pages + 1
    enriched = await add_followers(
        ctx,
        items,
        budget,
        service_url=options.service_url,
        identifier=options.identifier,
        password=options.app_password.get_secret_value(),
        reserve=per_poll,
    )
    return PollResult(
        items=enriched.items,
        cursor=dump_cursor(window.to_cursor()),
        min_next_check_s=longest(pause_s(enriched.budget, per_poll), enriched.retry_after_s),
        problems=problems + enriched.problems,
    )


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _sort_key(post: dict[str, Any]) -> int | None:
    """Whole epoch seconds of the AppView's sortAt: the earlier of createdAt and indexedAt."""
    record = post.get("record")
    created = parse_timestamp(record.get("createdAt")) if isinstance(record, dict) else None
    indexed = parse_timestamp(post.get("indexedAt"))
    known = [t for t in (created, indexed) if t is not None]
    return epoch(min(known)) if known else None


def _raw_item(post: Any) -> RawItem:
    uri = post["uri"]  # at://did:plc:…/app.bsky.feed.post/<rkey>
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ValueError(f"uri {uri!r} is not an at:// URI")
    record = post.get("record") or {}
    author = post.get("author") or {}
    handle = author.get("handle")
    # "handle.invalid" is what the AppView shows when a handle no longer verifies.
    actor = handle if handle and handle != "handle.invalid" else author.get("did")
    reply = record.get("reply") or {}
    langs = record.get("langs")
    text = str(record.get("text") or "")
    links = link_facets(record.get("facets"))
    extra: dict[str, Any] = {
        k: v for k, v in (("cid", post.get("cid")), ("indexed_at", post.get("indexedAt"))) if v
    }
    if author.get("did"):
        extra["author_did"] = author["did"]
    if links:
        extra["links"] = [uri for _, _, uri in links]
    if isinstance(post.get("quoteCount"), int):
        extra["quotes"] = post["quoteCount"]
    embed = post.get("embed")
    if isinstance(embed, dict) and embed.get("$type"):
        extra["embed"] = embed["$type"]
    labels = [lab.get("val") for lab in post.get("labels") or [] if isinstance(lab, dict)]
    if labels:
        extra["labels"] = labels  # moderation labels: "porn", "spam", "!hide"…
    return RawItem(
        native_id=uri,
        url=POST_URL.format(actor=actor, rkey=uri.rsplit("/", 1)[-1]) if actor else None,
        html=linked_html(text, links),
        author=Author(
            handle=handle,
            name=author.get("displayName") or None,  # absent or "" on many accounts
            url=f"https://bsky.app/profile/{actor}" if actor else None,
            # profileViewBasic carries the account's age; getProfiles adds the rest.
            created_at=parse_timestamp(author.get("createdAt")),
        ),
        published_at=parse_timestamp(record.get("createdAt"))
        or parse_timestamp(post.get("indexedAt")),
        language=langs[0] if isinstance(langs, list) and langs else None,
        engagement=Engagement(
            likes=as_count(post.get("likeCount")),
            shares=_shares(post.get("repostCount"), post.get("quoteCount")),
            replies=as_count(post.get("replyCount")),
        ),
        parent_id=_uri(reply.get("parent")),
        thread_id=_uri(reply.get("root")) or uri,
        extra=extra,
    )


def _uri(ref: Any) -> str | None:
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri if isinstance(uri, str) and uri else None


def _shares(reposts: Any, quotes: Any) -> int | None:
    """Reposts and quote posts both put the post in front of the sharer's followers."""
    counts = [c for c in (as_count(reposts), as_count(quotes)) if c is not None]
    return sum(counts) if counts else None
