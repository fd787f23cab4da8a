"""``listener check`` with ``storage.elasticsearch``: it reaches the cluster (a real local
osmem-server, or LISTENER_TEST_ES_URL) and prints flavour, version, health, the template's
state and the indices' counts; a dead port, a 401 or a TLS failure is one line naming the URL
(never its password) and what to do, with exit code 1. Credentials reaching the server are
asserted on a real local HTTP server (pytest-httpserver)."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import sqlite3
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.cli.main import main
from listener.config.engine import cluster_settings, open_configured_store
from listener.config.settings import load_settings
from listener.store import open_store
from listener.store.elasticsearch.cluster import Cluster, ClusterError
from listener.store.elasticsearch.mapping import TEMPLATE_VERSION, index_names, mentions_template
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.template import ensure_indices, template_state
from tests.store_helpers import make_mention

BASE = """\
brands:
  - name: Acme
    query: acme
web: {enabled: false}
storage:
  sqlite: data/listener.db
"""


def write_settings(folder: Path, elasticsearch_lines: str) -> Path:
    path = folder / "settings.yaml"
    path.write_text(BASE + "  elasticsearch:\n" + elasticsearch_lines, encoding="utf-8")
    return path


def for_cluster(folder: Path, es: ClusterSettings) -> Path:
    return write_settings(
        folder, f"    urls: [{es.urls[0]}]\n    index_prefix: {es.index_prefix}\n    replicas: 0\n"
    )


def check(config: Path, **env: str) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, ["check", "--config", str(config)])
    return result.exit_code, result.stdout, result.stderr


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- a live cluster -------------------------------------------------------------------------


def test_check_before_the_daemon_ran_says_the_template_is_missing(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    code, out, err = check(for_cluster(tmp_path, es_settings))

    assert code == 0, err
    assert "mention index: opensearch 3.8.0 at " in out or "mention index: elasticsearch" in out
    assert "health green" in out or "health yellow" in out
    mentions, keys = index_names(es_settings.index_prefix)
    assert f"index template {mentions}: missing — the daemon puts it when it starts" in out
    assert f"index {mentions}: not created yet" in out
    assert f"index {keys}: not created yet" in out


def test_check_after_the_store_opened_says_current_and_counts_documents(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    config = for_cluster(tmp_path, es_settings)
    with open_configured_store(load_settings(config, environ={}).storage):
        pass  # opening puts the template and creates the indices

    code, out, err = check(config)

    assert code == 0, err
    mentions, keys = index_names(es_settings.index_prefix)
    assert f"index template {mentions}: current (version {TEMPLATE_VERSION};" in out
    assert f"index {mentions}: 0 documents" in out
    assert f"index {keys}: 0 dedupe keys" in out
    assert "lacks fields" not in out


def test_an_older_template_is_reported_then_replaced_when_the_store_opens(
    es_settings: ClusterSettings,
) -> None:
    mentions, _ = index_names(es_settings.index_prefix)
    cluster = Cluster(es_settings)
    try:
        old = {
            "index_patterns": [f"{mentions}*"],
            "_meta": {"managed_by": "listener", "version": 0},
        }
        cluster.call(lambda es: es.indices.put_index_template(name=mentions, **old))
        assert template_state(cluster).template == "outdated"

        ensure_indices(cluster)

        state = template_state(cluster)
        assert (state.template, state.version) == ("current", TEMPLATE_VERSION)
    finally:
        cluster.close()


def test_an_index_made_by_an_older_mapping_gets_the_missing_fields(
    es_settings: ClusterSettings,
) -> None:
    mentions, _ = index_names(es_settings.index_prefix)
    cluster = Cluster(es_settings)
    try:
        # The index settings (analysers) of this version, but only one field mapped.
        settings = mentions_template(es_settings.index_prefix, shards=1, replicas=0, icu=False)[
            "template"
        ]["settings"]
        partial = {"dynamic": "strict", "properties": {"id": {"type": "keyword"}}}
        cluster.call(
            lambda es: es.indices.create(index=mentions, settings=settings, mappings=partial)
        )
        before = template_state(cluster).mentions.missing_fields
        assert "title" in before and "judgments.evidence" in before

        ensure_indices(cluster)

        assert template_state(cluster).mentions.missing_fields == ()
    finally:
        cluster.close()


def test_a_mapping_the_cluster_cannot_extend_stops_the_open_with_what_to_do(
    es_settings: ClusterSettings,
) -> None:
    mentions, _ = index_names(es_settings.index_prefix)
    cluster = Cluster(es_settings)
    try:
        clash = {"properties": {"title": {"type": "long"}}}  # title is text in every version
        cluster.call(lambda es: es.indices.create(index=mentions, mappings=clash))

        with pytest.raises(ClusterError) as caught:
            ensure_indices(cluster)

        assert "index_prefix to a new name" in str(caught.value)
        assert "listener reindex --to elasticsearch" in str(caught.value)
    finally:
        cluster.close()


# -- a cluster that cannot be used ------------------------------------------------------------


def test_a_dead_port_is_one_line_naming_the_url_without_its_password(tmp_path: Path) -> None:
    port = closed_port()
    config = write_settings(
        tmp_path, f"    urls: ['http://elastic:${{ES_PASSWORD}}@127.0.0.1:{port}']\n"
    )

    code, out, err = check(config, ES_PASSWORD="s3cret-pass")

    assert code == 1
    assert err.strip().splitlines() == [
        f"mention index: nothing answers at http://127.0.0.1:{port}: start the cluster,"
        " or fix storage.elasticsearch.urls"
    ]
    assert "s3cret" not in out + err


def test_a_command_reading_mentions_says_the_same_when_the_cluster_is_away(
    tmp_path: Path,
) -> None:
    port = closed_port()
    config = write_settings(tmp_path, f"    urls: [http://127.0.0.1:{port}]\n")
    open_store(tmp_path / "data" / "listener.db").close()  # this daemon's file exists

    result = CliRunner().invoke(main, ["search", "acme", "--config", str(config)])

    assert result.exit_code == 1
    assert f"nothing answers at http://127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_basic_auth_reaches_the_server_and_its_401_is_one_clear_line(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    token = base64.b64encode(b"listener:hunter2-long").decode()
    httpserver.expect_request("/", headers={"Authorization": f"Basic {token}"}).respond_with_json(
        {"error": {"type": "security_exception", "reason": "unable to authenticate"}},
        status=401,
    )
    config = write_settings(
        tmp_path,
        f"    urls: [{httpserver.url_for('/').rstrip('/')}]\n"
        "    username: listener\n    password: ${ES_PASSWORD}\n",
    )

    code, out, err = check(config, ES_PASSWORD="hunter2-long")

    httpserver.check_assertions()  # the request carried the Basic header (else a 500)
    assert code == 1
    assert "refused the credentials (401): check storage.elasticsearch's api_key" in err
    assert httpserver.url_for("/").rstrip("/") in err
    assert "hunter2" not in out + err


def test_an_api_key_is_sent_as_the_apikey_authorization(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(
        "/", headers={"Authorization": "ApiKey a2V5OnNlY3JldA=="}
    ).respond_with_json({"error": {"type": "security_exception"}}, status=401)
    config = write_settings(
        tmp_path,
        f"    urls: [{httpserver.url_for('/').rstrip('/')}]\n    api_key: ${{ES_API_KEY}}\n",
    )

    code, _, err = check(config, ES_API_KEY="a2V5OnNlY3JldA==")

    httpserver.check_assertions()
    assert code == 1 and "(401)" in err


def test_https_to_a_server_without_tls_is_a_tls_failure_with_what_to_do(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    url = httpserver.url_for("/").rstrip("/").replace("http://", "https://")
    config = write_settings(tmp_path, f"    urls: [{url}]\n    max_retries: 0\n")

    code, _, err = check(config)

    assert code == 1
    assert f"the TLS handshake with {url} failed" in err
    assert "storage.elasticsearch.ca_file" in err


def test_cluster_settings_come_through_to_a_live_connection(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    settings = load_settings(for_cluster(tmp_path, es_settings), environ={})
    assert settings.storage.elasticsearch is not None
    cluster = Cluster(cluster_settings(settings.storage.elasticsearch))
    try:
        assert cluster.info is not None and cluster.flavour in ("opensearch", "elasticsearch")
    finally:
        cluster.close()


def test_check_counts_what_this_daemon_has_yet_to_send_and_what_was_refused(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    config = for_cluster(tmp_path, es_settings)
    with open_configured_store(load_settings(config, environ={}).storage) as store:
        store.insert_mentions([make_mention(1), make_mention(2)])  # sent after the commit
        store.shared_index.refresh()

    code, out, err = check(config)

    assert code == 0, err
    mentions, _ = index_names(es_settings.index_prefix)
    assert f"index {mentions}: 2 documents" in out
    assert "index outbox (listener.db): 0 mention(s) waiting to be sent" in out

    # The queue as a cluster away for a while leaves it, and a refusal parked with its reason
    # (written into the real file: the check reads them from there).
    with sqlite3.connect(tmp_path / "data" / "listener.db") as conn:
        conn.executemany(
            "INSERT INTO index_outbox (mention_id, op) VALUES (?, ?)",
            [("news:3", "create"), ("news:3", "index"), ("news:4", "create")],
        )
        conn.execute(
            "INSERT INTO index_rejected VALUES ('news:5', 400, ?, '2026-12-06T10:00:00Z')",
            ("mapper_parsing_exception: failed to parse \x1b[31mfield",),
        )
    code, out, _ = check(config)

    assert code == 0
    assert (
        "index outbox (listener.db): 2 mention(s) waiting to be sent; 1 refused by the"
        " cluster, the newest news:5 (400: mapper_parsing_exception: failed to parse" in out
    )
    assert "\x1b" not in out  # a reason may quote a document's text: made terminal-safe


def _tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it (openssl, a real subprocess)."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=listener test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr",
        "-subj", "/CN=127.0.0.1")  # fmt: skip
    (folder / "node.ext").write_text("subjectAltName=IP:127.0.0.1\n", encoding="utf-8")
    run("x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "node.pem", "-days", "2", "-extfile", "node.ext")  # fmt: skip
    return folder / "ca.pem", folder / "node.pem", folder / "node.key"


@pytest.fixture
def tls_node(tmp_path: Path) -> Iterator[tuple[HTTPServer, Path]]:
    """An https server answering ``GET /`` as an OpenSearch node does, and its CA file."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a test certificate")
    ca, cert, key = _tls_files(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.expect_request("/").respond_with_json(
        {"cluster_name": "tls", "version": {"distribution": "opensearch", "number": "2.17.1"}},
        headers={"X-Elastic-Product": "Elasticsearch"},
    )
    server.start()
    try:
        yield server, ca
    finally:
        server.clear()
        server.stop()


def test_a_ca_file_lets_the_client_trust_a_self_signed_cluster(
    tmp_path: Path, tls_node: tuple[HTTPServer, Path]
) -> None:
    server, ca = tls_node
    url = server.url_for("/").rstrip("/")
    settings = load_settings(
        write_settings(tmp_path, f"    urls: [{url}]\n    ca_file: {ca.name}\n"), environ={}
    )
    assert settings.storage.elasticsearch is not None

    cluster = Cluster(cluster_settings(settings.storage.elasticsearch))
    try:
        assert cluster.info is not None
        assert (cluster.info.distribution, cluster.info.version) == ("opensearch", "2.17.1")
    finally:
        cluster.close()

    # Without the CA the same node is refused, in one line saying what to set.
    code, _, err = check(write_settings(tmp_path, f"    urls: [{url}]\n    max_retries: 0\n"))
    assert code == 1
    assert f"the TLS handshake with {url} failed" in err


def test_with_the_icu_plugin_listed_the_template_carries_the_icu_sub_fields(
    httpserver: HTTPServer,
) -> None:
    # osmem has no plugins, so the plugin's presence is played by a local HTTP server that
    # answers the requests ensure_indices makes, and records the template it is given.
    product = {"X-Elastic-Product": "Elasticsearch"}
    put: list[dict[str, Any]] = []

    def keep_template(request: Request) -> Response:
        put.append(json.loads(request.data))
        return Response('{"acknowledged": true}', content_type="application/json", headers=product)

    httpserver.expect_request("/_cat/plugins").respond_with_json(
        [{"name": "node-1", "component": "analysis-icu", "version": "8.15.0"}], headers=product
    )
    for name in ("icu-mentions", "icu-keys"):
        httpserver.expect_request(f"/_index_template/{name}", method="GET").respond_with_json(
            {"error": {"type": "resource_not_found_exception"}}, status=404, headers=product
        )
    httpserver.expect_request("/_index_template/icu-mentions", method="PUT").respond_with_handler(
        keep_template
    )
    httpserver.expect_request("/_index_template/icu-keys", method="PUT").respond_with_json(
        {"acknowledged": True}, headers=product
    )  # the keys index's template (no ICU in it)
    for index in ("icu-mentions", "icu-keys"):
        httpserver.expect_request(f"/{index}", method="HEAD").respond_with_data(
            "", status=404, headers=product
        )
        httpserver.expect_request(f"/{index}", method="PUT").respond_with_json(
            {"acknowledged": True, "index": index}, headers=product
        )
    url = httpserver.url_for("/").rstrip("/")
    cluster = Cluster(ClusterSettings(urls=(url,), index_prefix="icu", flavour="elasticsearch"))
    try:
        ensure_indices(cluster)
    finally:
        cluster.close()

    (template,) = put
    assert template["_meta"] == {"managed_by": "listener", "version": TEMPLATE_VERSION, "icu": True}
    title = template["template"]["mappings"]["properties"]["title"]
    assert title["fields"]["icu"] == {"type": "text", "analyzer": "icu_analyzer"}


def test_an_index_the_cluster_made_after_losing_listeners_is_a_failed_check(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    """The trial's osmem restart: a write after the loss auto-created the mentions index with
    dynamic mappings; check used to pass while search and the dashboard failed."""
    config = for_cluster(tmp_path, es_settings)
    mentions, _ = index_names(es_settings.index_prefix)
    cluster = Cluster(es_settings)
    try:
        cluster.call(lambda es: es.index(index=mentions, id="stray", document={"title": "x"}))
    finally:
        cluster.close()

    code, _out, err = check(config)

    assert code == 1
    assert f"index {mentions} was made by the cluster, not by listener" in err
    assert "listener reindex --to elasticsearch --restart" in err
