"""Grouping a stream's events into the pipeline's batches.

The reader puts what each frame carried on a bounded queue and goes straight back to the
socket; the batcher takes from it. A batch starts with its first item and waits at most
the source's ``batch_window`` for more (or until ``batch_max`` items): a complaint is
judged and alerted a quarter second after it was read, not at a timer's tick, while a
busy stream still shares one transaction among many items.

Frames that carry no item but move the resume point (a like on Jetstream, another
collection) do not start the window: their position rides along with the next batch, or
is saved on its own after ``position_wait_s`` so a firehose with nothing for us does not
replay hours at the next start.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from listener.models import RawItem

ITEMLESS_PER_ITEM = 20


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """What one frame left for the batcher: its items and the resume point after them."""

    items: tuple[RawItem, ...]
    position: str | None
    read_at: float  # time.monotonic() when the frame arrived
    # Not a frame: asks the batcher to store what it holds now (the end of a bounded
    # listen, `listener poll --once`), without waiting for the window.
    flush: bool = False


@dataclass(slots=True)
class PendingBatch:
    items: list[RawItem] = field(default_factory=list)
    position: str | None = None  # the resume point after the last frame in the batch
    first_item_at: float | None = None  # monotonic: when the first item was read
    events: int = 0
    flush: bool = False

    def add(self, event: QueuedEvent) -> None:
        if event.flush:
            self.flush = True
            return
        self.events += 1
        if event.items:
            if self.first_item_at is None:
                self.first_item_at = event.read_at
            self.items.extend(event.items)
        if event.position is not None:
            self.position = event.position


async def collect_batch(
    queue: asyncio.Queue[QueuedEvent],
    *,
    window_s: float,
    batch_max: int,
    position_wait_s: float,
) -> PendingBatch:
    """Wait for the next event, then gather until the batch is due: ``window_s`` after
    its first item was read, at ``batch_max`` items, or ``position_wait_s`` after it
    started when no item came."""
    batch = PendingBatch()
    batch.add(await queue.get())
    position_due = time.monotonic() + position_wait_s
    # Frames without items (another collection, a like) are cheap but still bounded: a
    # firehose that never pauses must not grow one batch for ever.
    max_events = batch_max * ITEMLESS_PER_ITEM
    while len(batch.items) < batch_max and batch.events < max_events and not batch.flush:
        # What is already read joins first, whatever the window: behind a burst the first
        # item's window has long passed, and batches of one would never catch up.
        if not queue.empty():
            batch.add(queue.get_nowait())
            continue
        # The window counts from the item's arrival, not from when the batcher saw it.
        first = batch.first_item_at
        remaining = (first + window_s if first is not None else position_due) - time.monotonic()
        if remaining <= 0:
            break
        try:
            async with asyncio.timeout(remaining):
                batch.add(await queue.get())
        except TimeoutError:
            break
    return batch
