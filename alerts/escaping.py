"""Escaping filters for each markup an alert is shown in, and length caps that never cut a
character (or an escape) in half.

Internet text reaches an alert template only as a value, and every template passes each
value through the filter of its markup before it is placed:

============== ================================================================================
filter         what it does
============== ================================================================================
plain_text     control and bidi-override characters removed, newlines normalised (console,
               email text part, apprise); ``oneline`` also folds every line break to a space
slack_text     Slack mrkdwn: ``&``, ``<``, ``>`` become entities (Slack's own rule), so
               ``<!channel>`` and ``<@U123>`` are shown, not parsed; ``@here``, ``@channel``
               and ``@everyone`` get a zero-width space after the ``@``. Slack has no escape
               for ``*_~``: such text may show in bold, which is cosmetic only
discord_text   Discord markdown: ``\\ * _ ~ ` | > # - [ ] ( ) <`` and list numbers backslash
               escaped, ``@everyone``/``@here`` broken with a zero-width space (the channel
               also sends ``allowed_mentions: {"parse": []}``, so no mention ever pings)
teams_text     Adaptive Card TextBlock markdown: the same backslash escapes, and line breaks
               doubled (a TextBlock needs a blank line to break one)
link_url       an http(s) URL with the characters that end a link percent-encoded; any
               other scheme gives "" (no link)
clip           cut to a length with "…", at a grapheme boundary (an emoji or a Bengali
               conjunct is never split)
============== ================================================================================

Each escaping filter takes an optional ``limit``: the *escaped* result is cut to that many
units without splitting an entity (``&amp;``) or a backslash escape. Lengths are counted
in UTF-16 code units, which is what the chat platforms' limits count (an emoji is two), and
never fewer than the code points: a cap honoured here is honoured there.

The outbox sender builds its ``Templates`` with ``FILTERS`` (``alerts.outbox.build_templates``),
so every channel finds these filters already registered; ``channel_filters()`` returns the
same mapping for code that builds its own environment (tests, ``listener check``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import regex

from alerts.channels.formatting import FORMAT_FILTERS

ELLIPSIS = "…"

_GRAPHEME = regex.compile(r"\X")
# C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides/isolates
# that can make a post read differently than it is (CVE-2021-42574, "Trojan Source").
_CONTROL = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = regex.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES = regex.compile(r"\s+")
_ZWSP = "\u200b"

_SLACK_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SLACK_SPECIAL = regex.compile(r"[&<>]")
_SLACK_MENTION = regex.compile(r"(?<![\w.])@(?=(?:here|channel|everyone)\b)", regex.IGNORECASE)
_SLACK_TOKEN = regex.compile(r"&(?:amp|lt|gt);|\X")

_MARKDOWN_SPECIAL = regex.compile(r"([\\*_~`|>#\-\[\]()<])")
_LIST_NUMBER = regex.compile(r"^(\s*\d+)\.", regex.MULTILINE)
_EVERYONE = regex.compile(r"@(?=(?:everyone|here)\b)", regex.IGNORECASE)
_BACKSLASH_TOKEN = regex.compile(r"\\\X|\X")
_BLANK_LINES = regex.compile(r"\n+")


def units(text: str) -> int:
    """Length as the platforms count it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _text(value: Any) -> str:
    """A template value as text: ``None`` is empty, so a missing field degrades quietly."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def cut_tokens(text: str, limit: int, token: regex.Pattern[str]) -> str:
    """``text`` cut to at most ``limit`` units, whole ``token``s only, "…" marking the cut."""
    if limit <= 0:
        return ""
    if units(text) <= limit:
        return text
    kept: list[str] = []
    used = units(ELLIPSIS)
    for piece in token.findall(text):
        size = units(piece)
        if used + size > limit:
            break
        kept.append(piece)
        used += size
    return "".join(kept).rstrip() + ELLIPSIS


def clip(value: Any, limit: int = 200) -> str:
    """``value`` cut to ``limit`` units at a grapheme boundary, "…" marking the cut."""
    return cut_tokens(_text(value), limit, _GRAPHEME)


def plain_text(value: Any, limit: int | None = None) -> str:
    """Text safe to print: no control characters, ``\\n`` line ends."""
    text = _CONTROL.sub("", _NEWLINES.sub("\n", _text(value)))
    return text if limit is None else cut_tokens(text, limit, _GRAPHEME)


def oneline(value: Any, limit: int | None = None) -> str:
    """Plain text on one line (a subject, a title): every run of whitespace is one space."""
    text = _SPACES.sub(" ", plain_text(value)).strip()
    return text if limit is None else cut_tokens(text, limit, _GRAPHEME)


def slack_text(value: Any, limit: int | None = None) -> str:
    """Text for Slack mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    text = _SLACK_SPECIAL.sub(lambda m: _SLACK_ENTITIES[m.group(0)], plain_text(value))
    text = _SLACK_MENTION.sub("@" + _ZWSP, text)
    return text if limit is None else cut_tokens(text, limit, _SLACK_TOKEN)


def _markdown(text: str) -> str:
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LIST_NUMBER.sub(r"\1\\.", text)


def discord_text(value: Any, limit: int | None = None) -> str:
    """Text for Discord markdown (message content, embed descriptions and field values)."""
    text = _EVERYONE.sub("@" + _ZWSP, _markdown(plain_text(value)))
    return text if limit is None else cut_tokens(text, limit, _BACKSLASH_TOKEN)


def teams_text(value: Any, limit: int | None = None) -> str:
    """Text for an Adaptive Card TextBlock or FactSet (markdown subset, Teams)."""
    text = _BLANK_LINES.sub("\n\n", _markdown(plain_text(value)).strip())
    return text if limit is None else cut_tokens(text, limit, _BACKSLASH_TOKEN)


# Characters that could end a link in some markup, and everything outside printable ASCII
# (an IRI's "é" or "অ"): Slack buttons and Discord embeds refuse the whole message over a
# URL they cannot parse, and a refused message holds the channel's queue.
_URL_UNSAFE = regex.compile(r"[\s<>|\"'()\[\]`\\{}^]|[^\x21-\x7e]")
_HOST = regex.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?|[0-9a-fA-F:.]+")
# Longer links are refused by Slack (3,000) and Discord (2,048): better no button.
LINK_MAX = 2_000
# A control character in a link, even percent-encoded (``%0d%0a``), makes Slack refuse the
# whole message: such a link is left out, as no post's real address carries one.
_ENCODED_CONTROL = regex.compile(r"%(?:[01][0-9A-Fa-f]|7[Ff])")
# What may stand in an HTTP header value as it is: printable ASCII and the space (RFC 9110
# §5.5); httpx refuses anything else ("'ascii' codec can't encode") on every retry.
_HEADER_UNSAFE = regex.compile(r"[^\x20-\x7e]")


def _percent(found: regex.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in found.group(0).encode())


def link_url(value: Any) -> str:
    """An http(s) URL safe inside any markup's link syntax (``<url|text>``, ``[text](url)``):
    characters that would end the link, and non-ASCII ones, are percent-encoded (UTF-8);
    any other scheme (``javascript:``) or an overlong link gives "" so the template shows
    no link."""
    text = plain_text(value).strip()
    if not regex.match(r"(?i)https?://[^/\s]", text):
        return ""
    try:
        # An international domain becomes its punycode form, a path's non-ASCII UTF-8.
        url = httpx.URL(text)
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return ""
    if not _HOST.fullmatch(url.raw_host.decode("ascii", "replace")):
        return ""  # "exa mple.org": no receiver would take it
    text = str(url)
    # The authority is already checked; what follows it may still hold markup's delimiters.
    cut = text.find("/", text.index("://") + 3)
    head, rest = (text, "") if cut < 0 else (text[:cut], text[cut:])
    safe = head + _URL_UNSAFE.sub(_percent, rest)
    if _ENCODED_CONTROL.search(safe):
        return ""
    return safe if len(safe) <= LINK_MAX else ""


def header_value(value: Any) -> str:
    """``value`` fit for an HTTP header: every character outside printable ASCII (a non-Latin
    title, an IRI in a mention id, a CR/LF) percent-encoded as UTF-8. Printable ASCII is
    kept as it is, so a value that was already safe is unchanged, and the same value always
    gives the same header (a receiver that drops repeats by a header still can)."""
    return _HEADER_UNSAFE.sub(_percent, _text(value))


ESCAPE_FILTERS: dict[str, Callable[..., Any]] = {
    "clip": clip,
    "link_url": link_url,
    "plain_text": plain_text,
    "oneline": oneline,
    "slack_text": slack_text,
    "discord_text": discord_text,
    "teams_text": teams_text,
}

FILTERS: dict[str, Callable[..., Any]] = {**ESCAPE_FILTERS, **FORMAT_FILTERS}


def channel_filters() -> dict[str, Callable[..., Any]]:
    """Every filter the alert templates use: pass to ``Templates(..., filters=...)``."""
    return dict(FILTERS)
