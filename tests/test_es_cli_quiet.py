"""A CLI command on the Elasticsearch engine (trial finding 7) closes its cluster client:
a real ``listener search`` subprocess with storage.elasticsearch on the test cluster prints
no asyncio "Unclosed client session" / "Unclosed connector" block on stderr, and no
request line of the cluster client."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

from pytest_httpserver import HTTPServer

from listener.logs import configure_logging
from listener.store import open_store
from listener.store.elasticsearch.settings import ClusterSettings

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
  elasticsearch:
    urls: ['{url}']
    index_prefix: {prefix}
    replicas: 0
"""


def _listener(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("listener")), *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_search_on_the_cluster_leaves_no_unclosed_client(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(
        SETTINGS.format(db=tmp_path / "listener.db", url=es_settings.urls[0],
                        prefix=es_settings.index_prefix),
        encoding="utf-8",
    )  # fmt: skip
    for args in (["search", "--config", str(config), "acme"],
                 ["search", "--config", str(config), "acme"]):  # fmt: skip
        done = _listener(*args)
        assert done.returncode == 0, done.stderr
        assert "Unclosed" not in done.stderr, done.stderr
        assert "elastic_transport" not in done.stderr, done.stderr


def test_a_cluster_that_refuses_the_indices_leaves_no_unclosed_client(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # A node that says who it is, then refuses listener's template and indices (a user
    # without the index privileges): the store's open fails after its client was made.
    httpserver.expect_request("/", method="GET").respond_with_json(
        {"cluster_name": "strict", "version": {"distribution": "opensearch", "number": "2.17.1"}},
        headers={"X-Elastic-Product": "Elasticsearch"},
    )
    httpserver.expect_request(re.compile("/.+")).respond_with_json(
        {"error": {"type": "security_exception", "reason": "no privileges"}, "status": 403},
        status=403, headers={"X-Elastic-Product": "Elasticsearch"},
    )  # fmt: skip
    open_store(tmp_path / "listener.db").close()  # a store made before, by SQLite
    config = tmp_path / "settings.yaml"
    config.write_text(
        SETTINGS.format(db=tmp_path / "listener.db", url=httpserver.url_for("/").rstrip("/"),
                        prefix="strict"),
        encoding="utf-8",
    )  # fmt: skip
    done = _listener("search", "--config", str(config), "acme")
    assert done.returncode != 0 and "403" in done.stderr + done.stdout, done.stderr
    assert "Unclosed" not in done.stderr, done.stderr


def test_the_cluster_clients_requests_are_not_logged_at_info() -> None:
    # `listener run` logged every bulk send (elastic_transport.transport: PUT …/_bulk).
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    try:
        configure_logging("INFO")
        for name in ("elastic_transport.transport", "elasticsearch"):
            assert not logging.getLogger(name).isEnabledFor(logging.INFO)
            assert logging.getLogger(name).isEnabledFor(logging.WARNING)
        assert logging.getLogger("listener.service.runner").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:], level = kept
        root.setLevel(level)
