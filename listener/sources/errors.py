"""What a source poll can fail with, and what the scheduler does about each.

    SourceError                 any failure of one poll; the message is shown to the user as is
    ├── TransientError          try again later, with exponential backoff (timeouts, 5xx, a
    │   │                       connection refused, a response over the size cap)
    │   ├── RateLimited         the server asked us to slow down (429, 503 + Retry-After);
    │   │                       ``retry_after_s`` stretches the next check
    │   └── ServerRefused       a stream's server answered the connect with an HTTP error
    │                           (5xx, an unexpected status): streams back off exponentially
    │                           from it, where a dropped connection is retried at once
    └── PermanentError          polling again cannot help (401, 403, 404, 410, a bad option):
                                the source is parked with this reason until a person acts

Sources raise these and let the scheduler log, count and reschedule; they never
retry or sleep themselves.
"""

from __future__ import annotations


class SourceError(Exception):
    """A poll failed. ``str(error)`` is written for the person reading ``listener sources``."""


class TransientError(SourceError):
    """Worth retrying later. ``retry_after_s`` is the server's own hint, if it gave one."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class RateLimited(TransientError):
    """The server said "too many requests"; honour ``retry_after_s`` before asking again."""


class ServerRefused(TransientError):
    """A stream's connect was answered with an HTTP error that retrying may cure (5xx)."""


class PermanentError(SourceError):
    """Retrying will not help: the source is parked until a person fixes and unparks it."""
