"""The container files (no Docker engine here to build them): deploy/compose.yaml parses and
wires listener to its Elasticsearch node, its settings file is valid listener settings that
reach that node, and the Dockerfile ships what the app reads from the source tree and probes
the port the settings serve on."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from listener.config.engine import cluster_settings
from listener.config.settings import load_settings
from listener.config.web import WebSettings
from listener.web.pages import STATIC_DIR, TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_compose_runs_listener_after_a_healthy_elasticsearch_node() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"elasticsearch", "listener"}
    es, listener = services["elasticsearch"], services["listener"]
    assert re.fullmatch(r"docker\.elastic\.co/elasticsearch/elasticsearch:8\.\d+\.\d+", es["image"])
    assert "xpack.security.enabled=true" in es["environment"]
    assert "healthcheck" in es and "ports" not in es  # 9200 stays inside the compose network
    assert listener["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    assert listener["build"] == {"context": "..", "dockerfile": "Dockerfile"}
    assert "listener-data:/data" in listener["volumes"]
    assert "./settings.yaml:/config/settings.yaml:ro" in listener["volumes"]
    # The password comes from .env, and compose stops when it is not set.
    password = "ELASTIC_PASSWORD=${ELASTIC_PASSWORD:?set ELASTIC_PASSWORD in deploy/.env}"
    assert password in es["environment"] and password in listener["environment"]


def test_compose_settings_reach_the_node_with_the_password_from_the_environment() -> None:
    settings = load_settings(
        ROOT / "deploy" / "settings.yaml", environ={"ELASTIC_PASSWORD": "from-dot-env"}
    )
    assert settings.storage.sqlite == Path("/data/listener.db")
    assert settings.storage.elasticsearch is not None
    cluster = cluster_settings(settings.storage.elasticsearch)
    assert cluster.urls == ("http://elasticsearch:9200",)
    assert (cluster.username, cluster.password) == ("elastic", "from-dot-env")
    assert settings.web.host == "0.0.0.0"  # inside the container


def test_dockerfile_ships_the_source_tree_the_app_reads_and_probes_its_port() -> None:
    assert re.search(r"^FROM python:3\.11-slim-\w+$", DOCKERFILE, re.M)
    for folder in (TEMPLATES_DIR.parent, STATIC_DIR, ROOT / "listener", ROOT / "alerts"):
        name = folder.relative_to(ROOT).as_posix()
        assert re.search(rf"^COPY {name} \./{name}$", DOCKERFILE, re.M), name
    port = WebSettings().port
    assert f"http://127.0.0.1:{port}/healthz" in DOCKERFILE
    assert f"EXPOSE {port}" in DOCKERFILE
    assert re.search(r"^USER listener$", DOCKERFILE, re.M)
    assert 'ENTRYPOINT ["listener"]' in DOCKERFILE and 'CMD ["run"]' in DOCKERFILE


def test_dockerignore_keeps_local_data_and_secrets_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".git", ".venv", "data", ".env", "*.db"):
        assert entry in ignored, entry
