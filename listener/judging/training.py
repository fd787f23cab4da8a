"""Training the brands' complaint models from people's labels, and loading them back.

People mark mentions with ``listener label ID complaint|not`` (later also from the inbox).
Once a brand has ``judgments.learning.min_labels`` labels, at least ``MIN_PER_CLASS`` of each
kind, its own model is trained on the labelled texts plus the rule judge's features, and
saved in the store beside the mentions. The judge blends it with the rules (see
``learning.blend``), so a new brand starts from the built-in rules and moves towards its
own model as labels come in. Training runs in the CLI right after a label, and in the
daemon every ``retrain_every`` when labels arrived some other way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from listener.clock import Clock, utcnow
from listener.config.settings import Settings
from listener.judging.judge import Judge
from listener.judging.learning import (
    MIN_PER_CLASS,
    ComplaintModel,
    model_weight,
    train_complaint_model,
)
from listener.logs import fields
from listener.store import LabelledMention, StoredModel

log = logging.getLogger("listener.training")


class LabelStore(Protocol):
    def labelled_mentions(self, brand: str | None = None) -> list[LabelledMention]: ...

    def save_complaint_model(
        self, brand: str, model: bytes, *, labels: int, positives: int, trained_at: datetime
    ) -> None: ...

    def complaint_models(self) -> dict[str, StoredModel]: ...


def retrain_brands(
    store: LabelStore,
    settings: Settings,
    *,
    brands: Sequence[str] | None = None,
    only_changed: bool = False,
    clock: Clock = utcnow,
) -> list[str]:
    """Train the models of ``brands`` (default: all) from their labels; say what happened.

    With ``only_changed``, a brand whose label count equals its stored model's is skipped.
    """
    learning = settings.judgments.learning
    known = {b.name for b in settings.brands}
    judge = Judge(settings.judgments, settings.brands)  # rules only: the models' extra inputs
    stored = store.complaint_models()
    report: list[str] = []
    for brand in brands if brands is not None else sorted(known):
        if brand not in known:
            continue
        labelled = store.labelled_mentions(brand)
        positives = sum(1 for item in labelled if item.is_complaint)
        negatives = len(labelled) - positives
        if only_changed and brand in stored and stored[brand].labels == len(labelled):
            continue
        if len(labelled) < learning.min_labels or min(positives, negatives) < MIN_PER_CLASS:
            report.append(
                f"{brand}: {len(labelled)} labels ({positives} complaints); its own model starts"
                f" at {learning.min_labels} labels with at least {MIN_PER_CLASS} of each kind"
            )
            continue
        examples = [_example(judge, item) for item in labelled]
        model = train_complaint_model(examples)
        store.save_complaint_model(
            brand, model.to_bytes(), labels=len(labelled), positives=positives, trained_at=clock()
        )
        share = model_weight(
            len(labelled), min_labels=learning.min_labels, full_labels=learning.full_labels
        )
        report.append(
            f"{brand}: model trained on {len(labelled)} labels ({positives} complaints);"
            f" it now has {share:.0%} of the say, the rules the rest"
        )
        log.info("complaint model trained", extra=fields(brand=brand, labels=len(labelled)))
    return report


def load_models(store: LabelStore) -> dict[str, ComplaintModel]:
    """The stored models that this version can read; unreadable ones are logged and skipped."""
    models: dict[str, ComplaintModel] = {}
    for brand, stored in store.complaint_models().items():
        try:
            models[brand] = ComplaintModel.from_bytes(stored.model)
        except ValueError as error:
            log.warning(
                "stored complaint model ignored; it is retrained at the next label",
                extra=fields(brand=brand, error=str(error)),
            )
    return models


def _example(judge: Judge, item: LabelledMention) -> tuple[str, dict[str, float], bool]:
    mention = item.mention
    text = f"{mention.title}\n{mention.text}".strip()
    extras = judge.rule_features(
        text, language=mention.language, rating=mention.rating, brands=mention.brands
    )
    return text, extras, item.is_complaint
