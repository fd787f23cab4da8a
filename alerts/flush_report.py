"""What one flush of the outbox did, per channel: sent, failed, and held back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChannelCounts:
    sent: int = 0
    failed: int = 0  # attempts that failed in this flush (at most one per channel)
    held: int = 0  # due rows not tried: behind a waiting or failed row, or channel not configured


@dataclass
class FlushReport:
    channels: dict[str, ChannelCounts] = field(default_factory=dict)
    busy: bool = False  # another process was flushing this outbox: nothing was read

    def counts(self, channel: str) -> ChannelCounts:
        return self.channels.setdefault(channel, ChannelCounts())

    @property
    def sent(self) -> int:
        return sum(c.sent for c in self.channels.values())

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.channels.values())

    @property
    def held(self) -> int:
        return sum(c.held for c in self.channels.values())

    def merge(self, other: FlushReport) -> None:
        """Add ``other``'s sends and failures; its held rows replace ours (they are what
        is still waiting)."""
        for name, theirs in other.channels.items():
            mine = self.counts(name)
            mine.sent += theirs.sent
            mine.failed += theirs.failed
            mine.held = theirs.held
