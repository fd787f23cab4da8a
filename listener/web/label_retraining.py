"""Retraining after a label from the web, off the request: the label answers at once, the
brands' models are retrained by ``retrain_after_label`` (the same call ``listener label``
makes) in one background thread, and the request waits only briefly for its report.

Training time grows with the labels (on two shared cores: ~2 s at 30 labels, ~10 s at 100),
so a button that waited for it would hang the page; below a brand's ``min_labels`` nothing is
trained and the report comes back within the wait. One worker runs the retrains in turn,
and a retrain still queued (not started) serves every label that arrives meanwhile: an agent
labelling twenty mentions in a minute starts two trainings, not twenty.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedEnough
from dataclasses import dataclass

from listener.config.settings import Settings
from listener.judging.labels import retrain_after_label
from listener.logs import fields
from listener.store import Store

log = logging.getLogger("listener.web")

# Long enough for a retrain that trains nothing (reading the labels and building a Judge:
# ~10-100 ms), short enough that a click never feels stuck. Only an idle worker is waited
# for: behind a training already under way the answer could not come within it anyway.
WAIT_FOR_REPORT_S = 0.2

_Key = tuple[int, tuple[str, ...]]  # (the store's id, the brands)
_jobs: queue.SimpleQueue[tuple[_Key, Store, Settings, Future[list[str]]]] = queue.SimpleQueue()
_worker: threading.Thread | None = None
_lock = threading.Lock()
_queued: dict[_Key, Future[list[str]]] = {}
_running = 0  # retrains started and not finished (0 or 1: one worker)


@dataclass(frozen=True)
class Retrain:
    report: list[str]  # the trainer's lines, when it finished within the wait
    pending: bool  # still training (or queued) in the background
    error: str | None


def _work() -> None:
    # A daemon thread: a process that stops does not wait for a training (the label is
    # stored; the daemon, or the next label, retrains from it).
    while True:
        key, store, settings, future = _jobs.get()
        _run(key, store, settings, future)


def _run(key: _Key, store: Store, settings: Settings, future: Future[list[str]]) -> None:
    global _running
    with _lock:
        _queued.pop(key, None)  # labels from now on need a run that starts after this one
        _running += 1
    try:
        future.set_result(retrain_after_label(store, settings, list(key[1])))
    except Exception as failure:
        log.exception("retraining after a label failed", extra=fields(brands=",".join(key[1])))
        future.set_exception(failure)
    finally:
        with _lock:
            _running -= 1


def retrain_soon(store: Store, settings: Settings, brands: Sequence[str]) -> Retrain:
    """Queue a retrain of ``brands`` (or join the one queued) and wait briefly for it."""
    global _worker
    key = (id(store), tuple(sorted(brands)))
    with _lock:
        idle = _running == 0 and not _queued
        future = _queued.get(key)
        if future is None:
            future = Future()
            _queued[key] = future
            _jobs.put((key, store, settings, future))
        if _worker is None:
            _worker = threading.Thread(target=_work, name="label-retrain", daemon=True)
            _worker.start()
    try:
        waited = future.result(timeout=WAIT_FOR_REPORT_S if idle else 0)
        return Retrain(report=waited, pending=False, error=None)
    except WaitedEnough:
        return Retrain(report=[], pending=True, error=None)
    except Exception as failure:  # the label is saved; only the learning step failed
        return Retrain(
            report=[], pending=False, error=f"label saved, but retraining failed: {failure}"
        )
