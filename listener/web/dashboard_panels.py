"""The dashboard's panels by name: each is one call of the store's statistics
(``listener.store.stats``) over a scope, made into its response model. The page, the JSON
API and the CSV all come through ``panel`` (one implementation per number)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from listener.store.stats import (
    Dimension,
    breakdown,
    complaints,
    headline,
    response,
    share_of_voice,
    volume,
)
from listener.store.stats.scope import StatsScope
from listener.web.context import WebContext
from listener.web.dashboard_convert import (
    breakdown_out,
    complaints_out,
    headline_out,
    response_out,
    share_of_voice_out,
    volume_out,
)
from listener.web.dashboard_models import PanelOut

PanelName = Literal[
    "headline",
    "volume",
    "complaints",
    "share-of-voice",
    "topics",
    "feelings",
    "sources",
    "languages",
    "response",
]
PANEL_NAMES: tuple[PanelName, ...] = get_args(PanelName)
# The breakdown panels and the dimension each counts.
BREAKDOWNS: dict[str, Dimension] = {"topics": "topic", "feelings": "feeling",
                                    "sources": "source", "languages": "language"}  # fmt: skip


def _headline(context: WebContext, scope: StatsScope) -> PanelOut:
    now = headline(context.store, scope)
    # The median first response has no count in the rollups: the previous period's is read
    # from its alerts (the counts' previous values come with ``now``).
    before = headline(context.store, scope.previous())
    return headline_out(scope, now, before)


def _response(context: WebContext, scope: StatsScope) -> PanelOut:
    sla = context.settings.alerts.sla
    if sla is None:
        found = response(context.store, scope, now=context.clock(), sla_within=None)
    else:
        found = response(
            context.store, scope, now=context.clock(), sla_within=sla.ack_within,
            sla_kinds=sla.kinds, sla_min_severity=sla.min_severity,
        )  # fmt: skip
    return response_out(scope, found)


def _breakdown(name: str) -> Callable[[WebContext, StatsScope], PanelOut]:
    dimension = BREAKDOWNS[name]

    def counted(context: WebContext, scope: StatsScope) -> PanelOut:
        return breakdown_out(scope, breakdown(context.store, scope, dimension))

    return counted


_BUILDERS: dict[str, Callable[[WebContext, StatsScope], PanelOut]] = {
    "headline": _headline,
    "volume": lambda c, s: volume_out(s, volume(c.store, s)),
    "complaints": lambda c, s: complaints_out(s, complaints(c.store, s)),
    "share-of-voice": lambda c, s: share_of_voice_out(s, share_of_voice(c.store, s)),
    **{name: _breakdown(name) for name in BREAKDOWNS},
    "response": _response,
}


def panel(name: str, context: WebContext, scope: StatsScope) -> PanelOut:
    """Panel ``name`` (one of ``PANEL_NAMES``) over ``scope``."""
    return _BUILDERS[name](context, scope)


def all_panels(context: WebContext, scope: StatsScope) -> dict[str, PanelOut]:
    """Every panel of the page, each counted once."""
    return {name: panel(name, context, scope) for name in PANEL_NAMES}
