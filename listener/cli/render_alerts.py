"""Alerts and outbox rows for the terminal and as JSON (``listener alerts …``).

Titles, details, drafts and mention text can all carry words from the internet, so every
value is made terminal-safe (``listener.cli.render.terminal_safe``) before it is printed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

import click

from listener.cli.render import relative, terminal_safe
from listener.cli.render_copies import also_on_line, copies_as_json
from listener.models import Alert, Delivery, DeliveryStatus, Mention
from listener.redaction import redact
from listener.store.alert_contract import AlertEvent
from listener.store.near_prints import CopyRef

MENTION_LINE_CHARS = 100
MENTIONS_SHOWN = 20


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _when(when: datetime | None) -> str:
    return f"{when:%Y-%m-%d %H:%M} UTC" if when is not None else "—"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def _span(seconds: float) -> str:
    """``3d 4h``, ``2h 5m``, ``4m 10s``: the two largest units, for people."""
    whole = max(round(seconds), 0)
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if whole >= size or (unit == "s" and not parts):
            parts.append(f"{whole // size}{unit}")
            whole %= size
    return " ".join(parts[:2])


def time_to_first_response_s(alert: Alert) -> float | None:
    """Seconds from the alert to its first acknowledgement or reply, whichever came first."""
    answered = [t for t in (alert.acknowledged_at, alert.replied_at) if t is not None]
    if not answered:
        return None
    return (min(answered) - alert.created_at).total_seconds()


def alert_as_json(alert: Alert) -> dict[str, Any]:
    """Every field of the alert (times ISO-8601 UTC), plus the figures a report needs."""
    shown: dict[str, Any] = _json_value(alert)
    shown["lead_mention_id"] = alert.lead_mention_id
    shown["time_to_first_response_s"] = time_to_first_response_s(alert)
    shown["sla_breached"] = alert.escalated_at is not None
    return shown


def delivery_as_json(row: Delivery) -> dict[str, Any]:
    shown: dict[str, Any] = _json_value(row)
    if shown.get("last_error"):
        shown["last_error"] = redact(shown["last_error"])  # a receiver may echo its URL's token
    return shown


def event_as_json(event: AlertEvent) -> dict[str, Any]:
    shown: dict[str, Any] = _json_value(event)
    return shown


def copies_json(copies: Sequence[CopyRef]) -> dict[str, Any]:
    """Where else the lead mention's story ran, as ``listener show --json`` has it."""
    return {"copies": copies_as_json(copies), "copy_sources": len({c.source for c in copies})}


def mention_summary_json(mention_id: str, m: Mention | None) -> dict[str, Any]:
    if m is None:
        return {"id": mention_id, "missing": True}
    return {
        "id": m.id,
        "source": m.source,
        "url": m.url,
        "author": m.author.handle or m.author.name,
        "published_at": m.published_at.isoformat(),
        "title": m.title,
        "text": m.text[: MENTION_LINE_CHARS * 3],
        "deleted_at": _iso(m.deleted_at),
    }


def _cut(text: str, limit: int) -> str:
    text = " ".join(terminal_safe(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_alert_line(alert: Alert, *, now: datetime, color: bool = False) -> str:
    """One alert in a list: id, state, severity, kind, brand, age, title, assignee."""
    severity = alert.severity.value
    if color and alert.severity.rank >= 2:
        severity = click.style(f"{severity:<8}", fg="red", bold=True)
    else:
        severity = f"{severity:<8}"
    cells = [
        f"#{alert.id:<5}",
        f"{alert.state.value:<12}",
        severity,
        f"{alert.kind.value:<15}",
        f"{terminal_safe(alert.brand or '-'):<10}",
        f"{relative(alert.created_at, now):<8}",
        _cut(alert.title, 70),
    ]
    if alert.assignee:
        cells.append(f"→ {terminal_safe(alert.assignee)}")
    if alert.escalated_at is not None:
        cells.append("SLA breached")
    return " ".join(cells)


def render_alert_state(alert: Alert) -> str:
    """The one line an ``ack``/``resolve``/``assign`` prints: the alert as it is now."""
    who = f", assigned to {terminal_safe(alert.assignee)}" if alert.assignee else ""
    return f"alert #{alert.id}: {alert.state.value}{who} — {_cut(alert.title, 80)}"


def _mention_line(mention_id: str, m: Mention | None, lead: bool) -> str:
    mark = "lead" if lead else "    "
    if m is None:
        return f"  {mark} {terminal_safe(mention_id)} (not in the store)"
    author = m.author.handle or m.author.name or "unknown"
    words = "(deleted at its source)" if m.deleted_at is not None else (m.text or m.title)
    return (
        f"  {mark} {terminal_safe(m.id)} · {m.published_at:%Y-%m-%d %H:%M} · "
        f"{terminal_safe(author)} · {_cut(words, MENTION_LINE_CHARS)}"
    )


def render_lint(lint: dict[str, Any]) -> str:
    """The draft linter's verdict on one line: what passed, what failed, what was found."""
    verdict = "lint ok" if lint.get("ok") else "lint FAILED"
    size = f"{lint.get('length')}/{lint.get('limit')} chars" if "length" in lint else ""
    passed = [k.removesuffix("_present") for k, v in lint.items() if v is True and k != "ok"]
    failed = [k.removesuffix("_present") for k, v in lint.items() if v is False and k != "ok"]
    found = [f"{k}: {', '.join(map(str, v))}" for k, v in lint.items() if isinstance(v, list) and v]
    parts = [verdict, size]
    parts += [f"✓ {' '.join(passed)}" if passed else ""]
    parts += [f"✗ {' '.join(failed)}" if failed else "", *found]
    return terminal_safe(" · ".join(p for p in parts if p))


def _detail_lines(details: dict[str, Any]) -> list[str]:
    lines = []
    for key, value in details.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(f"  {terminal_safe(str(key))}: {_cut(shown, 200)}")
    return lines


def render_delivery_line(row: Delivery, *, now: datetime) -> str:
    line = (
        f"#{row.id:<5} alert #{row.alert_id:<5} {terminal_safe(row.channel):<14} "
        f"{row.event.value:<10} {row.status.value:<10} attempts {row.attempts}"
    )
    if row.status == DeliveryStatus.PENDING:
        due = max(filter(None, (row.not_before, row.next_attempt_at)))
        line += f", next {relative(due, now) if due > now else 'now'}"
    if row.sent_at is not None:
        line += f", sent {_when(row.sent_at)}"
    if row.reason:
        line += f" — {_cut(row.reason, 120)}"
    if row.last_error and row.status != DeliveryStatus.SENT:
        line += f"\n        last error: {_cut(redact(row.last_error), 200)}"
    return line


def render_alert(
    alert: Alert,
    *,
    mentions: Sequence[tuple[str, Mention | None]],
    events: Sequence[AlertEvent],
    deliveries: Sequence[Delivery],
    now: datetime,
    color: bool = False,
    lead_copies: Sequence[CopyRef] = (),
) -> str:
    """One alert in full: its facts, mentions, reasons, details, drafts, history, outbox.
    ``lead_copies``: the lead mention's near-copies ("Also on N sources")."""
    head = f"alert #{alert.id} · {alert.kind.value} · {alert.severity.value} · {alert.state.value}"
    lines = [click.style(head, bold=True) if color else head, f"  {_cut(alert.title, 200)}", ""]
    ttfr = time_to_first_response_s(alert)
    facts = [
        ("rule", alert.rule),
        ("brand", alert.brand or "-"),
        ("created", _when(alert.created_at)),
        ("updated", _when(alert.updated_at)),
        ("assignee", alert.assignee or "nobody"),
        ("acknowledged", _when(alert.acknowledged_at)),
        ("replied", _when(alert.replied_at)),
        ("closed", _when(alert.closed_at)),
        ("first response", f"{_span(ttfr)} after the alert" if ttfr is not None else "none yet"),
    ]
    if alert.escalated_at is not None:
        facts.append(("SLA breached", f"escalated {_when(alert.escalated_at)}"))
    lines += [f"  {name:<15} {terminal_safe(value)}" for name, value in facts]
    if alert.severity_reasons:
        lines += ["", "severity because"]
        lines += [f"  · {_cut(r, 160)}" for r in alert.severity_reasons]
    if mentions:
        folded = f", {alert.folded} folded in" if alert.folded else ""
        lines += ["", f"mentions ({len(alert.mention_ids)}{folded})"]
        lines += [_mention_line(i, m, n == 0) for n, (i, m) in enumerate(mentions)]
        if len(alert.mention_ids) > len(mentions):
            lines.append(f"  … and {len(alert.mention_ids) - len(mentions)} more (--json)")
        if (also_on := also_on_line(lead_copies)) is not None:
            lines.append(f"  {also_on}")
    if alert.details:
        lines += ["", "details", *_detail_lines(alert.details)]
    for n, draft in enumerate(alert.drafts, 1):
        lines += [
            "",
            f"draft {n}: {terminal_safe(draft.approach)} ({terminal_safe(draft.language)})",
        ]
        if draft.note:
            lines.append(f"  note: {terminal_safe(draft.note)}")
        lines += [f"  {terminal_safe(line)}" for line in draft.text.splitlines()]
        if draft.lint:
            lines.append(f"  {render_lint(draft.lint)}")
    if events:
        lines += ["", "history"]
        for e in events:
            by = f" by {terminal_safe(e.by)}" if e.by else ""
            detail = f" — {_cut(e.detail, 160)}" if e.detail else ""
            if e.mention_id:  # a copy's "also on" event: its id, for `listener show`
                detail += f" ({terminal_safe(e.mention_id)})"
            lines.append(f"  {_when(e.at)} {terminal_safe(e.what)}{by}{detail}")
    if deliveries:
        lines += ["", "deliveries"]
        lines += [f"  {render_delivery_line(d, now=now)}" for d in deliveries]
    return "\n".join(lines)
