"""What the settings and the store say about a mention's author: tags, note, history.

An author is a handle on one network (``listener.sources.registry.network_of``), not on one
source type: a person who wrote through the polled ``mastodon`` source and then through
``mastodon_stream`` has written twice, and a VIP listed under ``bluesky`` is one through
``jetstream`` too. The stored ``source_type`` still says which reader stored a mention.

An author linked to a *person* (issue 18: one customer's accounts on several networks,
linked by hand or by settings, never silently) is that person here: their history merges
every account's earlier mentions, their tags and note are the settings' for every account
plus the person's own, and the repeat-contact points count contacts on any network. An
unlinked author is one account, as before. Each account costs one indexed read per type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from alerts.message import AccountLine, AuthorHistory, HistoryItem, PersonLine
from alerts.severity import REPEAT_WINDOW
from listener.config.alerts import TaggedAuthor
from listener.models import Mention
from listener.sources.registry import network_of, same_network_types
from listener.store.people import Person

HISTORY_ITEMS = 5
EXCERPT_CHARS = 200


def author_tags(
    authors: Sequence[TaggedAuthor], source_type: str, handle: str | None
) -> tuple[tuple[str, ...], str | None]:
    """Tags and note for this author (handle any case, '@' optional); an entry without
    ``source_type`` matches the handle on every source, one with it the handle on every
    source type of that type's network (``bluesky`` and ``jetstream`` alike)."""
    if not handle:
        return (), None
    wanted = handle.strip().removeprefix("@").lower()
    tags: list[str] = []
    note: str | None = None
    network: str | None = None  # asked only when an entry names the handle and a type
    for entry in authors:
        if entry.handle != wanted:
            continue
        if entry.source_type is not None:
            network = network or network_of(source_type)
            if network_of(entry.source_type) != network:
                continue
        tags += [t for t in entry.tags if t not in tags]
        note = note or entry.note
    return tuple(tags), note


class AuthorReads(Protocol):
    """What the history needs of a store: the rules' ``AlertTx`` or the ``Store`` itself."""

    def author_mentions(
        self, source_type: str | Sequence[str], handle: str, *, before: datetime, limit: int = 5
    ) -> list[Mention]: ...

    def person_of(self, source_types: Iterable[str], handle: str) -> Person | None: ...


@dataclass(frozen=True, slots=True)
class AuthorFacts:
    """What the rules know of a mention's author: the person (if linked), tags, note, and
    the earlier mentions (newest first, a few) across the person's accounts."""

    person: Person | None
    tags: tuple[str, ...]
    note: str | None
    earlier: list[Mention]


def person_of(reads: AuthorReads, mention: Mention) -> Person | None:
    """The person the mention's author is linked to; ``None`` when unlinked or anonymous."""
    handle = mention.author.handle
    if not handle:
        return None
    return reads.person_of(same_network_types(mention.source_type), handle)


def author_accounts(mention: Mention, person: Person | None) -> list[tuple[tuple[str, ...], str]]:
    """Each account to read history from, as (the types of its network, handle): the
    mention's own first, then the person's other accounts, one per network and handle (a
    person linked on ``bluesky`` and on ``jetstream`` under one handle is one account)."""
    handle = mention.author.handle
    if not handle:
        return []
    keys = [(same_network_types(mention.source_type), handle)]
    seen = {(network_of(mention.source_type), _folded(handle))}
    for account in person.accounts if person is not None else ():
        key = (network_of(account.source_type), _folded(account.handle))
        if key not in seen:
            seen.add(key)
            keys.append((same_network_types(account.source_type), account.handle))
    return keys


def _folded(handle: str) -> str:
    return handle.strip().removeprefix("@").lower()


def earlier_mentions(
    tx: AuthorReads, mention: Mention, person: Person | None = None, *, limit: int = HISTORY_ITEMS
) -> list[Mention]:
    """The author's mentions published before this one, newest first (a few); with
    ``person``, every linked account's, merged."""
    found = recent_mentions(tx, mention, person, before=mention.published_at, limit=limit)
    return [m for m in found if m.id != mention.id]


def recent_mentions(
    reads: AuthorReads, mention: Mention, person: Person | None, *, before: datetime, limit: int
) -> list[Mention]:
    """The mentions by ``mention``'s author (with ``person``, by every linked account)
    published before ``before``: one indexed read per account, merged newest first."""
    found: dict[str, Mention] = {}
    for types, handle in author_accounts(mention, person):
        for m in reads.author_mentions(types, handle, before=before, limit=limit):
            found.setdefault(m.id, m)
    # sorted() is stable: an unlinked author's one read keeps the store's order.
    return sorted(found.values(), key=lambda m: m.published_at, reverse=True)[:limit]


def person_tags(
    authors: Sequence[TaggedAuthor], mention: Mention, person: Person | None
) -> tuple[tuple[str, ...], str | None]:
    """``author_tags`` for the mention's author, and with ``person`` the settings' tags of
    every linked account and the person's own tags and note as well."""
    tags, note = author_tags(authors, mention.source_type, mention.author.handle)
    if person is None:
        return tags, note
    merged = list(tags)
    for account in person.accounts:
        more, more_note = author_tags(authors, account.source_type, account.handle)
        merged += [t for t in more if t not in merged]
        note = note or more_note
    merged += [t for t in person.tags if t not in merged]
    return tuple(merged), note or person.note


def author_facts(tx: AuthorReads, authors: Sequence[TaggedAuthor], mention: Mention) -> AuthorFacts:
    """Everything the complaint and saved-search rules ask about the author, in one go."""
    person = person_of(tx, mention)
    tags, note = person_tags(authors, mention, person)
    return AuthorFacts(person, tags, note, earlier_mentions(tx, mention, person))


def author_key(mention: Mention) -> tuple[tuple[str, ...], str] | None:
    """The author as the store's follow-up lookup takes it: the source types of the
    mention's network and the handle; ``None`` when the source names no author."""
    handle = mention.author.handle
    return (same_network_types(mention.source_type), handle) if handle else None


def contacts(earlier: Sequence[Mention]) -> list[Mention]:
    """The earlier mentions that were contacts: a near-copy (``copy_of`` set, e.g. a site
    syndicating the customer's letter) repeats a post, it is not the author writing again."""
    return [m for m in earlier if m.copy_of is None]


def prior_contacts(mention: Mention, earlier: Sequence[Mention]) -> int:
    """Earlier contacts by the author within the repeat window (see ``alerts.severity``);
    copies are not contacts."""
    since = mention.published_at - REPEAT_WINDOW
    return sum(1 for m in contacts(earlier) if m.published_at >= since)


def history(
    earlier: Sequence[Mention],
    tags: tuple[str, ...],
    note: str | None,
    person: Person | None = None,
) -> AuthorHistory:
    """The author's history as the drafting module and the messages want it."""
    first: datetime | None = earlier[-1].published_at if earlier else None
    return AuthorHistory(
        mention_count=len(earlier),
        first_seen_at=first,
        tags=tags,
        note=note,
        recent=tuple(
            HistoryItem(
                published_at=m.published_at,
                source=m.source,
                url=m.url,
                excerpt=(m.text or m.title)[:EXCERPT_CHARS],
                complaint=m.judgments.complaint,
                source_type=m.source_type,
                network=network_of(m.source_type),
            )
            for m in earlier
        ),
        person=person_line(person),
    )


def person_line(person: Person | None) -> PersonLine | None:
    """The person as a message shows them: name and every account with its network."""
    if person is None:
        return None
    return PersonLine(
        id=person.id,
        name=person.name,
        accounts=tuple(
            AccountLine(a.source_type, a.handle, network_of(a.source_type)) for a in person.accounts
        ),
    )
