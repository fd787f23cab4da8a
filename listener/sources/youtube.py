"""YouTube comments, through the YouTube Data API v3 ``commentThreads.list`` (API key).

Watches the top-level comments on ``video_ids`` and/or on everything of ``channel_id``
(``allThreadsRelatedToChannelId``: its videos and its channel page), optionally narrowed to
``search_terms``. Threads come newest first (``order=time``); each video/channel keeps its own
cursor: the newest ``publishedAt`` stored, and paging stops when it is reached. A poll reads
at most ``max_pages`` pages (100 threads each) per video/channel; when that is not enough to
reach the stored newest comment, the next poll resumes from the saved ``nextPageToken``
before starting again from the top, so nothing in between is skipped.

Caps and traps:

- Quota, not rate: 10,000 units a day per Google Cloud project, 1 unit per page here, reset
  at midnight Pacific time. An exhausted quota is a 403 whose body says ``quotaExceeded``
  (no rate-limit headers exist): the poll is ``RateLimited`` until that midnight.
- ``commentsDisabled`` (403) or a removed video (404) is a problem for that video only; the
  other videos and the channel are still polled.
- Replies are not fetched (``totalReplyCount`` only): a brand named only in a reply is missed.
- A comment carries no subscriber count: ``youtube_authors`` looks the new comments' author
  channels up with ``channels.list`` (50 a call, at most 2 calls = 2 units a poll, cached
  6 h). A failed lookup, an exhausted quota included, is a problem, not a failed poll.
- Deleted comments simply disappear from the listing: no tombstone can be reported. An edit
  shows as ``updatedAt`` later than ``publishedAt`` (``edited_at``), but only while the comment
  is still within reach of the cursor: an old comment edited later is not fetched again.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

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
from listener.sources.errors import PermanentError, RateLimited, SourceError, TransientError
from listener.sources.http import FailedResponse
from listener.sources.timestamps import epoch, parse_timestamp, seconds_until_midnight
from listener.sources.values import MAPPING_ERRORS, as_count, skipped
from listener.sources.youtube_authors import add_subscribers

PAGE_SIZE = 100  # the API's maximum for commentThreads.list
PACIFIC = ZoneInfo("America/Los_Angeles")  # where the daily quota resets
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
# Per-second limits: short, so the scheduler's own backoff is the right wait.
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
KEY_REASONS = frozenset({"keyInvalid", "keyExpired", "accessNotConfigured", "forbidden"})
# Wrong for one video or channel, not for the source: the others go on.
TARGET_REASONS = frozenset({"commentsDisabled", "videoNotFound", "channelNotFound"})

INFO = SourceInfo(
    summary="YouTube comments on chosen videos or a whole channel (YouTube Data API v3)",
    credentials=("api_key: a YouTube Data API v3 key from a Google Cloud project",),
    limits="10,000 quota units a day per project (1 per page of 100 comment threads, plus at "
    "most 2 a poll for authors' subscriber counts), reset at midnight Pacific; replies are "
    "not fetched",
    sample="""\
- name: youtube-acme
  type: youtube
  interval: 30m
  api_key: ${YOUTUBE_API_KEY}
  channel_id: UC_x5XG1OV2P6uZZ5FSM9Ttw   # all comments on the channel's videos
  video_ids: [F1UP7wRCPH8]               # and/or these videos
  search_terms: acme                     # optional: only threads containing this
  lookback: 2d                           # first poll only
""",
    # Raised: 10,000 quota units a day per project, and a poll spends a unit per page of
    # each video or channel plus up to 2 for authors: 288 polls a day of 3 units are 864.
    min_interval=timedelta(minutes=5),
)


class Options(ApiOptions):
    api_key: Secret
    video_ids: tuple[str, ...] = ()
    channel_id: str | None = Field(default=None, min_length=1)
    search_terms: str | None = Field(default=None, min_length=1)
    api_url: BaseUrl = "https://www.googleapis.com/youtube/v3"

    @model_validator(mode="after")
    def _something_to_watch(self) -> Options:
        if not self.video_ids and not self.channel_id:
            raise ValueError("give video_ids, channel_id or both: there is nothing to watch")
        if any(not v.strip() for v in self.video_ids):
            raise ValueError("video_ids must not contain empty ids")
        return self


Kind = Literal["video", "channel"]


@dataclass(frozen=True)
class Target:
    """One video or channel and how far its comments have been read."""

    kind: Kind
    id: str
    since: int  # epoch s: every comment published before this has been read
    newest: int | None = None  # while a gap is open: the newest comment seen so far
    page_token: str | None = None  # while a gap is open: where the next poll resumes

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    def cursor(self) -> dict[str, Any]:
        if self.page_token is None:
            return {"since": self.since}
        return {"since": self.since, "newest": self.newest, "page_token": self.page_token}


class _TargetProblem(PermanentError):
    """This video or channel cannot be read; the rest of the source can."""


class _BadRequest(PermanentError):
    """A 400 that is not about the key: a bad option, or a saved page token gone stale."""


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    saved = load_cursor(state)
    default_since = epoch(first_poll_since(ctx, options.lookback))
    kinds: list[tuple[Kind, str]] = [("video", v) for v in options.video_ids]
    if options.channel_id:
        kinds.append(("channel", options.channel_id))
    items: list[RawItem] = []
    problems: list[str] = []
    cursor: dict[str, Any] = {}
    for kind, target_id in kinds:
        target = _target(kind, target_id, saved.get(f"{kind}:{target_id}"), default_since)
        try:
            target = await _poll_target(ctx, target, items, problems)
        except _TargetProblem as exc:
            problems.append(str(exc))
        cursor[target.key] = target.cursor()
    where = "YouTube channels.list (subscriber counts)"
    items, lookup_problems = await add_subscribers(
        ctx,
        items,
        api_url=options.api_url,
        api_key=options.api_key.get_secret_value(),
        explain=lambda failed, default: _explain(failed, default, where, ctx.clock()),
    )
    return PollResult(items=items, cursor=dump_cursor(cursor), problems=problems + lookup_problems)


def _target(kind: Kind, target_id: str, saved: Any, default_since: int) -> Target:
    if not isinstance(saved, dict) or not isinstance(saved.get("since"), int):
        return Target(kind, target_id, since=default_since)
    token, newest = saved.get("page_token"), saved.get("newest")
    if isinstance(token, str) and token and isinstance(newest, int):
        return Target(kind, target_id, saved["since"], newest, token)
    return Target(kind, target_id, saved["since"])


async def _poll_target(
    ctx: PollContext[Options], target: Target, items: list[RawItem], problems: list[str]
) -> Target:
    """Read one video's or channel's new threads into ``items``; the target's new cursor."""
    options = ctx.options
    where = f"YouTube comments on {target.kind} {target.id}"
    params: dict[str, Any] = {
        "part": "snippet",
        "videoId" if target.kind == "video" else "allThreadsRelatedToChannelId": target.id,
        "searchTerms": options.search_terms,
        "order": "time",
        "maxResults": PAGE_SIZE,
        "textFormat": "html",
        "key": options.api_key.get_secret_value(),
    }
    token = target.page_token
    keys: list[int] = [] if target.newest is None else [target.newest]
    complete = False
    for _ in range(options.max_pages):
        try:
            response = await get_json(
                ctx,
                f"{options.api_url}/commentThreads",
                explain=lambda failed, default: _explain(failed, default, where, ctx.clock()),
                params={**params, "pageToken": token},
            )
        except _BadRequest as exc:
            if token is None or token != target.page_token:
                raise
            # A saved page token can go stale between polls: give up the gap, not the source.
            problems.append(f"{where}: could not resume paging ({exc}); continuing from the top")
            return Target(target.kind, target.id, since=max(keys, default=target.since))
        threads = require(response.data, "items", list, where)
        for thread in threads:
            try:
                item = _raw_item(thread)
            except MAPPING_ERRORS as exc:
                problems.append(skipped(where, exc))
                continue
            if item is None or item.published_at is None:
                problems.append(f"{where}: skipped a thread without id or publishedAt")
                continue
            if epoch(item.published_at) < target.since:
                complete = True  # reached comments read before: newest-first, so stop
                break
            items.append(item)
            keys.append(epoch(item.published_at))
        sent, token = token, response.data.get("nextPageToken")
        # No token, or the one just sent (a looping server): the end of the listing.
        if complete or not threads or not isinstance(token, str) or token in ("", sent):
            complete = True
            break
    if complete:
        return Target(target.kind, target.id, since=max(keys, default=target.since))
    return Target(target.kind, target.id, target.since, max(keys, default=target.since), token)


def _raw_item(thread: Any) -> RawItem | None:
    """A commentThread as a mention of its top-level comment; ``None`` when ill-formed."""
    if not isinstance(thread, dict) or not isinstance(thread.get("snippet"), dict):
        return None
    outer = thread["snippet"]
    top = outer.get("topLevelComment")
    snippet = top.get("snippet") if isinstance(top, dict) else None
    comment_id = thread.get("id") or (top.get("id") if isinstance(top, dict) else None)
    if not isinstance(snippet, dict) or not isinstance(comment_id, str) or not comment_id:
        return None
    video_id = outer.get("videoId") or snippet.get("videoId")
    channel_id = outer.get("channelId") or snippet.get("channelId")
    url: str | None = None
    if video_id:
        url = f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}"
    else:  # a comment on the channel itself (the old channel discussion tab)
        url = f"https://www.youtube.com/channel/{channel_id}" if channel_id else None
    published = parse_timestamp(snippet.get("publishedAt"))
    updated = parse_timestamp(snippet.get("updatedAt"))
    name = snippet.get("authorDisplayName")
    author_channel = snippet.get("authorChannelId")
    author_channel_id = author_channel.get("value") if isinstance(author_channel, dict) else None
    return RawItem(
        native_id=comment_id,
        url=url,
        html=str(
            snippet.get("textDisplay")
            or html.escape(str(snippet.get("textOriginal") or ""), quote=False)
        ),
        author=Author(
            # Newer display names are the @handle; older ones are free-form names.
            handle=name if isinstance(name, str) and name.startswith("@") else None,
            name=str(name) if name else None,
            url=snippet.get("authorChannelUrl") or None,
        ),
        published_at=published,
        edited_at=updated if published and updated and updated > published else None,
        engagement=Engagement(
            likes=as_count(snippet.get("likeCount")), replies=as_count(outer.get("totalReplyCount"))
        ),
        thread_id=str(video_id or channel_id) if video_id or channel_id else None,
        extra={
            k: v
            for k, v in (
                ("video_id", video_id),
                ("channel_id", channel_id),
                ("author_channel_id", author_channel_id),
            )
            if v
        },
    )


def _explain(
    failed: FailedResponse, default: SourceError, where: str, now: datetime
) -> SourceError | None:
    """YouTube's error body says why: ``{"error": {"message", "errors": [{"reason"}]}}``."""
    error = failed.body.get("error") if isinstance(failed.body, dict) else None
    if not isinstance(error, dict):
        return None
    reasons = [e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)]
    reason = next((r for r in reasons if isinstance(r, str)), "")
    said = f"{error.get('message') or 'no message'} ({reason or error.get('status') or '?'})"
    if reason in QUOTA_REASONS:
        wait = seconds_until_midnight(now, PACIFIC)
        return RateLimited(
            f"{where}: the project's daily YouTube quota is used up ({reason}); it resets "
            f"at midnight Pacific time, in {wait / 3600:.1f} h — or raise the quota in "
            "the Google Cloud console",
            retry_after_s=wait,
        )
    if reason in RATE_REASONS:
        return RateLimited(f"{where}: YouTube says too many requests: {said}")
    if reason in TARGET_REASONS:
        return _TargetProblem(f"{where}: {said}; remove it from settings.yaml if this lasts")
    if reason in KEY_REASONS or failed.status in (401, 403):
        return PermanentError(
            f"{where}: YouTube refused the request: {said} — check api_key in settings.yaml "
            "and that the YouTube Data API v3 is enabled for its project"
        )
    if failed.status == 400:
        return _BadRequest(f"{where}: YouTube rejected the request: {said}")
    if isinstance(default, TransientError):
        return TransientError(f"{default}: {said}", retry_after_s=default.retry_after_s)
    return None


def seconds_until_pacific_midnight(now: datetime) -> float:
    """Seconds from ``now`` to the next midnight in California, when YouTube's quota resets."""
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=PACIFIC)
    return (midnight - now).total_seconds()
