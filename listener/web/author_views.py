"""One author as the author page and ``/api/v1/authors/{source_type}/{handle}`` show them:
what the store knows of them, their tags from the settings, the alerts their mentions are
in, and every mention by them newest first, a keyset page at a time — so no one makes a
customer repeat themselves.

"Across sources", today, means every source of one network: a handle (compared without
case) on any source type of that network (``listener.sources.registry.network_of``: the
polled ``bluesky`` and the ``jetstream`` stream are one), whichever configured source stored
the mention. The same handle on another network is listed apart as "also seen as", since it
may be someone else. Only a person (issue 18), linked by hand, joins accounts across
networks: then the page shows that person's history, one list over all their accounts.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from datetime import datetime

from fastapi import HTTPException
from pydantic import BaseModel

from alerts.rules.authors import author_tags
from listener.models import Mention
from listener.sources.registry import network_of, same_network_types
from listener.store.author_reads import (
    MentionKey,
    accounts_mentions_page,
    alerts_of_author,
    alerts_of_mentions,
    author_mentions_page,
    author_records,
)
from listener.store.base import AuthorRecord
from listener.store.people import Person
from listener.store.rows import parse_ts, ts
from listener.web.context import WebContext
from listener.web.display import author_page_path, link_or_none
from listener.web.mention_views import AlertOut, alert_out, mention_page_path
from listener.web.people_views import (
    PersonOut,
    SuggestionOut,
    get_person,
    person_of_author,
    person_out,
    suggestions_of_author,
)

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
ALERTS_SHOWN = 20
EXCERPT_CHARS = 280

SCOPE = (
    "Every mention by this handle on {network}, from any of its sources. The same handle on"
    " another network may be someone else, so it is listed apart and never merged."
)
PERSON_SCOPE = (
    "Every mention by {name}'s linked accounts ({networks}), from any of their sources,"
    " as one history. Only accounts linked by hand are joined."
)


class AuthorRecordOut(BaseModel):
    source_type: str
    handle: str
    name: str | None
    url: str | None
    link: str | None  # ``url`` when it is safe to follow
    followers: int | None
    first_seen_at: datetime
    last_seen_at: datetime
    mention_count: int
    page: str | None


class PersonTotalOut(BaseModel):
    """What is stored of a linked person over all their accounts: the author page counts
    this account's own mentions, but its history below is the person's, merged."""

    mention_count: int
    accounts: int
    first_seen_at: datetime | None
    last_seen_at: datetime | None


class AuthorMentionOut(BaseModel):
    id: str
    page: str
    source: str
    published_at: datetime
    title: str
    excerpt: str
    link: str | None
    brands: list[str]
    sentiment_label: str
    complaint: bool
    alerts: list[AlertOut]
    network: str | None = None  # said when the history is a person's, over several networks
    copy_of: str | None = None  # a near-copy of that mention: shown "copy", not a new contact


class AuthorPage(BaseModel):
    source_type: str
    handle: str
    scope: str  # what "across sources" covers, in words
    record: AuthorRecordOut | None
    tags: list[str]  # vip, loyal, press (alerts.authors in the settings)
    note: str | None
    elsewhere: list[AuthorRecordOut]  # the same handle on other configured networks
    alerts: list[AlertOut]  # newest first, at most ALERTS_SHOWN
    items: list[AuthorMentionOut]  # this page of their mentions, newest first
    next_cursor: str | None
    person: PersonOut | None = None  # the person this account is linked to, by hand
    suggestions: list[SuggestionOut] = []  # "maybe the same person", other networks only
    person_total: PersonTotalOut | None = None  # when ``person`` is shown, their whole count


class PersonPage(BaseModel):
    person: PersonOut
    scope: str
    alerts: list[AlertOut]  # across their accounts, newest first, at most ALERTS_SHOWN
    suggestions: list[SuggestionOut]  # for any of their accounts
    items: list[AuthorMentionOut]  # this page of their history, newest first
    next_cursor: str | None


def _record_out(record: AuthorRecord) -> AuthorRecordOut:
    return AuthorRecordOut(
        source_type=record.source_type,
        handle=record.handle,
        name=record.name,
        url=record.url,
        link=link_or_none(record.url),
        followers=record.followers,
        first_seen_at=record.first_seen_at,
        last_seen_at=record.last_seen_at,
        mention_count=record.mention_count,
        page=author_page_path(record.source_type, record.handle),
    )


def _cursor(key: MentionKey | None) -> str | None:
    if key is None:
        return None
    raw = f"{ts(key.published_at)}|{key.seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_MAX_SEQ = 2**63 - 1


def parse_cursor(cursor: str | None) -> MentionKey | None:
    """The key a ``next_cursor`` stands for; 400 for one this app did not write."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, seq = raw.rsplit("|", 1)
        key = MentionKey(published_at=parse_ts(at), seq=int(seq))
        if not 0 <= key.seq <= _MAX_SEQ:  # past SQLite's integer: an overflow, not a page
            raise ValueError("seq out of range")
        return key
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise HTTPException(
            status_code=400, detail="the cursor is not one this app gave out"
        ) from None


def _mention_out(
    m: Mention, alerts: list[AlertOut], *, network: str | None = None
) -> AuthorMentionOut:
    text = m.text or m.title
    return AuthorMentionOut(
        id=m.id,
        page=mention_page_path(m.id),
        source=m.source,
        published_at=m.published_at,
        title=m.title[:EXCERPT_CHARS],
        excerpt=text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else ""),
        link=link_or_none(m.url),
        brands=list(m.brands),
        sentiment_label=m.judgments.sentiment_label.value,
        complaint=m.judgments.complaint,
        alerts=alerts,
        network=network,
        copy_of=m.copy_of,
    )


def author_mentions(
    context: WebContext, source_type: str, handle: str, *, cursor: str | None, limit: int
) -> tuple[list[AuthorMentionOut], str | None]:
    """One page of the author's mentions on ``source_type``'s network, each with the alerts
    it is in; the person's whole history when the account is linked to one."""
    person = person_of_author(context, source_type, handle)
    if person is not None:
        return person_mentions(context, person, cursor=cursor, limit=limit)
    after = parse_cursor(cursor)
    types = same_network_types(source_type)
    found, key = author_mentions_page(context.store, types, handle, after=after, limit=limit)
    held = alerts_of_mentions(context.store, [m.id for m in found])
    items = [_mention_out(m, [alert_out(a) for a in held[m.id]]) for m in found]
    return items, _cursor(key)


def person_mentions(
    context: WebContext, person: Person, *, cursor: str | None, limit: int
) -> tuple[list[AuthorMentionOut], str | None]:
    """One page of a person's history over all their accounts, newest first, each row with
    its network.

    How the cursor works: it is the last shown mention's own key (published_at, seq), as
    for one account, and seq is unique in the whole table. Each account (on each type of
    its network) is read through the author index from strictly after that key, limit+1
    rows each; the merge keeps the newest limit+1, and the next page starts after the last
    row shown, whichever account it came from. So no row is skipped or repeated, and a deep
    page costs what the first does: one index seek per account and type."""
    after = parse_cursor(cursor)
    accounts = [(same_network_types(a.source_type), a.handle) for a in person.accounts]
    found, key = accounts_mentions_page(context.store, accounts, after=after, limit=limit)
    held = alerts_of_mentions(context.store, [m.id for m in found])
    items = [
        _mention_out(m, [alert_out(a) for a in held[m.id]], network=network_of(m.source_type))
        for m in found
    ]
    return items, _cursor(key)


def _person_alerts(context: WebContext, person: Person) -> list[AlertOut]:
    seen: dict[int, AlertOut] = {}
    for account in person.accounts:
        types = same_network_types(account.source_type)
        for brief in alerts_of_author(context.store, types, account.handle, limit=ALERTS_SHOWN):
            out = alert_out(brief)
            seen[out.id] = out
    newest = sorted(seen.values(), key=lambda a: (a.created_at, a.id), reverse=True)
    return newest[:ALERTS_SHOWN]


def person_total(context: WebContext, person: Person) -> PersonTotalOut:
    """The person's stored mentions over every account (each on every type of its network),
    from the authors table's records: one primary-key lookup per account and type."""
    records: dict[tuple[str, str], AuthorRecord] = {}
    for account in person.accounts:
        types = same_network_types(account.source_type)
        for record in author_records(context.store, types, account.handle):
            # Two linked accounts of one network (x and x_stream) read the same records.
            records[(record.source_type.lower(), record.handle.lower())] = record
    found = list(records.values())
    return PersonTotalOut(
        mention_count=sum(r.mention_count for r in found),
        accounts=len(person.accounts),
        first_seen_at=min((r.first_seen_at for r in found), default=None),
        last_seen_at=max((r.last_seen_at for r in found), default=None),
    )


def _person_scope(person: Person) -> str:
    networks = dict.fromkeys(network_of(a.source_type) for a in person.accounts)
    return PERSON_SCOPE.format(
        name=person.name or f"person #{person.id}", networks=", ".join(networks)
    )


def person_page(
    context: WebContext, person_id: int, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> PersonPage:
    person = get_person(context, person_id)
    items, next_cursor = person_mentions(context, person, cursor=cursor, limit=limit)
    suggestions: dict[str, SuggestionOut] = {}
    for account in person.accounts:
        for s in suggestions_of_author(context, account.source_type, account.handle):
            suggestions[repr([(a.source_type, a.handle.lower()) for a in s.accounts])] = s
    return PersonPage(
        person=person_out(person),
        scope=_person_scope(person),
        alerts=_person_alerts(context, person),
        suggestions=list(suggestions.values()),
        items=items,
        next_cursor=next_cursor,
    )


def author_page(
    context: WebContext,
    source_type: str,
    handle: str,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> AuthorPage:
    source_type = source_type.lower()
    handle = handle.strip().removeprefix("@")
    if not handle:
        raise HTTPException(status_code=404, detail="an author page needs a handle")
    types = same_network_types(source_type)
    configured = {s.type.lower() for s in context.settings.sources} | set(types)
    records = author_records(context.store, sorted(configured), handle)
    own = _one_record([r for r in records if r.source_type.lower() in types], source_type)
    items, next_cursor = author_mentions(context, source_type, handle, cursor=cursor, limit=limit)
    if own is None and not items and cursor is None:
        raise HTTPException(
            status_code=404, detail=f"no mention by {handle!r} on {source_type!r} is stored"
        )
    tags, note = author_tags(context.settings.alerts.authors, source_type, handle)
    person = person_of_author(context, source_type, handle)
    alerts = (
        _person_alerts(context, person)
        if person is not None
        else [
            alert_out(a) for a in alerts_of_author(context.store, types, handle, limit=ALERTS_SHOWN)
        ]
    )
    return AuthorPage(
        source_type=source_type,
        handle=own.handle if own else handle,
        scope=_person_scope(person) if person else SCOPE.format(network=network_of(source_type)),
        record=_record_out(own) if own else None,
        tags=list(tags),
        note=note,
        elsewhere=[_record_out(r) for r in records if r.source_type.lower() not in types],
        alerts=alerts,
        items=items,
        next_cursor=next_cursor,
        person=person_out(person) if person else None,
        suggestions=suggestions_of_author(context, source_type, handle),
        person_total=person_total(context, person) if person else None,
    )


def _one_record(records: list[AuthorRecord], source_type: str) -> AuthorRecord | None:
    """The author's records on the source types of one network (a polled type and its
    stream) as one: the counts add up, the span covers them all, and the name, profile and
    followers are the most recently seen; the type and handle stay the page's own."""
    if not records:
        return None
    latest = max(records, key=lambda r: r.last_seen_at)
    own = next((r for r in records if r.source_type.lower() == source_type), latest)
    return replace(
        latest,
        source_type=own.source_type,
        handle=own.handle,
        first_seen_at=min(r.first_seen_at for r in records),
        mention_count=sum(r.mention_count for r in records),
    )
