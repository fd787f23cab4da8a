"""Posts on X (Twitter), through API v2 recent search (an app bearer token).

``GET /2/tweets/search/recent`` lists the newest first, 100 a page, paged with
``meta.next_token`` sent back as ``pagination_token``. It only reaches the last 7 days: a
first poll starts ``lookback`` ago but never more than 7 days (a longer lookback is capped,
with a warning), and a since_id older than that is refused with HTTP 400, so a source that
was stopped for over a week starts again 7 days back and the days in between are lost.

Incremental: post ids are snowflakes that grow with time, so the cursor is a
``window.Window`` over ids — ``since_id`` = the newest id stored (``meta.newest_id``), and
when a poll stops at ``max_pages`` the unreached range is asked for next time with
``until_id`` = the oldest id it got. Both bounds are exclusive, which fits: those two posts
were already stored.

Traps: by default only ``id``, ``text`` and ``edit_history_tweet_ids`` come back — every
other field must be asked for, and the author's name only arrives through
``expansions=author_id`` in ``includes.users``. An edit is a new post with a new id;
``edit_history_tweet_ids`` lists every version, oldest first, so the first one is used as
the stable native id (an edit replaces the mention rather than adding one). Posts over 280
characters come truncated in ``text``, whole in ``note_tweet.text``. Retweets come as
"RT @user: …" cut short (add ``-is:retweet`` to the query to leave them out). A deleted post
simply stops appearing: search sends no tombstone. ``lang`` is ``und`` (and ``zxx``, ``qme``…
for no words, media only…) when X could not tell. Budget: ``x-rate-limit-*`` headers (a 2022
capture shows 450 requests per 15-minute window per app; today's allowances and monthly post
caps depend on the paid tier) are fed to the scheduler; a 429 (body
``{"errors":[{"code":88…}]}``) waits for ``x-rate-limit-reset``.
"""

from __future__ import annotations

import html
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
    get_json,
    load_cursor,
    require,
)
from listener.sources.base import PollContext, PollResult, SourceInfo
from listener.sources.errors import PermanentError
from listener.sources.profiles import as_object, plain_bio, web_links
from listener.sources.ratelimit import pause_s
from listener.sources.timestamps import epoch, iso_z, parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_count
from listener.sources.window import Window

RECENT_SEARCH_REACH = timedelta(days=7)
# start_time must lie inside the 7 days when X receives it: keep a margin for clock skew.
REACH_MARGIN = timedelta(minutes=5)
PAGE_SIZE = 100  # recent search's maximum
TWEET_FIELDS = (
    "created_at,public_metrics,lang,conversation_id,in_reply_to_user_id,referenced_tweets,"
    "edit_history_tweet_ids,author_id,note_tweet"
)
# description, entities and created_at are the profile (issue 18): bio, the sites it names
# (expanded, where the profile's own ``url`` is a t.co redirect) and the account's age.
USER_FIELDS = "username,name,public_metrics,description,entities,created_at"
SNOWFLAKE_EPOCH_MS = 1288834974657  # X ids carry their creation time: ms since this, << 22
# X's own codes for "no language": undetermined, no linguistic content, media links only,
# hashtags only, mentions only, cashtags only, text too short to tell.
NO_LANGUAGE = frozenset({"und", "zxx", "qme", "qht", "qam", "qct", "qst"})
ACCESS_ADVICE = (
    "X refused the request: check bearer_token (an app's bearer token from "
    "https://developer.x.com/en/portal/dashboard) and that the app's access tier includes "
    "recent search"
)

INFO = SourceInfo(
    summary="Posts on X (Twitter) matching a search (API v2 recent search, last 7 days)",
    credentials=("bearer_token: an X app's bearer token (developer.x.com, a tier with search)",),
    limits="recent search reaches 7 days back; requests per 15-minute window and posts per "
    "month depend on the paid tier (x-rate-limit-* headers are followed); 100 posts a request",
    sample="""\
- name: x
  type: x
  interval: 15m
  query: acme -is:retweet
  bearer_token: ${X_BEARER_TOKEN}
  lookback: 1d             # first poll only; at most 7d
""",
    # Raised: recent search allows few requests per 15-minute window on the smaller paid
    # tiers (up to 3 pages a poll); the x_stream source is the real-time path on X.
    min_interval=timedelta(minutes=1),
)


class Options(ApiOptions):
    query: str = Field(min_length=1, max_length=4096)  # X operators: "acme lang:en -is:retweet"
    bearer_token: Secret
    api_url: BaseUrl = "https://api.twitter.com"  # api.x.com answers the same


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    oldest_allowed = ctx.clock() - RECENT_SEARCH_REACH + REACH_MARGIN
    cursor = load_cursor(state)
    problems: list[str] = []
    # since 0 stands for "no post stored yet": the range starts at start_time instead (kept
    # in the cursor, so a first poll cut short by max_pages is finished from the same start).
    window = Window.from_cursor(cursor, default_since=0)
    if window.since and id_time(window.since) < oldest_allowed:
        problems.append(
            "the last stored post is over 7 days old, beyond recent search: "
            "posts from the days in between were not fetched"
        )
        window, cursor = Window(since=0), {}
    start = parse_timestamp(cursor.get("start")) or first_poll_since(ctx, options.lookback)
    if start < oldest_allowed:
        if not window.since:
            ctx.log.warning(
                "x lookback %s capped to 7 days: recent search reaches no further",
                options.lookback,
                extra={"source": ctx.source},
            )
        start = oldest_allowed
    params: dict[str, Any] = {
        "query": options.query,
        "max_results": PAGE_SIZE,
        "tweet.fields": TWEET_FIELDS,
        "expansions": "author_id",
        "user.fields": USER_FIELDS,
        "since_id": str(window.since) if window.since else None,
        "start_time": None if window.since else iso_z(start),
        "until_id": str(window.upper) if window.upper is not None else None,
    }
    headers = {"Authorization": f"Bearer {options.bearer_token.get_secret_value()}"}
    items: list[RawItem] = []
    keys: list[int] = []
    complete = False
    budget = None
    for _ in range(options.max_pages):
        try:
            response = await get_json(
                ctx, f"{options.api_url}/2/tweets/search/recent", params=params, headers=headers
            )
        except PermanentError as exc:
            raise PermanentError(f"{exc} — {ACCESS_ADVICE}") from exc
        budget = response.budget
        data = response.data
        meta = require(data, "meta", dict, "X recent search")
        tweets = data.get("data") or []  # absent when nothing matched
        users = users_by_id(data.get("includes"))
        for tweet in tweets if isinstance(tweets, list) else []:
            try:
                items.append(raw_item(tweet, users))
                keys.append(int(tweet["id"]))
            except MAPPING_ERRORS as exc:
                problems.append(f"skipped a malformed post ({type(exc).__name__}: {exc})")
        problems.extend(_partial_errors(data.get("errors")))
        next_token = meta.get("next_token")
        if not tweets or not isinstance(next_token, str) or not next_token:
            complete = True
            break
        params["pagination_token"] = next_token
    window = window.after(keys, complete=complete)
    saved = window.to_cursor()
    if not window.since:
        saved["start"] = epoch(start)
    return PollResult(
        items=items,
        cursor=dump_cursor(saved),
        min_next_check_s=pause_s(budget, options.max_pages),
        problems=problems,
    )


def id_time(post_id: int) -> datetime:
    """When a post with this snowflake id was created (to the millisecond)."""
    return datetime.fromtimestamp(((post_id >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, UTC)


def users_by_id(includes: Any) -> dict[str, dict[str, Any]]:
    """The ``includes.users`` of an answer by id (also read by the x_stream source)."""
    users = includes.get("users") if isinstance(includes, dict) else None
    return {
        str(user["id"]): user
        for user in users or []
        if isinstance(user, dict) and user.get("id") is not None
    }


def _partial_errors(errors: Any) -> list[str]:
    """A 200 can carry ``errors`` beside ``data`` (an author that could not be expanded)."""
    if not isinstance(errors, list):
        return []
    return [
        f"X reported: {e.get('title') or 'error'}: {e.get('detail') or e.get('message') or ''}"
        for e in errors
        if isinstance(e, dict)
    ]


def raw_item(tweet: Any, users: dict[str, dict[str, Any]]) -> RawItem:
    """One post of X API v2 as a ``RawItem``; recent search and the filtered stream send the
    same post object."""
    post_id = str(tweet["id"])
    int(post_id)  # snowflakes are decimal strings; anything else is not a post
    versions = [str(v) for v in tweet.get("edit_history_tweet_ids") or [post_id]]
    user = users.get(str(tweet.get("author_id")), {})
    username = user.get("username")
    metrics = tweet.get("public_metrics") or {}
    user_metrics = user.get("public_metrics") or {}
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) and note.get("text") else tweet["text"]
    created = parse_timestamp(tweet.get("created_at")) or id_time(int(post_id))
    references = {
        ref.get("type"): str(ref.get("id"))
        for ref in tweet.get("referenced_tweets") or []
        if isinstance(ref, dict) and ref.get("id")
    }
    lang = tweet.get("lang")
    extra: dict[str, Any] = {"version_id": post_id}
    if tweet.get("author_id"):
        extra["author_id"] = str(tweet["author_id"])
    for kind in ("retweeted", "quoted"):
        if kind in references:
            extra[f"{kind}_id"] = references[kind]
    for name in ("quote_count", "bookmark_count"):
        if isinstance(metrics.get(name), int):
            extra[name] = metrics[name]
    return RawItem(
        # The first version's id: an edited post keeps one mention across its versions.
        native_id=versions[0],
        url=f"https://x.com/{username or 'i/web'}/status/{post_id}",
        html=html.escape(str(text), quote=False),
        author=Author(
            handle=username,
            name=user.get("name") or None,
            url=f"https://x.com/{username}" if username else None,
            followers=as_count(user_metrics.get("followers_count")),
            bio=plain_bio(user.get("description")),
            links=_profile_links(user),
            created_at=parse_timestamp(user.get("created_at")),
            following=as_count(user_metrics.get("following_count")),
            posts=as_count(user_metrics.get("tweet_count")),
        ),
        published_at=created,
        language=lang if isinstance(lang, str) and lang not in NO_LANGUAGE else None,
        engagement=Engagement(
            likes=as_count(metrics.get("like_count")),
            shares=_shares(metrics.get("retweet_count"), metrics.get("quote_count")),
            replies=as_count(metrics.get("reply_count")),
            views=as_count(metrics.get("impression_count")),
        ),
        parent_id=references.get("replied_to"),
        thread_id=str(tweet["conversation_id"]) if tweet.get("conversation_id") else versions[0],
        # Each version is a post of its own: a later version's created_at is when it was edited.
        edited_at=created if len(versions) > 1 else None,
        extra=extra,
    )


def _profile_links(user: dict[str, Any]) -> tuple[str, ...]:
    """The sites a user names: the profile's website and the links in its bio, as their
    expanded addresses (``url`` itself is a t.co redirect that names no site)."""
    entities = as_object(user.get("entities"))
    urls: list[object] = []
    for part in ("url", "description"):
        block = as_object(entities.get(part))
        for entry in block.get("urls") or []:
            if isinstance(entry, dict):
                urls.append(entry.get("expanded_url") or entry.get("url"))
    return web_links(urls)


def _shares(retweets: Any, quotes: Any) -> int | None:
    """Retweets and quote posts both put the post in front of the sharer's followers."""
    counts = [c for c in (as_count(retweets), as_count(quotes)) if c is not None]
    return sum(counts) if counts else None
