"""Near-copies in the terminal and in the CLI's JSON (issue 18): where else a story ran
("Also on N sources: src (url), …") and which story a copy belongs to ("A near-copy of …").

The JSON keys are the web API's (``listener.web.search_views.SearchHitOut``): ``copy_of``
(the head's id), ``copies`` and ``copy_sources`` (on how many sources); a search hit's are
written by ``listener.cli.render.hit_as_json``. Titles, URLs and source names are made terminal-safe
here (a stored title may carry escape sequences; a source name is settings text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alerts.compose import copy_lines
from listener.cli.render import terminal_safe
from listener.models import Mention
from listener.store.near_prints import CopyRef

__all__ = [
    "also_on_line",
    "copies_as_json",
    "copy_of_line",
]


def _sources(n: int) -> str:
    return f"{n} source" if n == 1 else f"{n} sources"


def also_on_line(copies: Sequence[CopyRef]) -> str | None:
    """``Also on 2 sources: news2 (https://…), news3 (https://…)``: each source once (its
    oldest copy), the first few as the alert messages list them, then "and N more";
    ``None`` for a story without copies."""
    lines, sources = copy_lines(copies)
    if not sources:
        return None
    listed = ", ".join(
        terminal_safe(line.source) + (f" ({terminal_safe(line.url)})" if line.url else "")
        for line in lines
    )
    more = f", and {sources - len(lines)} more" if sources > len(lines) else ""
    return f"Also on {_sources(sources)}: {listed}{more}"


def copy_of_line(m: Mention, head: Mention | None) -> str | None:
    """``A near-copy of news1:abc (news1, https://…)`` for a copy; ``None`` for a head.
    A head that is gone (erased, pruned) is named by its id alone."""
    if m.copy_of is None:
        return None
    if head is None:
        return f"A near-copy of {terminal_safe(m.copy_of)} (no longer stored)"
    where = ", ".join(terminal_safe(part) for part in (head.source, head.url) if part)
    return f"A near-copy of {terminal_safe(m.copy_of)} ({where})"


def copies_as_json(copies: Sequence[CopyRef]) -> list[dict[str, Any]]:
    """Every copy of a story, oldest first (``listener show --json``)."""
    return [
        {
            "id": c.mention_id,
            "source": c.source,
            "source_type": c.source_type,
            "url": c.url,
            "title": c.title,
            "published_at": c.published_at.isoformat(),
        }
        for c in copies
    ]
