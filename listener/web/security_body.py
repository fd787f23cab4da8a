"""The request body's size limit: a body announced larger than ``MAX_BODY_BYTES`` is refused
before it is read, one that grows past it as it arrives (chunked) is cut with a 413; and the
reading of a whole (form) body up to a limit, handed back to the app by a replaying
``receive``.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.types import Message, Receive

# No request of ours carries more (the longest is a reply of 20,000 characters). The body is
# read before the route asks who is there, so without a cap anyone could make the app hold
# a body of any size in memory, even with a made-up bearer token.
MAX_BODY_BYTES = 1 << 20


def body_too_large(headers: Headers) -> str | None:
    """Why the body this request announces is refused before it is read, or None."""
    length = headers.get("content-length")
    if length is None:
        return None
    if not (length.isascii() and length.isdigit()):
        return "Content-Length is not a number"
    if int(length) > MAX_BODY_BYTES:
        return f"the request body is larger than {MAX_BODY_BYTES:,} bytes"
    return None


def capped_receive(receive: Receive, limit: int) -> Receive:
    """``receive``, refusing (413) a body that grows past ``limit`` as it arrives (a chunked
    body announces no length)."""
    size = 0

    async def capped() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                # FastAPI passes an HTTPException raised while it reads the body on as it is.
                raise HTTPException(413, f"the request body is larger than {limit:,} bytes")
        return message

    return capped


async def read_body(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, replay(body, receive)


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then the real stream's end."""
    sent = False

    async def replaying() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying
