"""Reading one RSS/Atom feed: a conditional GET, feedparser, each entry a ``RawItem``.

Shared by the ``rss`` source and Reddit's credential-free feed mode. One conditional GET per
read (``listener.sources.http.fetch``), parsed by feedparser from bytes. Ill-formed feeds are
common in the wild, so a feed that still yields entries is a success with ``problems``; only a
document that gives no entries *and* could not be parsed (truncated, an HTML error page) is an
error. Likewise an entry that cannot be mapped is skipped and reported in ``problems``, the
others kept.
"""

from __future__ import annotations

import asyncio
import calendar
import hashlib
import html
import math
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser

from listener.models import Author, RawItem, SourceState
from listener.sources.base import PollContext, PollResult
from listener.sources.errors import TransientError
from listener.sources.http import fetch, is_google_host, redact_url
from listener.sources.http_times import cache_hint_s

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)

# bozo exceptions that only say the server mislabelled the document; the parse itself worked.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
# Nine to eleven bare digits cannot be a W3CDTF/RFC 822 date: it is epoch seconds (seen in
# dc:date), which feedparser silently misreads as a date in 2015.
_EPOCH = re.compile(r"\d{9,11}")
# RSS 2.0 <author> is "email (Name)"; feedparser splits it wrongly when the TLD is long
# ("jonas@insanity.industries (Jonas)" gives name "stries (Jonas").
_RSS_AUTHOR = re.compile(r"\s*[^\s@()]+@[^\s()]+\s*\((?P<name>[^()]+)\)\s*")
# How much of an entry's id a "skipped" problem quotes.
_MAX_ID_SHOWN = 200


async def read_feed(
    ctx: PollContext[Any], url: str, headers: Mapping[str, str], state: SourceState
) -> PollResult:
    """Fetch the feed at ``url`` once (conditionally) and map its entries; see the module
    docstring. ``headers`` are sent besides ``Accept``."""
    response = await fetch(
        ctx,
        url,
        etag=state.etag,
        last_modified=state.last_modified,
        headers={"Accept": FEED_ACCEPT, **headers},
    )
    hint = cache_hint_s(response.headers, ctx.clock())
    if response.not_modified:
        return PollResult(
            items=[],
            etag=response.etag,
            last_modified=response.last_modified,
            not_modified=True,
            min_next_check_s=hint,
        )
    content_type = response.headers.get("Content-Type")
    # Parsing a large feed takes long enough to stall the event loop (and the web UI on it).
    parsed = await asyncio.to_thread(_parse, response.content, response.url, content_type)
    problems = _problems(parsed, response.url, content_type)
    items = []
    for position, entry in enumerate(parsed.entries, start=1):
        # One entry that cannot be mapped must not cost the others: failing the poll would
        # fail every retry too, for as long as that entry stays in the feed.
        try:
            items.append(_raw_item(entry, parsed.feed, response.url))
        except Exception as exc:
            problems.append(_skipped(entry, position, response.url, exc))
    ttl_s = _ttl_s(parsed.feed)
    hints = [h for h in (hint, ttl_s) if h is not None]
    return PollResult(
        items=items,
        etag=response.etag,
        last_modified=response.last_modified,
        min_next_check_s=max(hints) if hints else None,
        problems=problems,
    )


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


def _skipped(entry: Any, position: int, feed_url: str, exc: Exception) -> str:
    """The problem to report for an entry that could not be mapped; names it by its id
    when it has one, so the message stays the same while the feed's other entries come
    and go (problems are logged once per distinct text)."""
    entry_id = str(entry.get("id") or "").strip()
    which = repr(entry_id[:_MAX_ID_SHOWN]) if entry_id else str(position)
    return f"feed {redact_url(feed_url)}: entry {which} skipped: {type(exc).__name__}: {exc}"


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


def _problems(parsed: Any, url: str, content_type: str | None) -> list[str]:
    """Non-fatal troubles to report; raises when the document gave nothing usable."""
    shown = redact_url(url)
    if parsed.entries and not parsed.get("version"):
        return [f"{shown} is not a recognised RSS or Atom feed, but gave entries"]
    if not parsed.entries and not parsed.get("version"):
        got = f" (Content-Type: {content_type})" if content_type else ""
        raise TransientError(
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
        raise TransientError(f"feed could not be parsed: {shown}: {error}")
    count = len(parsed.entries)
    entries = "1 entry" if count == 1 else f"{count} entries"
    return [f"feed {shown} is ill-formed, read {entries} anyway: {error}"]


def _raw_item(entry: Any, feed: Any, feed_url: str) -> RawItem:
    link = entry.get("link")
    url = _unwrap_google_redirect(urljoin(feed_url, link)) if link else None
    title = _as_html(entry.get("title_detail")).strip() or None  # CDATA titles come padded
    body = entry["content"][0] if entry.get("content") else entry.get("summary_detail")
    published_at = _date(entry, "published") or _date(entry, "updated")
    native_id = str(entry.get("id") or "").strip() or url or _content_hash(entry, title, body)
    base = (entry.get("title_detail") or entry.get("summary_detail") or {}).get("base") or feed_url
    enclosures = [urljoin(base, e["href"]) for e in entry.get("enclosures", []) if e.get("href")]
    return RawItem(
        native_id=native_id,
        url=url,
        title=title,
        html=_as_html(body) if body else "",
        author=_author(entry),
        published_at=published_at,
        language=_language(entry, feed),
        extra={"enclosures": enclosures} if enclosures else {},
    )


def _as_html(detail: Any) -> str:
    """A feedparser text construct as HTML: RawItem title/html are markup the pipeline
    strips, so plain text is escaped ("AT&T", "a < b" survive the strip unchanged)."""
    if not detail:
        return ""
    value = str(detail.get("value") or "")
    return html.escape(value, quote=False) if detail.get("type") == "text/plain" else value


def _unwrap_google_redirect(url: str) -> str:
    """Google Alerts links are https://www.google.com/url?...&url=REAL&...; the wrapper's
    cd/usg parameters change between fetches, the real article URL does not. A link that
    cannot be split (``url=http://[oops``: urlsplit raises ValueError) stays wrapped."""
    try:
        parts = urlsplit(url)
        if parts.path != "/url" or not is_google_host(parts.hostname):
            return url
        query = parse_qs(parts.query)
        for name in ("url", "q"):
            target = (query.get(name) or [""])[0]
            if urlsplit(target).scheme in ("http", "https"):
                return target
    except ValueError:
        pass
    return url


def _date(entry: Any, key: str) -> datetime | None:
    raw = str(entry.get(key) or "").strip()
    parsed: time.struct_time | None = entry.get(f"{key}_parsed")
    try:
        if _EPOCH.fullmatch(raw):
            return datetime.fromtimestamp(int(raw), UTC)
        if parsed is None:
            return None
        # feedparser normalises to UTC; timegm (unlike datetime(*t[:6])) copes with a leap second.
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _author(entry: Any) -> Author:
    detail = entry.get("author_detail") or {}
    name = str(detail.get("name") or "").strip() or None
    rss_author = _RSS_AUTHOR.fullmatch(str(entry.get("author") or ""))
    if rss_author:
        name = rss_author["name"].strip()
    url = str(detail.get("href") or "").strip() or None
    return Author(name=name, url=url)


def _language(entry: Any, feed: Any) -> str | None:
    """xml:lang on the entry's text, else the feed's <language> or xml:lang."""
    details = [*entry.get("content", []), entry.get("summary_detail"), entry.get("title_detail")]
    for detail in details:
        if detail and detail.get("language"):
            return str(detail["language"]).strip() or None
    return str(feed.get("language") or "").strip() or None


def _content_hash(entry: Any, title: str | None, body: Any) -> str:
    """Last-resort id for an entry with neither id nor link: title and date, plus the body
    when there is neither (else every bare entry would share one id)."""
    date = str(entry.get("published") or entry.get("updated") or "")
    parts = [title or "", date]
    if not title and not date:
        parts.append(_as_html(body))
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _ttl_s(feed: Any) -> float | None:
    """RSS 2.0 <ttl>: minutes the channel may be cached before refreshing."""
    try:
        minutes = float(str(feed.get("ttl", "")).strip())
    except ValueError:
        return None
    return minutes * 60.0 if math.isfinite(minutes) and minutes > 0 else None
