"""One Jetstream v1 frame read into what the stream yields: posts, a clock, a handle.

This runs on every frame of the public firehose (hundreds a second), so it is ``json.loads``
and dictionary reads only: no regex, no lookups, no I/O. Everything but a commit to
``app.bsky.feed.post`` maps to no item, yet still carries ``time_us`` so the resume point
moves on. Records are whatever the author's PDS accepted — Jetstream does not validate them
against the lexicon — so every field is checked for its type, and the text is capped at the
lexicon's 3,000 bytes before it is escaped.

Mapped as the polled ``bluesky`` source maps a post view (the facets through the same
``listener.sources.bluesky_facets``): the at://
URI is the native id; link facets (UTF-8 byte offsets) become ``<a>`` around the shortened
text; ``langs[0]`` is the language; the reply's parent and root become ``parent_id`` and
``thread_id``. A frame names its author by DID only: the DID stands in as the handle until
``jetstream_profiles`` resolves it for the few posts that pass the brand screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from listener.models import Author, RawItem
from listener.sources.bluesky_facets import link_facets, linked_html
from listener.sources.timestamps import parse_timestamp

POST = "app.bsky.feed.post"
POST_URL = "https://bsky.app/profile/{did}/post/{rkey}"
PROFILE_URL = "https://bsky.app/profile/{did}"
# app.bsky.feed.post's text: maxLength 3000 (bytes), maxGraphemes 300. Longer is not a post
# any app would show; the cap keeps a hostile record from reaching the slow stages whole.
MAX_TEXT_BYTES = 3000


class MalformedFrame(ValueError):
    """The frame is not a Jetstream event (not JSON, not an object, no ``time_us``)."""


@dataclass(frozen=True, slots=True)
class Frame:
    """What one frame gave: ``time_us`` (the server's clock, µs), the post it carried if
    any, and a handle an identity event announced for ``did``."""

    time_us: int
    item: RawItem | None = None
    did: str | None = None
    handle: str | None = None


def read_frame(text: str | bytes) -> Frame:
    """One frame's JSON, read; ``MalformedFrame`` when it is not a Jetstream event."""
    try:
        event = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedFrame(f"not JSON ({exc})") from exc
    if not isinstance(event, dict):
        raise MalformedFrame("not a JSON object")
    time_us = event.get("time_us")
    if not isinstance(time_us, int) or isinstance(time_us, bool) or time_us <= 0:
        raise MalformedFrame("no time_us")
    kind = event.get("kind")
    if kind == "commit":
        commit = event.get("commit")
        if isinstance(commit, dict) and commit.get("collection") == POST:
            return Frame(time_us, _post(event.get("did"), commit, time_us))
    elif kind == "identity":
        identity = event.get("identity")
        if isinstance(identity, dict):
            handle = identity.get("handle")
            did = identity.get("did") or event.get("did")
            if isinstance(handle, str) and handle and isinstance(did, str):
                return Frame(time_us, did=did, handle=handle)
    return Frame(time_us)


def at_time(time_us: int) -> datetime | None:
    """``time_us`` as an aware datetime; ``None`` for a value no clock gives."""
    try:
        return datetime.fromtimestamp(time_us / 1_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _post(did: Any, commit: dict[str, Any], time_us: int) -> RawItem | None:
    rkey = commit.get("rkey")
    if not isinstance(did, str) or not did.startswith("did:") or not isinstance(rkey, str):
        return None
    uri = f"at://{did}/{POST}/{rkey}"
    operation = commit.get("operation")
    if operation == "delete":
        return RawItem(native_id=uri, deleted=True, extra={"author_did": did})
    record = commit.get("record")
    if operation not in ("create", "update") or not isinstance(record, dict):
        return None
    text = record.get("text")
    links = link_facets(record.get("facets"))
    extra: dict[str, Any] = {"author_did": did}
    if isinstance(commit.get("cid"), str):
        extra["cid"] = commit["cid"]
    if links:
        extra["links"] = [link for _, _, link in links]
    embed = record.get("embed")
    if isinstance(embed, dict) and isinstance(embed.get("$type"), str):
        extra["embed"] = embed["$type"]
    langs = record.get("langs")
    language = langs[0] if isinstance(langs, list) and langs else None
    reply = record.get("reply")
    reply = reply if isinstance(reply, dict) else {}
    return RawItem(
        native_id=uri,
        url=POST_URL.format(did=did, rkey=rkey),
        html=linked_html(text if isinstance(text, str) else "", links, MAX_TEXT_BYTES),
        author=Author(handle=did, url=PROFILE_URL.format(did=did)),
        published_at=parse_timestamp(record.get("createdAt")),
        language=language if isinstance(language, str) and language else None,
        parent_id=_uri(reply.get("parent")),
        thread_id=_uri(reply.get("root")) or uri,
        # An update is an edit: the firehose's clock says when it happened.
        edited_at=at_time(time_us) if operation == "update" else None,
        extra=extra,
    )


def _uri(ref: Any) -> str | None:
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri if isinstance(uri, str) and uri.startswith("at://") else None
