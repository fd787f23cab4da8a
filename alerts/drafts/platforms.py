"""Where a reply goes, how long it may be there, and how that network counts its length.

Each network counts differently, and a draft that is one unit too long is a draft a person
has to rewrite, so each is counted the way the network does:

- X (twitter-text v3): NFC code points weighted 1 in the Latin, Indic and general
  punctuation ranges and 2 elsewhere (CJK…); an emoji (a whole grapheme) weighs 2; every
  URL weighs 23 whatever its length (t.co wraps it), a bare domain ("acme.com") too.
  Limit 280.
- Bluesky: 300 graphemes (``regex``'s ``\\X``), so "👩‍👩‍👧" or a Telugu conjunct is one.
- Mastodon: 500 code points, URLs 23 (the server's ``countable_text``).
- Google Play developer replies: 350 characters, counted in code points.
- Reddit, other reviews, email and other forums: long, counted in graphemes.

Email is the only private platform: personal data may be discussed there, never in public.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex

from listener.sources.registry import network_of

_URL = regex.compile(r"https?://[^\s<>\"']+")
# twitter-text links a bare domain too ("Booking.com", "acme.com/help"), and weighs it 23
# like any link. Its list of real TLDs is long; any run of letters is taken as one here,
# which can only count "Node.js" as a link too (longer, never shorter, than X counts it).
# Not after "@" or a word character: an email address or a handle is no link.
_X_LINK = regex.compile(
    r"https?://[^\s<>\"']+"
    r"|(?<![@\w.\-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[A-Za-z]{2,}"
    r"(?![\p{L}\p{N}@-])(?:/[^\s<>\"']*)?"
)
_GRAPHEME = regex.compile(r"\X")
_JOINING = regex.compile(r"[^\p{GCB=Other}\p{GCB=Control}\r\n]")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")
# twitter-text v3 config: code points in 0-4351, 8192-8205, 8208-8223 and 8242-8247 weigh
# 100 (one unit), the rest 200; this matches the rest. One regex over the text, not a
# Python loop per character, which cost a millisecond a draft.
_X_HEAVY = regex.compile(r"[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
X_URL_LENGTH = 23


def graphemes(text: str) -> int:
    """User-perceived characters: an emoji sequence or an Indic conjunct counts once."""
    # A text of characters that never join their neighbours (Grapheme_Cluster_Break Other
    # or Control: no marks, joiners, flags, Hangul jamo, viramas) has a grapheme per code
    # point but for CR LF, and is counted without segmenting it.
    if text.isascii() or _JOINING.search(text) is None:
        return len(text) - text.count("\r\n")
    return len(_GRAPHEME.findall(text))


def x_length(text: str) -> int:
    """Length as X counts it (twitter-text v3 weighting, URLs 23, emoji 2)."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for url in _X_LINK.finditer(text):
        total += _x_plain(text[position : url.start()]) + X_URL_LENGTH
        position = url.end()
    return total + _x_plain(text[position:])


def _x_plain(text: str) -> int:
    # ASCII holds no emoji and nothing heavy, and its graphemes weigh what their code points
    # do: one unit a code point. Without an emoji each code point weighs 1 or 2 wherever
    # the grapheme boundaries fall; only an emoji grapheme (2, whatever its parts) needs them.
    if text.isascii():
        return len(text)
    if _EMOJI.search(text) is None:
        return len(text) + len(_X_HEAVY.findall(text))
    total = 0
    for grapheme in _GRAPHEME.findall(text):
        if _EMOJI.search(grapheme):
            total += 2
        else:
            total += len(grapheme) + len(_X_HEAVY.findall(grapheme))
    return total


def mastodon_length(text: str) -> int:
    """Length as Mastodon counts it: code points, every URL 23."""
    return len(_URL.sub("x" * X_URL_LENGTH, text))


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    limit: int
    count: Callable[[str], int]
    public: bool = True
    short: bool = True  # one paragraph, no greeting line
    dm: bool = True  # the network has direct messages


PLATFORMS: dict[str, Platform] = {
    "x": Platform("x", 280, x_length),
    "bluesky": Platform("bluesky", 300, graphemes),
    "mastodon": Platform("mastodon", 500, mastodon_length),
    "reddit": Platform("reddit", 10_000, graphemes, short=False),
    # Owner replies: the App Store allows 5,970 characters, Trustpilot and Yelp more;
    # 1,000 keeps a reply readable. Google Play allows only 350 (counted here in code
    # points, never fewer than Play's own count), so it has its own entry.
    "review": Platform("review", 1_000, graphemes, short=False, dm=False),
    "googleplay": Platform("googleplay", 350, len, dm=False),
    "email": Platform("email", 5_000, graphemes, public=False, short=False, dm=False),
    "forum": Platform("forum", 2_000, graphemes, short=False, dm=False),
}

# Networks (``listener.sources.registry.network_of``) → where a reply to their mentions is
# written. By network, not source type: a post read through a stream (jetstream,
# mastodon_stream, x_stream) is answered on the network it was posted to, as a polled one is.
_OF_NETWORK = {
    "x": "x",
    "bluesky": "bluesky",
    "mastodon": "mastodon",
    "reddit": "reddit",
    "lemmy": "reddit",
    "appstore": "review",
    "googleplay": "googleplay",
    "trustpilot": "review",
    "yelp": "review",
    "email": "email",
}


def platform_for(platform: str | None, source_type: str | None) -> Platform:
    """The platform named, else the one the mention's network implies, else "forum"."""
    if platform and platform in PLATFORMS:
        return PLATFORMS[platform]
    network = network_of(source_type) if source_type else ""
    return PLATFORMS[_OF_NETWORK.get(network, "forum")]


def first_url(text: str) -> str | None:
    found = _URL.search(text)
    return found.group() if found else None
