"""Bluesky's link facets, read the same way for a polled post view (``bluesky``) and a
firehose record (``jetstream_map``): the two copies had begun to differ (only one kept a
``javascript:`` "link" as plain text and capped the facet count).

A facet marks a byte range of the post's text (UTF-8 offsets) with features; a ``#link``
feature carries the full URL of the shortened text shown. Records are whatever the author's
PDS accepted (nothing validates them against the lexicon), so every field is checked for
its type, and this runs on the firehose's hot path: dictionary reads only, no regex.
"""

from __future__ import annotations

import html
from typing import Any

# The lexicon sets no count; a post needs a handful. A record with thousands is hostile and
# would cost a loop per frame on the firehose.
MAX_FACETS = 100

Link = tuple[int, int, str]  # (byteStart, byteEnd, full URL)


def link_facets(facets: Any) -> list[Link]:
    """The web links of a record's ``facets``, in order, overlapping ones dropped."""
    if not isinstance(facets, list) or not facets:
        return []
    found: list[Link] = []
    for facet in facets[:MAX_FACETS]:
        index = facet.get("index") if isinstance(facet, dict) else None
        if not isinstance(index, dict):
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            continue
        for feature in facet.get("features") or ():
            uri = feature.get("uri") if isinstance(feature, dict) else None
            # Only web links become <a>: a javascript: or data: "link" stays plain text.
            if (
                isinstance(uri, str)
                and uri.startswith(("https://", "http://"))
                and str(feature.get("$type", "")).endswith("#link")
            ):
                found.append((start, end, uri))
    found.sort()
    kept: list[Link] = []
    for link in found:
        if not kept or link[0] >= kept[-1][1]:
            kept.append(link)
    return kept


def linked_html(text: str, links: list[Link], max_bytes: int | None = None) -> str:
    """The text escaped (cut at ``max_bytes`` of UTF-8 when given), each shortened link
    wrapped in an ``<a>`` to its full URL.

    Facet offsets count UTF-8 bytes, so the text is sliced as bytes; a facet that does not
    fit the (capped) text is left out rather than cutting a character in half.
    """
    data = text.encode("utf-8")[:max_bytes]
    if not links:
        return html.escape(data.decode("utf-8", errors="ignore"), quote=False)
    parts: list[str] = []
    done = 0
    for start, end, uri in links:
        if end > len(data) or start < done:
            continue
        try:
            before = data[done:start].decode("utf-8")
            label = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        parts.append(html.escape(before, quote=False))
        parts.append(f'<a href="{html.escape(uri)}">{html.escape(label, quote=False)}</a>')
        done = end
    parts.append(html.escape(data[done:].decode("utf-8", errors="ignore"), quote=False))
    return "".join(parts)
