"""The dashboard's panels by name: each is one call of the store's statistics
(``listener.store.stats``) over a scope, made into its response model. The page, the JSON
API and the CSV all come through ``panel`` (one implementation per number)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from listener.query.terms import query_words
from listener.store.stats import (
    Dimension,
    breakdown,
    complaints,
    engaged_mentions,
    headline,
    response,
    rising_terms,
    share_of_voice,
    top_authors,
    volume,
)
from listener.store.stats.headline import first_response
from listener.store.stats.scope import StatsScope
from listener.store.stats.sums import shared_sums
from listener.web.context import WebContext
from listener.web.dashboard_convert import (
    breakdown_out,
    complaints_out,
    engaged_out,
    headline_out,
    response_out,
    rising_terms_out,
    share_of_voice_out,
    top_authors_out,
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
    "rising-terms",
    "authors",
    "engaged",
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
    before = first_response(context.store, scope.previous())
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


def _rising_terms(context: WebContext, scope: StatsScope) -> PanelOut:
    # A brand's own query words rise with every mention of it: left out, as the spike
    # rule leaves them out (all brands: every brand's words).
    brands = [b for b in context.settings.brands if scope.brand in (None, b.name)]
    excluded = frozenset().union(*(query_words(b.query) for b in brands))
    return rising_terms_out(scope, rising_terms(context.store, scope, excluded=excluded))


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
    "rising-terms": _rising_terms,
    "authors": lambda c, s: top_authors_out(s, top_authors(c.store, s)),
    "engaged": lambda c, s: engaged_out(s, engaged_mentions(c.store, s)),
    "response": _response,
}


def panel(name: str, context: WebContext, scope: StatsScope) -> PanelOut:
    """Panel ``name`` (one of ``PANEL_NAMES``) over ``scope``."""
    return _BUILDERS[name](context, scope)


def all_panels(context: WebContext, scope: StatsScope) -> dict[str, PanelOut]:
    """Every panel of the page, each counted once; the sums several panels need (the
    range's and the previous period's totals, the bucketed counts) are read once for all."""
    with shared_sums():
        return {name: panel(name, context, scope) for name in PANEL_NAMES}
