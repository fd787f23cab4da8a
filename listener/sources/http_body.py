"""A response body read within a bound, inflated here in pieces rather than by httpx.

httpx inflates each network read whole: 64 KiB of a gzip bomb became 64 MiB in one call,
before any cap could count it (and a body gzipped twice, ``Content-Encoding: gzip, gzip``,
up to gigabytes). Here the body is read raw and each ``Content-Encoding`` stage gives its
output in pieces of at most ``PIECE_BYTES``, so a cap stops a bomb one piece past it.

The encodings are httpx's own (``identity``, ``gzip`` and its alias ``x-gzip``,
``deflate``, zlib-wrapped or raw, and any unknown name passed through as it came), which are
also the only ones the shared client asks for (``Accept-Encoding`` in
``listener.sources.http.build_client``); a registered compression it did not ask for
(``br``, ``zstd``, ``compress``) is a ``DecodingError`` that names it. A stream cut short is
one too.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator, Sequence

import httpx

PIECE_BYTES = 64 * 1024


class _Inflater:
    """One ``gzip`` or ``deflate`` stage."""

    def __init__(self, wbits: int, *, may_be_raw: bool = False) -> None:
        self._zlib = zlib.decompressobj(wbits)
        # "deflate" is zlib-wrapped by the RFC and raw deflate on some servers: httpx tries
        # the first and, if the first bytes fail, the second.
        self._may_be_raw = may_be_raw
        self._fed = False  # an empty body (a 204 labelled gzip) is no stream to end

    def pieces(self, data: bytes) -> Iterator[bytes]:
        self._fed = self._fed or bool(data)
        while True:
            try:
                out = self._zlib.decompress(data, PIECE_BYTES)
            except zlib.error as exc:
                if not self._may_be_raw:
                    raise httpx.DecodingError(str(exc)) from exc
                self._zlib, self._may_be_raw = zlib.decompressobj(-zlib.MAX_WBITS), False
                continue
            self._may_be_raw = False
            data = self._zlib.unconsumed_tail
            if out:
                yield out
            # A full piece with no input left may still have output pending: ask again.
            if not data and len(out) < PIECE_BYTES:
                return

    def rest(self) -> bytes:
        """What is left once the body has ended; raises ``httpx.DecodingError`` when the
        stream never reached its end: zlib takes a cut-off stream for a shorter one, and a
        feed cut short would be read as a complete, shorter feed (its tail never seen)."""
        try:
            out = self._zlib.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc)) from exc
        if self._fed and not self._zlib.eof:
            raise httpx.DecodingError("the compressed body is cut short (its stream never ends)")
        return out


# Compressions with a registered name that are not inflated here (never asked for): passed
# through, their bytes would reach the feed parser as garbage ("not an RSS or Atom feed —
# check the url"), so they are refused in words instead.
_NOT_INFLATED = frozenset({"br", "zstd", "compress", "x-compress"})


def _stages(content_encoding: str) -> list[_Inflater]:
    """The stages to undo, last applied first (``gzip, deflate``: deflate is undone first)."""
    stages = []
    for name in reversed(content_encoding.lower().split(",")):
        name = name.strip()
        if name in _NOT_INFLATED:
            raise httpx.DecodingError(
                f"the server compressed the body as {name!r}, which was not asked for"
                " (Accept-Encoding: gzip, deflate)"
            )
        if name in ("gzip", "x-gzip"):  # x-gzip: gzip's old alias (RFC 9110 §8.4.1.3)
            stages.append(_Inflater(zlib.MAX_WBITS | 16))
        elif name == "deflate":
            stages.append(_Inflater(zlib.MAX_WBITS, may_be_raw=True))
    return stages


def _through(stages: Sequence[_Inflater], data: bytes) -> Iterator[bytes]:
    if not stages:
        if data:
            yield data
        return
    for piece in stages[0].pieces(data):
        yield from _through(stages[1:], piece)


async def body_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The decoded body of a streamed ``response``, in pieces of at most ``PIECE_BYTES``
    (an unencoded body in the chunks it arrives in). Raises ``httpx.DecodingError`` for a
    broken encoding, like httpx."""
    stages = _stages(response.headers.get("Content-Encoding", ""))
    async for raw in response.aiter_raw():
        for piece in _through(stages, raw):
            yield piece
    for at, stage in enumerate(stages):
        for piece in _through(stages[at + 1 :], stage.rest()):
            yield piece
