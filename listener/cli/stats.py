"""``listener stats``: the dashboard's headline figures in a terminal or as JSON, for a
brand (or all) over a range, each against the period of the same length before it.

The range is the dashboard's: ``--since 30d`` ends at the next whole hour and starts 30
days before; ``--since 2026-11-01`` starts at that midnight UTC (``--until`` likewise,
exclusive, else the next whole hour). Exit codes as for every command: 2 for a bad option
(the message names it) or bad settings.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import click

from listener.cli.common import config_option, load_or_exit, no_store_yet
from listener.cli.render import terminal_safe
from listener.clock import ensure_utc, utcnow
from listener.store.stats.models import Durations, Headline
from listener.store.stats.scope import ScopeError, StatsScope, ceil_hour, scope_for
from listener.units import format_duration, parse_duration


def _moment(value: str, flag: str, end: datetime) -> datetime:
    """A duration before ``end``, a date (its midnight UTC), or an ISO time with a zone."""
    try:
        return end - parse_duration(value)
    except (ValueError, OverflowError):
        pass
    try:
        return ensure_utc(datetime.fromisoformat(value))
    except (ValueError, OverflowError):
        raise click.BadParameter(
            "use a duration such as 24h, 7d or 30d, or a date such as 2026-11-01",
            param_hint=flag,
        ) from None


def scope_of(brand: str | None, since: str, until: str | None, now: datetime) -> StatsScope:
    """The range the options name, as the dashboard reads its URL."""
    end = ceil_hour(now)
    stop = _moment(until, "--until", end) if until else end
    start = _moment(since, "--since", stop)
    try:
        return scope_for(brand, start, stop)
    except ScopeError as error:
        raise click.BadParameter(str(error), param_hint="--since/--until") from None


def _count_change(now: int, before: int) -> str:
    if not before:
        return "new" if now else "—"
    return f"{(now - before) / before:+.1%}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _points(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "—"
    return f"{(now - before) * 100:+.1f} pts"


def _duration(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(timedelta(seconds=round(seconds)))


def render_headline(scope: StatsScope, found: Headline) -> str:
    """The figures as an aligned table under a line naming the brand and both periods."""
    before = scope.previous()
    who = terminal_safe(scope.brand) if scope.brand else "all brands"
    rows = [
        ("", "now", "before", "change"),
        ("mentions", f"{found.mentions:,}", f"{found.previous_mentions:,}",
         _count_change(found.mentions, found.previous_mentions)),
        ("negative share", _share(found.negative_share), _share(found.previous_negative_share),
         _points(found.negative_share, found.previous_negative_share)),
        ("complaints", f"{found.complaints:,}", f"{found.previous_complaints:,}",
         _count_change(found.complaints, found.previous_complaints)),
        ("complaint rate", _share(found.complaint_rate), _share(found.previous_complaint_rate),
         _points(found.complaint_rate, found.previous_complaint_rate)),
        ("median first response", _duration(found.first_response.median_s), "", ""),
        ("open alerts", f"{found.open_alerts:,}", "", ""),
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        f"{who}: {_when(scope.since)} to {_when(scope.until)} UTC,"
        f" against {_when(before.since)} to {_when(before.until)}"
    ]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _durations(d: Durations) -> dict[str, Any]:
    return {"count": d.count, "median_s": d.median_s, "p90_s": d.p90_s}


def headline_as_json(scope: StatsScope, found: Headline) -> dict[str, Any]:
    before = scope.previous()
    return {
        "brand": scope.brand,
        "since": scope.since.isoformat(),
        "until": scope.until.isoformat(),
        "previous_since": before.since.isoformat(),
        "previous_until": before.until.isoformat(),
        "mentions": found.mentions,
        "previous_mentions": found.previous_mentions,
        "negative": found.negative,
        "previous_negative": found.previous_negative,
        "negative_share": found.negative_share,
        "previous_negative_share": found.previous_negative_share,
        "complaints": found.complaints,
        "previous_complaints": found.previous_complaints,
        "complaint_rate": found.complaint_rate,
        "previous_complaint_rate": found.previous_complaint_rate,
        "first_response": _durations(found.first_response),
        "open_alerts": found.open_alerts,
    }


@click.command()
@config_option
@click.option("--brand", help="Only this brand (a configured one) [default: all brands].")
@click.option(
    "--since",
    default="7d",
    show_default=True,
    help="Start: a duration before --until (24h, 7d, 30d…) or a date such as 2026-11-01.",
)
@click.option("--until", help="End, exclusive: same forms [default: the next whole hour].")
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
def stats(
    config_path: str | None, brand: str | None, since: str, until: str | None, as_json: bool
) -> None:
    """Headline figures: mentions, negative share, complaints and their rate against the
    previous period of the same length; median first response; open alerts."""
    from listener.config.engine import open_configured_store
    from listener.store.stats import headline

    settings = load_or_exit(config_path, polls=False)
    if brand is not None:
        known = {b.name.lower(): b.name for b in settings.brands}
        if brand.strip().lower() not in known:
            raise click.BadParameter(
                f"no brand named {terminal_safe(brand)!r}; configured: "
                f"{', '.join(sorted(known.values())) or 'none'}",
                param_hint="--brand",
            )
        brand = known[brand.strip().lower()]
    scope = scope_of(brand, since, until, utcnow())
    if (missing := no_store_yet(settings)) is not None:
        click.echo(missing)
        return
    with open_configured_store(settings.storage) as store:
        found = headline(store, scope)
    if as_json:
        click.echo(json.dumps(headline_as_json(scope, found), ensure_ascii=False))
    else:
        click.echo(render_headline(scope, found))
