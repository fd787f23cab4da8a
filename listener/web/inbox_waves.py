"""An alert about a wave of mentions as the inbox shows it.

An incident holds many people's mentions, ordered by reach; its lead is only the most-read
example. Shown like a complaint (the lead's author, their words, their audience), a spike
across two networks read as one person's complaint. The row says what the alert is instead:
how many mentions, from how many sources, under the alert's own title.
"""

from __future__ import annotations

from typing import Any

from alerts.compose import WAVE_KINDS
from listener.models import Alert
from listener.web.inbox_models import WaveView


def wave_view(alert: Alert) -> WaveView | None:
    """What the row says of a wave; ``None`` for an alert about one post."""
    if alert.kind not in WAVE_KINDS:
        return None
    details = alert.details
    return WaveView(
        mentions=_count(details.get("count"), len(alert.mention_ids)),
        negative_only=details.get("measure") == "negative",
        sources=_sources(details.get("sources")),
    )


def _count(value: Any, held: int) -> int:
    # The rule's count grows as mentions fold in; the alert holds a bounded sample of them.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return max(value, held)
    return held


def _sources(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    counted = {
        str(name): n
        for name, n in value.items()
        if isinstance(n, int) and not isinstance(n, bool) and n > 0
    }
    return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))
