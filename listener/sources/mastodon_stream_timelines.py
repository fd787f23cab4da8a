"""Mastodon's streaming timelines by name, which are valid, and where each is read.

A timeline is written as Mastodon's own stream names write it: ``public``,
``public:local``, ``public:remote``, ``hashtag:<tag>``, ``hashtag:local:<tag>`` or
``list:<id>``. Each is a ``subscribe`` message on the WebSocket, a path (and query) of the
SSE endpoint, and a REST timeline for the backfill after a reconnect. The streaming host
itself is the one the instance announces (``discover``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from pydantic import AfterValidator, SecretStr

from listener.sources.api import get_json
from listener.sources.errors import PermanentError
from listener.sources.streaming import StreamContext

# timeline -> (websocket stream name, SSE path); the tag or list id follows (split).
KINDS: dict[str, tuple[str, str]] = {
    "public": ("public", "public"),
    "public:local": ("public:local", "public/local"),
    "public:remote": ("public:remote", "public/remote"),
    "hashtag": ("hashtag", "hashtag"),
    "hashtag:local": ("hashtag:local", "hashtag/local"),
    "list": ("list", "list"),
}


_TAG = re.compile(r"\w+")


def parse_timeline(value: str) -> str:
    """``value`` as a timeline name (a hashtag without its "#"); ValueError if it is none."""
    text = value.strip()
    if text in ("public", "public:local", "public:remote"):
        return text
    kind, _, rest = text.rpartition(":")
    if kind in ("hashtag", "hashtag:local"):
        tag = rest.strip().removeprefix("#")
        if _TAG.fullmatch(tag):
            return f"{kind}:{tag}"
    if kind == "list" and rest.isdigit():
        return text
    raise ValueError(
        f"{value!r} is not a timeline: public, public:local, public:remote, hashtag:<tag>, "
        "hashtag:local:<tag> or list:<id>"
    )


Timeline = Annotated[str, AfterValidator(parse_timeline)]


def stream_base(value: str) -> str:
    """A streaming host as instances announce it (wss://…) or as a person writes it."""
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://", "ws://", "wss://")):
        raise ValueError("must be an http(s):// or ws(s):// URL")
    return value


PUBLIC_PARAMS: dict[str, dict[str, str]] = {
    "public": {},
    "public:local": {"local": "true"},
    "public:remote": {"remote": "true"},
}


def subscription(timeline: str) -> dict[str, str]:
    kind, key, value = split(timeline)
    return {"type": "subscribe", "stream": KINDS[kind][0], **({key: value} if key else {})}


def sse_url(base: str, timeline: str) -> str:
    kind, key, value = split(timeline)
    url = with_scheme(base, "http") + "/api/v1/streaming/" + KINDS[kind][1]
    return url + ("?" + urlencode({key: value}) if key else "")


def split(timeline: str) -> tuple[str, str, str]:
    """("hashtag:local", "tag", "acme") for "hashtag:local:acme"; ("public", "", "")."""
    if timeline in KINDS:
        return timeline, "", ""
    kind, _, value = timeline.rpartition(":")
    return kind, "list" if kind == "list" else "tag", value


def with_scheme(url: str, family: Literal["ws", "http"]) -> str:
    secure = url.startswith(("https://", "wss://"))
    rest = url.split("://", 1)[1]
    return f"{family}{'s' if secure else ''}://{rest}"


async def discover(ctx: StreamContext[Any], instance_url: str, token: SecretStr | None) -> str:
    """The streaming host the instance announces, else the instance itself."""
    try:
        response = await get_json(
            ctx.as_poll_context(), instance_url + "/api/v2/instance", headers=auth_headers(token)
        )
    except PermanentError as exc:
        if not str(exc).startswith(("HTTP 404", "HTTP 410")):
            raise
        return instance_url  # an instance older than 4.0
    data = response.data if isinstance(response.data, dict) else {}
    configuration = data.get("configuration")
    urls = configuration.get("urls") if isinstance(configuration, dict) else None
    announced = urls.get("streaming") if isinstance(urls, dict) else None
    if not isinstance(announced, str):
        return instance_url
    try:
        return stream_base(announced)
    except ValueError:
        ctx.log.warning(
            "the instance announces a streaming URL that is none; using the instance",
            extra={"source": ctx.source, "announced": announced[:100]},
        )
        return instance_url


def auth_headers(token: SecretStr | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}
