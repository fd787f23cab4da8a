"""The layers contract in pyproject.toml: it holds on the tree, it covers every package, and it
fails the lint when an import runs back up the flow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from listener.sources.registry import BUILTIN_SOURCE_MODULES

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


def _contract(kind: str) -> dict[str, object]:
    (found,) = (c for c in CONTRACTS if c["type"] == kind)
    return found


def _layer_modules() -> set[str]:
    layers = _contract("layers")["layers"]
    assert isinstance(layers, list)
    names: set[str] = set()
    for layer in layers:
        for part in layer.replace(":", "|").split("|"):
            names.add(part.strip().strip("()"))
    return names


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    assert LINT_IMPORTS, "lint-imports is not installed beside this Python (pip install -e .[dev])"
    # The copy under test comes first on the path, before the installed (editable) listener.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def _copy_of_the_tree(tmp_path: Path) -> Path:
    for package in ("listener", "alerts"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_every_module_at_the_top_of_listener_is_in_a_layer() -> None:
    """A new module or package beside the others must be given its place in the flow."""
    named = _layer_modules()
    top = {
        f"listener.{path.stem}"
        for path in (ROOT / "listener").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert top - named == set()
    assert "alerts" in named


def test_every_source_module_is_in_the_independence_contract() -> None:
    modules = _contract("independence")["modules"]
    assert isinstance(modules, list)
    sources = ROOT / "listener" / "sources"
    families = {path.rsplit(".", 1)[1] for path in BUILTIN_SOURCE_MODULES.values()}
    own = {  # each source's module and its helpers (named after it)
        f"listener.sources.{path.stem}"
        for path in sources.glob("*.py")
        if path.stem.split("_")[0] in families
    }
    assert own == set(modules)


def test_the_contracts_hold_on_the_tree(tmp_path: Path) -> None:
    result = _lint(_copy_of_the_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_store_importing_the_cli_breaks_the_layers(tmp_path: Path) -> None:
    root = _copy_of_the_tree(tmp_path)
    (root / "listener" / "store" / "breach.py").write_text(
        "from listener.cli.main import main\n", encoding="utf-8"
    )
    result = _lint(root)
    assert result.returncode == 1
    assert "The flow" in result.stdout and "BROKEN" in result.stdout
    assert "listener.store.breach -> listener.cli.main" in result.stdout


def test_sentiment_importing_the_judges_breaks_the_layers(tmp_path: Path) -> None:
    """The judges build on sentiment; an arrow back would make the two a cycle again."""
    root = _copy_of_the_tree(tmp_path)
    sentiment = root / "listener" / "sentiment.py"
    sentiment.write_text(
        sentiment.read_text(encoding="utf-8") + "\nfrom listener.judging import judge\n",
        encoding="utf-8",
    )
    result = _lint(root)
    assert result.returncode == 1
    assert "listener.sentiment -> listener.judging.judge" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("mastodon", "from listener.sources import rss\n", "listener.sources.mastodon"),
        ("x", "from listener.sources.bluesky_session import authed\n", "listener.sources.x"),
    ],
)
def test_a_source_importing_another_source_breaks_independence(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    root = _copy_of_the_tree(tmp_path)
    path = root / "listener" / "sources" / f"{module}.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    result = _lint(root)
    assert result.returncode == 1
    assert "Sources are independent" in result.stdout and broken in result.stdout
