"""The shortest interval a polled type accepts follows what its API allows
(``SourceInfo.min_interval``): lower where asking is cheap and has no per-request quota
(feeds by conditional GET, Hacker News, Mastodon, Bluesky, GitHub search, Discourse), the
general 30 s or more where a quota is tight (X, YouTube, Reddit, Stack Exchange, Yelp,
Google Play). An interval under a type's minimum is refused at its line, naming it; the
minimum itself is accepted. The README's table, docs/sources.md and ``listener sources
--types`` show the same figures.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.errors import ConfigError
from listener.config.settings import MIN_INTERVAL, load_settings
from listener.sources.registry import get_source_type, source_types
from listener.units import format_duration, parse_duration

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = {
    "rss": timedelta(seconds=10),
    "hackernews": timedelta(seconds=10),
    "mastodon": timedelta(seconds=15),
    "bluesky": timedelta(seconds=15),
    "github": timedelta(seconds=20),
    "discourse": timedelta(seconds=20),
    "lemmy": timedelta(seconds=30),
    "appstore": MIN_INTERVAL,
    "trustpilot": MIN_INTERVAL,
    "reddit": timedelta(minutes=1),
    "x": timedelta(minutes=1),
    "youtube": timedelta(minutes=5),
    "stackexchange": timedelta(minutes=5),
    "yelp": timedelta(minutes=5),
    "googleplay": timedelta(minutes=5),
}
POLLED = sorted(name for name in source_types() if not get_source_type(name).is_stream)


def minimum(kind: str) -> timedelta:
    return get_source_type(kind).info.min_interval or MIN_INTERVAL


def test_every_polled_type_has_its_minimum_decided() -> None:
    assert sorted(EXPECTED) == POLLED
    assert {kind: minimum(kind) for kind in POLLED} == EXPECTED


def test_no_shipped_sample_asks_for_less_than_its_types_minimum() -> None:
    for kind in POLLED:
        assert "interval:" in get_source_type(kind).info.sample
    # The samples are validated by tests/test_sources_all.py; here only their figure.
    too_fast = [
        kind
        for kind in POLLED
        if _sample_interval(get_source_type(kind).info.sample) < minimum(kind)
    ]
    assert not too_fast


def _sample_interval(sample: str) -> timedelta:
    line = next(line for line in sample.splitlines() if line.strip().startswith("interval:"))
    return parse_duration(line.split(":", 1)[1].split("#")[0].strip())


def settings_text(kind: str, interval: str) -> str:
    # The type's own keys do not matter here: the interval is checked before them, and
    # their problems are reported separately, at their own keys.
    return (
        "brands: [{name: Acme, query: acme}]\n"
        "sources:\n"
        f"  - name: one\n    type: {kind}\n    interval: {interval}\n"
        "storage: {sqlite: data/listener.db}\n"
    )


def interval_problems(tmp_path: Path, kind: str, interval: str) -> list[str]:
    path = tmp_path / "settings.yaml"
    path.write_text(settings_text(kind, interval), encoding="utf-8")
    try:
        load_settings(path, environ={})
    except ConfigError as error:
        return [p.message for p in error.problems if p.key_path == "sources[0].interval"]
    return []


@pytest.mark.parametrize("kind", POLLED)
def test_an_interval_under_the_minimum_is_refused_and_the_minimum_accepted(
    tmp_path: Path, kind: str
) -> None:
    shortest = minimum(kind)
    seconds = int(shortest.total_seconds())
    [refused] = interval_problems(tmp_path, kind, f"{seconds - 1}s")
    assert f"at least {format_duration(shortest)} for {kind} sources" in refused
    assert interval_problems(tmp_path, kind, f"{seconds}s") == []


def test_the_readme_lists_each_types_minimum() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind in POLLED:
        assert f"| `{kind}` | {format_duration(minimum(kind))} |" in readme, kind


def test_the_docs_and_listener_sources_types_show_each_types_minimum() -> None:
    docs = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    printed = CliRunner().invoke(main, ["sources", "--types"])
    assert printed.exit_code == 0, printed.output
    for kind in POLLED:
        shortest = format_duration(minimum(kind))
        section = docs[docs.index(f"## {kind}\n") :]
        assert f"- **Shortest interval:** {shortest} " in section.split("\n## ", 1)[0], kind
        listed = "\n" + printed.output
        block = listed[listed.index(f"\n{kind}: ") :].split("\n\n", 1)[0]
        assert f"  interval:    at least {shortest} " in block, kind
