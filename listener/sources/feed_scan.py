"""One cheap pass over a feed's bytes before feedparser: how deep elements nest, where each
entry's bytes lie, and what identifies and dates each entry.

expat (C, no tree kept) reads the document; Python runs only at element boundaries. A
document nested deeper than ``MAX_DEPTH`` is refused before feedparser, which takes minutes
and gigabytes on one. The entries' spans let ``feed_document`` hand feedparser only the
entries a poll takes; their identities and dates let ``feed_walk`` choose those entries
(the newest first, a walk anchored on identity) without parsing the rest.
"""

from __future__ import annotations

import hashlib
import re
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Any

# Real feeds nest a few levels (XHTML content in Atom perhaps twenty); hostile ones nest
# a million, which feedparser's loose parser needs minutes and gigabytes for.
MAX_DEPTH = 256

_ENTRY_NAMES = frozenset({"item", "entry"})
# An entry's children that identify it (RSS <guid>, Atom <id>) or link to it.
_IDENTITY_NAMES = frozenset({"guid", "id"})
# An entry's children that date it, the publication date first (as feedparser prefers it).
_PUBLISHED_NAMES = frozenset({"pubDate", "published", "date", "issued", "created"})
_UPDATED_NAMES = frozenset({"updated", "modified"})
_CAPTURED = _IDENTITY_NAMES | _PUBLISHED_NAMES | _UPDATED_NAMES | {"link"}
# An identity or a date longer than this is not one; the rest is not kept.
_MAX_FIELD_BYTES = 2048


@dataclass
class Scan:
    spans: list[tuple[int, int]] = field(default_factory=list)  # each entry's bytes
    # Per entry, in document order: what identifies it (its id, else its link, else a hash
    # of its bytes) and its date as written (b"" when it has none).
    identities: list[bytes] = field(default_factory=list)
    dates: list[bytes] = field(default_factory=list)
    too_deep: bool = False
    well_formed: bool = True


class _TooDeep(Exception):
    pass


@dataclass
class _Entry:
    """What one entry's children said so far."""

    identity: bytes = b""
    link: bytes = b""
    published: bytes = b""
    updated: bytes = b""
    capturing: str = ""  # the child whose text is being read
    text_from: int = 0


def scan_entries(content: bytes) -> Scan:
    """Where the entries lie, what identifies and dates each, and whether nesting stays
    under ``MAX_DEPTH``. An ill-formed document is scanned as far as expat reads it
    (``well_formed`` false)."""
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
    entry = _Entry()

    def start(name: str, attributes: Any) -> None:
        nonlocal depth, entry_depth, entry
        depth += 1
        if depth > MAX_DEPTH:
            raise _TooDeep
        if entry_depth and depth == entry_depth + 1 and len(starts) > len(scan.spans):
            _start_child(entry, name.rpartition(":")[2], attributes, parser.CurrentByteIndex)
            return
        if depth > 3 or (entry_depth and depth != entry_depth):
            return
        if name.rpartition(":")[2] in _ENTRY_NAMES:
            entry_depth = depth
            starts.append(parser.CurrentByteIndex)
            # RSS 1.0 names an item by its rdf:about.
            entry = _Entry(identity=str(attributes.get("rdf:about") or "").encode())

    def _start_child(entry: _Entry, name: str, attributes: Any, at: int) -> None:
        if name not in _CAPTURED:
            return
        if name == "link" and "href" in attributes:  # Atom: the alternate link's href
            if attributes.get("rel", "alternate") == "alternate" and not entry.link:
                entry.link = str(attributes["href"]).encode()[:_MAX_FIELD_BYTES]
            return
        entry.capturing = name
        entry.text_from = content.find(b">", at) + 1

    def end(name: str) -> None:
        nonlocal depth
        if depth == entry_depth + 1 and entry.capturing:
            _end_child(entry, parser.CurrentByteIndex)
        elif depth == entry_depth and len(starts) > len(scan.spans):
            at = parser.CurrentByteIndex
            # An end tag's index is where "</" starts; an empty element's is past its "/>".
            stop = content.index(b">", at) + 1 if content.startswith(b"</", at) else at
            scan.spans.append((starts[-1], stop))
            scan.identities.append(_identity(entry, content[starts[-1] : stop]))
            scan.dates.append(entry.published or entry.updated)
        depth -= 1

    def _end_child(entry: _Entry, at: int) -> None:
        text = _text(content[entry.text_from : max(at, entry.text_from)])
        name, entry.capturing = entry.capturing, ""
        if name in _IDENTITY_NAMES:
            entry.identity = entry.identity or text
        elif name == "link":
            entry.link = entry.link or text
        elif name in _PUBLISHED_NAMES:
            entry.published = entry.published or text
        else:
            entry.updated = entry.updated or text

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


def _text(raw: bytes) -> bytes:
    """A child's text as written, trimmed (a CDATA wrapper off): only compared with itself
    at the next poll, so entities are left as they are."""
    raw = raw[:_MAX_FIELD_BYTES].strip()
    if raw.startswith(b"<![CDATA[") and raw.endswith(b"]]>"):
        raw = raw[9:-3].strip()
    return raw


def _identity(entry: _Entry, span: bytes) -> bytes:
    """The entry's id, else its link, else its bytes (hashed: an entry with neither is
    known by its whole text)."""
    if entry.identity or entry.link:
        return entry.identity or entry.link
    return b"sha256:" + hashlib.sha256(span).hexdigest().encode()


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
