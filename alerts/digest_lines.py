"""A digest's sections as short plain lines, for people: ``details["sections"]``.

``alerts.digest`` keeps the figures as data (``volume``, ``top_complaints``…) for machines
and the web UI; channels show these lines (``alerts.channels.formatting.digest_sections``
reads ``{"title", "lines"}``). Titles of alerts are raw internet text here: each channel
escapes the lines for its markup. The first section is the dashboard's headline figures
over the period; the link to the dashboard (``details["dashboard_url"]``) is no line here:
each template writes it in its own link syntax (a URL in escaped markdown is no link), or
says why there is none.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from alerts.channels.formatting import duration


def _change(now: int, before: int) -> str:
    if before == 0:
        return "no mentions the period before" if now else "none the period before either"
    pct = round((now - before) * 100 / before)
    return f"{pct:+d}% on the period before ({before})"


def _when(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")


def _alert_line(a: Mapping[str, Any]) -> str:
    folded = f", +{a['folded']} folded" if a.get("folded") else ""
    return f"[{a['severity']}] {a['title']} (#{a['id']}, {a['state']}{folded})"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def headline_lines(h: Mapping[str, Any]) -> list[str]:
    """The dashboard's headline figures, each against the period before."""
    lines = [
        f"{h['mentions']:,} mentions, {_change(h['mentions'], h['previous_mentions'])}",
        f"negative share {_share(h['negative_share'])} ({h['negative']:,} mentions),"
        f" {_share(h['previous_negative_share'])} the period before",
        f"{h['complaints']:,} complaints, complaint rate {_share(h['complaint_rate'])},"
        f" {_share(h['previous_complaint_rate'])} the period before",
    ]
    if h["answered"]:
        lines.append(
            f"first response: median {duration(h['first_response_median_s'])},"
            f" p90 {duration(h['first_response_p90_s'])} (alerts answered: {h['answered']:,})"
        )
    else:
        lines.append("first response: no alert raised in the period has been answered")
    lines.append(f"{h['open_alerts']:,} alerts open now")
    if h["whole_hours_wider"]:
        # The dashboard's rollups count whole UTC hours: say which, rather than show figures
        # that seem to disagree with the volume section's exact period.
        lines.append(
            f"counted over whole UTC hours, as the dashboard counts: {_when(h['since'])}"
            f" to {_when(h['until'])}"
        )
    return lines


def digest_lines(details: Mapping[str, Any]) -> list[dict[str, Any]]:
    v = details["volume"]
    positive = f"{v['positive']}+" if v["positive_capped"] else str(v["positive"])
    volume = [
        f"{v['total']} mentions: {v['negative']} negative, {positive} positive",
        f"mentions {_change(v['total'], v['previous_total'])}",
        f"negative {_change(v['negative'], v['previous_negative'])}",
    ]
    complaints = [_alert_line(a) for a in details["top_complaints"]] or ["none"]
    more = details["complaints"] - len(details["top_complaints"])
    if more > 0:
        complaints.append(f"and {more} more")
    opened = details["open_alerts"]
    open_lines = [f"{opened['count']} open"]
    if opened["oldest"]:
        oldest = opened["oldest"]
        open_lines.append(f"oldest since {_when(oldest['created_at'])}: {_alert_line(oldest)}")
    held = details["suppressed"]
    held_lines = [f"{n} {reason}" for reason, n in held["by_reason"].items()] or ["nothing"]
    held_lines += [f"{i['channel']}: {i['title']} (#{i['alert_id']})" for i in held["items"]]
    sections = [
        {"title": "Headline (as on the dashboard)", "lines": headline_lines(details["headline"])},
        {"title": "Volume and sentiment", "lines": volume},
        {"title": "Top complaints", "lines": complaints},
        {"title": "Open alerts", "lines": open_lines},
        {
            "title": "SLA breaches",
            "lines": [_alert_line(a) for a in details["sla_breaches"]] or ["none"],
        },
        {"title": "Held back by rate limits", "lines": held_lines},
    ]
    if held["digest_only"]:
        sections.append(
            {
                "title": "Saved-search hits (digest only)",
                "lines": [f"{a['rule']}: {_alert_line(a)}" for a in held["digest_only"]],
            }
        )
    return sections
