"""A feedparser entry as a ``RawItem``: links made absolute (Google Alerts' redirects
unwrapped), text constructs as HTML, dates in UTC, the RSS ``email (Name)`` author, the
language, and a content hash for an entry with neither id nor link.

Runs where the feed is parsed (``listener.sources.feed_document``, in the parse worker).
"""

from __future__ import annotations

import calendar
import hashlib
import html
import math
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from listener.models import Author, RawItem
from listener.sources.profiles import feed_handle
from listener.sources.urls import is_google_host, redact_url

# Nine to eleven bare digits cannot be a W3CDTF/RFC 822 date: it is epoch seconds (seen in
# dc:date), which feedparser silently misreads as a date in 2015.
_EPOCH = re.compile(r"\d{9,11}")
# RSS 2.0 <author> is "email (Name)"; feedparser splits it wrongly when the TLD is long
# ("jonas@insanity.industries (Jonas)" gives name "stries (Jonas").
_RSS_AUTHOR = re.compile(r"\s*[^\s@()]+@[^\s()]+\s*\((?P<name>[^()]+)\)\s*")
# How much of an entry's id a "skipped" problem quotes.
_MAX_ID_SHOWN = 200
# How much of each of an entry's texts is read to tell which is fullest: texts are hostile
# and may be megabytes, and one with this much to read is full enough to win anyway.
_COMPARED_CHARS = 20_000
_MARKUP = re.compile(r"<[^>]*>")
_NOT_READ = re.compile(r"[\W_]+")


def skipped(entry: Any, position: int, feed_url: str, exc: Exception) -> str:
    """The problem to report for an entry that could not be mapped; names it by its id
    when it has one, so the message stays the same while the feed's other entries come
    and go (problems are logged once per distinct text)."""
    entry_id = str(entry.get("id") or "").strip()
    which = repr(entry_id[:_MAX_ID_SHOWN]) if entry_id else str(position)
    return f"feed {redact_url(feed_url)}: entry {which} skipped: {type(exc).__name__}: {exc}"


def raw_item(entry: Any, feed: Any, feed_url: str) -> RawItem:
    link = entry.get("link")
    url = _unwrap_google_redirect(urljoin(feed_url, link)) if link else None
    title = _as_html(entry.get("title_detail")).strip() or None  # CDATA titles come padded
    body = fullest_text(entry)
    published_at = _date(entry, "published") or _date(entry, "updated")
    native_id = str(entry.get("id") or "").strip() or url or _content_hash(entry, title, body)
    base = (entry.get("title_detail") or entry.get("summary_detail") or {}).get("base") or feed_url
    enclosures = [urljoin(base, e["href"]) for e in entry.get("enclosures", []) if e.get("href")]
    return RawItem(
        native_id=native_id,
        url=url,
        title=title,
        html=_as_html(body) if body else "",
        author=_author(entry, url, urljoin(feed_url, str(feed.get("link") or "")) or feed_url),
        published_at=published_at,
        language=_language(entry, feed),
        extra={"enclosures": enclosures} if enclosures else {},
    )


def fullest_text(entry: Any) -> Any:
    """The entry's text construct to judge: its content, over the summary, unless the
    content has nothing to read.

    An RSS item may carry a short ``description`` (HuffPost's is the image caption) and the
    whole article in ``content:encoded``; feedparser lists every ``content`` it found in
    document order, and a ``media:content``'s description comes first when it precedes
    ``content:encoded``. So the content with the most to read is taken (letters and digits,
    markup and entities left out; the first on a tie), and the summary only when no content
    has any: one that is only markup (an image), whitespace or "..." is no text. When
    neither has text, the first there is stays, as before.
    """
    contents = [d for d in entry.get("content", ()) if d]
    best, most = None, 0
    for detail in contents:
        seen = _readable_chars(detail)
        if seen > most:
            best, most = detail, seen
    if best is not None:
        return best
    summary = entry.get("summary_detail")
    if summary and _readable_chars(summary):
        return summary
    return contents[0] if contents else summary


def _readable_chars(detail: Any) -> int:
    value = str(detail.get("value") or "")[:_COMPARED_CHARS]
    if detail.get("type") != "text/plain":
        value = html.unescape(_MARKUP.sub(" ", value))
    return len(_NOT_READ.sub("", value))


def entry_identity(entry: Any) -> bytes:
    """What identifies an entry of a feed parsed whole (one expat could not read), as
    ``feed_scan`` finds it in a well-formed one: its id, else its link, else a hash of it."""
    found = str(entry.get("id") or entry.get("link") or "").strip()
    if found:
        return found.encode()
    text = "\x1f".join(str(entry.get(key) or "") for key in ("title", "summary", "published"))
    return b"sha256:" + hashlib.sha256(text.encode()).hexdigest().encode()


def entry_timestamp(entry: Any) -> float | None:
    """An entry's publication (else update) date in epoch seconds, if it has one."""
    moment = _date(entry, "published") or _date(entry, "updated")
    return moment.timestamp() if moment else None


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


def _author(entry: Any, link: str | None, feed_link: str) -> Author:
    """The entry's byline; with a name, a handle made of it and the site (``feed_handle``),
    so the same writer's posts share one history (issue 18)."""
    detail = entry.get("author_detail") or {}
    name = str(detail.get("name") or "").strip() or None
    rss_author = _RSS_AUTHOR.fullmatch(str(entry.get("author") or ""))
    if rss_author:
        name = rss_author["name"].strip()
    url = str(detail.get("href") or "").strip() or None
    return Author(handle=feed_handle(name, link, feed_link), name=name, url=url)


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


def ttl_s(feed: Any) -> float | None:
    """RSS 2.0 <ttl>: minutes the channel may be cached before refreshing."""
    try:
        minutes = float(str(feed.get("ttl", "")).strip())
    except ValueError:
        return None
    return minutes * 60.0 if math.isfinite(minutes) and minutes > 0 else None
