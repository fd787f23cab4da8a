"""One connection to the cluster: the official async client (``elasticsearch[async]``) on a
private event loop, behind a synchronous ``call`` (the store's contract is synchronous and
thread-safe: its callers are worker threads).

OpenSearch-flavoured servers refuse the ``application/vnd.elasticsearch+json;
compatible-with=N`` media type elasticsearch-py sends; for them ``_PlainJsonTransport`` (the
client's documented ``transport_class`` hook) puts plain ``application/json`` back on each
request. Which flavour a cluster is comes from its ``GET /`` (``version.distribution``), read
once when ``flavour`` is "auto".
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, TypeVar

from elastic_transport import AsyncTransport, TransportApiResponse
from elasticsearch import AsyncElasticsearch

from listener.store.base import StoreError
from listener.store.elasticsearch.settings import ClusterSettings

T = TypeVar("T")

_COMPAT = re.compile(r"application/vnd\.elasticsearch\+([a-z-]+); ?compatible-with=\d+")


class ClusterError(StoreError):
    """The cluster could not be reached or refused a request; the message says what to do."""


class _PlainJsonTransport(AsyncTransport):
    async def perform_request(  # type: ignore[override]
        self, method: str, target: str, **kwargs: Any
    ) -> TransportApiResponse:
        headers = kwargs.get("headers")
        if isinstance(headers, Mapping):
            kwargs["headers"] = {
                k: _COMPAT.sub(r"application/\1", v) if isinstance(v, str) else v
                for k, v in headers.items()
            }
        return await super().perform_request(method, target, **kwargs)


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """What ``GET /`` said."""

    distribution: str  # "elasticsearch" or "opensearch"
    version: str  # "8.15.0", "2.17.1"
    cluster_name: str


class Cluster:
    """A live connection; ``close`` ends its loop thread. Thread-safe."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="listener-elasticsearch", daemon=True
        )
        self._thread.start()
        self.info: ClusterInfo | None = None
        try:
            flavour = settings.flavour
            if flavour == "auto":
                self.info = self._read_info()
                flavour = (
                    "opensearch" if self.info.distribution == "opensearch" else "elasticsearch"
                )
            self.flavour = flavour
            self.client = self._on_loop(self._make_client(flavour))
        except BaseException:
            self.close()
            raise

    # -- the client ---------------------------------------------------------------------

    async def _make_client(self, flavour: str) -> AsyncElasticsearch:
        s = self.settings
        options: dict[str, Any] = {
            "hosts": list(s.urls),
            "request_timeout": s.timeout_s,
            "max_retries": s.max_retries,
            "retry_on_timeout": True,
            # No 429: the transport retries at once; bulk.send backs off with jitter.
            "retry_on_status": (502, 503, 504),
            "verify_certs": s.verify_certs,
        }
        if s.ca_file is not None:
            options["ca_certs"] = str(s.ca_file)
        if s.api_key is not None:
            options["api_key"] = s.api_key
        elif s.username is not None:
            options["basic_auth"] = (s.username, s.password or "")
        if flavour == "opensearch":
            options["transport_class"] = _PlainJsonTransport
        return AsyncElasticsearch(**options)

    def _read_info(self) -> ClusterInfo:
        # Before the client exists: the flavour decides how the client is built. A plain
        # transport (no compatibility media type) is understood by both flavours.
        async def read() -> ClusterInfo:
            client = await self._make_client("opensearch")
            try:
                body = (await client.info()).body
            finally:
                await client.close()
            return info_of(body)

        return self._on_loop(read())

    def call(self, request: Callable[[AsyncElasticsearch], Awaitable[T]]) -> T:
        """Run ``request(client)`` on the loop and wait for it (at most the request timeout
        times the retries, plus a margin); the client's errors propagate unchanged."""
        return self._on_loop(request(self.client))

    def _on_loop(self, coroutine: Awaitable[T]) -> T:
        future = asyncio.run_coroutine_threadsafe(_awaited(coroutine), self._loop)
        limit = self.settings.timeout_s * (self.settings.max_retries + 1) + 5
        try:
            return future.result(timeout=limit)
        except FutureTimeout:
            future.cancel()
            raise ClusterError(
                f"the cluster at {', '.join(self.settings.urls)} did not answer within "
                f"{limit:.0f} s; check that it runs and storage.elasticsearch.timeout"
            ) from None

    def close(self) -> None:
        if not self._loop.is_running():
            return
        client = getattr(self, "client", None)
        if client is not None:
            with contextlib.suppress(Exception):  # closing: nothing left to tell anyone
                self._on_loop(client.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            # An unclosed loop keeps its selector's descriptors: one leaked fd pair per
            # store opened and closed (review finding 15).
            self._loop.close()


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


def info_of(body: Mapping[str, Any]) -> ClusterInfo:
    version = body.get("version") or {}
    return ClusterInfo(
        distribution=str(version.get("distribution") or "elasticsearch"),
        version=str(version.get("number") or "?"),
        cluster_name=str(body.get("cluster_name") or "?"),
    )
