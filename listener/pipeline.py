"""The pipeline: normalize → match brand query → dedupe → judge → store.

Each stage is a small function on plain data (see the sibling modules); this module only
runs them in order over one batch from one source and accounts for every item: each is
either stored or dropped with a reason (``BatchReport``), and the counts feed the metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from listener.brands import compile_brands, match_brands
from listener.clock import Clock, utcnow
from listener.config import Settings
from listener.dedupe import DedupeLookups, dedupe
from listener.judging.judge import Judge
from listener.judging.learning import ComplaintModel
from listener.logs import fields
from listener.models import Mention, RawItem
from listener.normalize import normalize
from listener.pipeline_types import BatchReport, DropReason

log = logging.getLogger("listener.pipeline")


class PipelineStore(DedupeLookups, Protocol):
    def insert_mentions(
        self,
        mentions: Sequence[Mention],
        *,
        recheck: Callable[[DedupeLookups], Sequence[Mention]] | None = None,
    ) -> list[Mention]: ...


def judge(judge: Judge, mention: Mention) -> Mention:
    """Stage 4: attach the judgments (title and text together: headlines carry tone too).

    A language the source did not state is filled in from the judge's detection, so
    ``lang:`` searches and the brands' language lists see it.
    """
    judgments = judge.judge(mention)
    return replace(mention, judgments=judgments, language=mention.language or judgments.language)


class Pipeline:
    """Runs batches through the stages. Holds what is compiled once: brand matchers, the judge."""

    def __init__(self, settings: Settings, store: PipelineStore, *, clock: Clock = utcnow) -> None:
        self._settings = settings.pipeline
        self._brands = compile_brands(settings.brands)
        self._judge = Judge(settings.judgments, settings.brands)
        self._store = store
        self._clock = clock

    def process(self, source: str, source_type: str, items: Sequence[RawItem]) -> BatchReport:
        """Store the new mentions among ``items``; the report says what became of each item."""
        report = BatchReport(received=len(items))
        now = self._clock()
        matched: list[Mention] = []
        for item in items:
            try:
                outcome = self._normalize_and_match(item, source, source_type, now)
            except Exception:  # one malformed item must not cost the rest of the batch
                log.exception(
                    "item could not be processed", extra=fields(source=source, item=item.native_id)
                )
                outcome = DropReason.MALFORMED
            if isinstance(outcome, DropReason):
                report.drop(outcome)
            else:
                matched.append(outcome)

        since = now - self._settings.dedupe_window
        # First pass on reader connections: skip judging what is already known.
        fresh = dedupe(matched, self._store, source=source, since=since, report=report)
        judged = [judge(self._judge, mention) for mention in fresh]

        def recheck(lookups: DedupeLookups) -> Sequence[Mention]:
            # Second pass inside the store's write transaction: another source or process
            # may have stored the same article since the first pass.
            return dedupe(judged, lookups, source=source, since=since, report=report)

        report.stored = self._store.insert_mentions(judged, recheck=recheck)
        return report

    def use_models(self, models: Mapping[str, ComplaintModel]) -> None:
        """Judge from now on with these learned complaint models (brand name → model)."""
        self._judge = self._judge.with_models(models)

    def _normalize_and_match(
        self, item: RawItem, source: str, source_type: str, now: datetime
    ) -> Mention | DropReason:
        mention = normalize(
            item,
            source=source,
            source_type=source_type,
            fetched_at=now,
            max_text_chars=self._settings.max_text_chars,
        )
        if mention is None:
            return DropReason.EMPTY
        return match_brands(mention, self._brands)
