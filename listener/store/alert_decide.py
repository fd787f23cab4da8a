"""``decide_alerts_on``: the alert rules run on a batch's new mentions inside its write
transaction, in a savepoint, so that a rule's bug on one mention costs that mention's
alerts, not the batch.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from listener.logs import fields
from listener.models import Mention
from listener.store.alert_contract import OnStored
from listener.store.alerts import SqliteAlertTx

log = logging.getLogger("listener.store")

# How many mention ids the log names when the rules failed on them.
_FAILED_IDS_LOGGED = 20


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """Undo the block's writes if it raises, keeping the enclosing transaction."""
    conn.execute("SAVEPOINT alert_rules")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # else SQLite rolled the whole transaction back itself
            conn.execute("ROLLBACK TO alert_rules")
            conn.execute("RELEASE alert_rules")
        raise
    conn.execute("RELEASE alert_rules")


def decide_alerts_on(conn: sqlite3.Connection, on_stored: OnStored, new: list[Mention]) -> None:
    """Run the alert rules on the new mentions inside the batch's transaction.

    A failure of the database rolls the whole batch back, to be retried whole. A rule's
    own bug must not: the same mention comes back at every poll (a cursor never moves past
    it), so the source would store nothing more, ever. So the rules run again one mention
    at a time, each in its own savepoint; a mention they still fail on is stored without
    its alerts, and the log names it with the error.
    """
    tx = SqliteAlertTx(conn)
    try:
        with _savepoint(conn):
            on_stored(tx, new)
        return
    except sqlite3.Error:
        raise
    except Exception as error:
        batch_error = error
    failed: list[str] = []
    first: Exception | None = None
    for mention in new:
        try:
            with _savepoint(conn):
                on_stored(tx, [mention])
        except sqlite3.Error:
            raise
        except Exception as error:
            failed.append(mention.id)
            first = first or error
    if first is None:
        log.warning(
            "alert rules failed on a batch but on none of its mentions alone; decided one"
            " at a time",
            exc_info=batch_error,
            extra=fields(mentions=len(new)),
        )
        return
    shown = ",".join(failed[:_FAILED_IDS_LOGGED])
    log.error(
        "alert rules failed on %d new mention(s): stored without their alerts (a bug in a"
        " rule: the traceback says where)",
        len(failed),
        exc_info=first,
        extra=fields(failed=len(failed), mention_ids=shown, mentions=len(new)),
    )
