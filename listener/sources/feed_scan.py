"""One cheap pass over a feed's bytes before feedparser: how deep elements nest, where each
entry's bytes lie; then, in those bytes, what identifies and dates each entry.

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
# What identifies an entry, looked for in its bytes once the scan found them: its id (RSS
# <guid>, Atom <id>), else its link (RSS text, Atom href), else RSS 1.0's rdf:about. Only
# compared with itself at the next poll, so the text is taken as written (entities and all).
# A tag's attributes are matched as [^<>], never [^>]: "<" cannot occur in a well-formed tag,
# and in text (CDATA) "<id <id <id ..." with no ">" would have each attempt run on to the
# next ">" — quadratic, minutes for one 256 KiB entry, in a parse nothing can stop.
_ID = re.compile(
    rb"<(?:[\w.-]+:)?(?:guid|id)(?:\s[^<>]*?)?(?<!/)>\s*(?:<!\[CDATA\[)?\s*([^<]{1,2048})"
)
_LINK = re.compile(
    rb"<(?:[\w.-]+:)?link(?:(?:\s[^>]*?)?(?<!/)>\s*([^<\s]{1,2048})"
    rb"|\s[^<>]*?\bhref\s*=\s*[\"']([^\"']{1,2048}))"
)
_ABOUT = re.compile(rb"<[^<>]*?\brdf:about\s*=\s*[\"']([^\"']{1,2048})")
# Its date, to tell a feed's order (the first of these it has).
_DATE = re.compile(
    rb"<(?:[\w.-]+:)?(?:pubDate|published|date|issued|created|updated|modified)(?:\s[^<>]*?)?(?<!/)>"
    rb"\s*(?:<!\[CDATA\[)?\s*([^<]{1,100})"
)


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


def identities(content: bytes, spans: list[tuple[int, int]]) -> list[bytes]:
    """What identifies each entry (see ``_ID``); an entry with none of it is known by its
    bytes, hashed. Searched within each span, never copying it."""
    found = []
    for start, stop in spans:
        match = _ID.search(content, start, stop) or _LINK.search(content, start, stop)
        match = match or _ABOUT.match(content, start, min(stop, start + 4096))
        text = b""
        if match:
            text = (match.group(1) or match.group(match.lastindex or 1) or b"").strip()
        if not text:
            text = b"sha256:" + hashlib.sha256(content[start:stop]).hexdigest().encode()
        found.append(text)
    return found


def date_of(content: bytes, span: tuple[int, int]) -> bytes:
    """The entry's date as written (b"" when it has none)."""
    match = _DATE.search(content, span[0], span[1])
    return match.group(1).strip() if match else b""


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
