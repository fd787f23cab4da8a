"""Karma for the authors of a Reddit poll (OAuth mode): ``GET /user/{name}/about``.

Reddit has no follower count a listing shows, so reach on Reddit uses karma: an account's
``total_karma`` (or ``link_karma + comment_karma`` where that is missing) becomes
``Author.followers``. It is one request per author against a budget of 100 queries a minute
shared with the listings, so:

- at most ``karma_lookups`` authors a poll (default 10; 0 turns this off), the newest posts'
  authors first; the rest wait for a later poll that finds them again;
- answers are kept per source for ``CACHE_TTL`` (a day, bounded);
- nothing is looked up while ``x-ratelimit-remaining`` is low (the listings come first);
- ``[deleted]``/``[removed]`` authors are never looked up (the mapping leaves them no handle);
- a 403 or 404 (a suspended or shadow-banned account), or an answer marked
  ``is_suspended``, is cached as unknown, so the account is not asked about again all day.

Any other failure (5xx, 429, a bad answer) keeps the posts without karma, reports a problem
and stops the lookups for this poll; a 429's wait is passed on to the scheduler.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from listener.models import RawItem
from listener.sources.api import JsonResponse
from listener.sources.base import PollContext
from listener.sources.cached_authors import (
    AuthorCache,
    budget_is_low,
    lookup_failed,
    wanted,
    with_followers,
)
from listener.sources.errors import PermanentError, RateLimited, SourceError
from listener.sources.http import Explain, FailedResponse
from listener.sources.profiles import ProfileFacts, as_object, looked_up_profile
from listener.sources.ratelimit import RateBudget
from listener.sources.timestamps import parse_timestamp
from listener.sources.values import as_count

CACHE_TTL = timedelta(hours=24)
CACHE = AuthorCache(CACHE_TTL, max_entries=20_000)
_USERNAME = re.compile(r"[A-Za-z0-9_-]{1,30}")

# The reader's authenticated GET: path, query parameters, an extra ``explain``.
Get = Callable[[str, dict[str, Any], Explain | None], Awaitable[JsonResponse]]


def forget_karma() -> None:
    """Drop every cached karma (tests)."""
    CACHE.clear()


class _Unknown(PermanentError):
    """403/404 from /about: the account is suspended or shadow-banned; its karma is unknown."""


def _gone(failed: FailedResponse, default: SourceError) -> SourceError | None:
    return _Unknown(str(default)) if failed.status in (403, 404) else None


def _name(item: RawItem) -> str | None:
    handle = item.author.handle
    return handle if handle and _USERNAME.fullmatch(handle) else None


def karma(data: Any) -> int | None:
    """Total karma from an ``about`` answer (``{"kind": "t2", "data": {…}}``), or ``None``."""
    user = data.get("data") if isinstance(data, dict) else None
    if not isinstance(user, dict) or user.get("is_suspended") is True:
        return None
    total = as_count(user.get("total_karma"))
    if total is None:
        parts = [as_count(user.get(k)) for k in ("link_karma", "comment_karma")]
        known = [p for p in parts if p is not None]
        total = sum(known) if known else None
    return None if total is None else max(0, total)  # karma can be negative; reach cannot


def about_facts(data: Any) -> ProfileFacts | None:
    """The profile in an ``about`` answer: the account's age (``created_utc``) and the bio
    of its profile page (``subreddit.public_description``; ``subreddit`` is null for an
    account that never set one up). Reddit shows no following or post count."""
    user = data.get("data") if isinstance(data, dict) else None
    if not isinstance(user, dict) or user.get("is_suspended") is True:
        return None
    page = as_object(user.get("subreddit"))
    return looked_up_profile(
        page.get("public_description"), created_at=parse_timestamp(user.get("created_utc"))
    )


@dataclass(frozen=True)
class WithKarma:
    items: list[RawItem]
    problems: list[str]
    retry_after_s: float | None = None
    calls: int = 0


async def add_karma(
    ctx: PollContext[Any],
    items: list[RawItem],
    *,
    get: Get,
    budget: Callable[[], RateBudget | None],
    lookups: int,
    reserve: int,
) -> WithKarma:
    """``items`` with ``author.followers`` set to karma, from cache or ``/user/{name}/about``.

    ``budget`` reads the last budget Reddit announced (each lookup updates it); ``reserve``
    is what the next poll's listings need, kept back from the lookups.
    """
    if lookups <= 0:
        return WithKarma(items, [])
    now = ctx.clock()
    counts: dict[str, int | None] = {}
    facts: dict[str, ProfileFacts | None] = {}
    missing: list[str] = []
    for name in wanted(items, _name):
        known = CACHE.get(ctx.source, name, now)
        if known is None:
            missing.append(name)
        else:
            counts[name], facts[name] = known.followers, known.facts
    missing = missing[:lookups]
    problems: list[str] = []
    retry_after_s: float | None = None
    calls = 0
    for position, name in enumerate(missing):
        if budget_is_low(budget(), reserve + len(missing) - position):
            ctx.log.info(
                "reddit rate budget low: %d authors' karma not looked up this poll",
                len(missing) - position,
                extra={"source": ctx.source},
            )
            break
        calls += 1
        try:
            response = await get(f"/user/{name}/about", {"raw_json": 1}, _gone)
        except _Unknown:
            counts[name] = None
            CACHE.put(ctx.source, name, None, now)
            continue
        except SourceError as exc:
            if isinstance(exc, RateLimited):
                retry_after_s = exc.retry_after_s
            problems.append(lookup_failed("Reddit /user/…/about", exc, len(missing) - position))
            break
        counts[name], facts[name] = karma(response.data), about_facts(response.data)
        CACHE.put(ctx.source, name, counts[name], now, facts[name])
    enriched = with_followers(items, _name, counts, facts)
    return WithKarma(enriched, problems, retry_after_s, calls)
