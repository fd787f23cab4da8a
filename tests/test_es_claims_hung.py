"""A cluster that accepts connections and never answers, while new mentions are stored: the
claims (sent inside SQLite's write transaction) give up after their short timeout, and the
next batches fail at once during the pause instead of holding the write lock again. A real
local proxy in front of the real test cluster stops forwarding: nothing of ours is patched."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from listener.store.elasticsearch import claims
from listener.store.elasticsearch.claims import ClaimError
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import make_mention


class _StallingProxy:
    """Forwards TCP to the cluster until ``stall`` is set; then swallows what it reads."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.split("//", 1)[1].rstrip("/").split(":")
        self.upstream = (host, int(port))
        self.stall = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if self.stall.is_set():
                    continue  # the cluster "hangs": nothing goes through any more
                sink.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def proxy(es_cluster_url: tuple[str, str]) -> Iterator[_StallingProxy]:
    p = _StallingProxy(es_cluster_url[0])
    yield p
    p.close()


def test_a_hung_cluster_fails_claims_fast_and_then_at_once(
    tmp_path: Path, es_settings: ClusterSettings, proxy: _StallingProxy
) -> None:
    settings = replace(es_settings, urls=(proxy.url,), timeout_s=30.0, max_retries=3)
    store = ElasticStore(tmp_path / "a.db", settings)
    try:
        assert store.insert_mentions([make_mention(1)])
        proxy.stall.set()

        started = time.monotonic()
        with pytest.raises(ClaimError, match="polled again"):
            store.insert_mentions([make_mention(2)])
        first = time.monotonic() - started
        # The claim's own short timeout, not the settings' 30 s × 4 tries.
        assert first < claims.CLAIM_TIMEOUT_S + 3

        started = time.monotonic()
        with pytest.raises(ClaimError, match="not asking it again"):
            store.insert_mentions([make_mention(3)])
        assert time.monotonic() - started < 1.0  # during the pause: no request at all
    finally:
        proxy.stall.clear()
        store.close()
