"""Erasure in the web app, over real HTTP on a real port and a real SQLite file: admins get
"Erase this person's data" on the author page, a confirm page with the counts, a CSRF-checked
POST and the audit line; /admin/erasures lists the audit; anyone else gets 403."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from listener.models import AlertKind, Author, ReplyDraft, Severity
from listener.store import accounts
from listener.store.alert_contract import NewAlert
from listener.store.people import Account
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer

PASSWORD = "plum-orchard-lantern-42"
CSRF_COOKIE = "listener_csrf"
Serve = Callable[..., WebServer]


@contextmanager
def signed_in(running: WebServer, name: str, role: str) -> Iterator[httpx.Client]:
    accounts.add_user(running.store, name, role, PASSWORD, running.context.clock())
    with httpx.Client(base_url=running.url, follow_redirects=False) as c:
        c.get("/login")
        signed = c.post(
            "/login",
            data={"name": name, "password": PASSWORD, "next": "/",
                  "csrf_token": c.cookies[CSRF_COOKIE]},
        )  # fmt: skip
        assert signed.status_code == 303
        yield c


def seeded(web_server: Serve) -> WebServer:
    running = web_server()
    running.store.insert_mentions(
        [
            make_mention(1, author=Author(handle="Pell_Ada", name="Ada Pell")),
            make_mention(2, author=Author(handle="bob", name="Bob B")),
        ]
    )
    return running


def test_an_admin_erases_an_author_through_the_confirm_page(web_server: Serve) -> None:
    running = seeded(web_server)
    with signed_in(running, "ana", "admin") as c:
        author = c.get("/authors/rss/Pell_Ada")
        assert author.status_code == 200
        assert 'href="/erase/author/rss/Pell_Ada?back=/authors/rss/Pell_Ada"' in author.text
        confirm = c.get("/erase/author/rss/Pell_Ada")
        assert confirm.status_code == 200
        # Plurals agree ("1 mention", not "1 mentions"): the trial of issue 18.
        assert "1 mention<" in confirm.text and "1 author profile<" in confirm.text
        form = {"source_type": "rss", "handle": "Pell_Ada", "reason": "ticket 9"}
        assert c.post("/erase", data=form).status_code == 403  # no CSRF token
        assert running.store.get_mention("news:1") is not None
        posted = c.post("/erase", data={**form, "csrf_token": c.cookies[CSRF_COOKIE]})
        # Post/redirect/get: the done page is a GET, so a refresh cannot post the form again.
        assert posted.status_code == 303 and posted.headers["location"] == "/admin/erasures/1"
        done = c.get("/admin/erasures/1")
        assert done.status_code == 200
        assert "Audit #1" in done.text and "by ana" in done.text and "ticket 9" in done.text
        assert running.store.get_mention("news:1") is None
        assert running.store.get_mention("news:2") is not None
        audit = c.get("/admin/erasures")
        assert audit.status_code == 200
        assert "ticket 9" in audit.text and "ana" in audit.text
        assert "pell" not in audit.text.lower()
        again = c.get("/erase/author/rss/Pell_Ada")
        assert again.status_code == 404 and "Nothing to erase" in again.text


def test_non_admins_get_403(web_server: Serve) -> None:
    running = seeded(web_server)
    accounts.add_user(running.store, "ana", "admin", PASSWORD, running.context.clock())
    with signed_in(running, "aggie", "agent") as c:
        assert "/erase/" not in c.get("/authors/rss/Pell_Ada").text
        assert c.get("/erase/author/rss/Pell_Ada").status_code == 403
        assert c.get("/admin/erasures").status_code == 403
        form = {"source_type": "rss", "handle": "Pell_Ada", "csrf_token": c.cookies[CSRF_COOKIE]}
        assert c.post("/erase", data=form).status_code == 403
    assert running.store.get_mention("news:1") is not None


def test_an_admin_erases_a_person_from_the_person_page(web_server: Serve) -> None:
    running = seeded(web_server)
    person = running.store.link_accounts(
        [Account("rss", "Pell_Ada"), Account("rss", "bob")], by="ana", name="Ada and Bob"
    )
    with signed_in(running, "ana", "admin") as c:
        page = c.get(f"/people/{person.id}")
        assert page.status_code == 200
        assert f'href="/erase/person/{person.id}?back=/people/{person.id}"' in page.text
        assert "Erase this person's data (all 2 accounts)<" in page.text
        confirm = c.get(f"/erase/person/{person.id}")
        assert "2 mentions" in confirm.text and "1 person record" in confirm.text
        posted = c.post(
            "/erase", data={"person_id": str(person.id), "csrf_token": c.cookies[CSRF_COOKIE]}
        )
        assert posted.status_code == 303
        done = c.get(posted.headers["location"])
        assert done.status_code == 200 and "person erased by ana" in done.text
    assert running.store.count_mentions() == 0
    assert running.store.get_person(person.id) is None


def test_an_alert_page_says_its_drafts_went_with_an_erasure(web_server: Serve) -> None:
    running = seeded(web_server)
    with running.store.alert_transaction() as tx:
        alert = tx.add_alert(
            NewAlert(
                key="complaint:news:1", kind=AlertKind.COMPLAINT, rule="complaint", brand="acme",
                severity=Severity.HIGH, title="Complaint from @Pell_Ada on news: it broke",
                created_at=T0, mention_ids=("news:1", "news:2"),
                drafts=(ReplyDraft("acknowledge", "Hi @Pell_Ada, sorry!", "en"),),
            )
        )  # fmt: skip
    assert alert is not None
    with signed_in(running, "ana", "admin") as c:
        before = c.get(f"/alerts/{alert.id}")
        assert before.status_code == 200 and "Drafts removed" not in before.text
        running.store.erase_accounts([Account("rss", "Pell_Ada")], asked_by="ana", reason="")
        after = c.get(f"/alerts/{alert.id}")
        assert after.status_code == 200
        assert "Drafts removed when the author&#39;s data was erased" in after.text
        assert "drafts are written for complaints" not in after.text


def counts_list(page: str) -> str:
    return page.split('id="erase-counts"')[1].split("</ul>")[0]


def test_the_confirm_page_says_whose_data_with_cancel_and_tombstones_apart(
    web_server: Serve,
) -> None:
    running = seeded(web_server)
    with signed_in(running, "ana", "admin") as c:
        confirm = c.get("/erase/author/rss/Pell_Ada")
        assert confirm.status_code == 200
        assert "<h1>Erase Ada Pell's data</h1>" in confirm.text
        assert "@Pell_Ada on rss" in confirm.text
        assert 'href="/authors/rss/Pell_Ada" id="erase-cancel">Cancel</a>' in confirm.text
        assert "tombstone" not in counts_list(confirm.text)
        assert "It leaves 1 opaque tombstone (" in confirm.text
        assert "this account only" not in confirm.text
        # The writer is held while the index merges: the page says about how long.
        assert "new mentions wait to be stored:\n  about 2 s at this store" in confirm.text
    assert running.store.get_mention("news:1") is not None


def test_a_linked_account_offers_the_whole_person_first(web_server: Serve) -> None:
    running = seeded(web_server)
    running.store.insert_mentions([make_mention(3, author=Author(handle="ada2", name="Ada P"))])
    person = running.store.link_accounts(
        [Account("rss", "Pell_Ada"), Account("rss", "ada2")], by="ana", name="Ada Pell"
    )
    with signed_in(running, "ana", "admin") as c:
        author = c.get("/authors/rss/Pell_Ada").text
        # One wording on the author and person pages, and the link says where it came from.
        assert (
            f'href="/erase/person/{person.id}?back=/authors/rss/Pell_Ada">'
            "Erase this person's data (all 2 accounts)"
        ) in author
        assert (
            'href="/erase/author/rss/Pell_Ada?only=1&amp;back=/authors/rss/Pell_Ada">'
            "Erase only this account"
        ) in author
        choose = c.get("/erase/author/rss/Pell_Ada")
        assert choose.status_code == 200
        assert f"person #{person.id} (Ada Pell)</a>, with 2 accounts" in choose.text
        assert 'id="erase-counts"' not in choose.text  # no erase form before the choice
        token = c.cookies[CSRF_COOKIE]
        # A form naming one linked account, without saying "only this one", erases nothing.
        stale = c.post("/erase", data={"source_type": "rss", "handle": "Pell_Ada",
                                       "csrf_token": token})  # fmt: skip
        assert stale.status_code == 409 and "Erase only this account" in stale.text
        assert running.store.get_mention("news:1") is not None
        only = c.get("/erase/author/rss/Pell_Ada?only=1")
        assert only.status_code == 200 and "(this account only)" in only.text
        assert 'name="only_this_account" value="true"' in only.text
        form = {"source_type": "rss", "handle": "Pell_Ada", "only_this_account": "true"}
        done = c.post("/erase", data={**form, "csrf_token": token})
        assert done.status_code == 303
    assert running.store.get_mention("news:1") is None
    assert running.store.get_mention("news:3") is not None


def test_a_person_settings_lists_is_not_erased_from_the_web(web_server: Serve) -> None:
    """The daemon syncs settings.yaml's people: at each start, which would bring them back:
    the confirm page and the form say to remove them there first (line N)."""
    running = web_server(
        "brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: {db}\n"
        "people:\n  - name: Ada Pell\n    accounts: ['rss:@Pell_Ada']\n"
    )
    running.store.insert_mentions([make_mention(1, author=Author(handle="Pell_Ada", name="A"))])
    with signed_in(running, "ana", "admin") as c:
        confirm = c.get("/erase/author/rss/Pell_Ada?only=1")
        assert confirm.status_code == 409
        assert 'id="erase-listed"' in confirm.text
        assert "<li>people: Ada Pell (line 8)</li>" in confirm.text
        assert 'action="/erase"' not in confirm.text
        posted = c.post(
            "/erase",
            data={"source_type": "rss", "handle": "Pell_Ada", "only_this_account": "true",
                  "csrf_token": c.cookies[CSRF_COOKIE]},
        )  # fmt: skip
        assert posted.status_code == 409
    assert running.store.get_mention("news:1") is not None


def test_the_done_page_is_a_get_of_the_audit_row(web_server: Serve) -> None:
    running = seeded(web_server)
    with signed_in(running, "ana", "admin") as c:
        form = {"source_type": "rss", "handle": "bob", "reason": "ticket 4",
                "csrf_token": c.cookies[CSRF_COOKIE]}  # fmt: skip
        posted = c.post("/erase", data=form)
        assert posted.status_code == 303
        where = posted.headers["location"]
        assert where == "/admin/erasures/1"
        # A refresh is this GET, again: the same done text, and nothing erased twice.
        first, again = c.get(where), c.get(where)
        assert first.status_code == again.status_code == 200
        assert 'id="erase-done"' in first.text and "ticket 4" in first.text
        assert "1 mention. Left: 1 opaque tombstone." in again.text
        assert len(running.store.erasure_audit()) == 1
        assert c.get("/admin/erasures/2").status_code == 404
    with signed_in(running, "aggie", "agent") as c:
        assert c.get("/admin/erasures/1").status_code == 403


def test_cancel_returns_to_the_page_the_erasure_was_opened_from(web_server: Serve) -> None:
    running = seeded(web_server)
    person = running.store.link_accounts(
        [Account("rss", "Pell_Ada"), Account("rss", "bob")], by="ana", name="Ada Pell"
    )
    cancel = 'id="erase-cancel">Cancel</a>'
    with signed_in(running, "ana", "admin") as c:
        author = c.get("/authors/rss/Pell_Ada").text
        opened = author.split('class="erase-box"')[1].split('href="')[1].split('"')[0]
        assert opened == f"/erase/person/{person.id}?back=/authors/rss/Pell_Ada"
        confirm = c.get(opened.replace("&amp;", "&"))
        assert confirm.status_code == 200
        # Before: Cancel went to /people/1, a page the user never opened.
        assert f'href="/authors/rss/Pell_Ada" {cancel}' in confirm.text
        assert 'name="back" value="/authors/rss/Pell_Ada"' in confirm.text
        # The choice page passes its own origin on to both of its ways.
        choose = c.get("/erase/author/rss/Pell_Ada?back=/inbox%3Fq%3Dada").text
        assert f'href="/inbox?q=ada" {cancel}' in choose
        assert f'href="/erase/person/{person.id}?back=/inbox%3Fq%3Dada"' in choose
        # Not a path of this app: Cancel goes to the page of whose data it is.
        for away in (
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:x",
        ):
            page = c.get(f"/erase/person/{person.id}", params={"back": away}).text
            assert f'href="/people/{person.id}" {cancel}' in page
            assert "evil" not in page.split('id="erase-cancel"')[0].split("<form")[-1]
        plain = c.get(f"/erase/person/{person.id}").text
        assert f'href="/people/{person.id}" {cancel}' in plain
    assert running.store.get_mention("news:1") is not None


def listed(page: str, anchor: str) -> list[str]:
    found = re.findall(r"<li>([^<]*)</li>", page.split(anchor)[1].split("</ul>")[0])
    return [html.unescape(line) for line in found]


def test_the_preview_and_the_record_say_the_same_kinds_in_plain_words(
    web_server: Serve,
) -> None:
    running = web_server()
    # One profile names the other account: its 'names' detail is theirs, erased with them.
    running.store.insert_mentions(
        [
            make_mention(1, source_type="mastodon", author=Author(
                handle="jpike", name="Jordan Pike", bio="also @jordan_p@lemmy.test")),
            make_mention(2, source_type="lemmy", author=Author(
                handle="jordan_p@lemmy.test", name="Jordan P")),
        ]
    )  # fmt: skip
    person = running.store.link_accounts(
        [Account("mastodon", "jpike"), Account("lemmy", "jordan_p@lemmy.test")],
        by="ana", name="Jordan Pike",
    )  # fmt: skip
    with signed_in(running, "ana", "admin") as c:
        confirm = c.get(f"/erase/person/{person.id}")
        assert confirm.status_code == 200
        preview = listed(confirm.text, 'id="erase-counts"')
        posted = c.post(
            "/erase", data={"person_id": str(person.id), "csrf_token": c.cookies[CSRF_COOKIE]}
        )
        done = c.get(posted.headers["location"]).text
    removed = html.unescape(done.split("Removed: ")[1].split(".")[0]).split(", ")
    # Before: the preview listed '1 profile key naming them' (their own), the record did not.
    assert preview == removed
    assert "1 person record" in preview and "2 mentions" in preview
    assert any("fingerprints of their posts' words" in line for line in preview)
    for jargon in ("profile key", "hash", "people suggestion", "person link", "naming them"):
        assert not any(jargon in line for line in preview), jargon
