"""``storage.elasticsearch``: the one-URL shorthand, the full section, secrets from ``${VAR}``
and problems named at their key and line (never echoing a password)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from listener.config.engine import cluster_settings
from listener.config.errors import ConfigError
from listener.config.settings import Settings, load_settings
from listener.config.storage import without_credentials
from listener.config.yamlfile import Problem

REPO_SETTINGS = Path(__file__).resolve().parent.parent / "settings.yaml"

BASE = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
"""


def settings_file(folder: Path, storage_lines: str) -> Path:
    path = folder / "settings.yaml"
    path.write_text(BASE + storage_lines, encoding="utf-8")
    return path


def load(folder: Path, storage_lines: str, **environ: str) -> Settings:
    return load_settings(settings_file(folder, storage_lines), environ=environ)


def problems(folder: Path, storage_lines: str, **environ: str) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        load(folder, storage_lines, **environ)
    return caught.value.problems


def test_without_the_key_there_is_no_cluster(tmp_path: Path) -> None:
    assert load(tmp_path, "").storage.elasticsearch is None


def test_the_one_url_shorthand_is_a_cluster_of_one_node_with_every_default(
    tmp_path: Path,
) -> None:
    es = load(tmp_path, "  elasticsearch: http://localhost:9200\n").storage.elasticsearch

    assert es is not None
    cluster = cluster_settings(es)
    assert cluster.urls == ("http://localhost:9200",)
    assert (cluster.index_prefix, cluster.flavour, cluster.timeout_s) == ("listener", "auto", 10.0)
    assert (cluster.api_key, cluster.username, cluster.password) == (None, None, None)
    assert (cluster.bulk_docs, cluster.bulk_bytes, cluster.shards, cluster.replicas) == (
        500,
        5_000_000,
        1,
        1,
    )


def test_the_full_section_reaches_the_cluster_settings(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    es = load(
        tmp_path,
        """\
  elasticsearch:
    urls: [https://es1.example.org:9200, https://es2.example.org:9200]
    index_prefix: acme-listener
    api_key: ${ES_API_KEY}
    ca_file: certs/ca.pem
    timeout: 30s
    max_retries: 5
    flavour: opensearch
    bulk_docs: 200
    bulk_bytes: 2MiB
    shards: 3
    replicas: 2
""",
        ES_API_KEY="a2V5OnNlY3JldA==",
    ).storage.elasticsearch

    assert es is not None
    cluster = cluster_settings(es)
    assert cluster.urls == ("https://es1.example.org:9200", "https://es2.example.org:9200")
    assert cluster.index_prefix == "acme-listener"
    assert cluster.api_key == "a2V5OnNlY3JldA=="
    assert cluster.ca_file == tmp_path / "certs" / "ca.pem"  # beside the settings file
    assert (cluster.timeout_s, cluster.max_retries, cluster.flavour) == (30.0, 5, "opensearch")
    assert (cluster.bulk_docs, cluster.bulk_bytes) == (200, 2 * 1024 * 1024)
    assert (cluster.shards, cluster.replicas) == (3, 2)
    assert es.timeout == timedelta(seconds=30)


def test_basic_auth_secrets_come_from_the_environment_and_are_kept_secret(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """\
  elasticsearch:
    urls: http://localhost:9200
    username: listener
    password: ${ES_PASSWORD}
""",
        ES_PASSWORD="hunter2-long-enough",
    )

    es = settings.storage.elasticsearch
    assert es is not None
    assert "hunter2" not in repr(es)  # a SecretStr: not in reprs or logs of the settings
    assert (cluster_settings(es).username, cluster_settings(es).password) == (
        "listener",
        "hunter2-long-enough",
    )
    assert "hunter2-long-enough" in settings.secrets  # redacted from every output


def test_a_password_in_a_url_becomes_basic_auth_and_leaves_the_url(tmp_path: Path) -> None:
    es = load(
        tmp_path,
        "  elasticsearch: https://elastic:${ES_PASSWORD}@es.example.org:9200\n",
        ES_PASSWORD="p@ss:word",
    ).storage.elasticsearch

    assert es is not None
    cluster = cluster_settings(es)
    assert cluster.urls == ("https://es.example.org:9200",)
    assert (cluster.username, cluster.password) == ("elastic", "p@ss:word")


def test_a_url_is_shown_without_its_credentials() -> None:
    assert without_credentials("https://elastic:s3cret@es.example.org:9200") == (
        "https://es.example.org:9200"
    )
    assert without_credentials("http://[::1]:9200") == "http://[::1]:9200"


@pytest.mark.parametrize(
    ("lines", "key", "line", "wanted"),
    [
        (
            "  elasticsearch:\n    urls: [http://a:9200]\n    shard: 2\n",
            "storage.elasticsearch.shard",
            8,
            "unknown key (did you mean 'shards'?)",
        ),
        (
            "  elasticsearch:\n    urls: [http://a:9200, 'ftp://b']\n",
            "storage.elasticsearch.urls[1]",
            7,
            "must be an http(s) URL of a node",
        ),
        (
            "  elasticsearch:\n    index_prefix: acme\n",
            "storage.elasticsearch.urls",
            6,
            "required key is missing",
        ),
        (
            "  elasticsearch:\n    urls: [http://a:9200]\n    index_prefix: Acme/x\n",
            "storage.elasticsearch.index_prefix",
            8,
            "not usable in an index name",
        ),
        (
            "  elasticsearch:\n    urls: [http://a:9200]\n    flavour: solr\n",
            "storage.elasticsearch.flavour",
            8,
            "'auto', 'elasticsearch' or 'opensearch'",
        ),
        (
            "  elasticsearch:\n    urls: [http://a:9200]\n    bulk_docs: 0\n",
            "storage.elasticsearch.bulk_docs",
            8,
            "greater than or equal to 1",
        ),
        (
            "  elasticsearch:\n    urls: [http://a:9200]\n    username: listener\n",
            "storage.elasticsearch",
            6,
            "password is missing",
        ),
        (
            "  elasticsearch:\n    urls: [http://a:9200]\n    username: u\n"
            "    password: p\n    api_key: k\n",
            "storage.elasticsearch",
            6,
            "api_key or username/password, not both",
        ),
    ],
)
def test_a_bad_key_is_named_with_its_line(
    tmp_path: Path, lines: str, key: str, line: int, wanted: str
) -> None:
    (problem,) = problems(tmp_path, lines)

    assert (problem.key_path, problem.line) == (key, line)
    assert wanted in problem.message


def test_a_missing_ca_file_is_named_with_the_path_looked_at(tmp_path: Path) -> None:
    lines = "  elasticsearch:\n    urls: [https://a:9200]\n    ca_file: certs/ca.pem\n"

    (problem,) = problems(tmp_path, lines)

    assert (problem.key_path, problem.line) == ("storage.elasticsearch.ca_file", 8)
    assert str(tmp_path / "certs" / "ca.pem") in problem.message


def test_a_ca_file_for_plain_http_is_refused_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("x", encoding="utf-8")
    lines = "  elasticsearch:\n    urls: [http://a:9200]\n    ca_file: ca.pem\n"

    (problem,) = problems(tmp_path, lines)

    assert problem.key_path == "storage.elasticsearch"
    assert "ca_file is for https URLs" in problem.message


def test_an_unset_variable_is_named_and_no_problem_repeats_a_password(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "  elasticsearch:\n    urls: [http://a:9200]\n    username: u\n"
        "    password: ${ES_PASSWORD}\n",
    )
    assert any("ES_PASSWORD" in problem.message for problem in found)

    # A URL with a password written in it, refused: the message does not repeat it.
    (problem,) = problems(tmp_path, "  elasticsearch: 'https://elastic:s3cret@es.example.org/x'\n")
    assert (problem.key_path, problem.line) == ("storage.elasticsearch", 6)
    assert "s3cret" not in problem.message
    (problem,) = problems(
        tmp_path, "  elasticsearch:\n    urls: ['https://elastic:s3cret@a:9200', 'ftp://b']\n"
    )
    assert "s3cret" not in str(ConfigError([problem]))


def test_the_commented_section_in_the_repository_settings_loads(tmp_path: Path) -> None:
    # settings.yaml documents every key of the section as a commented example: uncommented,
    # it must load (a renamed or removed key fails here).
    text = REPO_SETTINGS.read_text(encoding="utf-8")
    start = text.index("  #   elasticsearch:\n")
    end = text.index("  elasticsearch: null\n")
    example = [
        "  " + line.removeprefix("  #   ")
        for line in text[start:end].splitlines()
        if not line.removeprefix("  #   ").lstrip().startswith(("#", "("))
    ]
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    (tmp_path / "settings.yaml").write_text(
        text.replace("  elasticsearch: null\n", "\n".join(example) + "\n"), encoding="utf-8"
    )

    settings = load_settings(tmp_path / "settings.yaml", environ={"ES_API_KEY": "k"})

    es = settings.storage.elasticsearch
    assert es is not None
    documented = {line.split(":")[0].strip() for line in example[1:]}
    assert documented == set(type(es).model_fields) - {"username", "password"}
