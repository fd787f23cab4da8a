"""Handles, display names and follower counts for the authors of screened Jetstream posts.

A Jetstream frame names its author by DID only. Resolving every author of the firehose would
cost a request per post; the daemon calls ``enrich`` only for the posts that passed the
brand screen, and those authors are looked up here through the public AppView's
``app.bsky.actor.getProfiles`` (no login; 25 actors a call, the lexicon's maximum; at most
``MAX_CALLS`` calls a batch). Answers are kept in a bounded LRU cache with a TTL, one per
source (``profiles``, kept on the source's stream context), so a busy author costs a few
requests a day.

Identity events that carry a handle (a handle change) update the cache as they pass, so a
renamed author is shown by the new name without asking. A lookup that fails, or an author
the AppView does not show, leaves the DID as the handle: enrichment never loses a post.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from listener.models import RawItem
from listener.sources.api import get_json
from listener.sources.base import PollContext
from listener.sources.errors import SourceError
from listener.sources.profiles import ProfileFacts, bluesky_facts, with_facts
from listener.sources.streaming import StreamContext
from listener.sources.values import as_count

ACTORS_PER_CALL = 25  # app.bsky.actor.getProfiles: actors maxLength 25
MAX_CALLS = 4  # per enriched batch: 100 authors; the rest keep their DID until the next
CACHE_TTL = timedelta(hours=6)
CACHE_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class Profile:
    """What is known of one DID. ``looked_up``: from getProfiles (an identity event gives
    the handle only, so the name and followers are still worth asking for)."""

    handle: str | None
    name: str | None
    followers: int | None
    until: datetime
    looked_up: bool = True
    facts: ProfileFacts | None = None  # bio, links, age and counts (issue 18)


class ProfileCache:
    """Profiles by (source name, DID), each kept for ``ttl``; least recently used go first
    once ``max_entries`` are held."""

    def __init__(self, ttl: timedelta = CACHE_TTL, max_entries: int = CACHE_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], Profile] = OrderedDict()

    def get(self, source: str, did: str, now: datetime) -> Profile | None:
        key = (source, did)
        found = self._entries.get(key)
        if found is None:
            return None
        if now >= found.until:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return found

    def put(self, source: str, did: str, profile: Profile) -> None:
        self._entries[(source, did)] = profile
        self._entries.move_to_end((source, did))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def saw_handle(self, source: str, did: str, handle: str, now: datetime) -> None:
        """An identity event announced ``handle`` for ``did``."""
        known = self.get(source, did, now)
        if known is not None:
            self.put(source, did, replace(known, handle=handle))
        else:
            self.put(source, did, Profile(handle, None, None, now + self.ttl, looked_up=False))

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def profiles(ctx: StreamContext[Any]) -> ProfileCache:
    """The source's own cache, made at its first use and kept as long as its context."""
    cache = ctx.kept.get("profiles")
    if not isinstance(cache, ProfileCache):
        cache = ctx.kept["profiles"] = ProfileCache()
    return cache


def author_did(item: RawItem) -> str | None:
    did = item.extra.get("author_did")
    return did if isinstance(did, str) and did.startswith("did:") else None


async def resolve_authors(
    ctx: PollContext[Any], items: list[RawItem], appview_url: str, cache: ProfileCache
) -> list[RawItem]:
    """``items`` with their authors' handles, names and follower counts where known."""
    now = ctx.clock()
    missing: list[str] = []
    for item in items:
        did = author_did(item)
        if did is None or item.deleted:
            continue
        known = cache.get(ctx.source, did, now)
        if (known is None or not known.looked_up) and did not in missing:
            missing.append(did)
    batches = [missing[i : i + ACTORS_PER_CALL] for i in range(0, len(missing), ACTORS_PER_CALL)]
    for number, batch in enumerate(batches[:MAX_CALLS]):
        try:
            response = await get_json(
                ctx, f"{appview_url}/xrpc/app.bsky.actor.getProfiles", params={"actors": batch}
            )
        except SourceError as exc:
            left = len(missing) - number * ACTORS_PER_CALL
            ctx.log.warning(
                "jetstream: author lookup failed (%s); %d authors keep their DID",
                exc,
                left,
                extra={"source": ctx.source},
            )
            break
        _remember(ctx.source, batch, response.data, now, cache)
    if len(batches) > MAX_CALLS:
        ctx.log.info(
            "jetstream: %d authors left unresolved this batch (at most %d lookups a batch)",
            len(missing) - MAX_CALLS * ACTORS_PER_CALL,
            MAX_CALLS,
            extra={"source": ctx.source},
        )
    return [
        _with_profile(item, cache.get(ctx.source, author_did(item) or "", now)) for item in items
    ]


def _remember(source: str, batch: list[str], data: Any, now: datetime, cache: ProfileCache) -> None:
    profiles = data.get("profiles") if isinstance(data, dict) else None
    found: dict[str, dict[str, Any]] = {}
    for profile in profiles if isinstance(profiles, list) else ():
        did = profile.get("did") if isinstance(profile, dict) else None
        if isinstance(did, str):
            found[did] = profile
    for did in batch:
        profile = found.get(did)
        if profile is None:  # deleted, taken down, or not indexed: known to show nothing
            earlier = cache.get(source, did, now)
            handle = earlier.handle if earlier else None
            cache.put(source, did, Profile(handle, None, None, now + cache.ttl))
            continue
        handle = profile.get("handle")
        name = profile.get("displayName")
        cache.put(
            source,
            did,
            Profile(
                # "handle.invalid": the AppView could not verify the handle; the DID is truer.
                handle if isinstance(handle, str) and handle != "handle.invalid" else None,
                name if isinstance(name, str) and name else None,
                as_count(profile.get("followersCount")),
                now + cache.ttl,
                facts=bluesky_facts(profile),
            ),
        )


def _with_profile(item: RawItem, profile: Profile | None) -> RawItem:
    # The post and profile URLs keep the DID: it never changes, a handle may.
    if profile is None or item.deleted:
        return item
    author = item.author
    return replace(
        item,
        author=with_facts(
            replace(
                author,
                handle=profile.handle or author.handle,
                name=profile.name or author.name,
                followers=profile.followers if profile.followers is not None else author.followers,
            ),
            profile.facts,
        ),
    )
