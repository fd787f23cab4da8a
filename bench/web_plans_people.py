"""The web bench's plans for issue 18's routes: people (pages, JSON API, link, dismiss,
unlink, edit, tags) and erasure (the confirmation pages, the audit, ``POST /erase``).

As in ``web_plans``, every change gets a throwaway of its own per request, made through the
store's API before the clock starts: a person of two fresh accounts to unlink or edit, a
fresh pair to link or dismiss, and for ``/erase`` a fresh author with one mention (a copy of
a stored mention under a new handle), so no request finds its work already done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from web_fixture import Call, Fixture, Plan

from listener.store.people import Account

# The busiest author's accounts: a person with the store's longest history.
BUSIEST = "user0"


def _each(method: str, path: str, one: Callable[[int], Call], variant: str = "") -> Plan:
    return Plan(method, path, variant, lambda n: [one(i) for i in range(n)])


def _get(fx: Fixture, path: str, url: str, variant: str = "") -> Plan:
    chosen = fx.api if path.startswith("/api/") else fx.page
    return Plan("GET", path, variant, lambda n: [Call("GET", url, chosen()) for _ in range(n)])


def people_plans(fx: Fixture, mention_ids: list[str]) -> list[Plan]:
    store = fx.store
    busiest = store.link_accounts(
        [Account("x", BUSIEST), Account("mastodon", BUSIEST + "@bench.example")],
        by="bench",
        name="Busiest Bench",
    )
    stored = iter(mention_ids)

    def pair() -> tuple[Account, Account]:
        name = fx.unique("bench-person")
        return Account("x", name), Account("bluesky", name + ".bench.example")

    def person() -> tuple[int, Account]:
        a, b = pair()
        return store.link_accounts([a, b], by="bench").id, b

    def author() -> tuple[str, str]:
        """A fresh author with one mention: what ``/erase`` erases."""
        handle = fx.unique("bench-erased")
        base = store.get_mention(next(stored))
        assert base is not None
        native = handle
        store.insert_mentions(
            [
                replace(
                    base,
                    id=f"{base.source}:{native}",
                    native_id=native,
                    url=f"https://x.example/{handle}/{native}",
                    canonical_url=f"https://x.example/{handle}/{native}",
                    author=replace(base.author, handle=handle, name=handle),
                )
            ]
        )
        return base.source_type, handle

    def form(a: Account, b: Account) -> dict[str, str]:
        return {
            "source_type": a.source_type,
            "handle": a.handle,
            "other_source_type": b.source_type,
            "other_handle": b.handle,
        }

    def body(a: Account, b: Account) -> dict[str, object]:
        return {"accounts": [{"source_type": x.source_type, "handle": x.handle} for x in (a, b)]}

    def unlink_page(_i: int) -> Call:
        person_id, b = person()
        return Call("POST", f"/people/{person_id}/unlink", fx.page(post=True),
                    form={"source_type": b.source_type, "handle": b.handle})  # fmt: skip

    def unlink_api(_i: int) -> Call:
        person_id, b = person()
        return Call("POST", f"/api/v1/people/{person_id}/unlink", fx.api(),
                    json={"source_type": b.source_type, "handle": b.handle})  # fmt: skip

    def erase(_i: int) -> Call:
        source_type, handle = author()
        erased = {"source_type": source_type, "handle": handle, "reason": "bench"}
        return Call("POST", "/erase", fx.page(post=True), form=erased)

    page, api = fx.page, fx.api
    # One erasure made before the clock starts: the page its POST redirects to reads it back.
    kind, gone = author()
    audit = store.erase_accounts([Account(kind, gone)], asked_by="bench", reason="bench")
    return [
        _get(fx, "/people", "/people"),
        _get(fx, "/api/v1/people", "/api/v1/people"),
        _get(fx, "/people/{person_id:int}", f"/people/{busiest.id}", "busiest author"),
        _get(fx, "/api/v1/people/{person_id:int}", f"/api/v1/people/{busiest.id}",
             "busiest author"),
        # A linked author's page asks "the person or this account?" (no preview); with
        # ?only=1 it previews the erasure, the same work rolled back, as the person's page.
        _get(fx, "/erase/author/{source_type}/{handle:path}", f"/erase/author/x/{BUSIEST}",
             "busiest author, linked"),
        _get(fx, "/erase/author/{source_type}/{handle:path}",
             f"/erase/author/x/{BUSIEST}?only=1", "busiest author, preview"),
        _get(fx, "/erase/person/{person_id}", f"/erase/person/{busiest.id}", "busiest author"),
        _get(fx, "/admin/erasures", "/admin/erasures"),
        _get(fx, "/admin/erasures/{audit_id}", f"/admin/erasures/{audit.audit_id}"),
        _each("POST", "/people/link", lambda _i: Call(
            "POST", "/people/link", page(post=True), form=form(*pair()))),
        _each("POST", "/people/dismiss", lambda _i: Call(
            "POST", "/people/dismiss", page(post=True), form=form(*pair()))),
        _each("POST", "/people/{person_id:int}/unlink", unlink_page),
        _each("POST", "/people/{person_id:int}/edit", lambda _i: Call(
            "POST", f"/people/{person()[0]}/edit", page(post=True),
            form={"tags": ["vip"], "note": "bench", "name": "Bench"})),
        _each("POST", "/api/v1/people/link", lambda _i: Call(
            "POST", "/api/v1/people/link", api(), json=body(*pair()))),
        _each("POST", "/api/v1/people/dismiss", lambda _i: Call(
            "POST", "/api/v1/people/dismiss", api(), json=body(*pair()))),
        _each("POST", "/api/v1/people/{person_id:int}/unlink", unlink_api),
        _each("POST", "/api/v1/people/{person_id:int}/tags", lambda _i: Call(
            "POST", f"/api/v1/people/{person()[0]}/tags", api(),
            json={"tags": ["vip"], "note": "bench"})),
        _each("POST", "/erase", erase, "a fresh author, 1 mention"),
    ]  # fmt: skip
