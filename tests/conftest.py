"""Fixtures shared by the test modules: real settings files on disk and a settable clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from listener.config.settings import Settings, load_settings
from tests.helpers import SettableClock

pytest_plugins = ["tests.web_fixtures", "tests.elastic_fixtures"]


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def write_settings(tmp_path: Path) -> Callable[[str], Settings]:
    """Write a settings file into the test's folder and load it the way the daemon does."""

    def write(text: str) -> Settings:
        path = tmp_path / "settings.yaml"
        path.write_text(text, encoding="utf-8")
        return load_settings(path, environ={})

    return write
