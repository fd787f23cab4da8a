"""Text for the terminal: search hits, poll summaries, the sources table.

Everything shown here came from the internet, so it is made terminal-safe first: control
characters (ANSI escape sequences could recolour, retitle or hide output) and bidi
overrides are removed before any colour of ours is added.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import click
import regex

from listener.config import SourceSettings
from listener.models import SourceState
from listener.runner import PollSummary
from listener.store import DEFAULT_HIGHLIGHT, SearchHit

HIGHLIGHT_START, HIGHLIGHT_END = DEFAULT_HIGHLIGHT  # the store's snippet markers
_UNSAFE = regex.compile(r"[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str | None) -> str:
    """``text`` without control and bidi-override characters (our highlight markers excepted)."""
    if not text:
        return ""
    return _UNSAFE.sub(
        lambda m: m.group() if m.group() in (HIGHLIGHT_START, HIGHLIGHT_END) else "", text
    )


def _highlight(text: str, color: bool) -> str:
    if color:
        return text.replace(HIGHLIGHT_START, "\x1b[1;33m").replace(HIGHLIGHT_END, "\x1b[0m")
    return text.replace(HIGHLIGHT_START, "[").replace(HIGHLIGHT_END, "]")


def _plain(text: str) -> str:
    return text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


def render_hit_text(hit: SearchHit, *, color: bool) -> str:
    m = hit.mention
    label = m.judgments.sentiment_label.value
    score = f" {m.judgments.sentiment:+.2f}" if m.judgments.sentiment is not None else ""
    head = (
        f"{m.published_at:%Y-%m-%d %H:%M} UTC {terminal_safe(m.source)} · "
        f"{', '.join(m.brands)} · {label}{score}"
    )
    author = m.author.handle or m.author.name
    if author:
        head += f" · {terminal_safe(author)}"
    title = _highlight(terminal_safe(hit.title_highlighted or m.title), color)
    lines = [click.style(head, dim=True) if color else head]
    if title:
        lines.append(f"  {title}")
    snippet = _highlight(terminal_safe(hit.snippet), color)
    if snippet and _plain(snippet) != _plain(title):
        lines.append(f"  {snippet}")
    if m.url:
        lines.append(f"  {terminal_safe(m.url)}")
    return "\n".join(lines) + "\n"


def hit_as_json(hit: SearchHit) -> dict[str, Any]:
    m = hit.mention
    return {
        "id": m.id,
        "source": m.source,
        "source_type": m.source_type,
        "url": m.url,
        "published_at": m.published_at.isoformat(),
        "brands": list(m.brands),
        "matched_terms": list(m.matched_terms),
        "author": {"handle": m.author.handle, "name": m.author.name, "url": m.author.url},
        "title": m.title,
        "text": m.text,
        "language": m.language,
        "sentiment": m.judgments.sentiment,
        "sentiment_label": m.judgments.sentiment_label.value,
        "score": hit.score,
        "snippet": _plain(hit.snippet),
        # Escaped first, marked second: safe to put straight into a web page.
        "snippet_html": html.escape(hit.snippet)
        .replace(HIGHLIGHT_START, "<mark>")
        .replace(HIGHLIGHT_END, "</mark>"),
    }


def render_poll_summary(summary: PollSummary) -> str:
    if summary.error:
        when = summary.state.next_check_at
        retry = (
            f"; next try {when:%Y-%m-%d %H:%M:%S} UTC" if when else "; parked until a person acts"
        )
        return f"{summary.source}: {summary.outcome.value} — {terminal_safe(summary.error)}{retry}"
    drops = ", ".join(
        f"{reason.value} {count}" for reason, count in sorted(summary.dropped.items())
    )
    line = (
        f"{summary.source}: {summary.outcome.value} — fetched {summary.fetched}, "
        f"new {len(summary.stored)}"
        + (f", dropped: {drops}" if drops else "")
        + f" ({summary.duration_s:.1f}s)"
    )
    for problem in summary.problems:
        line += f"\n  warning: {terminal_safe(problem)}"
    return line


def relative(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "—"
    seconds = (when - now).total_seconds()
    span = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if span >= size:
            amount = f"{span / size:.0f}{unit}"
            break
    else:
        amount = f"{span:.0f}s"
    return f"in {amount}" if seconds > 0 else f"{amount} ago"


def render_sources_table(
    sources: Sequence[SourceSettings], states: Mapping[str, SourceState], *, now: datetime
) -> str:
    header = ("SOURCE", "TYPE", "STATUS", "LAST SUCCESS", "ERRORS", "NEXT CHECK", "ITEMS (LAST)")
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for source in sources:
        state = states.get(source.name) or SourceState(source=source.name)
        status = state.health.value if source.enabled else "disabled"
        next_check = "parked" if state.parked_reason else relative(state.next_check_at, now)
        if state.next_check_at is None and not state.parked_reason and source.enabled:
            next_check = "now"
        rows.append(
            (source.name, source.type, status, relative(state.last_success_at, now),
             str(state.error_count), next_check, f"{state.items_total} (+{state.last_new_items})")
        )  # fmt: skip
        if state.parked_reason:
            notes.append(f"{source.name}: parked — {terminal_safe(state.parked_reason)}")
        elif state.last_error:
            notes.append(f"{source.name}: {terminal_safe(state.last_error)}")
    if not rows:
        return "no sources configured"
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [header, *rows]
    ]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)
