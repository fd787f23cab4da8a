"""``judgments.language_id``: py3langid names the language only where our own rules leave it
undecided, with evidence saying so; ``builtin`` (the default) judges exactly as before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.errors import ConfigError
from listener.config.judgments import JudgmentSettings, LearningSettings
from listener.config.settings import Settings
from listener.config.yamlfile import parse_yaml
from listener.judging.judge import Judge
from listener.models import RawItem
from listener.pipeline.run import Pipeline
from listener.reading import langid_extra
from listener.reading.language import detect_language
from listener.store import open_store
from tests.helpers import SettableClock

MISSING = langid_extra.unavailable_reason()
needs_extra = pytest.mark.skipif(MISSING is not None, reason=f"the langid extra: {MISSING}")
REPO_SETTINGS = Path(__file__).resolve().parents[1] / "settings.yaml"
SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
storage:
  sqlite: data/listener.db
judgments:
  language_id: {choice}
"""
# Hand-written posts without the function words our lists vote with.
GERMAN = "Paket beschädigt angekommen, Rückerstattung verweigert"
FRENCH = "Livraison retardée depuis trois semaines, aucune réponse"


@pytest.fixture(scope="module")
def builtin() -> Judge:
    return Judge()


@pytest.fixture(scope="module")
def with_py3langid() -> Judge:
    if MISSING is not None:
        pytest.skip(f"the langid extra: {MISSING}")
    return Judge(JudgmentSettings(language_id="py3langid"))


def test_builtin_is_the_default() -> None:
    assert JudgmentSettings().language_id == "builtin"


@pytest.mark.parametrize("text", [GERMAN, FRENCH])
def test_builtin_leaves_the_language_undecided(builtin: Judge, text: str) -> None:
    assert detect_language(text).language is None  # the gap the setting is about
    judged = builtin.judge_text(text)
    assert judged.language is None
    assert not any("py3langid" in line for line in judged.sentiment_evidence)


@needs_extra
@pytest.mark.parametrize(("text", "language"), [(GERMAN, "de"), (FRENCH, "fr")])
def test_py3langid_names_what_ours_leaves_undecided(
    with_py3langid: Judge, text: str, language: str
) -> None:
    judged = with_py3langid.judge_text(text)
    assert judged.language == language
    assert judged.sentiment_evidence[0].startswith(f"language {language} named by py3langid (")
    # English's sentiment model no longer scores what it cannot read.
    assert judged.sentiment is None
    assert f"not scored: the model cannot read {language}" in judged.sentiment_evidence


@needs_extra
@pytest.mark.parametrize(
    ("text", "declared"),
    [
        ("Meine Bestellung ist immer noch nicht angekommen", None),  # ours: German words
        ("আমার অর্ডার এখনো আসেনি", None),  # ours: the script
        ("mera order abhi tak nahi aaya yaar", None),  # romanised Hindi: py3langid never learned it
        (GERMAN, "de-DE"),  # the source's tag stands
    ],
)
def test_an_answer_of_ours_or_the_source_stands(
    builtin: Judge, with_py3langid: Judge, text: str, declared: str | None
) -> None:
    assert with_py3langid.judge_text(text, language=declared) == builtin.judge_text(
        text, language=declared
    )


@needs_extra
def test_a_thin_guess_is_not_taken(builtin: Judge, with_py3langid: Judge) -> None:
    # "A1B2C3" py3langid is sure of: its class for no language at all ("zxx"), not taken.
    for text in ("lol", "👍👍", "great phone honestly", "A1B2C3"):
        assert with_py3langid.judge_text(text) == builtin.judge_text(text)


@needs_extra
@pytest.mark.parametrize(("choice", "language"), [("py3langid", "de"), ("builtin", None)])
def test_the_daemons_pipeline_stores_what_the_setting_says(
    write_settings: Callable[[str], Settings],
    clock: SettableClock,
    choice: str,
    language: str | None,
) -> None:
    settings = write_settings(SETTINGS.format(choice=choice))
    item = RawItem("de-1", html=f"Acme {GERMAN}", published_at=clock())
    with open_store(settings.storage.sqlite) as store:
        Pipeline(settings, store, clock=clock).process("forum", "rss", [item])
        mention = store.get_mention("forum:de-1")
    assert mention is not None
    # The stored language (what `lang:` searches see) and the judgments' agree.
    assert (mention.language, mention.judgments.language) == (language, language)
    named = [line for line in mention.judgments.sentiment_evidence if "py3langid" in line]
    assert len(named) == (1 if language else 0)


@needs_extra
def test_check_accepts_py3langid_when_installed(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS.format(choice="py3langid"))
    result = CliRunner().invoke(main, ["check", "--config", str(settings.config_path)])
    assert "language_id" not in result.output
    assert result.exit_code == 0, result.output


def test_an_unknown_choice_is_refused_naming_the_key(
    write_settings: Callable[[str], Settings],
) -> None:
    with pytest.raises(ConfigError, match=r"judgments\.language_id"):
        write_settings(SETTINGS.format(choice="fasttext"))


def test_the_default_file_shows_every_judgments_setting() -> None:
    shown = parse_yaml(REPO_SETTINGS.read_text(encoding="utf-8"), environ={}).data["judgments"]
    assert set(shown) == set(JudgmentSettings.model_fields)
    assert set(shown["learning"]) == set(LearningSettings.model_fields)
    assert shown["language_id"] == "builtin"
    assert shown["learning"]["embeddings"] in (False, "off")  # YAML reads a bare off as false
