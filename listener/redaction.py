"""The secrets of this process, and the one redactor every output uses.

Every value that came from a ``${VAR}`` in settings.yaml is a secret wherever it ends up: a
feed URL's path, a query parameter of any name, a header, a webhook URL's path token, an
error body in which a receiver echoes the URL back. Guessing from names (``api_key``,
``token``) misses ``?id=${FEED_TOKEN}``, so the settings loader collects the substituted
values and the command that loaded them puts them in force here (``remember_secrets``);
then ``redact`` blanks them in any text, and ``RedactSecrets`` does it for every log record.

It is shared ground (it imports nothing of listener) because every output path uses it: the
sources' own error messages (``http.redact_url``), the config errors, the alert channels and
the outbox, the service's stored error text and the CLI's renderers.

A value shorter than ``MIN_SECRET_CHARS`` is not blanked: it would blank ordinary words and
numbers (``${PORT}``, ``${LANG}``) everywhere, and no real token is that short.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

REDACTED = "REDACTED"
MIN_SECRET_CHARS = 6

_lock = threading.Lock()
_in_force: frozenset[str] = frozenset()
_forms: tuple[str, ...] = ()  # every written form of the secrets, longest first


def secret_forms(values: Iterable[str]) -> tuple[str, ...]:
    """The forms in which ``values`` can appear in output, longest first: as written, and
    percent-encoded as a URL path or query carries them (httpx encodes what it sends)."""
    forms: set[str] = set()
    for value in values:
        if len(value) < MIN_SECRET_CHARS:
            continue
        forms.update((value, quote(value, safe=""), quote(value), quote_plus(value)))
        forms.update((quote(value, safe="/:@=&?+,;"), quote(value, safe="/:@=&?")))
    return tuple(sorted(forms, key=len, reverse=True))


def redact_values(text: str, forms: tuple[str, ...]) -> str:
    """``text`` with every form in ``forms`` (from ``secret_forms``) replaced by REDACTED."""
    for form in forms:
        if form in text:
            text = text.replace(form, REDACTED)
    return text


def url_secret_parts(url: str) -> list[str]:
    """The parts of a URL that is itself a secret (a webhook's) which a receiver may echo
    on their own: its path, and the path segments and parameter values that look like
    tokens — a digit and 8 characters, or 16 characters (Slack's ``/services/T…/B…/X…``,
    Discord's ``/api/webhooks/ID/TOKEN``, Teams' ``sig=``, any ``?token=``)."""
    try:
        parts = urlsplit(url)
        values = [value for _, value in parse_qsl(parts.query, keep_blank_values=True)]
    except ValueError:
        return []
    found = [parts.path] if len(parts.path) >= MIN_SECRET_CHARS else []
    for piece in [*parts.path.split("/"), *values]:
        if len(piece) >= 16 or (len(piece) >= 8 and any(char.isdigit() for char in piece)):
            found.append(piece)
    return found


def remember_secrets(values: Iterable[str]) -> None:
    """Treat ``values`` as secrets in every output of this process, with the ones already
    known (a reloaded settings file adds its own: old errors may still be shown)."""
    global _in_force, _forms
    with _lock:
        _in_force = _in_force | frozenset(values)
        _forms = secret_forms(_in_force)


def forget_secrets() -> None:
    """Stop treating any value as a secret (the end of a command that loaded settings)."""
    global _in_force, _forms
    with _lock:
        _in_force, _forms = frozenset(), ()


def redact(text: str) -> str:
    """``text`` without any secret in force: fit for a log line, a terminal, a stored error."""
    forms = _forms
    return redact_values(text, forms) if forms and text else text


class RedactSecrets(logging.Filter):
    """A handler filter that takes the secrets out of a record before any formatter sees
    it: its message and arguments, its structured ``fields`` and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _forms:
            return True
        message = record.getMessage()
        if record.exc_info:
            # Our formatter formats exc_info itself, so the traceback joins the message.
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = redact(message), None
        fields: dict[str, Any] | None = getattr(record, "fields", None)
        if fields:
            record.fields = {key: _redacted_value(value) for key, value in fields.items()}
        return True


def _redacted_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned
