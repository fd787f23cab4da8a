"""Every registered source type is complete, and all polled ones poll together in one run.

For each type: ``INFO`` has a sample settings block that validates, captured (or
``synthetic_*``) fixtures under tests/fixtures/<type>/, and tests/test_source_<type>.py with
mapping tests and a ``replay(server)`` plan. Then one settings.yaml with a block per type,
each pointed at the local replay server, is polled by ``listener poll --once``: every source
stores its expected number of mentions, none fails.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from listener.cli.main import main
from listener.sources.registry import BUILTIN_SOURCE_MODULES, source_types
from listener.store import open_store
from tests.helpers import FIXTURES
from tests.source_helpers import ReplayPlan

TESTS = Path(__file__).parent
TYPES = sorted(BUILTIN_SOURCE_MODULES)
# Stream types hold a connection open rather than answering a poll; their replay servers
# are websocket and streaming-HTTP servers (tests/stream_servers.py), run by their own tests.
POLLED_TYPES = [kind for kind in TYPES if not source_types()[kind].is_stream]


def source_tests(kind: str) -> ModuleType:
    return importlib.import_module(f"tests.test_source_{kind}")


@pytest.mark.parametrize("kind", TYPES)
def test_each_type_has_a_sample_that_validates(kind: str) -> None:
    info = source_types()[kind].info
    assert info.summary and info.credentials, f"{kind}: INFO needs a summary and credentials"
    [block] = yaml.safe_load(info.sample)
    assert block["type"] == kind
    options = {k: v for k, v in block.items() if k not in ("name", "type", "interval", "enabled")}
    # ${VARS} stand for secrets and addresses: a URL-shaped value fits both.
    filled = json.loads(
        re.sub(r"\$\{(\w+)[^}]*\}", r"https://secret.example/\1", json.dumps(options))
    )
    source_types()[kind].options_model(**filled)


@pytest.mark.parametrize("kind", TYPES)
def test_each_type_has_fixtures_with_provenance_and_mapping_tests(kind: str) -> None:
    folder = FIXTURES / kind
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != "README.md"]
    assert files, f"no fixtures in {folder}"
    readme = (
        (folder / "README.md").read_text(encoding="utf-8")
        if (folder / "README.md").exists()
        else (FIXTURES / "README.md").read_text(encoding="utf-8")
    )
    for path in files:
        name = path.relative_to(FIXTURES).as_posix()
        synthetic = path.name.startswith("synthetic_")
        assert synthetic or name in readme or path.name in readme, f"{name}: no provenance line"
    module = source_tests(kind)
    mapping_tests = [n for n in dir(module) if n.startswith("test_") and "map" in n]
    assert mapping_tests, f"tests/test_source_{kind}.py has no test_*map* test"
    if kind in POLLED_TYPES:
        assert callable(getattr(module, "replay", None)), f"test_source_{kind}.py has no replay()"


def test_every_type_polls_in_one_run(httpserver: HTTPServer, tmp_path: Path) -> None:
    plans: dict[str, ReplayPlan] = {
        kind: source_tests(kind).replay(httpserver) for kind in POLLED_TYPES
    }
    terms = " OR ".join(sorted({plan.term for plan in plans.values()}))
    environ: dict[str, str] = {}
    sources = []
    for kind, plan in plans.items():
        environ.update(plan.environ)
        sources.append({"name": f"{kind}-replay", "type": kind, "interval": "10m", **plan.options})
    settings = {
        "brands": [{"name": "Everything", "query": terms}],
        "sources": sources,
        "storage": {"sqlite": str(tmp_path / "listener.db")},
    }
    config = tmp_path / "settings.yaml"
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")

    result = CliRunner(env=environ).invoke(main, ["poll", "--once", "--config", str(config)])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "listener.db") as store:
        states = {state.source: state for state in store.source_states()}
    for kind, plan in plans.items():
        state = states[f"{kind}-replay"]
        assert state.last_error is None, f"{kind}: {state.last_error}"
        assert state.items_total == plan.mentions, f"{kind}: {result.output}"


@pytest.mark.parametrize("kind", TYPES)
def test_the_docs_show_each_types_sample(kind: str) -> None:
    docs = (TESTS.parent / "docs" / "sources.md").read_text(encoding="utf-8")
    info = source_types()[kind].info
    assert f"## {kind}\n" in docs, f"docs/sources.md has no section for {kind}"
    assert info.sample.rstrip() in docs, f"docs/sources.md shows an old sample for {kind}"
    assert info.limits in docs, f"docs/sources.md states old limits for {kind}"
