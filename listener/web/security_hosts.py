"""The Host check (DNS rebinding): a page on an attacker's name that resolves to 127.0.0.1
makes the browser send that name in ``Host``; only loopback names, ``web.host``, the host of
``alerts.base_url`` and ``web.allowed_hosts`` are answered (``AllowedHosts``), plus a loopback
name on the port the server really listens on.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import Scope

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def _bracketed(host: str) -> str:
    # An IPv6 address appears in a Host header in brackets: [::1]:8650.
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class AllowedHosts:
    """The Host header values this app answers to."""

    def __init__(
        self,
        *,
        web_host: str,
        ports: Iterable[int],
        base_url: str | None = None,
        extra: Iterable[str] = (),
    ) -> None:
        self.exact: set[str] = set()
        self.any_port: set[str] = set()
        names = [*LOOPBACK_NAMES]
        if web_host not in ("0.0.0.0", "::", ""):
            names.append(_bracketed(web_host.lower()))
        for name in names:
            for port in ports:
                self.exact.add(f"{name}:{port}")
            if 80 in ports:
                self.exact.add(name)
        if base_url:
            parts = urlsplit(base_url)
            if parts.hostname:
                name = _bracketed(parts.hostname.lower())
                default = 443 if parts.scheme == "https" else 80
                port = parts.port or default
                self.exact.add(f"{name}:{port}")
                if port == default:
                    self.exact.add(name)
        for entry in extra:
            if entry.endswith("]") or ":" not in entry:
                self.any_port.add(entry)
            else:
                self.exact.add(entry)

    def allows(self, host_header: str) -> bool:
        host = host_header.strip().lower()
        if host in self.exact:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in self.any_port


def host_allowed(allowed_hosts: AllowedHosts | None, scope: Scope, headers: Headers) -> bool:
    if allowed_hosts is None:
        return True
    host = headers.get("host")
    if host is None:
        return False
    if allowed_hosts.allows(host):
        return True
    # The port the server really listens on (a test's free port, `listener web --port`).
    server = scope.get("server")
    if server and server[1]:
        name, _, port = host.lower().rpartition(":")
        return port == str(server[1]) and name in LOOPBACK_NAMES
    return False
