"""Compressed bodies through ``fetch`` against a real local server: every encoding httpx read
is still read the same, and a compression bomb is stopped a piece past the size cap instead
of being inflated a network read at a time (64 KiB of zeros gzipped inflate to 64 MiB)."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest
from pytest_httpserver import HTTPServer

from listener.sources.errors import PermanentError, SourceError, TransientError
from listener.sources.http import FailedResponse, fetch
from listener.sources.http_body import PIECE_BYTES
from tests.rss_helpers import run_with_ctx

MB = 2**20
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b"<item>acme</item>" * 5000


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def zeros_gzipped(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return b"".join(packer.compress(bytes(MB)) for _ in range(size // MB)) + packer.flush()


def serve(httpserver: HTTPServer, body: bytes, encoding: str, path: str = "/feed") -> str:
    httpserver.expect_request(path).respond_with_data(
        body, content_type="application/xml", headers={"Content-Encoding": encoding}
    )
    return httpserver.url_for(path)


def get(url: str, *, cap: int = 10 * MB) -> bytes:
    return run_with_ctx(lambda ctx: fetch(ctx, url), max_response_bytes=cap).content


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as RFC 9110 says
        ("deflate", raw_deflate),  # raw, as some servers send it
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("deflate, gzip", lambda data: gzip.compress(zlib.compress(data))),
        ("identity", lambda data: data),
        ("x-unknown", lambda data: data),  # an unknown name passes the body as it came
        ("GZip ", gzip.compress),
    ],
)
def test_each_encoding_reads_the_same_body(
    httpserver: HTTPServer, encoding: str, encode: object
) -> None:
    assert callable(encode)
    assert get(serve(httpserver, encode(FEED), encoding)) == FEED


def test_a_body_inflating_to_many_pieces_is_read_whole(httpserver: HTTPServer) -> None:
    body = bytes(range(256)) * (40 * PIECE_BYTES // 256)  # 40 pieces out of one small read
    assert get(serve(httpserver, gzip.compress(body), "gzip")) == body


def test_a_broken_gzip_body_is_a_transient_error(httpserver: HTTPServer) -> None:
    url = serve(httpserver, b"\x1f\x8b\x08\x00 certainly not gzip", "gzip")
    with pytest.raises(TransientError, match="DecodingError"):
        get(url)


@pytest.mark.parametrize("encoding", ["gzip", "gzip, gzip"])
def test_a_compression_bomb_stops_a_piece_past_the_cap(
    httpserver: HTTPServer, encoding: str
) -> None:
    bomb = zeros_gzipped(256 * MB)  # ≈260 KB
    if encoding == "gzip, gzip":
        bomb = gzip.compress(bomb)  # ≈ a few KB: one network read holds all of it
    url = serve(httpserver, bomb, encoding)
    get(serve(httpserver, gzip.compress(FEED), "gzip", "/warm-up"))  # imports done before measuring
    tracemalloc.start()
    try:
        with pytest.raises(TransientError, match=f"exceeded the {MB} byte limit"):
            get(url, cap=MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Inflated a network read at a time, one 64 KiB read became 64 MiB (256 MiB at once,
    # gzipped twice). The bound leaves room for what the process's other threads (the local
    # server's, traced too) allocate meanwhile: a few MiB, varying from run to run.
    assert peak < 32 * MB, f"{peak / MB:.0f} MiB allocated at the peak"


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", raw_deflate),
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
    ],
)
def test_a_compressed_body_cut_short_is_an_error_not_a_shorter_feed(
    httpserver: HTTPServer, encoding: str, encode: object
) -> None:
    # The HTTP message is complete (its Content-Length is honest) but the stream in it stops
    # half-way, as a proxy's cached partial file does: zlib hands back what it inflated and
    # says nothing, so half a feed was read as the whole feed.
    assert callable(encode)
    whole = encode(FEED)
    url = serve(httpserver, whole[: len(whole) // 2], encoding)
    with pytest.raises(TransientError, match="cut short"):
        get(url)


def test_an_empty_body_labelled_gzip_is_read_as_empty(httpserver: HTTPServer) -> None:
    assert get(serve(httpserver, b"", "gzip")) == b""


def test_a_refusal_whose_body_is_a_broken_gzip_stream_is_still_the_refusal(
    httpserver: HTTPServer,
) -> None:
    # A source that explains failures reads their body; a body that cannot be inflated
    # (here cut short) must not turn a 404, which parks the source, into a transient error.
    whole = gzip.compress(b'{"error": "gone"}' * 100)
    httpserver.expect_request("/feed").respond_with_data(
        whole[: len(whole) // 2], status=404, headers={"Content-Encoding": "gzip"}
    )
    seen: list[object] = []

    def explain(failed: FailedResponse, default: SourceError) -> SourceError | None:
        seen.append(failed.body)
        return None

    url = httpserver.url_for("/feed")
    with pytest.raises(PermanentError, match="HTTP 404"):
        run_with_ctx(lambda ctx: fetch(ctx, url, explain=explain))
    assert seen == [None]


def test_x_gzip_is_read_as_gzip(httpserver: HTTPServer) -> None:
    assert get(serve(httpserver, gzip.compress(FEED), "x-gzip")) == FEED


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br"])
def test_a_compression_not_asked_for_is_refused_in_words(
    httpserver: HTTPServer, encoding: str
) -> None:
    # Passed through, its bytes reached feedparser and the poll failed with "did not return
    # an RSS or Atom feed — check the url", which sends the operator the wrong way.
    url = serve(httpserver, b"\x8b\x07\x80not really brotli\x03", encoding)
    with pytest.raises(TransientError, match=r"compressed the body as '(br|zstd)'"):
        get(url)
