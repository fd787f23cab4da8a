"""Turning internet text into safe, comparable plain data.

- ``html_to_text``: markup → plain text (tags dropped, entities decoded, whitespace collapsed);
  the raw HTML is kept separately, this is for matching, judging and showing.
- ``canonical_url``: the same article reached through different tracking links compares equal.
- ``content_hash``: an exact-content fingerprint, for dropping the same text reposted.
- ``cap``: every text is cut to a known length before slow work (VADER's cost grows
  quadratically with the number of sentiment words, so an unbounded post is a denial of service).
"""

from __future__ import annotations

import hashlib
import unicodedata
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import regex

_WHITESPACE = regex.compile(r"\s+")
# C0/C1 control characters other than whitespace: never content, and in a terminal an
# escape sequence can rewrite what the reader sees.
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Elements whose text is never content (and must never be shown: script bodies are hostile).
_SKIPPED_ELEMENTS = frozenset({"script", "style", "template", "noscript", "head", "title"})
# Elements that separate words: "<p>one</p><p>two</p>" must not read "onetwo".
_BREAKING_ELEMENTS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_ELEMENTS:
            self._skip_depth += 1
        elif tag in _BREAKING_ELEMENTS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKING_ELEMENTS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_ELEMENTS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BREAKING_ELEMENTS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed, NFC.

    Text without any ``<`` still has its entities decoded, so ``AT&amp;T`` reads ``AT&T``;
    text with neither ``<`` nor ``&`` is not parsed at all.
    """
    if not markup:
        return ""
    if "<" in markup or "&" in markup:
        extractor = _TextExtractor()
        extractor.feed(markup)
        extractor.close()
        text = "".join(extractor.parts)
    else:
        # Without a tag or a character reference the parser would hand the text back
        # unchanged, and most posts (tweets, review texts, names) are such plain text.
        text = markup
    if text.isprintable():
        # No control character, and no whitespace but the ASCII space (every other one is
        # a Unicode separator or control, which isprintable refuses): only runs of spaces
        # can need collapsing. The common case for a post or a name.
        if "  " in text:
            text = _WHITESPACE.sub(" ", text)
        return unicodedata.normalize("NFC", text.strip(" "))
    text = _CONTROL.sub("", text).replace("\xa0", " ")
    return unicodedata.normalize("NFC", _WHITESPACE.sub(" ", text).strip())


def cap(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters, at a word boundary when one is near."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ", max(0, max_chars - 200))
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


# Query parameters that identify the click, not the page (analytics and ad networks).
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
        "ref_src", "ref_url", "cmpid", "s_cid", "ncid", "sr_share", "guccounter",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str | None) -> str | None:
    """The URL with scheme and host lowercased; default port, fragment and tracking removed.

    Remaining query parameters keep their order: some sites give order meaning.
    Returns ``None`` for a missing URL and the URL unchanged when it cannot be parsed.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def content_hash(title: str, text: str) -> str:
    """Fingerprint of what a mention says, blind to case and spacing, for exact-repost detection."""
    body = _WHITESPACE.sub(" ", f"{title}\n{text}").strip().casefold()
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def valid_unicode(text: str) -> str:
    """``text`` with any lone surrogate replaced by U+FFFD.

    JSON allows ``"\ud800"`` escapes and Python keeps them as lone surrogates, which no
    encoder accepts: SQLite, hashing and the terminal would all raise on them. A surrogate
    pair written as two escapes becomes the one character it stands for.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
