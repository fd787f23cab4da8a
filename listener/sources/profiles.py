"""Reading what a profile says of its account (issue 18): the links it names and its counts.

Sources hand the bio over as they receive it (plain or HTML); ``pipeline.normalize`` strips,
cleans and caps it, and checks the links again, so a source only has to pick the fields.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import regex

from listener.models import Author
from listener.sources.timestamps import parse_timestamp
from listener.sources.values import as_count

# A profile names a handful of sites; a page of links is not a profile but an attack, and
# parsing it would be slow work on hostile text.
MAX_SCANNED_CHARS = 20_000
# A bio is cut here at the source: the author caches hold thousands of profiles for hours,
# and normalize keeps 1,000 characters of text out of at most 4,000 of markup anyway.
MAX_SOURCE_BIO_CHARS = 4_000
# Links kept from one profile (normalize keeps 8 of them); a longer address is no website.
# These caps only bound what the sources' caches hold: normalize's (1,000 characters of bio,
# 8 links of 500) are the real ones, and these sit above them (tests/test_people_caps.py)
# so that a source never cuts what normalize would keep.
MAX_SOURCE_LINKS = 16
MAX_SOURCE_LINK_CHARS = 2_000
# An address written out in plain text; the trailing punctuation of the sentence is not
# part of it ("see https://example.com.").
_TEXT_LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}\u2026"


def as_object(value: Any) -> dict[str, Any]:
    """A JSON object, else an empty one: a profile's parts are optional and may be null."""
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True, slots=True)
class ProfileFacts:
    """What a profile lookup adds to ``Author`` beyond the follower count (kept in the
    sources' author caches beside it)."""

    bio: str | None = None
    links: tuple[str, ...] = ()
    created_at: datetime | None = None
    following: int | None = None
    posts: int | None = None


def plain_bio(value: Any) -> str | None:
    """A bio the network sends as plain text, cut and escaped: ``Author.bio`` leaves a
    source as HTML, like a post, and normalize strips it ("<3 & tea" survives the strip).
    ``None`` when the payload had no bio (not a string), ``""`` when it had an empty one:
    the store keeps a stored bio for the first and clears it for the second."""
    if not isinstance(value, str):
        return None
    return html.escape(value.strip()[:MAX_SOURCE_BIO_CHARS], quote=False)


def html_bio(value: Any) -> str | None:
    """A bio the network sends as HTML (Mastodon's note), cut; ``None`` or ``""`` as
    ``plain_bio``."""
    return value.strip()[:MAX_SOURCE_BIO_CHARS] if isinstance(value, str) else None


def looked_up_profile(
    description: Any,
    *,
    created_at: datetime | None = None,
    following: int | None = None,
    posts: int | None = None,
) -> ProfileFacts:
    """The facts of a profile lookup's answer (Bluesky's getProfiles, Reddit's about,
    YouTube's channels), whose bio is plain text with its links written out. An empty
    description is an empty bio (``""``: a bio the person removed is cleared from the
    store); a missing one is ``None`` (not said: the stored bio is kept)."""
    return ProfileFacts(
        bio=plain_bio(description),
        links=links_in_text(description),
        created_at=created_at,
        following=following,
        posts=posts,
    )


def with_facts(author: Author, facts: ProfileFacts | None) -> Author:
    """``author`` with each field ``facts`` knows and the author does not yet carry."""
    if facts is None:
        return author
    filled = replace(
        author,
        bio=author.bio or facts.bio,
        links=author.links or facts.links,
        created_at=author.created_at or facts.created_at,
        following=author.following if author.following is not None else facts.following,
        posts=author.posts if author.posts is not None else facts.posts,
    )
    return author if filled == author else filled


def bluesky_facts(profile: dict[str, Any]) -> ProfileFacts:
    """An ``app.bsky.actor.defs#profileViewDetailed`` (getProfiles): its description (plain
    text; the links in it written out), ``createdAt``, ``followsCount`` and ``postsCount``."""
    return looked_up_profile(
        profile.get("description"),
        created_at=parse_timestamp(profile.get("createdAt")),
        following=as_count(profile.get("followsCount")),
        posts=as_count(profile.get("postsCount")),
    )


def links_in_text(text: object) -> tuple[str, ...]:
    """The http(s) addresses written out in plain text (a Bluesky or YouTube bio)."""
    if not isinstance(text, str) or "://" not in text:
        return ()
    return web_links(
        m.group().rstrip(_TRAILING) for m in _TEXT_LINK.finditer(text[:MAX_SCANNED_CHARS])
    )


def web_links(candidates: Iterable[object]) -> tuple[str, ...]:
    """The http(s) URLs among ``candidates`` (anything else, blank, too long or not a
    string, is dropped), each once, in order, at most ``MAX_SOURCE_LINKS``."""
    seen: dict[str, None] = {}
    for value in candidates:
        if isinstance(value, str):
            link = value.strip()
            if (
                link.lower().startswith(("http://", "https://"))
                and 8 < len(link) <= MAX_SOURCE_LINK_CHARS
            ):
                seen.setdefault(link, None)
                if len(seen) == MAX_SOURCE_LINKS:
                    break
    return tuple(seen)


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        # Mastodon marks its own links to a tag's or an account's page on the instance.
        if found.get("href") and not {"mention", "hashtag"} & set(classes):
            self.hrefs.append(found["href"] or "")


def links_in_html(markup: object) -> tuple[str, ...]:
    """The http(s) targets of the ``<a href>`` in an HTML fragment (Mastodon's profile
    fields and note): the address, not the text shown, which Mastodon shortens. Links
    marked ``mention`` or ``hashtag`` are left out."""
    if not isinstance(markup, str) or "<a" not in markup:
        return ()
    parser = _Hrefs()
    parser.feed(markup[:MAX_SCANNED_CHARS])
    parser.close()
    return web_links(parser.hrefs)


# A feed author's handle: "jane-doe@example.com". Letters and digits of any script are
# kept (a Hebrew or Chinese byline must not slug to nothing); the rest become dashes.
_SLUG_PARTS = regex.compile(r"[\p{L}\p{N}]+")
MAX_SLUG_CHARS = 64


def feed_handle(name: str | None, *links: str | None) -> str | None:
    """A handle for a feed entry's author, so the author index gives a byline a history:
    the name as a slug, ``@``, and the host (without ``www.``) of the first of ``links``
    that has one: the entry's link, else the feed's. ``None`` without a name or a host:
    a bare name is no identity (every blog has a "John")."""
    if not name:
        return None
    folded = unicodedata.normalize("NFKC", name[: MAX_SLUG_CHARS * 4]).casefold()
    slug = "-".join(_SLUG_PARTS.findall(folded))[:MAX_SLUG_CHARS].strip("-")
    if not slug:
        return None
    for link in links:
        host = _host(link)
        if host:
            return f"{slug}@{host}"
    return None


def _host(link: str | None) -> str | None:
    if not link:
        return None
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    host = parts.hostname if parts.scheme in ("http", "https") else None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")
