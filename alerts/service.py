"""Alerting as the daemon and ``listener poll --once`` run it: decide, evaluate, deliver.

Three moments, one object per set of settings:

- ``on_stored`` — handed to the pipeline, so the per-mention rules run inside the very
  transaction that stores a batch (a mention and its alerts commit together);
- ``evaluate`` — the time-based rules (spike, shift, silent sources, SLA, digests), every
  ``alerts.evaluate_every``, in a transaction of their own;
- ``flush`` — the outbox sender: what is due goes out, in order per channel.

Reply drafts are made here, when a complaint alert is raised, from the ``replies``
settings and the shared templates, so every channel shows the same drafts. Drafts from a
local model (``replies.llm``) are not: this runs inside the transaction that stores a batch,
and a model takes seconds, which every alert behind it would wait for. They are asked for
on demand (the alert page, ``listener draft --llm``; see ``alerts.drafts.llm``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import httpx

from alerts.decide import AlertDecider
from alerts.drafts.replies import draft_replies
from alerts.flush_report import FlushReport
from alerts.message import AuthorHistory
from alerts.outbox import OutboxSender, build_templates
from alerts.outbox_lock import outbox_lock_path
from alerts.sent_journal import sent_journal_path
from listener.clock import Clock, utcnow
from listener.config.settings import Settings
from listener.logs import fields
from listener.metrics import Metrics
from listener.models import Mention, ReplyDraft
from listener.store import SQLiteStore
from listener.store.alert_contract import OnStored

log = logging.getLogger("alerts.service")


class Alerting:
    def __init__(
        self,
        settings: Settings,
        store: SQLiteStore,
        *,
        http: httpx.AsyncClient,
        clock: Clock = utcnow,
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        self._store = store
        self._clock = clock
        # Templates are read when first used and kept: edits to them need a restart, as
        # the settings file's storage and web sections do.
        self._templates = build_templates(settings)
        self._decider = AlertDecider(settings, clock=clock, drafts=self._drafts)
        # One sender for the daemon's life, reading the current settings at each flush:
        # it must outlive reloads, since it alone guarantees flushes never overlap.
        self._sender = OutboxSender(
            store,
            lambda: self.settings,
            http=http,
            templates=self._templates,
            clock=clock,
            metrics=metrics,
            # The daemon and `poll --once` (or two of those) may flush at the same moment.
            lock_path=outbox_lock_path(store.path),
            journal_path=sent_journal_path(store.path),
        )
        self._evaluated_at: datetime | None = None

    @property
    def enabled(self) -> bool:
        return self.settings.alerts.enabled

    def reconfigure(self, settings: Settings) -> None:
        """Decide with new settings from now on (a reload); the outbox carries on."""
        self.settings = settings
        self._decider = AlertDecider(settings, clock=self._clock, drafts=self._drafts)

    @property
    def on_stored(self) -> OnStored | None:
        """The pipeline's hook; ``None`` when alerts are off (mentions are still stored)."""
        return self._decider.on_stored if self.enabled else None

    def _drafts(self, mention: Mention, history: AuthorHistory | None) -> tuple[ReplyDraft, ...]:
        brand = mention.brands[0] if mention.brands else None
        try:
            return draft_replies(
                mention,
                settings=self.settings.replies,
                brand=brand,
                history=history,
                templates=self._templates,
            )
        except Exception:
            # A broken edited template must not cost the alert: it goes out without drafts
            # and the log says which template to fix.
            log.exception("reply drafts failed", extra=fields(mention=mention.id))
            return ()

    async def evaluate(self) -> None:
        """Run the time-based rules now."""
        if not self.enabled:
            return

        def run() -> None:
            with self._store.alert_transaction() as tx:
                self._decider.evaluate(tx)

        await asyncio.to_thread(run)

    async def evaluate_if_due(self) -> None:
        now = self._clock()
        every = self.settings.alerts.evaluate_every
        if self._evaluated_at is not None and now - self._evaluated_at < every:
            return
        self._evaluated_at = now
        await self.evaluate()

    async def flush(self) -> FlushReport:
        """Send what the outbox has due now (also when alerts were switched off since:
        what was decided is still delivered)."""
        return await self._sender.flush()

    async def flush_until_idle(self) -> FlushReport:
        """Send everything due now, for one-shot commands; later retries are not waited for."""
        return await self._sender.flush_until_idle()
