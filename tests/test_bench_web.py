"""bench/web.py runs end to end on a small store and times every route the app serves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts

from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.store import open_store
from listener.web.app import create_app
from listener.web.context import WebContext

ROOT = Path(__file__).resolve().parents[1]
TWEETS = ROOT.parent / "shared" / "datasets" / "tweeteval_sentiment"


def served_get_routes(tmp_path: Path) -> set[str]:
    """``GET path`` of every route the app serves, read from the app as the bench does."""
    settings_path = tmp_path / "settings.yaml"
    settings_path.write_text(
        f"brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: {tmp_path / 'app.db'}\n",
        encoding="utf-8",
    )
    settings = load_settings(settings_path, environ={})
    with open_store(settings.storage.sqlite) as store:
        app = create_app(WebContext(settings=settings, store=store, metrics=Metrics()))
        found = set()
        for route in iter_route_contexts(app.routes):
            if route.methods is None:
                found.add(f"GET {route.path}/{{path}}")  # the static files' mount
            elif "GET" in route.methods:
                found.add(f"GET {route.path}")
    return found


@pytest.mark.skipif(not any(TWEETS.glob("*text*.txt")), reason="no tweet texts in ../shared")
def test_it_times_every_get_route_and_ends_with_the_json_summary(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "web.py"), "--size", "2000", "--alerts", "200",
         "--repeats", "2", "--root", str(tmp_path / "stores"), "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["untimed"] == []
    timed = set(summary["routes"])
    missing = served_get_routes(tmp_path) - timed
    assert not missing, f"GET routes the bench did not time: {sorted(missing)}"
    # The routes that change something are timed too, through the API and the pages.
    for route in (
        "POST /api/v1/alerts/{alert_id}/{action}",
        "POST /inbox/bulk",
        "PUT /api/v1/saved-searches/{name}",
        "DELETE /api/v1/tokens/{name}",
    ):
        assert route in timed, route
    p95 = summary["p95_ms"]
    assert set(p95) == set(summary["p95_ms_http"]) == set(summary["p95_cpu_ms_in_process"])
    for name, worst in p95.items():
        in_process, http = summary["p95_ms_in_process"][name], summary["p95_ms_http"][name]
        assert worst == max(in_process, http) > 0, name
        assert 0 < summary["p50_ms"][name] <= in_process, name
        assert summary["p95_cpu_ms_in_process"][name] >= 0, name
    assert len(summary["load_avg"]) == 2
    assert summary["p95_ms_max"] == max(p95.values())
    assert summary["over_100"] == [name for name, ms in p95.items() if ms > 100]
    # The table is printed, one row per route and variant, before the JSON.
    assert "GET /inbox/events [first event]" in done.stdout
    assert "GET /api/v1/export [first 1,000 rows]" in done.stdout
    # The web store was built once in the folder given (and the mentions' store beside it).
    assert len(list((tmp_path / "stores").glob("web-2000-a200-*.db"))) == 1
