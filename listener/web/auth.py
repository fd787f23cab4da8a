"""Who is asking, and what they may do.

Roles are ordered: a viewer searches and reads, an agent also acts on alerts and labels
mentions, an admin also manages users and tokens. Routes declare the least role they need with
``Depends(require(Role.AGENT))``; ``current_principal`` works out who is asking (session
cookie, API token, or — on a loopback address with no accounts — the local operator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from fastapi import HTTPException, Request


class Role(IntEnum):
    VIEWER = 1
    AGENT = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    # "local" (loopback, no accounts), "session" (browser) or "token" (API script): a
    # session needs a CSRF token on every state change, a bearer token does not.
    via: str

    def may(self, role: Role) -> bool:
        return self.role >= role


LOCAL_OPERATOR = Principal(name="local", role=Role.ADMIN, via="local")


async def current_principal(request: Request) -> Principal:
    """The principal of this request; raises 401 when nobody is signed in."""
    # Until accounts exist, the app only runs on loopback (see app.create_app).
    return LOCAL_OPERATOR


def require(role: Role) -> Callable[[Request], object]:
    """A dependency that lets ``role`` and above through and refuses the rest with 403."""

    async def dependency(request: Request) -> Principal:
        who = await current_principal(request)
        if not who.may(role):
            raise HTTPException(status_code=403, detail=f"needs the {role.label} role")
        return who

    return dependency
