"""What ``bench/web.py``'s sections share: a copy of a cached store to run on, the p95 of
a series, and a real server for the app (uvicorn in a thread on a free local port)."""

from __future__ import annotations

import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from stores import END, SOURCES
from web_store import BRANDS, open_copy

from listener.metrics import Metrics
from listener.store.elasticsearch.settings import ClusterSettings
from listener.web.context import WebContext

HOST = "127.0.0.1"


def p95(spent: list[float]) -> float:
    return round(statistics.quantiles(spent, n=20, method="inclusive")[-1], 1)


def p50(spent: list[float]) -> float:
    return round(statistics.median(spent), 1)


def serve(app: FastAPI) -> tuple[int, uvicorn.Server, threading.Thread]:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host=HOST, port=port, log_level="warning", proxy_headers=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return port, server, thread


@contextmanager
def copied_context(
    cached: Path,
    prefix: str,
    brands: tuple[str, ...] = BRANDS,
    sources: tuple[tuple[str, str], ...] = SOURCES,
    cluster: ClusterSettings | None = None,
) -> Iterator[WebContext]:
    """The web app's context on a copy of ``cached`` (the bench writes to it) in a folder
    of the run's own, removed afterwards; its clock stands at the stores' ``END``. With
    ``cluster``, the copy is an ``ElasticStore`` whose mentions the cluster holds."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        store, settings = open_copy(cached, folder, brands, sources)
        if cluster is not None:
            from web_engine import indexed_store  # bench/, beside this file

            store.close()
            store = indexed_store(settings.storage.sqlite, cluster)
        try:
            yield WebContext(settings=settings, store=store, metrics=Metrics(), clock=lambda: END)
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
