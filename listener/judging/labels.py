"""A person's verdict on a mention — complaint or not — and the retraining it starts.

One implementation for every way a label arrives (``listener label``, the mention page and
``POST /api/v1/mentions/{id}/label``): the store keeps the label and overrides the judges for
that mention at once, then the brands' complaint models are retrained from their labels in
the same process. A running daemon loads the new models when it next checks for them, every
``judgments.learning.retrain_every``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from datetime import datetime, timedelta

from listener.config.settings import Settings
from listener.models import Mention
from listener.store import Store

_TRAINING_MODULE = "listener.judging.training"


def save_label(
    store: Store, mention_id: str, is_complaint: bool, *, by: str, at: datetime
) -> Mention:
    """Store the verdict; the mention with its judgments as they now read.

    Raises ``UnknownMention`` for an id the store does not hold."""
    return store.set_complaint_label(mention_id, is_complaint, by=by, at=at)


def retrain_after_label(store: Store, settings: Settings, brands: Sequence[str]) -> list[str]:
    """Retrain the brands' complaint models after a label; the trainer's report lines.

    The trainer is loaded only here, lazily: it pulls in the judges, which ``listener
    search`` and ``show`` (importers of this module's callers) do not need. If this build
    has no trainer (or one without ``retrain_brands``) the label is simply kept for later.
    """
    if importlib.util.find_spec(_TRAINING_MODULE) is None:
        return []
    training = importlib.import_module(_TRAINING_MODULE)
    retrain_brands = getattr(training, "retrain_brands", None)
    if retrain_brands is None:
        return []
    return [str(line) for line in retrain_brands(store, settings, brands=list(brands))]


def daemon_pickup(settings: Settings) -> timedelta:
    """How long a running daemon may take to use a model trained here: it checks for new
    models once every ``judgments.learning.retrain_every``."""
    return settings.judgments.learning.retrain_every
