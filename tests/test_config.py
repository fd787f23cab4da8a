"""Settings files on disk → validated ``Settings``, or one ``ConfigError`` naming keys and lines."""

from __future__ import annotations

import os
import pickle
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel

from listener.config.errors import ConfigError
from listener.config.settings import (
    BrandSettings,
    Settings,
    SourceSettings,
    load_settings,
    resolve_config_path,
)
from listener.config.yamlfile import Problem, parse_yaml
from listener.sources.rss import Options as RssOptions
from listener.sources.streaming import StreamOptions
from listener.units import format_duration, parse_duration, parse_size

REPO_SETTINGS = Path(__file__).resolve().parent.parent / "settings.yaml"

MINIMAL = """\
brands:
  - name: Acme
    query: '"acme" OR @acme'
sources:
  - name: acme-news
    type: rss
    interval: 10m
    url: https://example.org/feed.xml
storage:
  sqlite: data/listener.db
"""


def write(folder: Path, text: str, name: str = "settings.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(folder: Path, text: str, **environ: str) -> Settings:
    return load_settings(write(folder, text), environ=environ)


def problems(folder: Path, text: str, **environ: str) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        load(folder, text, **environ)
    return caught.value.problems


def only_problem(folder: Path, text: str, **environ: str) -> Problem:
    found = problems(folder, text, **environ)
    assert len(found) == 1, found
    return found[0]


# ---- files that load -------------------------------------------------------------------


def test_minimal_example_loads_with_defaults(tmp_path: Path) -> None:
    settings = load(tmp_path, MINIMAL)

    assert settings.brands[0].name == "Acme"
    source = settings.sources[0]
    assert (source.name, source.type, source.interval, source.enabled) == (
        "acme-news",
        "rss",
        timedelta(minutes=10),
        True,
    )
    assert isinstance(source.options, RssOptions)
    assert source.options.url == "https://example.org/feed.xml"
    assert settings.config_path == tmp_path / "settings.yaml"
    assert settings.web.port == 8650 and settings.web.enabled  # on by default (issue 14)
    assert settings.pipeline.dedupe_window == timedelta(days=7)
    assert settings.scheduler.max_response_bytes == 10 * 1024 * 1024
    assert settings.scheduler.http_timeout == timedelta(seconds=20)
    assert settings.storage.elasticsearch is None


def test_the_repository_default_settings_load() -> None:
    settings = load_settings(REPO_SETTINGS, environ={})

    assert settings.brands and len(settings.sources) >= 2
    # Shipped polls are frequent where the API allows it (a post waits at most an interval) and
    # polite everywhere: never below a minute, and every rate-limited type keeps its own floor.
    polled = [source for source in settings.sources if not source.is_stream]
    assert polled and all(s.interval and s.interval >= timedelta(minutes=1) for s in polled)
    assert min(s.expected_interval for s in polled) <= timedelta(minutes=1)
    assert any(source.is_stream and source.enabled for source in settings.sources)
    assert settings.storage.sqlite == REPO_SETTINGS.parent / "data" / "listener.db"


def test_relative_sqlite_path_resolves_against_the_files_folder_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = tmp_path / "etc"
    config_dir.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    settings = load_settings(write(config_dir, MINIMAL), environ={})

    assert settings.storage.sqlite == config_dir / "data" / "listener.db"


def test_sqlite_defaults_to_the_files_folder_when_storage_is_absent(tmp_path: Path) -> None:
    settings = load(tmp_path, "brands: [{name: Acme, query: acme}]\nstorage:\n")

    assert settings.sources == []
    assert settings.storage.sqlite == tmp_path / "data" / "listener.db"


def test_brand_handles_and_languages_are_normalised(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """\
        brands:
          - name: Acme
            query: acme
            own_handles: ["@Acme", acme_Support]
            languages: [EN, bn]
        """,
    )

    assert settings.brands[0].own_handles == ["acme", "acme_support"]
    assert settings.brands[0].languages == ["en", "bn"]


def test_sizes_and_durations_in_their_accepted_forms(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """\
        brands: [{name: Acme, query: acme}]
        scheduler:
          max_response_bytes: 512KB
          backoff_base: 90
          backoff_max: 1h30m
          max_interval: 2d
        """,
    )

    assert settings.scheduler.max_response_bytes == 512_000
    assert settings.scheduler.backoff_base == timedelta(seconds=90)
    assert settings.scheduler.backoff_max == timedelta(hours=1, minutes=30)
    assert settings.scheduler.max_interval == timedelta(days=2)
    assert parse_size("10MiB") == 10 * 2**20
    assert parse_duration("30s") == timedelta(seconds=30)
    assert format_duration(timedelta(hours=1, minutes=30)) == "1h30m"


def test_a_streams_batch_window_is_written_in_milliseconds(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """\
        brands: [{name: Acme, query: acme}]
        sources:
          - {name: sky, type: jetstream, batch_window: 250ms, idle_timeout: 1m30s}
        """,
    )

    options = settings.sources[0].options
    assert isinstance(options, StreamOptions)
    assert options.batch_window == timedelta(milliseconds=250)
    assert options.idle_timeout == timedelta(seconds=90)
    assert parse_duration("1s500ms") == timedelta(seconds=1.5)
    assert format_duration(timedelta(milliseconds=250)) == "250ms"
    # "m" followed by "s" is milliseconds, never minutes and a stray "s".
    assert parse_duration("5ms") == timedelta(milliseconds=5)
    with pytest.raises(ValueError, match="250ms"):
        parse_duration("5mm")


def test_every_setting_is_shown_in_the_repository_default() -> None:
    # The default file is the documentation: a setting missing from it is a setting nobody finds.
    shown = parse_yaml(REPO_SETTINGS.read_text(encoding="utf-8"), environ={}).data
    for section in ("storage", "alerts", "replies", "web", "pipeline", "scheduler"):
        model = Settings.model_fields[section].annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        assert set(shown[section]) == set(model.model_fields), section
    assert set(shown["brands"][0]) == set(BrandSettings.model_fields)


def test_yaml_anchors_and_merge_keys_share_source_settings(tmp_path: Path) -> None:
    text = MINIMAL.replace("  - name: acme-news", "  - &feed\n    name: acme-news").replace(
        "storage:", "  - <<: *feed\n    name: acme-news-2\n    interval: 1h\nstorage:"
    )

    sources = load(tmp_path, text).sources

    assert [(s.name, s.interval) for s in sources] == [
        ("acme-news", timedelta(minutes=10)),
        ("acme-news-2", timedelta(hours=1)),
    ]
    assert sources[0].options == sources[1].options


def test_source_settings_can_be_built_in_code_with_ready_options() -> None:
    source = SourceSettings(
        name="feed",
        type="rss",
        interval=timedelta(minutes=5),
        options=RssOptions(url="https://example.org/feed.xml"),
    )

    assert isinstance(source.options, RssOptions)


# ---- ${VAR} interpolation ----------------------------------------------------------------

INTERPOLATED = """\
brands:
  - name: ${BRAND:-Acme}
    query: '"${BRAND_WORD}" OR @${HANDLE}'
sources:
  - name: feed
    type: rss
    interval: ${INTERVAL:-10m}
    url: https://${HOST}/search?q=${BRAND_WORD}&token=${TOKEN:-none}&tpl=$${literal}
web:
  port: ${PORT:-8651}
"""


def test_interpolation_with_defaults_several_per_string_and_escaped_dollar(
    tmp_path: Path,
) -> None:
    settings = load(tmp_path, INTERPOLATED, BRAND_WORD="acme", HANDLE="acme", HOST="ex.org")

    assert settings.brands[0].name == "Acme"
    assert settings.brands[0].query == '"acme" OR @acme'
    assert settings.sources[0].interval == timedelta(minutes=10)
    options = settings.sources[0].options
    assert isinstance(options, RssOptions)
    assert options.url == "https://ex.org/search?q=acme&token=none&tpl=${literal}"
    assert settings.web.port == 8651  # a number that came from text is still a number


def test_a_set_variable_wins_over_its_default(tmp_path: Path) -> None:
    settings = load(tmp_path, INTERPOLATED, BRAND_WORD="a", HANDLE="a", HOST="h.org", INTERVAL="1h")

    assert settings.sources[0].interval == timedelta(hours=1)


def test_a_missing_variable_names_the_key_path_the_line_and_the_variable(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, INTERPOLATED, BRAND_WORD="acme", HANDLE="acme")

    assert problem.key_path == "sources[0].url"
    assert problem.line == 8
    assert "HOST" in problem.message


def test_interpolation_does_not_mutate_or_read_the_process_environment(tmp_path: Path) -> None:
    assert "LISTENER_TEST_ONLY_VAR" not in os.environ
    settings = load(
        tmp_path,
        MINIMAL.replace("Acme", "${LISTENER_TEST_ONLY_VAR}"),
        LISTENER_TEST_ONLY_VAR="Acme",
    )

    assert settings.brands[0].name == "Acme"
    assert "LISTENER_TEST_ONLY_VAR" not in os.environ


# ---- problems: key path, line, message ---------------------------------------------------


def test_an_empty_sqlite_path_is_a_config_error_not_a_crash_later(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL.replace("sqlite: data/listener.db", "sqlite: null"))
    assert problem.key_path == "storage.sqlite" and problem.line == 10
    assert "must be a file path" in problem.message


def test_unknown_top_level_key_suggests_the_close_one(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL + "schedular:\n  jitter: 0.2\n")

    assert problem == Problem("schedular", 11, "unknown key (did you mean 'scheduler'?)")


def test_unknown_brand_key_has_its_path_line_and_suggestion(tmp_path: Path) -> None:
    text = MINIMAL.replace("    query:", "    own_handle: [acme]\n    query:")

    problem = only_problem(tmp_path, text)

    assert problem == Problem(
        "brands[0].own_handle", 3, "unknown key (did you mean 'own_handles'?)"
    )


def test_unknown_key_among_a_sources_options_is_reported_flat(tmp_path: Path) -> None:
    text = MINIMAL.replace("    url:", "    header: {X-Api: k}\n    url:")

    problem = only_problem(tmp_path, text)

    assert problem.key_path == "sources[0].header"
    assert problem.line == 8
    assert problem.message == "unknown key (did you mean 'headers'?)"


def test_misspelt_common_source_key_is_suggested_from_the_flat_entry(tmp_path: Path) -> None:
    text = MINIMAL.replace("    interval: 10m", "    intervall: 10m")

    found = problems(tmp_path, text)

    assert Problem("sources[0].intervall", 7, "unknown key (did you mean 'interval'?)") in found
    missing = "required key is missing: rss sources are polled; say how often, like `interval: 5m`"
    assert Problem("sources[0].interval", 5, missing) in found


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL.replace("  sqlite:", "  zzz: 1\n  sqlite:"))

    assert problem.key_path == "storage.zzz"
    assert problem.message == "unknown key; allowed here: sqlite, elasticsearch, retention"


def test_a_missing_required_key_points_at_its_parent_mapping(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL.replace("    url: https://example.org/feed.xml\n", ""))

    assert problem == Problem("sources[0].url", 5, "required key is missing")


def test_a_bad_duration_shows_the_accepted_forms(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL.replace("interval: 10m", "interval: 10 minutes"))

    assert (problem.key_path, problem.line) == ("sources[0].interval", 7)
    assert "'10 minutes'" in problem.message
    assert '"1h30m"' in problem.message


def test_an_interval_under_the_types_minimum_is_refused_for_politeness(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL.replace("interval: 10m", "interval: 5"))

    assert problem.key_path == "sources[0].interval"
    # rss's own minimum (conditional GET makes a feed cheap to ask); see SourceInfo.min_interval
    assert "at least 10s" in problem.message and "impolite" in problem.message


def test_poll_timeout_defaults_to_5m_parses_durations_and_is_at_least_10s(
    tmp_path: Path,
) -> None:
    assert load(tmp_path, MINIMAL).scheduler.poll_timeout == timedelta(minutes=5)
    settings = load(tmp_path, MINIMAL + "scheduler:\n  poll_timeout: 90s\n")
    assert settings.scheduler.poll_timeout == timedelta(seconds=90)

    problem = only_problem(tmp_path, MINIMAL + "scheduler:\n  poll_timeout: 9s\n")

    assert problem == Problem("scheduler.poll_timeout", 12, "must be at least 10s")


def test_duplicate_source_names(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "storage:", "  - {name: acme-news, type: rss, interval: 1h, url: https://e.org/}\nstorage:"
    )

    problem = only_problem(tmp_path, text)

    assert problem.key_path == "sources[1].name"
    assert problem.line == 9
    assert "duplicate source name 'acme-news'" in problem.message
    assert "sources[0]" in problem.message


def test_duplicate_brand_names(tmp_path: Path) -> None:
    text = "brands:\n  - {name: Acme, query: acme}\n  - {name: Acme, query: anvil}\n"

    problem = only_problem(tmp_path, text)

    assert (problem.key_path, problem.line) == ("brands[1].name", 3)


def test_a_source_name_that_cannot_be_part_of_an_id(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL.replace("name: acme-news", "name: Acme News"))

    assert (problem.key_path, problem.line) == ("sources[0].name", 5)
    assert "mention id" in problem.message


def test_unknown_source_type_lists_the_known_types(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL.replace("type: rss", "type: rsss"))

    assert (problem.key_path, problem.line) == ("sources[0].type", 6)
    assert "unknown source type 'rsss'" in problem.message
    assert "known types: " in problem.message and "rss" in problem.message.split("known types")[1]


def test_a_bad_brand_query_reports_the_column_and_the_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("""query: '"acme" OR @acme'""", "query: '(acme OR anvil'")

    problem = only_problem(tmp_path, text)

    assert (problem.key_path, problem.line) == ("brands[0].query", 3)
    assert problem.message.startswith("column 1: unbalanced parenthesis")
    assert "settings.yaml:3: brands[0].query: column 1: " in str(
        ConfigError([problem], Path("settings.yaml"))
    )


def test_no_brands_at_all(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, "brands: []\n")

    assert (problem.key_path, problem.line) == ("brands", 1)
    assert "at least one brand" in problem.message


def test_a_bad_language_tag_points_at_the_item(tmp_path: Path) -> None:
    text = MINIMAL.replace("    query:", "    languages: [en, en-US]\n    query:")

    problem = only_problem(tmp_path, text)

    assert (problem.key_path, problem.line) == ("brands[0].languages[1]", 3)


def test_elasticsearch_must_be_an_http_url_and_the_message_hides_the_value(tmp_path: Path) -> None:
    text = MINIMAL + "  elasticsearch: ftp://elastic:s3cret@es.example.org\n"

    problem = only_problem(tmp_path, text)

    assert (problem.key_path, problem.line) == ("storage.elasticsearch", 11)
    assert "s3cret" not in problem.message


def test_a_duplicate_yaml_key_is_an_error_not_a_silent_override(tmp_path: Path) -> None:
    text = MINIMAL.replace("    url:", "    interval: 1h\n    url:")

    problem = only_problem(tmp_path, text)

    assert (problem.key_path, problem.line) == ("sources[0].interval", 8)
    assert "duplicate key 'interval'" in problem.message and "line 7" in problem.message


def test_a_control_character_is_an_error_with_its_line(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL.replace("acme-news", "acme\x01news"))

    assert problem.line == 5 and problem.message.startswith("YAML error")


def test_a_yaml_syntax_error_carries_its_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("    type: rss", "    type: [rss")

    problem = only_problem(tmp_path, text)

    assert problem.key_path == ""
    assert problem.line in (6, 7)
    assert problem.message.startswith("YAML syntax error")


def test_config_path_is_not_a_key_of_the_file(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, MINIMAL + "config_path: /etc/elsewhere.yaml\n")

    assert problem == Problem("config_path", 11, "unknown key")


def test_all_problems_are_reported_together_in_line_order(tmp_path: Path) -> None:
    text = """\
    brands:
      - name: Acme
        query: 'acme AND'
        colour: red
    sources:
      - name: one
        type: rss
        interval: 5x
        url: https://example.org/a.xml
      - name: one
        type: rsss
        intervall: 10m
    web:
      port: 70000
      hots: 0.0.0.0
    """

    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)

    paths = [(problem.line, problem.key_path) for problem in caught.value.problems]
    assert paths == [
        (3, "brands[0].query"),
        (4, "brands[0].colour"),
        (8, "sources[0].interval"),
        # No "interval missing" for sources[1]: with an unknown type, whether it needs one
        # (polled) or must not have one (stream) cannot be judged.
        (10, "sources[1].name"),
        (11, "sources[1].type"),
        (14, "web.port"),
        (15, "web.hots"),
    ]
    report = str(caught.value).splitlines()
    assert len(report) == 7
    assert (
        f"{tmp_path / 'settings.yaml'}:15: web.hots: unknown key (did you mean 'host'?)" in report
    )


def test_the_report_reads_like_a_compiler_message() -> None:
    error = ConfigError(
        [
            Problem("sources[1].intervall", 14, "unknown key (did you mean 'interval'?)"),
            Problem("brands", 2, "at least one brand is needed"),
        ],
        Path("settings.yaml"),
    )

    assert str(error) == (
        "settings.yaml:2: brands: at least one brand is needed\n"
        "settings.yaml:14: sources[1].intervall: unknown key (did you mean 'interval'?)"
    )
    assert pickle.loads(pickle.dumps(error)).problems == error.problems


def test_a_missing_file_says_which_path_was_tried_and_how_to_choose_another(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nope.yaml"

    with pytest.raises(ConfigError) as caught:
        load_settings(missing, environ={})

    message = str(caught.value)
    assert str(missing) in message
    assert "--config" in message and "LISTENER_CONFIG" in message


def test_an_empty_file_asks_for_brands(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, "# nothing yet\n")

    assert (problem.key_path, problem.message) == ("brands", "required key is missing")


# ---- where the file is -------------------------------------------------------------------


def test_resolve_config_path_prefers_cli_then_environment_then_default() -> None:
    env = {"LISTENER_CONFIG": "/etc/listener/settings.yaml"}

    assert resolve_config_path("mine.yaml", env) == Path("mine.yaml")
    assert resolve_config_path(None, env) == Path("/etc/listener/settings.yaml")
    assert resolve_config_path(None, {}) == Path("settings.yaml")
