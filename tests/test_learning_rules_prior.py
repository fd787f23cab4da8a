"""A brand's model starts from the rules' verdict: the rules' log-odds as a stacked input."""

from __future__ import annotations

import json
import math
import random
import struct

import pytest

from listener.judging.complaint_model import rule_logit
from listener.judging.learning import ComplaintModel, train_complaint_model
from tests.test_learning import COMPLAINTS, PRAISE, resigned


def header_of(data: bytes) -> dict[str, object]:
    _, size = struct.unpack_from("<8sI", data)
    header: dict[str, object] = json.loads(data[12 : 12 + size])
    return header


def test_rule_logit_reads_the_rules_score() -> None:
    assert rule_logit({"rule_score": 0.5}) == 0.0
    assert rule_logit({"rule_score": 0.9}) == pytest.approx(math.log(9))
    assert rule_logit({"rule_score": 0.1}) == pytest.approx(-math.log(9))
    # No score, or a broken one, is no opinion; 0 and 1 are a strong vote, never infinite.
    assert rule_logit({}) == 0.0
    assert rule_logit({"rule_score": float("nan")}) == 0.0
    assert 5 < rule_logit({"rule_score": 1.0}) < 20
    assert -20 < rule_logit({"rule_score": 0.0}) < -5


def test_few_labels_follow_the_rules_where_the_words_say_nothing() -> None:
    # 12 labels whose words are shuffled noise: only the rules' score tells them apart,
    # so the model learns to trust it and scores new texts by it.
    rng = random.Random(3)
    words = " ".join(COMPLAINTS + PRAISE).split()
    examples: list[tuple[str, dict[str, float], bool]] = []
    for i in range(12):
        is_complaint = i % 2 == 0
        score = rng.uniform(0.7, 0.95) if is_complaint else rng.uniform(0.05, 0.3)
        examples.append((" ".join(rng.sample(words, 8)), {"rule_score": score}, is_complaint))
    model = train_complaint_model(examples)
    assert model.rules > 0
    unseen = "@acme something about my order today"
    assert model.score(unseen, {"rule_score": 0.9}) > 0.5 > model.score(unseen, {"rule_score": 0.1})


def test_labels_without_a_rules_score_train_no_rules_weight() -> None:
    none: dict[str, float] = {}
    examples = [(t, none, True) for t in COMPLAINTS] + [(t, none, False) for t in PRAISE]
    model = train_complaint_model(examples)
    assert model.rules == 0.0
    assert "rules" not in header_of(model.to_bytes())  # the bytes of before: still readable


def test_the_rules_weight_is_stored_and_scored_the_same() -> None:
    model = ComplaintModel(intercept=-0.25, weights={3: 0.5}, labels=40, positives=20, rules=0.75)
    loaded = ComplaintModel.from_bytes(model.to_bytes())
    assert loaded == model and loaded.rules == 0.75
    extras = {"rule_score": 0.8}
    assert loaded.score("@acme late again", extras) == model.score("@acme late again", extras)
    # Without the rules' weight the same text scores lower: the weight is read, not dropped.
    plain = ComplaintModel(intercept=-0.25, weights={3: 0.5}, labels=40, positives=20)
    assert plain.score("@acme late again", extras) < model.score("@acme late again", extras)


@pytest.mark.parametrize("bad", ["0.5", None, 1, float("inf")])
def test_a_bad_rules_weight_is_refused(bad: object) -> None:
    model = ComplaintModel(intercept=0.0, weights={3: 0.5}, labels=40, positives=20, rules=0.5)
    with pytest.raises(ValueError, match="complaint model"):
        ComplaintModel.from_bytes(resigned(model.to_bytes(), {"rules": bad}))
