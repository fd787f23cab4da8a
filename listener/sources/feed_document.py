"""A feed's bytes to its entries, with the work bounded before feedparser sees them.

Runs in the parse worker (``listener.sources.feed_worker``); nothing here does I/O.

1. Poison repaired: a character reference to no character (``&#1114112;``, a surrogate
   ``&#xD800;``) makes feedparser raise for the whole document, and so does a byte that is
   not ASCII inside the XML declaration's encoding name. The first becomes U+FFFD, the second
   is dropped (the BOM, the Content-Type and detection decide), and the feed is reported
   ill-formed, as any other feed that still gives entries.
2. Scanned with expat (C, no tree kept): how deep elements nest — a document nested deeper
   than ``MAX_DEPTH`` is refused before feedparser, which takes minutes and gigabytes on
   one — and where each entry's bytes lie.
3. Cut to a window: when the feed has more entries than a poll may take, feedparser is given
   the document's head, the window's entries and its tail, so memory follows the window,
   not the feed. A document expat cannot read (ill-formed) is parsed whole, as before.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import feedparser

from listener.models import RawItem
from listener.sources.feed_entries import raw_item, skipped, ttl_s
from listener.sources.http import redact_url

# Real feeds nest a few levels (XHTML content in Atom perhaps twenty); hostile ones nest
# a million, which feedparser's loose parser needs minutes and gigabytes for.
MAX_DEPTH = 256

# bozo exceptions that only say the server mislabelled the document; the parse itself worked.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]{1,16})|([0-9]{1,16}));")
_REPLACEMENT_REF = b"&#xFFFD;"
# The XML declaration at the very start (after a UTF-8 BOM), and its encoding name.
_DECLARATION = re.compile(rb"\A(\xef\xbb\xbf)?<\?xml[^>]{0,200}?\?>")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_ENCODING_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9._-]{0,39}")
_ENTRY_NAMES = frozenset({"item", "entry"})


class FeedRefused(Exception):
    """The document is not parsed at all (nested too deep); ``str()`` says why."""


@dataclass(frozen=True)
class FeedDocument:
    """What one parse gave: the window's items, the feed's problems and facts."""

    items: list[RawItem]
    problems: list[str] = field(default_factory=list)
    ttl_s: float | None = None
    total_entries: int = 0  # in the whole document; ``items`` are those of the window
    first: int = 0  # the window's first entry: ``skip``, or 0 when the feed has fewer now
    limit: int = 0  # the window's size

    @property
    def read_to(self) -> int:
        """Entries read up to here: the window's end."""
        return min(self.first + self.limit, self.total_entries)


def read_document(
    content: bytes, url: str, content_type: str | None, *, skip: int, limit: int
) -> FeedDocument:
    """Entries ``skip`` … ``skip + limit`` of the feed in ``content``, mapped; see the module
    docstring. Raises ``FeedRefused``, or ``NotAFeed`` when nothing usable came out."""
    shown = redact_url(url)
    content, repairs = repair(content, shown)
    scan = scan_entries(content)
    if scan.too_deep:
        raise FeedRefused(
            f"feed {shown} nests elements more than {MAX_DEPTH} deep; not parsed"
            " (no real feed does: it would take minutes and gigabytes)"
        )
    total = len(scan.spans) if scan.well_formed else None
    if total is not None and skip >= total:
        skip = 0  # the feed shrank since the last poll: start again from the top
    document = content
    if scan.well_formed and len(scan.spans) > limit:
        document = _window(content, scan.spans, skip, limit)
    parsed = _parse(document, url, content_type)
    problems = repairs + _problems(parsed, shown, content_type)
    entries = parsed.entries
    if total is None:  # parsed whole: the window is cut from feedparser's entries
        total = len(entries)
        skip = skip if skip < total else 0
        entries = entries[skip : skip + limit]
    items = []
    for position, entry in enumerate(entries, start=skip + 1):
        # One entry that cannot be mapped must not cost the others: failing the poll would
        # fail every retry too, for as long as that entry stays in the feed.
        try:
            items.append(raw_item(entry, parsed.feed, url))
        except Exception as exc:
            problems.append(skipped(entry, position, url, exc))
    return FeedDocument(
        items=items,
        problems=problems,
        ttl_s=ttl_s(parsed.feed),
        total_entries=total,
        first=skip,
        limit=limit,
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


@dataclass
class Scan:
    spans: list[tuple[int, int]] = field(default_factory=list)  # each entry's bytes
    too_deep: bool = False
    well_formed: bool = True


class _TooDeep(Exception):
    pass


def scan_entries(content: bytes) -> Scan:
    """Where the entries lie and whether nesting stays under ``MAX_DEPTH``. An ill-formed
    document is scanned as far as expat reads it (``well_formed`` false)."""
    scan = Scan()
    if not _ascii_compatible(content):
        scan.well_formed = False  # UTF-16/32: byte offsets of tags are not found by bytes
        return scan
    parser = xml.parsers.expat.ParserCreate()
    # Undefined entities (&nbsp; in RSS) are skipped rather than errors, as with a DTD.
    parser.UseForeignDTD(True)
    depth = 0
    entry_depth = 0  # the depth of the entries (2 in Atom and RSS 1.0, 3 in RSS 2.0)
    starts: list[int] = []

    def start(name: str, _attributes: Any) -> None:
        nonlocal depth, entry_depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _TooDeep
        if depth > 3 or (entry_depth and depth != entry_depth):
            return
        if name.rpartition(":")[2] in _ENTRY_NAMES:
            entry_depth = depth
            starts.append(parser.CurrentByteIndex)

    def end(name: str) -> None:
        nonlocal depth
        if depth == entry_depth and len(starts) > len(scan.spans):
            at = parser.CurrentByteIndex
            # An end tag's index is where "</" starts; an empty element's is past its "/>".
            stop = content.index(b">", at) + 1 if content.startswith(b"</", at) else at
            scan.spans.append((starts[-1], stop))
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(content, True)
    except _TooDeep:
        scan.too_deep = True
    except (xml.parsers.expat.ExpatError, ValueError):
        scan.well_formed = False
        scan.too_deep = _roughly_too_deep(content, parser.CurrentByteIndex, depth)
    return scan


# A tag at a "<": its slash, name and self-closing slash.
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w:.-]*)[^<>]*?(/?)>")
# Sections whose "<" are text, not tags: from each opener to its closer.
_TEXT_SECTIONS = ((b"<![CDATA[", b"]]>"), (b"<!--", b"-->"))
# HTML elements that never close (escaped HTML is text, but HTML in a feed that is not
# well-formed may be markup); "link" is one in HTML and not in RSS, so it is not counted.
_NEVER_CLOSED = frozenset(
    b"area base br col embed hr img input link meta param source track wbr".split()
)


def _roughly_too_deep(content: bytes, offset: int, depth: int) -> bool:
    """After expat gave up at ``offset`` (at ``depth``), count open and close tags in the
    rest, as feedparser's loose parser would nest them. Linear: each step finds the next
    "<" or a section's end with ``bytes.find``."""
    at = content.find(b"<", max(offset, 0))
    while at != -1:
        for opener, closer in _TEXT_SECTIONS:
            if content.startswith(opener, at):
                end = content.find(closer, at + len(opener))
                if end == -1:
                    return False  # the rest is text
                at = content.find(b"<", end + len(closer))
                break
        else:
            tag = _TAG.match(content, at)
            if tag is not None:
                closing, name, empty = tag.groups()
                if name.lower() in _NEVER_CLOSED:
                    pass
                elif closing:
                    depth = max(depth - 1, 0)
                elif not empty:
                    depth += 1
                    if depth > MAX_DEPTH:
                        return True
            at = content.find(b"<", at + 1)
    return False


def _ascii_compatible(content: bytes) -> bool:
    head = content[:4]
    return not head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in head


def _window(content: bytes, spans: list[tuple[int, int]], skip: int, limit: int) -> bytes:
    """The document with only entries ``skip`` … ``skip + limit``: its head up to the first
    entry, those entries (and whatever lies between them), and its tail after the last."""
    chosen = spans[skip : skip + limit]
    if not chosen:
        return content[: spans[0][0]] + content[spans[-1][1] :]
    return content[: spans[0][0]] + content[chosen[0][0] : chosen[-1][1]] + content[spans[-1][1] :]


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
