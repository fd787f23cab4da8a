"""Where a person's action moves an alert: the one set of transitions that ``listener alerts``
and the web inbox both follow.

A move is decided on the alert as read, then written with ``Store.set_alert_state`` (which
records the event only when the state changes). Refusals are codes, not sentences: the
terminal and the web each say what to do in their own words.
"""

from __future__ import annotations

from enum import StrEnum

from listener.models import Alert, AlertState


class Move(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    REPLY = "reply"
    RESOLVE = "resolve"
    IGNORE = "ignore"
    REOPEN = "reopen"


class Refusal(StrEnum):
    # Acknowledge or reply on a resolved or ignored alert: it is reopened first, on purpose.
    CLOSED = "closed"
    # Reopen an alert that is open.
    OPEN_ALREADY = "open_already"


# How far an open alert has come: acknowledging one already replied to (a teammate
# answered meanwhile) must not move it back and make it look unanswered.
PROGRESS = {AlertState.NEW: 0, AlertState.ACKNOWLEDGED: 1, AlertState.REPLIED: 2}

_FORWARD = {Move.ACKNOWLEDGE: AlertState.ACKNOWLEDGED, Move.REPLY: AlertState.REPLIED}
_CLOSE = {Move.RESOLVE: AlertState.RESOLVED, Move.IGNORE: AlertState.IGNORED}


def forward(alert: Alert, state: AlertState) -> tuple[AlertState, Refusal | None]:
    """Acknowledge or reply: only an open alert. One already further along stays where it
    is (unchanged, so no event is recorded)."""
    if not alert.state.is_open:
        return state, Refusal.CLOSED
    if PROGRESS.get(alert.state, 0) > PROGRESS.get(state, 0):
        return alert.state, None
    return state, None


def reopened(alert: Alert) -> tuple[AlertState, Refusal | None]:
    """Back to where it was before it was closed, as far as its timestamps tell: someone
    who already acknowledged it keeps it acknowledged (the SLA does not fire again)."""
    if alert.state.is_open:
        return alert.state, Refusal.OPEN_ALREADY
    if alert.replied_at is not None:
        return AlertState.REPLIED, None
    if alert.acknowledged_at is not None:
        return AlertState.ACKNOWLEDGED, None
    return AlertState.NEW, None


def target(move: Move, alert: Alert) -> tuple[AlertState, Refusal | None]:
    """The state ``move`` takes ``alert`` to, or why it may not."""
    if move in _FORWARD:
        return forward(alert, _FORWARD[move])
    if move in _CLOSE:
        return _CLOSE[move], None
    return reopened(alert)
