"""A feed's bytes to its entries, with the work bounded before feedparser sees them.

Runs in the parse worker (``listener.sources.feed_worker``); nothing here does I/O.

1. Poison repaired: a character reference to no character (``&#1114112;``, a surrogate
   ``&#xD800;``) makes feedparser raise for the whole document, and so does a byte that is
   not ASCII inside the XML declaration's encoding name. The first becomes U+FFFD, the second
   is dropped (the BOM, the Content-Type and detection decide), and the feed is reported
   ill-formed, as any other feed that still gives entries.
2. Scanned with expat (``listener.sources.feed_scan``): a document nested deeper than
   ``MAX_DEPTH`` is refused before feedparser, which takes minutes and gigabytes on one;
   each entry's bytes, identity and date are found.
3. Cut to the poll's entries: when the feed has more entries than a poll may take, the
   newest and the walk's next ones are chosen (``listener.sources.feed_walk``) and
   feedparser is given the document's head, those entries and its tail, so memory follows
   the poll's budget, not the feed. A document expat cannot read (ill-formed) is parsed
   whole, as before, and the entries chosen from feedparser's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import feedparser

from listener.models import RawItem
from listener.sources.feed_entries import entry_identity, entry_timestamp, raw_item, skipped, ttl_s
from listener.sources.feed_scan import MAX_DEPTH, date_of, identities, scan_entries
from listener.sources.feed_walk import (
    Choice,
    Walk,
    choose_entries,
    date_timestamp,
    is_oldest_first,
)
from listener.sources.urls import redact_url

__all__ = ["MAX_DEPTH", "FeedDocument", "FeedRefused", "NotAFeed", "read_document"]

# bozo exceptions that only say the server mislabelled the document; the parse itself worked.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]{1,16})|([0-9]{1,16}));")
_REPLACEMENT_REF = b"&#xFFFD;"
# The XML declaration at the very start (after a UTF-8 BOM), and its encoding name.
_DECLARATION = re.compile(rb"\A(\xef\xbb\xbf)?<\?xml[^>]{0,200}?\?>")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_ENCODING_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9._-]{0,39}")


class FeedRefused(Exception):
    """The document is not parsed at all (nested too deep); ``str()`` says why."""


@dataclass(frozen=True)
class FeedDocument:
    """What one parse gave: the poll's items, the feed's problems and facts."""

    items: list[RawItem]
    problems: list[str] = field(default_factory=list)
    ttl_s: float | None = None
    total_entries: int = 0  # in the whole document; ``items`` are those the poll took
    walk: Walk | None = None  # where the next poll goes on; ``None``: read to the end


def read_document(
    content: bytes,
    url: str,
    content_type: str | None,
    *,
    skip: int = 0,
    limit: int,
    walk: Walk | None = None,
) -> FeedDocument:
    """At most ``limit`` entries of the feed in ``content``, mapped: the newest, then the
    next of ``walk`` (or, from an older cursor, of a walk at position ``skip``); see the
    module docstring. Raises ``FeedRefused``, or ``NotAFeed`` when nothing usable came out."""
    shown = redact_url(url)
    content, repairs = repair(content, shown)
    scan = scan_entries(content)
    if scan.too_deep:
        raise FeedRefused(
            f"feed {shown} nests elements more than {MAX_DEPTH} deep; not parsed"
            " (no real feed does: it would take minutes and gigabytes)"
        )
    if walk is None and skip > 0:
        walk = Walk(position=skip)
    choice: Choice
    if scan.well_formed:
        spans = scan.spans
        choice = choose_entries(
            len(spans),
            lambda: identities(content, spans),
            limit,
            walk,
            lambda: is_oldest_first(spans, lambda span: date_timestamp(date_of(content, span))),
        )
        document = content
        if len(choice.chosen) < len(scan.spans):
            document = _cut(content, scan.spans, choice.chosen)
        parsed = _parse(document, url, content_type)
        entries = parsed.entries
    else:  # parsed whole: the entries are chosen from feedparser's
        parsed = _parse(content, url, content_type)
        every = parsed.entries
        choice = choose_entries(
            len(every),
            lambda: [entry_identity(entry) for entry in every],
            limit,
            walk,
            lambda: is_oldest_first(every, entry_timestamp),
        )
        entries = [every[i] for i in choice.chosen]
    problems = repairs + _problems(parsed, shown, content_type)
    items = []
    for position, entry in zip(choice.chosen, entries, strict=False):
        # One entry that cannot be mapped must not cost the others: failing the poll would
        # fail every retry too, for as long as that entry stays in the feed.
        try:
            items.append(raw_item(entry, parsed.feed, url))
        except Exception as exc:
            problems.append(skipped(entry, position + 1, url, exc))
    return FeedDocument(
        items=items,
        problems=problems,
        ttl_s=ttl_s(parsed.feed),
        total_entries=len(scan.spans) if scan.well_formed else len(parsed.entries),
        walk=choice.walk,
    )


class NotAFeed(Exception):
    """Nothing usable: not a feed at all, or an XML error before any entry."""


def repair(content: bytes, shown: str) -> tuple[bytes, list[str]]:
    """``content`` with the references and the declaration feedparser cannot survive fixed,
    and the problems to report (worded the same each time, so they are logged once)."""
    problems = []
    declaration = _DECLARATION.match(content)
    if declaration:
        encoding = _ENCODING.search(declaration.group(0))
        if encoding and not _ENCODING_NAME.fullmatch(encoding.group(2)):
            fixed = declaration.group(0).replace(encoding.group(0), b"")
            content = fixed + content[declaration.end() :]
            problems.append(f"feed {shown}: unreadable encoding name in its XML declaration")
    repaired = _CHAR_REF.sub(_valid_reference, content)
    if repaired != content:
        problems.append(f"feed {shown}: references to invalid characters read as U+FFFD")
    return repaired, problems


def _valid_reference(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return _REPLACEMENT_REF
    return match.group(0)


def _cut(content: bytes, spans: list[tuple[int, int]], chosen: list[int]) -> bytes:
    """The document with only the ``chosen`` entries (ascending): its head up to the first
    entry, each run of chosen entries (with whatever lies between them), and its tail after
    the last entry."""
    parts = [content[: spans[0][0]]]
    run_start = 0
    for i, index in enumerate(chosen):
        if i + 1 < len(chosen) and chosen[i + 1] == index + 1:
            continue  # the run goes on
        parts.append(content[spans[chosen[run_start]][0] : spans[index][1]])
        run_start = i + 1
    parts.append(content[spans[-1][1] :])
    return b"".join(parts)


def _parse(content: bytes, url: str, content_type: str | None) -> Any:
    """feedparser on bytes (never str: a str that looks like a URL is fetched by feedparser
    itself, past our size cap and timeouts), with relative links made absolute."""
    headers = {"content-location": url, "content-type": _feedparser_content_type(content_type)}
    parsed = feedparser.parse(content, response_headers=headers)
    # feedparser resolves <id>/<guid> against the base URL too (Reddit's "t3_x" becomes
    # "https://host/r/sub/t3_x"), which would tie ids to the feed URL and re-alert every entry
    # when it moves. Where an id may have been so resolved, read the raw ids from a second
    # parse without a base; entries line up because the same bytes give the same entries.
    # Parsing is the slow step, so only when it can matter: an id that is its entry's own
    # link (a blog's permalink guid) is taken as written, whatever its host.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    if any(_maybe_rebased_id(entry, origin) for entry in parsed.entries):
        del headers["content-location"]
        unresolved = feedparser.parse(content, response_headers=headers)
        if len(unresolved.entries) == len(parsed.entries):
            for entry, raw in zip(parsed.entries, unresolved.entries, strict=True):
                if "id" in raw:
                    entry["id"] = raw["id"]
    return parsed


def _maybe_rebased_id(entry: Any, origin: str) -> bool:
    entry_id = str(entry.get("id") or "")
    return entry_id.startswith(origin) and entry_id != entry.get("link")


def _feedparser_content_type(value: str | None) -> str:
    """The Content-Type to tell feedparser, so that encodings are read the way XML says.

    Without a charset, feedparser applies RFC 3023: text/xml (and text/*) becomes us-ascii,
    a missing header iso-8859-1 — so a UTF-8 feed served as plain "text/xml" turns into
    mojibake or a bozo override. RFC 7303, which obsoletes RFC 3023, makes text/xml an alias
    of application/xml; with that, the BOM and the XML declaration decide, then chardet.
    A charset the server did send is authoritative and passed through unchanged.
    """
    if value and "charset=" in value.lower():
        return value
    return "application/xml"


def _problems(parsed: Any, shown: str, content_type: str | None) -> list[str]:
    """Non-fatal troubles to report; raises ``NotAFeed`` when the document gave nothing
    usable."""
    if parsed.entries and not parsed.get("version"):
        return [f"{shown} is not a recognised RSS or Atom feed, but gave entries"]
    if not parsed.entries and not parsed.get("version"):
        got = f" (Content-Type: {content_type})" if content_type else ""
        raise NotAFeed(
            f"{shown} did not return an RSS or Atom feed{got} — if this persists, "
            "check the url in settings.yaml"
        )
    if not parsed.get("bozo"):
        return []
    error = parsed.get("bozo_exception")
    if isinstance(error, _HARMLESS_BOZO):
        return [f"feed {shown}: {error}"]
    if not parsed.entries:
        # Zero entries and a real XML error: most likely the document was cut off (a server
        # error mid-response), so entries may be missing, not absent. Try again later.
        raise NotAFeed(f"feed could not be parsed: {shown}: {error}")
    count = len(parsed.entries)
    entries = "1 entry" if count == 1 else f"{count} entries"
    return [f"feed {shown} is ill-formed, read {entries} anyway: {error}"]
