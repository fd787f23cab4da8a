"""The inbox's keyset cursor: the last row's (rank, created_at, id), opaque to clients and
checked on the way back in, so a forged cursor is a 400, never a query."""

from __future__ import annotations

import base64
import binascii
import json

from fastapi import HTTPException

from listener.store.inbox_reads import InboxKey
from listener.web.inbox_models import MAX_ID


def encode_cursor(key: InboxKey) -> str:
    raw = json.dumps([key.rank, key.created_at, key.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> InboxKey:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        rank, created_at, alert_id = json.loads(raw)
        if not (
            isinstance(rank, int) and isinstance(created_at, str) and isinstance(alert_id, int)
        ):
            raise ValueError("wrong types")
        if not (0 <= rank <= 3 and 0 <= alert_id <= MAX_ID and len(created_at) <= 40):
            raise ValueError("out of range")
    except (ValueError, TypeError, binascii.Error) as error:
        raise HTTPException(400, "cursor is not one this server gave out") from error
    return InboxKey(rank, created_at, alert_id)
