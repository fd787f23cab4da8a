"""Training the brands' complaint models from people's labels, and loading them back.

People mark mentions with ``listener label ID complaint|not`` (later also from the inbox).
Once a brand has ``judgments.learning.min_labels`` labels, at least ``MIN_PER_CLASS`` of each
kind, its own model is trained on the labelled texts plus the rule judge's features, and
saved in the store beside the mentions. The judge blends it with the rules (see
``learning.blend``), so a new brand starts from the built-in rules and moves towards its
own model as labels come in. Training runs in the CLI right after a label, and in the
daemon every ``retrain_every`` when labels arrived some other way.

With ``judgments.learning.embeddings`` "on" (or "auto" and the extra installed), each
English label's sentence vector is a feature too, and the loaded models embed the English
mentions they score (``embedded``); other languages get no vector.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from listener.clock import Clock, utcnow
from listener.config.settings import Settings
from listener.judging.embeddings import (
    DIMENSIONS,
    EmbeddingsUnavailable,
    SentenceEmbedder,
    reads_language,
    unavailable_reason,
)
from listener.judging.judge import Judge
from listener.judging.learning import (
    MIN_PER_CLASS,
    ComplaintModel,
    model_weight,
    train_complaint_model,
)
from listener.logs import fields
from listener.reading.language import script_and_language
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
    embedder = embedder_for(settings)
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
        model = train_complaint_model(examples, vectors=_vectors(embedder, labelled))
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


def load_models(store: LabelStore, settings: Settings | None = None) -> dict[str, ComplaintModel]:
    """The stored models that this version can read; unreadable ones are logged and skipped.

    With ``settings`` whose embeddings are in use, a model trained with sentence vectors
    embeds the (English) texts it scores; otherwise it scores them without.
    """
    embedder = embedder_for(settings) if settings is not None else None
    models: dict[str, ComplaintModel] = {}
    for brand, stored in store.complaint_models().items():
        try:
            model = ComplaintModel.from_bytes(stored.model)
        except ValueError as error:
            log.warning(
                "stored complaint model ignored; it is retrained at the next label",
                extra=fields(brand=brand, error=str(error)),
            )
            continue
        if embedder is not None and model.dense:
            model = replace(model, embed=embedded(embedder))
        models[brand] = model
    return models


def embeddings_problem(settings: Settings) -> str | None:
    """Why ``judgments.learning.embeddings`` cannot be honoured here (None when it can)."""
    reason = unavailable_reason()
    if settings.judgments.learning.embeddings == "on" and reason is not None:
        return f"judgments.learning.embeddings is on, but the extra is {reason}"
    return None


def embedder_for(settings: Settings) -> SentenceEmbedder | None:
    """The embedder the settings ask for: None when "off", or "auto" without the extra.

    "on" without the extra raises ``EmbeddingsUnavailable``: the setting is refused, not
    silently dropped (``listener check`` says so first).
    """
    mode = settings.judgments.learning.embeddings
    if mode == "off" or (mode == "auto" and unavailable_reason() is not None):
        return None
    problem = embeddings_problem(settings)
    if problem is not None:
        raise EmbeddingsUnavailable(problem)
    return SentenceEmbedder()


def embedded(embedder: SentenceEmbedder) -> Any:
    """A text → its vector, or None for a language the model cannot read."""

    def embed(text: str) -> Any:
        if not reads_language(script_and_language(text).language):
            return None
        return embedder.embed([text])[0]

    return embed


def _vectors(embedder: SentenceEmbedder | None, labelled: Sequence[LabelledMention]) -> Any:
    """One vector per label (zeros where the language is not read), or None without."""
    if embedder is None:
        return None
    import numpy as np

    vectors = np.zeros((len(labelled), DIMENSIONS), dtype=np.float32)
    readable = [i for i, item in enumerate(labelled) if reads_language(item.mention.language)]
    if readable:
        vectors[readable] = embedder.embed([_text(labelled[i]) for i in readable])
    return vectors


def _example(judge: Judge, item: LabelledMention) -> tuple[str, dict[str, float], bool]:
    mention = item.mention
    text = _text(item)
    extras = judge.rule_features(
        text, language=mention.language, rating=mention.rating, brands=mention.brands
    )
    return text, extras, item.is_complaint


def _text(item: LabelledMention) -> str:
    return f"{item.mention.title}\n{item.mention.text}".strip()
