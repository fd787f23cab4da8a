"""Jetstream v1 events as lines for the local replay server (tests/jetstream_server.py):
the captures of tests/fixtures/jetstream/ (provenance in its README), one post made to
order, and a burst of distinct posts built from a captured one."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

FIXTURES = Path(__file__).parent / "fixtures" / "jetstream"
POST = "app.bsky.feed.post"


def capture_lines(name: str) -> list[str]:
    """The lines of one fixture file (a ``.jsonl`` capture or a one-event ``.json``)."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        return [json.dumps(json.loads(text), separators=(",", ":"))]
    return [line for line in text.splitlines() if line.strip()]


def post_line(
    text: str,
    *,
    time_us: int,
    did: str = "did:plc:jetstreamtest0000000000",
    rkey: str | None = None,
    operation: Literal["create", "update"] = "create",
    created_at: str | None = None,
) -> str:
    """One post create (or update) in the v1 wire shape, for the live path of a test.

    ``created_at`` defaults to the event's own time, as for a post just written (alert
    rules leave old posts alone)."""
    if created_at is None:
        moment = datetime.fromtimestamp(time_us / 1_000_000, UTC)
        created_at = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(
        {
            "did": did,
            "time_us": time_us,
            "kind": "commit",
            "commit": {
                "rev": "3mptbyplt4524",
                "operation": operation,
                "collection": POST,
                "rkey": rkey or f"t{time_us}",
                "record": {
                    "$type": POST,
                    "createdAt": created_at,
                    "langs": ["en"],
                    "text": text,
                },
                "cid": "bafyreif3yyrzwtq3bc6verdxc764qa3u3lbxrhdyaacgawuke2k36dvu34",
            },
        },
        separators=(",", ":"),
    )


def burst_lines(n: int, *, start_us: int = 1_783_175_900_000_000) -> list[str]:
    """``n`` distinct post creates, one microsecond apart, built from a real captured post."""
    template = json.loads(capture_lines("commit_create_post_plain_lang_ja.json")[0])
    out = []
    for i in range(n):
        event = copy.deepcopy(template)
        event["time_us"] = start_us + i
        event["commit"]["rkey"] = f"burst{i:07d}"
        event["commit"]["record"]["text"] = f"burst post {i}"
        out.append(json.dumps(event, separators=(",", ":")))
    return out
