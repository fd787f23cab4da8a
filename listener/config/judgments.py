"""Settings of the ``judgments:`` section: the complaint threshold, the brand's own
topics, when the per-brand complaint model learns from people's labels, and who names a
language our own rules leave undecided.

Nothing here touches the network.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from listener.units import MAX_COUNT, PositiveDuration


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _topic_name(value: str) -> str:
    name = value.strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name):
        raise ValueError(
            f"{value!r} is not a topic name: use lowercase letters, digits and '_' (like 'battery')"
        )
    return name


def _topic_terms(values: list[str]) -> list[str]:
    terms = [v.strip().lower() for v in values]
    if not terms or not all(terms):
        raise ValueError("a topic needs at least one word or phrase, and no empty ones")
    return terms


TopicName = Annotated[str, AfterValidator(_topic_name)]
TopicTerms = Annotated[list[str], AfterValidator(_topic_terms)]


class LearningSettings(_Strict):
    # A brand's own complaint model has a say once this many of its mentions are labelled
    # (`listener label ID complaint|not`), at least 5 of each kind; it is blended with the
    # rules and decides alone from `full_labels` on.
    min_labels: int = Field(default=30, ge=10, le=MAX_COUNT)
    full_labels: int = Field(default=300, ge=10, le=MAX_COUNT)
    retrain_every: PositiveDuration = timedelta(minutes=10)  # the daemon checks for new labels
    # Sentence embeddings (the optional `listener[embeddings]` extra, English posts only) as
    # more features of the brands' models: "on" requires the extra (`listener check` refuses
    # without it), "auto" uses it when installed, "off" never. ~8 ms a mention of a brand
    # whose model uses them; the rules path never pays it.
    embeddings: Literal["off", "auto", "on"] = "off"

    @field_validator("embeddings", mode="before")
    @classmethod
    def _bare_switch(cls, value: object) -> object:
        # YAML reads a bare `off`/`on` (and no/yes) as false/true: the words meant.
        return {False: "off", True: "on"}.get(value, value) if isinstance(value, bool) else value

    @model_validator(mode="after")
    def _label_order(self) -> LearningSettings:
        if self.full_labels < self.min_labels:
            raise ValueError("full_labels must not be smaller than min_labels")
        return self


class JudgmentSettings(_Strict):
    # A mention is a complaint when its complaint score reaches this (0…1). Lower finds more
    # complaints and more false alarms. Below even odds on purpose: an unanswered public
    # complaint costs far more than a glance at a false alarm.
    complaint_threshold: float = Field(default=0.4, gt=0.0, lt=1.0)
    # Your own topics beside the built-in ones: name → words or phrases (whole words; a
    # trailing * matches any ending).
    topics: dict[TopicName, TopicTerms] = {}
    learning: LearningSettings = Field(default_factory=LearningSettings)
    # Who names a post's language where our own script-first rules leave it undecided (a
    # French or German post without the function words on our lists): "builtin" leaves it
    # undecided (read as English), "py3langid" asks the optional `listener[langid]` extra
    # (`listener check` and `listener run` refuse it when the extra is missing). Two names,
    # not off/auto/on as for `learning.embeddings`: our own rules always run, so "off" would
    # say something false, and an "auto" would make the judgments depend on what happens to
    # be installed rather than on this file.
    language_id: Literal["builtin", "py3langid"] = "builtin"
