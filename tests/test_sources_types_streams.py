"""``listener sources --types`` and docs/sources.md say how a stream type is timed: it takes
no interval and listens all the time, where a polled type shows its shortest interval."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from listener.cli.main import main
from listener.sources.registry import source_types

DOCS = Path(__file__).resolve().parent.parent / "docs" / "sources.md"
STREAMS = sorted(name for name, kind in source_types().items() if kind.is_stream)
POLLED = sorted(name for name, kind in source_types().items() if not kind.is_stream)


def _blocks() -> dict[str, str]:
    printed = CliRunner().invoke(main, ["sources", "--types"])
    assert printed.exit_code == 0, printed.output
    return {block.split(":", 1)[0]: block for block in printed.output.strip().split("\n\n")}


def test_each_stream_type_says_it_takes_no_interval() -> None:
    assert STREAMS  # jetstream, mastodon_stream, x_stream
    blocks = _blocks()
    for kind in STREAMS:
        assert "\n  interval:    none — a stream listens all the time" in blocks[kind], kind
    for kind in POLLED:
        assert "\n  interval:    at least " in blocks[kind], kind
        assert "none — a stream" not in blocks[kind], kind


def test_the_docs_open_with_polled_and_streamed_types_alike() -> None:
    opening = DOCS.read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert "Every source type listener can poll or stream" in opening
    for kind in STREAMS:
        assert f"`{kind}`" in opening, kind
