"""``judgments.learning.embeddings``: honoured (training and scoring with sentence vectors
through a real SQLite store) or refused (``listener check``), never silently ignored."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.errors import ConfigError
from listener.config.settings import Settings
from listener.judging import embeddings
from listener.judging.embeddings import DIMENSIONS
from listener.judging.training import embeddings_problem, load_models, retrain_brands
from listener.store import SQLiteStore, open_store
from tests.helpers import SettableClock
from tests.store_helpers import make_mention

SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
storage:
  sqlite: data/listener.db
judgments:
  learning:
    min_labels: 30
    full_labels: 50
    embeddings: {mode}
"""
MISSING = embeddings.unavailable_reason()
needs_extra = pytest.mark.skipif(MISSING is not None, reason=f"the embeddings extra: {MISSING}")
PROBLEMS = ("my parcel never arrived", "the app crashes every time", "I was charged twice",
            "the screen cracked on day one", "nobody answers the phone")  # fmt: skip
PRAISE = ("what a lovely morning walk", "watching the match with friends",
          "just finished a good book", "the sunset tonight was beautiful",
          "cooking pasta for dinner")  # fmt: skip


@pytest.fixture
def store(write_settings: Callable[[str], Settings]) -> Iterator[SQLiteStore]:
    settings = write_settings(SETTINGS.format(mode="off"))
    with open_store(settings.storage.sqlite) as opened:
        yield opened


def label_forty(store: SQLiteStore, clock: SettableClock) -> None:
    texts = [f"Acme {PROBLEMS[i % 5]} ({i})" for i in range(20)]
    texts += [f"Acme fan here, {PRAISE[i % 5]} ({i})" for i in range(20)]
    mentions = [
        make_mention(n, source="acme-news", brands=("Acme",), title="", text=text)
        for n, text in enumerate(texts, start=1)
    ]
    for i, mention in enumerate(store.insert_mentions(mentions)):
        clock.advance(seconds=1)
        store.set_complaint_label(mention.id, i < 20, by="ann", at=clock())


def test_off_trains_and_scores_without_vectors(
    store: SQLiteStore, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS.format(mode="off"))
    label_forty(store, clock)
    retrain_brands(store, settings, clock=clock)
    model = load_models(store, settings)["Acme"]
    assert model.dense == () and model.embed is None


@needs_extra
def test_on_trains_with_vectors_and_embeds_english_mentions_it_scores(
    store: SQLiteStore, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS.format(mode="on"))
    assert embeddings_problem(settings) is None
    label_forty(store, clock)
    retrain_brands(store, settings, clock=clock)
    model = load_models(store, settings)["Acme"]
    assert len(model.dense) == DIMENSIONS
    assert model.embed is not None
    # A complaint in words the labels never used: the vectors carry the meaning over.
    unseen_problem = "Acme my delivery is missing and support ignores me"
    unseen_calm = "Acme fan here, lovely walk by the river today"
    assert model.score(unseen_problem) > model.score(unseen_calm)
    # Telugu is not read by the model: no vector, the same as scoring without one.
    telugu = "Acme ఫోన్ పని చేయడం లేదు"
    assert model.embed(telugu) is None
    assert model.score(telugu) == model.score(telugu, vector=[0.0] * DIMENSIONS)
    # Loaded without the settings (or with "off"), the stored model scores without vectors.
    assert load_models(store)["Acme"].embed is None


@needs_extra
def test_check_accepts_on_when_the_extra_is_installed(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS.format(mode="on"))
    result = CliRunner().invoke(main, ["check", "--config", str(settings.config_path)])
    assert "embeddings" not in result.output
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(MISSING is None, reason="the embeddings extra is installed here")
def test_check_refuses_on_without_the_extra(write_settings: Callable[[str], Settings]) -> None:
    settings = write_settings(SETTINGS.format(mode="on"))
    result = CliRunner().invoke(main, ["check", "--config", str(settings.config_path)])
    assert result.exit_code == 2
    assert "judgments.learning.embeddings is on, but the extra is not installed" in result.output


def test_auto_follows_what_is_installed(write_settings: Callable[[str], Settings]) -> None:
    settings = write_settings(SETTINGS.format(mode="auto"))
    assert embeddings_problem(settings) is None  # auto never refuses


def test_an_unknown_mode_is_refused(write_settings: Callable[[str], Settings]) -> None:
    with pytest.raises(ConfigError, match=r"judgments\.learning\.embeddings"):
        write_settings(SETTINGS.format(mode="maybe"))
