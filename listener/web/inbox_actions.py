"""Acting on alerts — acknowledge, assign, mark replied, resolve, ignore, reopen, snooze —
once for the pages and the API, one alert or a selection.

The state moves are ``alerts.workflow``'s, the same as ``listener alerts``; each action is
recorded in the alert's history with the principal's name and the time.
"""

from __future__ import annotations

from fastapi import HTTPException

from alerts import workflow
from alerts.workflow import Move, Refusal
from listener.models import Alert, AlertState
from listener.store import inbox_writes
from listener.store.base import UnknownAlert
from listener.web.auth import Principal
from listener.web.context import WebContext
from listener.web.inbox_models import (
    Action,
    ActionBody,
    AlertSummary,
    BulkBody,
    BulkOutcome,
    BulkResult,
)
from listener.web.inbox_views import one_row

_MOVES: dict[str, Move] = {
    "acknowledge": Move.ACKNOWLEDGE,
    "resolve": Move.RESOLVE,
    "ignore": Move.IGNORE,
    "reopen": Move.REOPEN,
}


def _refusal_text(alert: Alert, refusal: object) -> str:
    if refusal == Refusal.OPEN_ALREADY:
        return f"alert #{alert.id} is open already ({alert.state.value})"
    return f"alert #{alert.id} is {alert.state.value}; reopen it first"


def _decide(move: Move) -> inbox_writes.Decide:
    def decide(alert: Alert) -> tuple[AlertState, object | None]:
        return workflow.target(move, alert)

    return decide


def act(
    context: WebContext, who: Principal, alert_id: int, action: Action, body: ActionBody
) -> AlertSummary:
    """Do ``action`` on one alert; 404 for an unknown alert, 409 when the move is refused
    (e.g. acknowledging a resolved alert), 422 when the action lacks what it needs."""
    store, now = context.store, context.clock()
    try:
        if action in _MOVES:
            alert, refusal = inbox_writes.move(
                store, alert_id, _decide(_MOVES[action]), at=now, by=who.name
            )
        elif action == "reply":
            alert, refusal = inbox_writes.mark_replied(
                store, alert_id, _decide(Move.REPLY), body.reply, at=now, by=who.name
            )
        elif action == "assign":
            if body.assignee is None and not body.note.strip():
                raise HTTPException(422, "assign needs an assignee (empty to clear it)")
            inbox_writes.assign(store, alert_id, body.assignee, body.note, at=now, by=who.name)
            refusal = None
        elif action == "snooze":
            _snooze(context, who, alert_id, body)
            refusal = None
        elif action == "unsnooze":
            inbox_writes.unsnooze(store, alert_id, at=now, by=who.name)
            refusal = None
        else:  # pragma: no cover - Action is a closed set
            raise HTTPException(404, f"no action {action!r}")
    except UnknownAlert as error:
        raise HTTPException(404, f"no alert with id {alert_id}") from error
    if refusal is not None:
        raise HTTPException(409, _refusal_text(alert, refusal))
    return one_row(context, alert_id)


def _snooze(context: WebContext, who: Principal, alert_id: int, body: ActionBody) -> None:
    now = context.clock()
    if body.until is None and not body.until_escalation:
        raise HTTPException(422, "snooze needs a time (until) or until_escalation")
    until = body.until
    if until is not None:
        if until.tzinfo is None:
            raise HTTPException(422, "until needs a time zone (e.g. 2026-12-05T18:00Z)")
        if until <= now:
            raise HTTPException(422, "until is in the past: nothing to snooze")
    alert = context.store.get_alert(alert_id)
    if alert is None:
        raise UnknownAlert(alert_id)
    if not alert.state.is_open:
        raise HTTPException(
            409, f"alert #{alert_id} is {alert.state.value}: only open alerts snooze"
        )
    inbox_writes.snooze(context.store, alert_id, until, at=now, by=who.name)


def act_on_many(context: WebContext, who: Principal, body: BulkBody) -> BulkResult:
    """The same action on each selected alert, each on its own: one refused (closed
    already, unknown) does not stop the others, and each outcome says what happened."""
    outcomes: list[BulkOutcome] = []
    for alert_id in dict.fromkeys(body.ids):
        try:
            row = act(context, who, alert_id, body.action, body)
        except HTTPException as refused:
            outcomes.append(BulkOutcome(id=alert_id, ok=False, problem=str(refused.detail)))
            continue
        outcomes.append(BulkOutcome(id=alert_id, ok=True, alert=row))
    done = sum(1 for o in outcomes if o.ok)
    return BulkResult(done=done, refused=len(outcomes) - done, outcomes=outcomes)
