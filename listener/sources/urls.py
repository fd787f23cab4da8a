"""URLs fit for a log line, an error message or a stored error: what is secret in one blanked.

Kept apart from ``listener.sources.http`` (which re-exports both names) so that the feed
parse worker, which needs these and nothing of HTTP, starts without httpx and pydantic:
~16 MB less for each worker (see ``listener.sources.feed_worker``).
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote_plus, urlsplit, urlunsplit

from listener.redaction import redact

# Query parameters whose values must never reach a log line or an error message: names
# ending like a credential (api_key, accessToken, X-Api-Key, sig) or mentioning a secret.
# Matching on the ending keeps harmless names such as "keywords" or "author" readable.
_SECRET_PARAM = re.compile(
    r"(key|token|passw(or)?d|pwd|sig|signature|auth|credentials?)$|secret|password", re.I
)


def redact_url(url: str) -> str:
    """``url`` fit for a log line or an error message: secret-looking query values, any
    userinfo password and every ``${VAR}`` secret in force (in the path, in a parameter of
    any name) replaced by ``REDACTED``; everything else kept verbatim."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable url>"
    return redact(_redact_by_name(parts))


def _redact_by_name(parts: SplitResult) -> str:
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:REDACTED@{hostport}" if has_password else netloc
    pairs = []
    for pair in parts.query.split("&") if parts.query else []:
        name, sep, _ = pair.partition("=")
        if sep and _SECRET_PARAM.search(unquote_plus(name)):
            pair = f"{name}=REDACTED"
        pairs.append(pair)
    path = parts.path
    if is_google_host(parts.hostname) and path.startswith(_GOOGLE_ALERTS_PATH):
        # A Google Alerts feed has no auth: its address is the secret.
        path = _GOOGLE_ALERTS_PATH + "REDACTED"
    return urlunsplit((parts.scheme, netloc, path, "&".join(pairs), parts.fragment))


_GOOGLE_ALERTS_PATH = "/alerts/feeds/"
# google.com, google.de, google.co.uk, and any subdomain of those (www., news.…).
_GOOGLE_HOST = re.compile(r"(?:[a-z0-9-]+\.)*google\.[a-z]{2,3}(?:\.[a-z]{2})?")


def is_google_host(host: str | None) -> bool:
    """Whether ``host`` (as ``urlsplit(...).hostname`` gives it) is one of Google's sites:
    google.com or a country domain (google.de, google.co.uk), or a subdomain of one."""
    return host is not None and _GOOGLE_HOST.fullmatch(host.lower().rstrip(".")) is not None
