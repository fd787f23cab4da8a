"""The web bench's fixture: who signs in (a session, an API token), a saved search and the
sources' state, made in the bench's store before the clock starts; and the shapes of what is
timed (``Call``: one request; ``Plan``: a route's timed series). ``web_plans`` says what to
ask of each route.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from typing import Any

from stores import SOURCES

from listener.models import SourceState
from listener.store import SQLiteStore, accounts
from listener.web.auth import SESSION_COOKIE, Principal, Role, session_policy
from listener.web.context import WebContext
from listener.web.inbox_views import InboxFilters, list_inbox
from listener.web.saved_search_views import save_search
from listener.web.search_views import form_from_params
from listener.web.security import CSRF_COOKIE

PASSWORD = "bench-password-not-secret"  # a throwaway store's: the bench signs in with it
EXPORT_ROWS = 1000
BULK = 10  # alerts per bulk action
OK = frozenset(range(200, 400))
OWN_PAGE = {"Sec-Fetch-Site": "same-origin"}  # what a browser says of a post from our page


@dataclass
class Call:
    method: str
    url: str
    headers: dict[str, str]
    json: Any = None
    form: dict[str, Any] | None = None
    # Untimed, just before the call: puts back what the last call used up (a parked source,
    # a session that "sign out everywhere" ended).
    before: Callable[[Call], None] | None = None


@dataclass
class Plan:
    method: str
    path: str  # the route's path as the app declares it
    variant: str
    make: Callable[[int], list[Call]]  # the calls of one timed series (warm-up included)
    until: Callable[[bytes], bool] | None = None  # a stream: read until this holds
    ok: frozenset[int] = OK

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def name(self) -> str:
        return self.route + (f" [{self.variant}]" if self.variant else "")


@dataclass
class Fixture:
    context: WebContext
    alert_ids: list[int]
    alert_mentions: list[str]
    authors: dict[str, tuple[str, str]]
    saved: str
    csrf: str
    session: str
    bearer: str
    newest_alert: int
    deep_cursor: str | None
    rng: random.Random = field(default_factory=lambda: random.Random(11))
    names: Iterator[int] = field(default_factory=count)

    @property
    def store(self) -> SQLiteStore:
        return self.context.store

    def unique(self, stem: str) -> str:
        return f"{stem}-{next(self.names)}"

    def page(self, *, post: bool = False, session: str | None = None) -> dict[str, str]:
        """A signed-in browser's headers (htmx's on a POST, from one of our pages)."""
        cookie = f"{SESSION_COOKIE}={session or self.session}; {CSRF_COOKIE}={self.csrf}"
        if not post:
            return {"Cookie": cookie}
        return {"Cookie": cookie, "X-CSRF-Token": self.csrf, "HX-Request": "true", **OWN_PAGE}

    def anonymous(self, *, post: bool = False) -> dict[str, str]:
        """A browser nobody is signed in on (it has the CSRF cookie of the login page)."""
        headers = {"Cookie": f"{CSRF_COOKIE}={self.csrf}"}
        return {**headers, "X-CSRF-Token": self.csrf, **OWN_PAGE} if post else headers

    def api(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bearer}"}


def prepare(context: WebContext) -> Fixture:
    """Who signs in, an API token, a saved search and the sources' state, in the store."""
    store, now = context.store, context.clock()
    admin = accounts.add_user(store, "ann", "admin", PASSWORD, now)
    accounts.add_user(store, "everywhere", "agent", PASSWORD, now)
    session = accounts.start_session(
        store, admin, "bench", now, session_policy(context.settings.web)
    )
    _token, bearer = accounts.create_token(store, "ann", "admin", "ann", now)
    saved = "Acme complaints"
    save_search(
        store, context.settings, saved, form_from_params({"q": "acme", "complaint": "yes"}),
        by="ann", at=now,
    )  # fmt: skip
    for n, (name, _type) in enumerate(SOURCES):
        store.save_source_state(
            SourceState(
                source=name, next_check_at=now + timedelta(minutes=10), last_attempt_at=now,
                last_success_at=now - timedelta(minutes=10 * n), error_count=n,
                last_error="HTTP 503 Service Unavailable" if n else None, items_total=333_333,
                last_new_items=12,
            )
        )  # fmt: skip
    with store._read() as conn:
        alert_ids = [r[0] for r in conn.execute("SELECT id FROM alerts ORDER BY id")]
        in_alerts = [r[0] for r in conn.execute("SELECT mention_id FROM alert_mentions LIMIT 500")]
        authors = conn.execute("SELECT count(*) FROM authors").fetchone()[0]
    who = Principal(name="ann", role=Role.ADMIN, via="session")
    cursor = None
    for _ in range(20):
        cursor = list_inbox(context, who, InboxFilters(), cursor=cursor).next_cursor
    # Authors are user0 … userN with a skewed pick (bench/stores.py): user0 is the busiest.
    per_type = max(1, authors // len(SOURCES))
    return Fixture(
        context=context,
        alert_ids=alert_ids,
        alert_mentions=in_alerts,
        authors={"busiest": ("x", "user0"), "typical": ("x", f"user{per_type // 2}")},
        saved=saved,
        csrf=secrets.token_urlsafe(32),
        session=session,
        bearer=bearer,
        newest_alert=max(alert_ids),
        deep_cursor=cursor,
    )
