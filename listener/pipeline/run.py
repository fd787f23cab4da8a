"""The pipeline: normalize → match brand query → dedupe → judge → store (→ alert rules).

Each stage is a small function on plain data (see the sibling modules); this module only
runs them in order over one batch from one source and accounts for every item: each is
stored, dropped with a reason, or changes a stored mention (``BatchReport``), and the
counts feed the metrics. Before the stages, edits and deletions of stored posts are sorted
out (``listener.pipeline.revise``): a deletion tombstones its mention, a newer edit revises it and
is judged again. Neither is a new mention, so neither alerts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from listener.clock import Clock, utcnow
from listener.config.settings import Settings
from listener.judging.bots import AccountActivity
from listener.judging.judge import Judge
from listener.judging.learning import ComplaintModel
from listener.logs import fields
from listener.models import Mention, RawItem
from listener.pipeline.activity import ActivityLookups, account_activity
from listener.pipeline.brands import compile_brands, match_brands
from listener.pipeline.copies import NearCopies, NearCopyLookups, marked
from listener.pipeline.dedupe import DedupeLookups, dedupe
from listener.pipeline.normalize import mention_id, normalize, scrub_item
from listener.pipeline.revise import revision_of, sort_items
from listener.pipeline.screen import BrandScreen
from listener.pipeline.types import BatchReport, DropReason, with_changes
from listener.store import Revision
from listener.store.alert_contract import OnStored

log = logging.getLogger("listener.pipeline")


class PipelineStore(DedupeLookups, NearCopyLookups, ActivityLookups, Protocol):
    def insert_mentions(
        self,
        mentions: Sequence[Mention],
        *,
        recheck: Callable[[DedupeLookups], Sequence[Mention]] | None = None,
        on_stored: OnStored | None = None,
    ) -> list[Mention]: ...
    def get_mention(self, mention_id: str) -> Mention | None: ...
    def mention_revisions(self, ids: Iterable[str]) -> dict[str, Revision]: ...
    def tombstone_mentions(self, ids: Iterable[str], at: datetime) -> int: ...
    def revise_mentions(self, mentions: Sequence[Mention]) -> int: ...


def judge(judge: Judge, mention: Mention, activity: AccountActivity | None = None) -> Mention:
    """Stage 4: attach the judgments (title and text together: headlines carry tone too);
    ``activity``, the account's recent posting, informs the bot judge.

    A language the source did not state is filled in from the judge's detection, so
    ``lang:`` searches and the brands' language lists see it.
    """
    judgments = judge.judge(mention, activity)
    return with_changes(
        mention, judgments=judgments, language=mention.language or judgments.language
    )


class Pipeline:
    """Runs batches through the stages. Holds what is compiled once: brand matchers, the judge."""

    def __init__(
        self,
        settings: Settings,
        store: PipelineStore,
        *,
        clock: Clock = utcnow,
        on_stored: OnStored | None = None,
    ) -> None:
        """``on_stored`` runs inside the transaction that stores each batch's new mentions
        (the alert rules), so a mention and its alerts are stored together or not at all."""
        self._settings = settings.pipeline
        self._on_stored = on_stored
        self._brands = compile_brands(settings.brands)
        self._screen: BrandScreen | None = None
        self._judge = Judge(settings.judgments, settings.brands)
        self._copies = NearCopies()
        self._store = store
        self._clock = clock

    def process(self, source: str, source_type: str, items: Sequence[RawItem]) -> BatchReport:
        """Store the new mentions among ``items``; the report says what became of each item."""
        report = BatchReport(received=len(items))
        now = self._clock()
        items = [scrub_item(item) for item in items]
        known = self._store.mention_revisions([mention_id(source, i.native_id) for i in items])
        batch = sort_items(items, source=source, known=known, report=report)
        if batch.tombstones:
            report.tombstoned = self._store.tombstone_mentions(batch.tombstones, now)
            # Another poller tombstoned the rest since we looked.
            report.drop(DropReason.DELETED, len(batch.tombstones) - report.tombstoned)
        matched = _each(
            batch.fresh,
            lambda item: self._normalize_and_match(item, source, source_type, now),
            what="item",
            source=source,
            report=report,
        )

        since = now - self._settings.dedupe_window
        # First pass on reader connections: skip judging what is already known.
        fresh = dedupe(matched, self._store, source=source, since=since, report=report)
        copies, templates = self._copies.find_with_templates(fresh, self._store, since=since)
        activity = account_activity(fresh, self._store, copies=copies, now=now, templates=templates)
        judged = [judge(self._judge, marked(m, copies), activity.get(m.id)) for m in fresh]

        def recheck(lookups: DedupeLookups) -> Sequence[Mention]:
            # Second pass inside the store's write transaction: another source or process
            # may have stored the same article (or a near-copy of it) since the first pass.
            kept = dedupe(judged, lookups, source=source, since=since, report=report)
            return self._copies.recheck(kept, lookups, since=since)

        report.stored = self._store.insert_mentions(
            judged, recheck=recheck, on_stored=self._on_stored
        )
        report.updated = self._revise(batch.edits, source, source_type, now, report)
        return report

    def screen(self, items: Sequence[RawItem]) -> list[RawItem]:
        """The items worth a ``process``: those some brand's query might match, and every
        deletion and edit (they may concern a stored mention, whatever their words now).

        For streams that carry a whole network's posts (Jetstream reads every Bluesky post),
        where almost nothing matches: the screen must be cheap and must never drop an item
        ``process`` would store (a superset of the matches, checked by the tests). See
        ``listener.pipeline.screen``; built on first use, as only streams screen.
        """
        if self._screen is None:
            index = self._brands.index
            self._screen = BrandScreen(index, max_text_chars=self._settings.max_text_chars)
            if self._screen.passes_everything:
                # Honoured, but a firehose's every post is then processed (and may be stored).
                names = [self._brands.brands[i].name for i in index.always_run_positions()]
                log.warning(
                    "the brand screen lets every post through: these brands' queries need "
                    "no word (only negations or filters)",
                    extra=fields(brands=", ".join(names)),
                )
        return self._screen(items)

    def use_models(self, models: Mapping[str, ComplaintModel]) -> None:
        """Judge from now on with these learned complaint models (brand name → model)."""
        self._judge = self._judge.with_models(models)

    def _revise(
        self,
        edits: Sequence[RawItem],
        source: str,
        source_type: str,
        now: datetime,
        report: BatchReport,
    ) -> int:
        """Revise the stored mentions of these edited posts; return how many were revised."""
        revised = _each(
            edits,
            lambda item: self._revision(item, source, source_type, now),
            what="edit",
            source=source,
            report=report,
        )
        count = self._store.revise_mentions(revised) if revised else 0
        # The store skips a revision when another poller stored this edit or a newer one
        # (or a tombstone) since we looked: to this batch, that copy was already stored.
        report.drop(DropReason.ALREADY_STORED, len(revised) - count)
        return count

    def _revision(
        self, item: RawItem, source: str, source_type: str, now: datetime
    ) -> Mention | DropReason:
        stored = self._store.get_mention(mention_id(source, item.native_id))
        edited = normalize(
            item,
            source=source,
            source_type=source_type,
            fetched_at=now,
            max_text_chars=self._settings.max_text_chars,
        )
        if stored is None:  # gone since we looked; nothing to revise
            return DropReason.ALREADY_STORED
        if edited is None:  # edited down to nothing: keep the words we have
            return DropReason.EMPTY
        matched = match_brands(edited, self._brands)
        if isinstance(matched, Mention):
            revision = revision_of(stored, matched, matched=True)
        else:
            revision = revision_of(stored, edited, matched=False)
        return judge(self._judge, revision)

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


def _each(
    items: Sequence[RawItem],
    step: Callable[[RawItem], Mention | DropReason],
    *,
    what: str,
    source: str,
    report: BatchReport,
) -> list[Mention]:
    """``step`` on each item; drops are counted in ``report``. One malformed item must not
    cost the rest of the batch: its error is logged and it is dropped as ``MALFORMED``."""
    kept: list[Mention] = []
    for item in items:
        try:
            outcome = step(item)
        except Exception:
            log.exception(
                f"{what} could not be processed", extra=fields(source=source, item=item.native_id)
            )
            outcome = DropReason.MALFORMED
        if isinstance(outcome, DropReason):
            report.drop(outcome)
        else:
            kept.append(outcome)
    return kept
