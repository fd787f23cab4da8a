"""A ``saved_search`` rule naming a search the store does not hold is refused wherever the
settings are taken in: by ``listener check`` (see test_web_saved_searches.py), by a real
``listener run`` at start, and by the running daemon's reload, which keeps its settings."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from listener.config.settings import load_settings
from listener.service.daemon import Daemon
from listener.store import open_store
from listener.store.saved_searches import SavedSearches
from tests.helpers import SettableClock
from tests.store_helpers import T0
from tests.test_reload import rewrite

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
web:
  enabled: false
alerts:
  enabled: true
  channels:
    - {{name: out, type: console}}
  rules:
    - {{type: complaint, name: complaints}}
"""
SAVED_RULE = '    - {type: saved_search, name: anvils, saved: "Late anvils"}\n'


def test_listener_run_refuses_a_saved_search_the_store_does_not_hold(tmp_path: Path) -> None:
    db = tmp_path / "listener.db"
    settings = tmp_path / "settings.yaml"
    settings.write_text(SETTINGS.format(db=db) + SAVED_RULE, encoding="utf-8")
    with open_store(db):
        pass  # a store without the saved search
    listener = Path(sys.executable).with_name("listener")
    # Before the fix the daemon started and ran on; the timeout ends such a run (and fails).
    ran = subprocess.run(
        [str(listener), "run", "--config", str(settings)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert ran.returncode == 2, ran.stderr
    assert "'Late anvils', which the store" in ran.stderr and "does not hold" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert ran.stderr.startswith(f"{settings}: alerts.rules:")


def test_a_reload_naming_a_missing_saved_search_keeps_the_running_settings(
    tmp_path: Path, clock: SettableClock, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "listener.db"
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS.format(db=db), encoding="utf-8")

    async def scenario() -> tuple[bool, list[str], bool, list[str]]:
        daemon = Daemon(load_settings(path), clock=clock)
        try:
            rewrite(path, SETTINGS.format(db=db) + SAVED_RULE)
            refused = await daemon.reload_if_changed()
            kept = [rule.rule_name for rule in daemon.settings.alerts.rules]
            SavedSearches(daemon.store).save("Late anvils", "anvil", {}, by="test", at=T0)
            rewrite(path, SETTINGS.format(db=db) + SAVED_RULE)
            applied = await daemon.reload_if_changed()
            return refused, kept, applied, [r.rule_name for r in daemon.settings.alerts.rules]
        finally:
            await daemon.close()

    with caplog.at_level(logging.INFO, logger="listener.config.reload"):
        refused, kept, applied, now_running = asyncio.run(scenario())
    assert refused is False and kept == ["complaints"]
    assert applied is True and now_running == ["complaints", "anvils"]
    [refusal] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert refusal.getMessage() == (
        "settings file has problems; still running on the previous settings"
    )
    problems = refusal.fields["problems"]  # type: ignore[attr-defined]
    assert "'Late anvils', which the store" in problems and "does not hold" in problems
    # Refused, it is not announced as reloaded; saved, it is.
    assert [r.getMessage() for r in caplog.records].count("settings reloaded") == 1
