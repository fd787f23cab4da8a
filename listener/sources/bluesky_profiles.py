"""Follower counts for the authors of a Bluesky poll: ``app.bsky.actor.getProfiles``.

A post view carries the author's DID, handle and display name but no follower count. After
the search pages, the authors of the new posts (newest post first) are looked up 25 DIDs a
call (``actors=did1&actors=did2…``, the lexicon's maximum), through the same logged-in
session, and ``followersCount`` becomes ``Author.followers``; the profile's description,
``createdAt``, ``followsCount`` and ``postsCount`` fill the author's other fields (issue 18).

Bounds: at most ``MAX_CALLS`` calls (100 authors) a poll — the rest keep ``None`` until a
later poll finds them again — and none at all when the ``RateLimit-*`` budget is low (it is
shared with the search). Answers are kept per source for ``CACHE_TTL`` (bounded), so a busy
author is looked up a few times a day, not every poll. An account the AppView no longer
shows (deleted, taken down) is simply missing from the answer: cached as unknown.

A failed lookup never fails the poll: the posts keep no follower count and the poll reports
a problem; the next poll asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from listener.models import RawItem
from listener.sources.base import PollContext
from listener.sources.bluesky_session import authed
from listener.sources.cached_authors import (
    AuthorCache,
    budget_is_low,
    lookup_failed,
    wanted,
    with_followers,
)
from listener.sources.errors import RateLimited, SourceError
from listener.sources.profiles import ProfileFacts, bluesky_facts
from listener.sources.ratelimit import RateBudget
from listener.sources.values import as_count

ACTORS_PER_CALL = 25  # app.bsky.actor.getProfiles: actors maxLength 25
MAX_CALLS = 4  # per poll: 100 authors
CACHE_TTL = timedelta(hours=6)
CACHE = AuthorCache(CACHE_TTL, max_entries=20_000)


def forget_profiles() -> None:
    """Drop every cached follower count (tests)."""
    CACHE.clear()


@dataclass(frozen=True)
class Enriched:
    """The items with what could be learnt, and what the lookups said about the budget."""

    items: list[RawItem]
    problems: list[str]
    budget: RateBudget | None
    retry_after_s: float | None = None  # a 429 on the lookup: the search would get one too
    calls: int = 0


def _did(item: RawItem) -> str | None:
    did = item.extra.get("author_did")
    return did if isinstance(did, str) and did.startswith("did:") else None


async def add_followers(
    ctx: PollContext[Any],
    items: list[RawItem],
    budget: RateBudget | None,
    *,
    service_url: str,
    identifier: str,
    password: str,
    reserve: int,
) -> Enriched:
    """``items`` with ``author.followers`` from cache or ``getProfiles``.

    ``budget`` is the last one the search announced; ``reserve`` the requests the next poll
    needs, kept back from the lookups.
    """
    now = ctx.clock()
    counts: dict[str, int | None] = {}
    facts: dict[str, ProfileFacts | None] = {}
    missing: list[str] = []
    for did in wanted(items, _did):
        known = CACHE.get(ctx.source, did, now)
        if known is None:
            missing.append(did)
        else:
            counts[did], facts[did] = known.followers, known.facts
    batches = [missing[i : i + ACTORS_PER_CALL] for i in range(0, len(missing), ACTORS_PER_CALL)]
    batches = batches[:MAX_CALLS]
    problems: list[str] = []
    retry_after_s: float | None = None
    calls = 0
    if batches and budget_is_low(budget, reserve + len(batches)):
        ctx.log.info(
            "bluesky rate budget low: follower counts not looked up this poll",
            extra={"source": ctx.source},
        )
        batches = []
    for batch in batches:
        try:
            calls += 1
            response = await authed(
                ctx,
                service_url,
                identifier,
                password,
                f"{service_url}/xrpc/app.bsky.actor.getProfiles",
                {"actors": batch},
            )
        except SourceError as exc:
            if isinstance(exc, RateLimited):
                retry_after_s = exc.retry_after_s
            left = sum(len(b) for b in batches[calls - 1 :])
            problems.append(lookup_failed("Bluesky getProfiles", exc, left))
            break
        budget = response.budget or budget
        profiles = response.data.get("profiles") if isinstance(response.data, dict) else None
        if not isinstance(profiles, list):
            problems.append("Bluesky getProfiles: no profiles list in the answer")
            break
        found: dict[str, int | None] = {}
        found_facts: dict[str, ProfileFacts] = {}
        for profile in profiles:
            shown = profile.get("did") if isinstance(profile, dict) else None
            if isinstance(shown, str):
                found[shown] = as_count(profile.get("followersCount"))
                found_facts[shown] = bluesky_facts(profile)
        for did in batch:
            counts[did], facts[did] = found.get(did), found_facts.get(did)
            CACHE.put(ctx.source, did, found.get(did), now, found_facts.get(did))
    enriched = with_followers(items, _did, counts, facts)
    return Enriched(enriched, problems, budget, retry_after_s, calls)
