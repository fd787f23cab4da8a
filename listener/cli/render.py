"""Text for the terminal: search hits, one mention in full, poll summaries, the sources table;
and the JSON of mentions and hits.

Everything shown here came from the internet, so it is made terminal-safe first: control
characters (ANSI escape sequences could recolour, retitle or hide output) and bidi
overrides are removed before any colour of ours is added.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

import click
import regex

from listener.config.settings import MIN_INTERVAL, SourceSettings
from listener.models import Finding, Judgments, Mention, SentimentLabel, SourceState, Urgency
from listener.redaction import redact
from listener.service.runner import PollSummary
from listener.sources.base import SourceType
from listener.store import DEFAULT_HIGHLIGHT, SearchHit
from listener.store.near_prints import CopyRef
from listener.units import format_duration

HIGHLIGHT_START, HIGHLIGHT_END = DEFAULT_HIGHLIGHT  # the store's snippet markers
_UNSAFE = regex.compile(r"[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str | None) -> str:
    """``text`` without control and bidi-override characters (our highlight markers excepted)."""
    if not text:
        return ""
    return _UNSAFE.sub(
        lambda m: m.group() if m.group() in (HIGHLIGHT_START, HIGHLIGHT_END) else "", text
    )


def safe_error(text: str | None) -> str:
    """An error or problem text for the terminal, without the secrets in force (an error
    stored before they were redacted, a receiver echoing a webhook's path token). Mention
    text is not redacted: a ``${VAR}`` value that a post happens to contain (a brand name
    kept in the environment) is the post's own words."""
    return redact(terminal_safe(text))


def _highlight(text: str, color: bool) -> str:
    if color:
        return text.replace(HIGHLIGHT_START, "\x1b[1;33m").replace(HIGHLIGHT_END, "\x1b[0m")
    return text.replace(HIGHLIGHT_START, "[").replace(HIGHLIGHT_END, "]")


def _plain(text: str) -> str:
    return text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


def _signed(value: float) -> str:
    # A real minus sign: "−0.62" lines up with "+0.62" and reads as a number, not a dash.
    return f"{'−' if value < 0 else '+'}{abs(value):.2f}"


def _red(text: str, color: bool) -> str:
    return click.style(text, fg="red", bold=True) if color else text


def judgments_line(m: Mention, *, color: bool = False) -> str:
    """The judgments in one line, only those that say something, e.g.
    ``negative −0.62 · COMPLAINT 0.81 · frustrated, angry · delivery · urgency high · en``."""
    j = m.judgments
    parts = [
        j.sentiment_label.value + (f" {_signed(j.sentiment)}" if j.sentiment is not None else "")
    ]
    marked = j.complaint_by == "person"  # a person's label, not a judge's estimate
    if j.complaint:
        score = f" {j.complaint_score:.2f}" if j.complaint_score is not None else ""
        parts.append(_red(f"COMPLAINT{score}", color) + (" (marked)" if marked else ""))
    elif marked:
        parts.append("not a complaint (marked)")
    # Names come from the judges and the settings, the language from the source too: all
    # made safe before any colour of ours goes in.
    for names in (j.feeling_names(), j.topic_names()):
        if names:
            parts.append(terminal_safe(", ".join(names)))
    if j.urgency != Urgency.NORMAL:
        parts.append(f"urgency {j.urgency.value}")
    if j.flags:
        parts.append(_red("flagged " + terminal_safe(", ".join(f.name for f in j.flags)), color))
    language = j.language or m.language
    if language:
        parts.append(terminal_safe(language))
    return " · ".join(parts)


def _copy_mark(m: Mention, copies: Sequence[CopyRef]) -> str | None:
    """A near-copy names its story's head; a head counts the other sources it ran on."""
    if m.copy_of is not None:
        return f"copy of {terminal_safe(m.copy_of)}"
    sources = len({c.source for c in copies})
    if sources:
        return f"also on {sources} source{'' if sources == 1 else 's'}"
    return None


def render_hit_text(hit: SearchHit, *, color: bool, copies: Sequence[CopyRef] = ()) -> str:
    """One search hit; ``copies`` are its near-copies (``store.copies_of``)."""
    m = hit.mention
    # The id leads (it starts with the source name): it is what `listener show` and
    # `listener label` take.
    head = f"{m.published_at:%Y-%m-%d %H:%M} UTC {terminal_safe(m.id)} · {', '.join(m.brands)}"
    author = m.author.handle or m.author.name
    if author:
        head += f" · {terminal_safe(author)}"
    title = _highlight(terminal_safe(hit.title_highlighted or m.title), color)
    lines = [click.style(head, dim=True) if color else head, f"  {judgments_line(m, color=color)}"]
    if (mark := _copy_mark(m, copies)) is not None:
        lines.append(f"  {mark}")
    if title:
        lines.append(f"  {title}")
    snippet = _highlight(terminal_safe(hit.snippet), color)
    if snippet and _plain(snippet) != _plain(title):
        lines.append(f"  {snippet}")
    if m.url:
        lines.append(f"  {terminal_safe(m.url)}")
    return "\n".join(lines) + "\n"


def _evidence(items: Sequence[str]) -> list[str]:
    return [f"      · {terminal_safe(item)}" for item in items]


def _findings(title: str, findings: Sequence[Finding]) -> list[str]:
    if not findings:
        return [f"  {title:<10} none"]
    lines = []
    for i, f in enumerate(findings):
        because = f": {', '.join(f.evidence)}" if f.evidence else ""
        lines.append(f"  {title if i == 0 else '':<10} {terminal_safe(f.name + because)}")
    return lines


def _judgment_lines(m: Mention) -> list[str]:
    j = m.judgments
    if j.sentiment_label == SentimentLabel.UNKNOWN and j.sentiment is None:
        sentiment = "unknown (not scored)"
    else:
        score = f" {_signed(j.sentiment)}" if j.sentiment is not None else ""
        sentiment = f"{j.sentiment_label.value}{score}"
    if j.complaint_score is None and not j.complaint_by:
        complaint = "not judged"
    else:
        score = f" {j.complaint_score:.2f}" if j.complaint_score is not None else ""
        complaint = f"{'yes' if j.complaint else 'no'}{score}" + (
            f" (by {j.complaint_by})" if j.complaint_by else ""
        )
    script = f" ({j.script} script)" if j.script else ""
    lines = [
        "judgments" + (f" (by {terminal_safe(j.model)})" if j.model else ""),
        f"  {'sentiment':<10} {sentiment}",
        *_evidence(j.sentiment_evidence),
        f"  {'language':<10} {terminal_safe((j.language or 'unsure') + script)}",
        f"  {'complaint':<10} {terminal_safe(complaint)}",
        *_evidence(j.complaint_evidence),
        *_findings("feelings", j.feelings),
        *_findings("topics", j.topics),
        f"  {'urgency':<10} {j.urgency.value}",
        *_evidence(j.urgency_evidence),
        *_findings("flags", j.flags),
        f"  {'reach':<10} {j.reach:,}",
        *_evidence(j.reach_evidence),
    ]
    return lines


def render_mention(m: Mention, *, color: bool) -> str:
    """One mention in full: where it came from, its text, and every judgment with evidence."""
    author = " · ".join(
        terminal_safe(part)
        for part in (
            m.author.handle, m.author.name, m.author.url,
            f"{m.author.followers:,} followers" if m.author.followers is not None else None,
        )
        if part
    )  # fmt: skip
    matched = f" (matched {', '.join(m.matched_terms)})" if m.matched_terms else ""
    facts = [
        ("source", f"{m.source} ({m.source_type})"),
        ("author", author or "unknown"),
        ("url", m.url or "none"),
        ("published", f"{m.published_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("fetched", f"{m.fetched_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("brands", ", ".join(m.brands) + matched),
        ("language", m.language or "not given"),
    ]
    if m.edited_at is not None:
        facts.append(("edited", f"{m.edited_at:%Y-%m-%d %H:%M:%S} UTC"))
    head = terminal_safe(m.id)
    lines = [click.style(head, bold=True) if color else head]
    lines += [f"  {name:<10} {terminal_safe(value)}" for name, value in facts]
    lines.append("")
    if m.deleted_at is not None:
        # A tombstone: its words are gone, and its judgments are about words nobody can
        # see any more, so they are not shown either.
        gone = f"deleted at the source (seen {m.deleted_at:%Y-%m-%d %H:%M:%S} UTC)"
        lines.append(click.style(gone, fg="red") if color else gone)
        return "\n".join(lines)
    if m.title:
        lines.append(terminal_safe(m.title))
    if m.text and m.text != m.title:
        lines.append(terminal_safe(m.text))
    lines.append("")
    lines += _judgment_lines(m)
    return "\n".join(lines)


def _json_value(value: Any) -> Any:
    if isinstance(value, Finding):
        return {"name": str(value.name), "evidence": list(value.evidence)}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def judgments_as_json(j: Judgments) -> dict[str, Any]:
    """Every judgment, nested findings and evidence included (enums as their values)."""
    return {f.name: _json_value(getattr(j, f.name)) for f in dataclasses.fields(j)}


def mention_as_json(m: Mention) -> dict[str, Any]:
    """A mention as JSON (all but its raw HTML), with its full judgments."""
    return {
        "id": m.id,
        "source": m.source,
        "source_type": m.source_type,
        "native_id": m.native_id,
        "url": m.url,
        "canonical_url": m.canonical_url,
        "published_at": m.published_at.isoformat(),
        "fetched_at": m.fetched_at.isoformat(),
        "brands": list(m.brands),
        "matched_terms": list(m.matched_terms),
        "author": {
            "handle": m.author.handle,
            "name": m.author.name,
            "url": m.author.url,
            "followers": m.author.followers,
        },
        "title": m.title,
        "text": m.text,
        "language": m.language,
        "engagement": dataclasses.asdict(m.engagement),
        "rating": m.rating,
        "parent_id": m.parent_id,
        "thread_id": m.thread_id,
        "judgments": judgments_as_json(m.judgments),
    }


def hit_as_json(hit: SearchHit, copies: Sequence[CopyRef] = ()) -> dict[str, Any]:
    """A search hit as JSON; its copy fields are named as the web API's search hits'."""
    m = hit.mention
    return {
        **mention_as_json(m),
        "copy_of": m.copy_of,  # the story's head when this hit is a near-copy of it
        "copies": len(copies),  # near-copies of this hit's story
        "copy_sources": len({c.source for c in copies}),  # "also on N sources"
        # Flat copies of the sentiment, as before judgments grew: scripts read them.
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
        return f"{summary.source}: {summary.outcome.value} — {safe_error(summary.error)}{retry}"
    drops = ", ".join(
        f"{reason.value} {count}" for reason, count in sorted(summary.dropped.items())
    )
    line = (
        f"{summary.source}: {summary.outcome.value} — fetched {summary.fetched}, "
        f"new {len(summary.stored)}"
        + (f", updated {summary.updated}" if summary.updated else "")
        + (f", deleted {summary.tombstoned}" if summary.tombstoned else "")
        + (f", dropped: {drops}" if drops else "")
        + f" ({summary.duration_s:.1f}s)"
    )
    for problem in summary.problems:
        line += f"\n  warning: {safe_error(problem)}"
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
            notes.append(f"{source.name}: {safe_error(state.last_error)}")
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


def render_source_types(types: Iterable[SourceType], *, samples: bool = False) -> str:
    """``listener sources --types``: each type, what it reads, its credentials and limits,
    and with ``samples`` a settings block to start from."""
    blocks = []
    for kind in sorted(types, key=lambda t: t.name):
        info = kind.info
        lines = [f"{kind.name}: {info.summary}"]
        credentials = info.credentials or ("none",)
        lines.append("  credentials: " + credentials[0])
        lines.extend("               " + c for c in credentials[1:])
        if info.limits:
            lines.append(f"  limits:      {info.limits}")
        if kind.poll is not None:
            shortest = format_duration(info.min_interval or MIN_INTERVAL)
            lines.append(f"  interval:    at least {shortest} (what the API allows)")
        elif kind.is_stream:
            # A person comparing types looks for this line; a stream has no `interval:` key.
            lines.append("  interval:    none — a stream listens all the time")
        if samples and info.sample:
            lines.append("  sample (under `sources:` in settings.yaml):")
            lines.extend("    " + line for line in info.sample.rstrip().splitlines())
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
