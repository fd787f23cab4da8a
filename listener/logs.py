"""Log set-up: one line per event, ``key=value`` fields whose names carry their units.

Call sites pass fields with ``extra={"fields": {...}}`` so they stay machine-readable:
``log.warning("source failing", extra={"fields": {"source": name, "retry_in_s": 60}})``.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import regex

# Control characters, including C1 (U+0080–U+009F: U+009B starts a terminal escape), and
# bidi overrides: log values often carry internet text (a server's reason phrase, a feed's
# parse error), and a log is read in a terminal.
_UNSAFE = regex.compile(r"[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _quote(value: Any) -> str:
    text = str(value).replace("\\", "\\\\")
    safe = _UNSAFE.sub(lambda m: "\\n" if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text)
    if not safe or safe != text or any(c in safe for c in ' "='):
        return '"' + safe.replace('"', '\\"') + '"'
    return safe


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = f"{when} {record.levelname:<7} {record.name}: {record.getMessage()}"
        fields: dict[str, Any] = getattr(record, "fields", {}) or {}
        if fields:
            line += " " + " ".join(
                f"{key}={_quote(value)}" for key, value in fields.items() if value is not None
            )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(level: str | int = "INFO") -> None:
    """Send listener's logs to stderr in key=value form; quieten chatty libraries."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # elastic_transport logs each cluster request at INFO: one line per bulk send.
    for noisy in ("httpx", "httpcore", "apscheduler", "elastic_transport", "elasticsearch"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fields(**values: Any) -> dict[str, Any]:
    """``extra=`` payload for a structured log call."""
    return {"fields": values}
