"""From people's labels to a brand's own complaint model, and on to new judgments.

Labels go into a real SQLite store; ``retrain_brands`` trains from them and saves the model
beside the mentions; ``load_models`` reads it back, and the pipeline (or a judge given the
models) then judges new mentions with the rules blended with what the brand taught.

The toy brand "Acme" calls a product that went "zorble" broken: a word no built-in rule
knows, so only a learned model can find those complaints.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.judging.judge import Judge
from listener.judging.learning import ComplaintModel
from listener.judging.training import load_models, retrain_brands
from listener.models import RawItem
from listener.pipeline.run import Pipeline
from listener.store import SQLiteStore, open_store
from tests.helpers import SettableClock
from tests.store_helpers import make_mention

SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
  - name: Zed
    query: '"zed"'
storage:
  sqlite: data/listener.db
judgments:
  learning:
    min_labels: 30
    full_labels: 50
"""

THINGS = (
    "kettle", "anvil", "toaster", "lamp", "blender", "jacket", "backpack", "umbrella",
    "printer", "scooter", "chair", "desk", "mug", "helmet", "router", "speaker", "camera",
    "watch", "tent", "drill",
)  # fmt: skip

TRAINED_ON_40 = (
    "Acme: model trained on 40 labels (20 complaints); it now has 75% of the say,"
    " the rules the rest"
)
ZED_HAS_NO_LABELS = (
    "Zed: 0 labels (0 complaints); its own model starts at 30 labels with at least 5 of each kind"
)


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    with open_store(settings.storage.sqlite) as opened:
        yield opened


def add_acme_mentions(store: SQLiteStore, complaints: int, others: int) -> list[str]:
    """Store ``complaints`` zorble posts then ``others`` calm ones about Acme; their ids."""
    texts = [f"my Acme {THINGS[i % 20]} went zorble this morning" for i in range(complaints)]
    texts += [f"my Acme {THINGS[i % 20]} came this morning" for i in range(others)]
    mentions = [
        make_mention(n, source="acme-news", brands=("Acme",), title="", text=text)
        for n, text in enumerate(texts, start=1)
    ]
    return [m.id for m in store.insert_mentions(mentions)]


def label(store: SQLiteStore, clock: SettableClock, ids: list[str], complaints: int) -> None:
    """Label the first ``complaints`` of ``ids`` complaints and the rest not."""
    for i, mention_id in enumerate(ids):
        clock.advance(seconds=1)
        store.set_complaint_label(mention_id, i < complaints, by="ann", at=clock())


@pytest.fixture
def labelled_40(store: SQLiteStore, clock: SettableClock) -> SQLiteStore:
    ids = add_acme_mentions(store, 20, 20)
    label(store, clock, ids, complaints=20)
    return store


def raw_items(*texts: str) -> list[RawItem]:
    return [RawItem(f"new-{n}", html=text) for n, text in enumerate(texts, start=1)]


# -- training --------------------------------------------------------------------------------


def test_forty_labels_train_and_save_the_brands_model(
    labelled_40: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    report = retrain_brands(labelled_40, settings, clock=clock)
    assert report == [TRAINED_ON_40, ZED_HAS_NO_LABELS]

    stored = labelled_40.complaint_models()
    assert list(stored) == ["Acme"]
    assert (stored["Acme"].labels, stored["Acme"].positives) == (40, 20)
    assert stored["Acme"].trained_at == clock.now

    models = load_models(labelled_40)
    assert list(models) == ["Acme"]
    assert isinstance(models["Acme"], ComplaintModel)
    assert (models["Acme"].labels, models["Acme"].positives) == (40, 20)


def test_the_loaded_model_finds_the_brands_own_kind_of_complaint(
    labelled_40: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    retrain_brands(labelled_40, settings, clock=clock)
    rules = Judge(settings.judgments, settings.brands)
    learned = rules.with_models(load_models(labelled_40))
    new = make_mention(100, brands=("Acme",), title="", text="my Acme sofa went zorble today")

    assert (rules.judge(new).complaint, rules.judge(new).complaint_by) == (False, "rules")
    j = learned.judge(new)
    assert j.complaint is True
    assert j.complaint_by == "rules+learned"  # 40 labels: between min_labels and full_labels
    assert j.complaint_evidence[-1] == "brand model from 40 labels (rules+learned)"


def test_the_pipeline_judges_new_mentions_with_the_learned_model(
    labelled_40: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    retrain_brands(labelled_40, settings, clock=clock)
    pipeline = Pipeline(settings, labelled_40, clock=clock)
    pipeline.use_models(load_models(labelled_40))
    report = pipeline.process(
        "acme-forum",
        "rss",
        raw_items(
            "my Acme sofa went zorble today",
            "my Acme sofa came today",
            "my Zed sofa went zorble today",
        ),
    )
    assert [m.id for m in report.stored] == [
        "acme-forum:new-1",
        "acme-forum:new-2",
        "acme-forum:new-3",
    ]

    zorble = labelled_40.get_mention("acme-forum:new-1")
    calm = labelled_40.get_mention("acme-forum:new-2")
    other_brand = labelled_40.get_mention("acme-forum:new-3")
    assert zorble is not None and calm is not None and other_brand is not None
    assert (zorble.judgments.complaint, zorble.judgments.complaint_by) == (True, "rules+learned")
    assert (calm.judgments.complaint, calm.judgments.complaint_by) == (False, "rules+learned")
    # Zed has no model: its mentions are judged by the rules, which do not know "zorble".
    assert other_brand.brands == ("Zed",)
    assert (other_brand.judgments.complaint, other_brand.judgments.complaint_by) == (
        False,
        "rules",
    )


def test_a_pipeline_without_models_judges_by_the_rules(
    labelled_40: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    retrain_brands(labelled_40, settings, clock=clock)
    pipeline = Pipeline(settings, labelled_40, clock=clock)  # models not handed over
    [stored] = pipeline.process("forum", "rss", raw_items("my Acme sofa went zorble")).stored
    assert (stored.judgments.complaint, stored.judgments.complaint_by) == (False, "rules")


def test_below_min_labels_the_report_says_how_many_are_needed_and_nothing_is_saved(
    store: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    ids = add_acme_mentions(store, 6, 6)
    label(store, clock, ids, complaints=6)
    report = retrain_brands(store, settings, brands=["Acme"], clock=clock)
    assert report == [
        "Acme: 12 labels (6 complaints); its own model starts at 30 labels"
        " with at least 5 of each kind"
    ]
    assert store.complaint_models() == {}
    assert load_models(store) == {}


def test_enough_labels_but_too_few_complaints_train_nothing(
    store: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    ids = add_acme_mentions(store, 4, 30)
    label(store, clock, ids, complaints=4)
    report = retrain_brands(store, settings, brands=["Acme"], clock=clock)
    assert report == [
        "Acme: 34 labels (4 complaints); its own model starts at 30 labels"
        " with at least 5 of each kind"
    ]
    assert store.complaint_models() == {}


def test_only_changed_skips_a_brand_whose_labels_did_not_change(
    labelled_40: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    assert retrain_brands(labelled_40, settings, brands=["Acme"], clock=clock) == [TRAINED_ON_40]
    first = labelled_40.complaint_models()["Acme"]
    clock.advance(minutes=10)
    assert (
        retrain_brands(labelled_40, settings, brands=["Acme"], only_changed=True, clock=clock) == []
    )
    assert labelled_40.complaint_models()["Acme"] == first

    [new] = labelled_40.insert_mentions(
        [make_mention(41, source="acme-news", brands=("Acme",), text="my Acme mug went zorble")]
    )
    labelled_40.set_complaint_label(new.id, True, by="ann", at=clock())
    report = retrain_brands(labelled_40, settings, brands=["Acme"], only_changed=True, clock=clock)
    assert report[0].startswith("Acme: model trained on 41 labels (21 complaints)")
    assert labelled_40.complaint_models()["Acme"].trained_at == clock.now


def test_brands_not_in_the_settings_are_not_trained(
    labelled_40: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    assert retrain_brands(labelled_40, settings, brands=["Nobody"], clock=clock) == []
    assert labelled_40.complaint_models() == {}


def test_a_damaged_stored_model_is_skipped_and_retraining_replaces_it(
    labelled_40: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    labelled_40.save_complaint_model(
        "Acme", b"not a model", labels=40, positives=20, trained_at=clock()
    )
    assert load_models(labelled_40) == {}
    retrain_brands(labelled_40, settings, brands=["Acme"], clock=clock)
    assert list(load_models(labelled_40)) == ["Acme"]


# -- the label command -----------------------------------------------------------------------


def test_label_command_trains_the_model_once_enough_labels_are_in(
    store: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    ids = add_acme_mentions(store, 20, 20)
    label(store, clock, ids[:-1], complaints=20)  # 39 labels: one short of 40

    result = CliRunner().invoke(
        main, ["label", ids[-1], "not", "--by", "ann", "--config", str(settings.config_path)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{ids[-1]}: not a complaint (marked by ann)"
    assert lines[-1] == TRAINED_ON_40  # the trainer ran for the mention's brand only

    assert (store.complaint_models()["Acme"].labels, len(store.labelled_mentions("Acme"))) == (
        40,
        40,
    )
    assert list(load_models(store)) == ["Acme"]


def test_label_command_below_min_labels_says_how_many_are_needed(
    store: SQLiteStore, settings: Settings
) -> None:
    [mention_id] = add_acme_mentions(store, 1, 0)
    result = CliRunner().invoke(
        main, ["label", mention_id, "complaint", "--config", str(settings.config_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "Acme: 1 labels (1 complaints); its own model starts at 30 labels"
        " with at least 5 of each kind"
    )
    assert store.complaint_models() == {}


def test_a_model_that_cannot_be_saved_keeps_the_label_and_says_so(
    store: SQLiteStore, settings: Settings, clock: SettableClock
) -> None:
    ids = add_acme_mentions(store, 20, 20)
    label(store, clock, ids[:-1], complaints=20)
    # The database refuses new models (as a full disk or a read-only table would).
    raw = sqlite3.connect(settings.storage.sqlite)
    with raw:
        raw.execute(
            "CREATE TRIGGER refuse_models BEFORE INSERT ON complaint_models"
            " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    raw.close()

    result = CliRunner().invoke(
        main, ["label", ids[-1], "not", "--by", "ann", "--config", str(settings.config_path)]
    )
    assert result.exit_code == 1
    assert "label saved, but retraining failed: database or disk is full" in result.stderr
    assert len(store.labelled_mentions("Acme")) == 40
    assert store.complaint_models() == {}
