"""A dashboard panel as CSV (``/api/v1/stats/{panel}.csv``): a header row, then the panel's
rows, the same numbers as its JSON.

Names of brands, topics, sources, authors and words come from the internet (or from people
who type them): a cell a spreadsheet would run as a formula is prefixed with an apostrophe,
as the search export does (``listener.web.search_export.safe_cell``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from listener.web.dashboard_models import (
    BreakdownOut,
    ComplaintsOut,
    EngagedMentionsOut,
    HeadlineOut,
    PanelOut,
    ResponseOut,
    RisingTermsOut,
    ShareOfVoiceOut,
    TopAuthorsOut,
    VolumeOut,
)
from listener.web.search_export import safe_cell

Table = tuple[Sequence[str], Iterable[Sequence[Any]]]


def _cell(value: Any) -> str | int | float:
    if isinstance(value, datetime):
        return value.isoformat()
    return safe_cell(value)


def _headline(p: HeadlineOut) -> Table:
    header = ("figure", "value", "previous")
    rows = [
        ("mentions", p.mentions, p.previous_mentions),
        ("negative", p.negative, p.previous_negative),
        ("negative_share", p.negative_share, p.previous_negative_share),
        ("complaints", p.complaints, p.previous_complaints),
        ("complaint_rate", p.complaint_rate, p.previous_complaint_rate),
        ("first_response_median_s", p.first_response_median_s, p.previous_first_response_median_s),
        ("open_alerts", p.open_alerts, None),
    ]
    return header, rows


def _volume(p: VolumeOut) -> Table:
    header = ("start", "end", "negative", "neutral", "positive", "unknown", "total")
    rows = [
        (b.start, b.end, b.negative, b.neutral, b.positive, b.unknown, b.total) for b in p.buckets
    ]
    return header, rows


def _complaints(p: ComplaintsOut) -> Table:
    header = ("start", "end", "complaints", "mentions", "complaint_rate", "previous_start",
              "previous_complaints", "previous_mentions", "previous_complaint_rate")  # fmt: skip
    rows = [
        (b.start, b.end, b.complaints, b.mentions, b.rate,
         b.previous_start, b.previous_complaints, b.previous_mentions, b.previous_rate)
        for b in p.buckets
    ]  # fmt: skip
    return header, rows


def _share(p: ShareOfVoiceOut) -> Table:
    header = ("brand", "mentions", "share", "negative", "negative_share")
    rows = [(b.brand, b.mentions, b.share, b.negative, b.negative_share) for b in p.brands]
    return header, rows


def _breakdown(p: BreakdownOut) -> Table:
    header = (p.dimension, "mentions", "previous", "change", "change_ratio", "share")
    rows = [(r.value, r.count, r.previous, r.change, r.change_ratio, r.share) for r in p.rows]
    return header, rows


def _rising(p: RisingTermsOut) -> Table:
    header = ("term", "mentions", "previous_mentions", "ratio")
    return header, [(t.term, t.mentions, t.previous_mentions, t.ratio) for t in p.terms]


def _authors(p: TopAuthorsOut) -> Table:
    header = ("source_type", "handle", "name", "url", "reach", "mentions")
    rows = [(a.source_type, a.handle, a.name, a.url, a.reach, a.mentions) for a in p.authors]
    return header, rows


def _engaged(p: EngagedMentionsOut) -> Table:
    header = (
        "mention_id",
        "source",
        "published_at",
        "author",
        "title",
        "excerpt",
        "url",
        "engagement",
        "sentiment",
        "complaint",
    )
    rows = [
        (
            m.mention_id,
            m.source,
            m.published_at,
            m.author,
            m.title,
            m.excerpt,
            m.source_url,
            m.engagement,
            m.sentiment,
            m.complaint,
        )
        for m in p.mentions
    ]
    return header, rows


def _response(p: ResponseOut) -> Table:
    # One table for three lists: each row says what it is (a total, an age, an assignee).
    header = (
        "row",
        "name",
        "alerts",
        "open",
        "first_response_median_s",
        "first_response_p90_s",
        "resolve_median_s",
        "resolve_p90_s",
    )
    rows: list[Sequence[Any]] = [
        (
            "total",
            "",
            p.alerts,
            sum(a.count for a in p.open_by_age),
            p.first_response.median_s,
            p.first_response.p90_s,
            p.resolve.median_s,
            p.resolve.p90_s,
        ),
        ("sla", f"met {p.sla_met} of {p.sla_alerts}", p.sla_alerts, None, None, None, None, None),
    ]
    rows += [("open_by_age", a.label, None, a.count, None, None, None, None) for a in p.open_by_age]
    rows += [
        (
            "assignee",
            a.assignee or "(nobody)",
            a.alerts,
            a.open,
            a.first_response.median_s,
            a.first_response.p90_s,
            a.resolve.median_s,
            a.resolve.p90_s,
        )
        for a in p.per_assignee
    ]
    return header, rows


def panel_table(out: PanelOut) -> Table:
    """The header and rows of a panel."""
    if isinstance(out, HeadlineOut):
        return _headline(out)
    if isinstance(out, VolumeOut):
        return _volume(out)
    if isinstance(out, ComplaintsOut):
        return _complaints(out)
    if isinstance(out, ShareOfVoiceOut):
        return _share(out)
    if isinstance(out, BreakdownOut):
        return _breakdown(out)
    if isinstance(out, RisingTermsOut):
        return _rising(out)
    if isinstance(out, TopAuthorsOut):
        return _authors(out)
    if isinstance(out, EngagedMentionsOut):
        return _engaged(out)
    return _response(out)


def panel_csv(out: PanelOut) -> str:
    """The panel as CSV text (UTF-8 with a byte-order mark, so Excel reads names right)."""
    header, rows = panel_table(out)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return "\ufeff" + buffer.getvalue()
