"""The ``engine`` every contract test runs on, the store it opens, and the run's report of
which engines the suite ran on (header before, counts after)."""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from listener.store import SQLiteStore
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.elastic_fixtures import ES_URL_VARIABLE

ENGINES = ("sqlite", "elasticsearch")
_HERE = Path(__file__).parent
# engine → outcome → count, filled as the suite's tests finish; the summary prints it.
_OUTCOMES: dict[str, dict[str, int]] = {}
_CLUSTER_SEEN: list[str] = []  # what es_cluster_url said the cluster is, once it started

OpenStore = Callable[[Path], SQLiteStore]


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _planned_cluster() -> str:
    named = os.environ.get(ES_URL_VARIABLE)
    if named:
        return f"elasticsearch on the cluster at {_without_password(named)} ({ES_URL_VARIABLE})"
    try:
        version = importlib.metadata.version("osmem-server")
    except importlib.metadata.PackageNotFoundError:
        return f"elasticsearch skipped: set {ES_URL_VARIABLE} or install osmem-server"
    # The package's version; the server's own (the OpenSearch version it answers as) is
    # in the summary, read when it started.
    return (
        f"elasticsearch on a local osmem-server (package {version}, in-memory,"
        " OpenSearch-compatible)"
    )


def pytest_report_header() -> str:
    # Shown when the run starts in tests/contract (a conftest below the run's paths loads
    # after the header); the summary below is printed whatever the run's paths.
    return f"contract suite: sqlite; {_planned_cluster()}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    callspec = getattr(item, "callspec", None)
    engine = callspec.params.get("engine") if callspec is not None else None
    if engine in ENGINES and (report.when == "call" or report.outcome != "passed"):
        counts = _OUTCOMES.setdefault(str(engine), {})
        counts[report.outcome] = counts.get(report.outcome, 0) + 1
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _OUTCOMES:
        return
    lines = []
    for engine in ENGINES:
        counts = _OUTCOMES.get(engine)
        if not counts:
            continue
        said = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        where = ""
        if engine == "elasticsearch":
            where = f" on {_CLUSTER_SEEN[0]}" if _CLUSTER_SEEN else " (no cluster started)"
        lines.append(f"{engine}{where}: {said}")
    terminalreporter.write_line("contract suite ran on " + "; ".join(lines))


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine this run of the test checks: "sqlite" or "elasticsearch" (skipped, and
    said so, when no test cluster can be had)."""
    if request.param == "elasticsearch":
        url, what = request.getfixturevalue("es_cluster_url")
        if not _CLUSTER_SEEN:
            _CLUSTER_SEEN.append(f"{what} at {_without_password(url)}")
    return str(request.param)


@pytest.fixture
def open_store(engine: str, request: pytest.FixtureRequest) -> Iterator[OpenStore]:
    """Opens a store of this engine at a path; on Elasticsearch every store of one test
    shares one index prefix (several daemons, one cluster). Closed at the test's end."""
    opened: list[SQLiteStore] = []
    settings: ClusterSettings | None = None
    if engine == "elasticsearch":
        settings = request.getfixturevalue("es_settings")

    def open_one(path: Path) -> SQLiteStore:
        store = SQLiteStore(path) if settings is None else ElasticStore(path, settings)
        opened.append(store)
        return store

    yield open_one
    for store in reversed(opened):
        store.close()


@pytest.fixture
def store(open_store: OpenStore, tmp_path: Path) -> SQLiteStore:
    """A new, empty store of this engine: the daemon whose reads a test checks."""
    return open_store(tmp_path / "listener.db")


@pytest.fixture
def peer_path(engine: str, tmp_path: Path) -> Path:
    """Where a second daemon's store lives: the same file on SQLite, its own file beside
    the first on Elasticsearch (the index prefix is what they share)."""
    return tmp_path / ("listener.db" if engine == "sqlite" else "peer.db")


@pytest.fixture
def writer(store: SQLiteStore, open_store: OpenStore, peer_path: Path) -> SQLiteStore:
    """Another daemon sharing ``store``'s mentions, which the read tests store through.
    On Elasticsearch an ElasticStore keeps the mentions it wrote in its own SQLite file
    too, so only reads from a daemon that did not write them prove the index answers."""
    return open_store(peer_path)
