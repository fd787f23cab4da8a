"""The pipeline: normalize → match brand query → dedupe → judge → store.

Each stage is a small function on plain data (see the sibling modules); this module only
runs them in order over one batch from one source and accounts for every item: each is
either stored or dropped with a reason (``BatchReport``), and the counts feed the metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from listener.brands import compile_brands, match_brands
from listener.clock import Clock, utcnow
from listener.config import Settings
from listener.dedupe import DedupeLookups, dedupe
from listener.models import Mention, RawItem
from listener.normalize import normalize
from listener.pipeline_types import BatchReport, DropReason
from listener.sentiment import judge_sentiment


class PipelineStore(DedupeLookups, Protocol):
    def insert_mentions(self, mentions: Sequence[Mention]) -> list[Mention]: ...


def judge(mention: Mention) -> Mention:
    """Stage 4: attach the judgments. Title and text together: headlines carry tone too."""
    return replace(mention, judgments=judge_sentiment(f"{mention.title}\n{mention.text}".strip()))


class Pipeline:
    """Runs batches through the stages. Holds only what is compiled once: the brand matchers."""

    def __init__(self, settings: Settings, store: PipelineStore, *, clock: Clock = utcnow) -> None:
        self._settings = settings.pipeline
        self._brands = compile_brands(settings.brands)
        self._store = store
        self._clock = clock

    def process(self, source: str, source_type: str, items: Sequence[RawItem]) -> BatchReport:
        """Store the new mentions among ``items``; the report says what became of each item."""
        report = BatchReport(received=len(items))
        now = self._clock()
        matched: list[Mention] = []
        for item in items:
            mention = normalize(
                item,
                source=source,
                source_type=source_type,
                fetched_at=now,
                max_text_chars=self._settings.max_text_chars,
            )
            if mention is None:
                report.drop(DropReason.EMPTY)
                continue
            outcome = match_brands(mention, self._brands)
            if isinstance(outcome, DropReason):
                report.drop(outcome)
                continue
            matched.append(outcome)

        fresh = dedupe(
            matched, self._store, since=now - self._settings.dedupe_window, report=report
        )
        judged = [judge(mention) for mention in fresh]
        report.stored = self._store.insert_mentions(judged)
        # Another writer (a second daemon, a manual `poll --once`) may have stored some
        # between our lookup and our insert; they are duplicates, not losses.
        report.drop(DropReason.ALREADY_STORED, len(judged) - len(report.stored))
        return report
