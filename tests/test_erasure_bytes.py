"""The issue's byte-level test: after ``erase`` no byte of the database file holds the
person's handle, name or words.

A real store is built through the real pipeline and the real alert rules: the person posts
on two networks (X and Mastodon) with distinctive words, a profile bio and links, and is
linked as one person with a name; one post
raises a complaint alert with reply drafts and a pending delivery to a webhook; a person
labels it; another author posts a near-copy of one of their posts. Another author's post
stays. After the erasure, a checkpoint and ``VACUUM``, the
file's bytes (and any -wal/-shm) are searched for each word in UTF-8, lowercased and
uppercased; the other author's words must still be found, so the search can fail.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from alerts.service import Alerting
from listener.config.settings import Settings
from listener.models import Author, RawItem
from listener.pipeline.run import Pipeline
from listener.pipeline.types import DropReason
from listener.store import SQLiteStore, open_store
from listener.store.people import Account

HANDLE = "zqfWanderlust"
NAME = "Zephyrine Quillfeather"
WORDS = ("flibbertigibbous", "quokkamatic", "snorkelwhistle", "Brontosaurial")
BIO_WORD = "marzipanolith"
LINK = "https://zqf-gardenhouse.example/about"
OTHER_WORD = "marmaladequasar"
# A story the person posts and another author copies with one word changed (a near-copy):
# the copy is the other author's and stays, but must not keep the erased post's id.
STORY = (
    "Acme announced today that its new warehouse in the northern district will open next "
    "spring, bringing two hundred jobs to the region and cutting delivery times for customers "
    "across the coast by nearly a full day according to the company statement"
)

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
alerts:
  enabled: true
  channels:
    - {name: hook, type: webhook, url: "http://127.0.0.1:9/hook", secret: s3cret}
"""


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    with open_store(settings.storage.sqlite) as opened:
        yield opened


def person(handle: str) -> Author:
    return Author(
        handle=handle, name=NAME, url=f"https://x.example/{HANDLE}", followers=120,
        bio=f"Collector of {BIO_WORD} and {WORDS[2]}s", links=(LINK,),
    )  # fmt: skip


def items(now: datetime) -> dict[tuple[str, str], list[RawItem]]:
    when = now - timedelta(minutes=3)
    return {
        ("x-acme", "x"): [
            RawItem(
                "101",
                url=f"https://x.example/{HANDLE}/status/101",
                html=f"My Acme order never arrived and support ignores me. {WORDS[0]} "
                f"{WORDS[1]}! I want a refund, so frustrated.",
                author=person(HANDLE),
                published_at=when,
            ),
            RawItem("103", html=STORY, author=person(HANDLE), published_at=when),
            RawItem(
                "102",
                url="https://x.example/someone/status/102",
                html=f"Acme shipped my {OTHER_WORD} today, lovely service.",
                author=Author(handle="someone_else", name="Other Person"),
                published_at=when,
            ),
        ],
        ("masto-acme", "mastodon"): [
            RawItem(
                "201",
                url=f"https://social.example/@{HANDLE}/201",
                html=f"<p>The Acme {WORDS[2]} and the {WORDS[3]} parcel, again.</p>",
                author=person(f"{HANDLE}@social.example"),
                published_at=when,
            ),
            RawItem(
                "301",
                html=STORY.replace("nearly", "almost"),
                author=Author(handle="copy_desk"),
                published_at=when,
            ),
        ],
    }


def build(settings: Settings, store: SQLiteStore) -> Pipeline:
    async def make() -> Alerting:
        http = httpx.AsyncClient()
        await http.aclose()  # never used: nothing is flushed, the delivery stays pending
        return Alerting(settings, store, http=http)

    alerting = asyncio.run(make())
    return Pipeline(settings, store, on_stored=alerting.on_stored)


def file_bytes(db: Path) -> bytes:
    parts = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def forms(word: str) -> set[bytes]:
    return {f.encode("utf-8") for f in (word, word.lower(), word.upper(), word.casefold())}


def test_erase_leaves_no_byte_of_the_person(settings: Settings, store: SQLiteStore) -> None:
    pipeline = build(settings, store)
    now = datetime.now(UTC)
    for (source, source_type), batch in items(now).items():
        assert pipeline.process(source, source_type, batch).stored
    complaint = store.get_mention("x-acme:101")
    assert complaint is not None
    store.set_complaint_label("x-acme:101", True, by="agent ana", at=now)
    db = Path(store.path)
    with sqlite3.connect(db) as conn:
        alerts = conn.execute("SELECT id, drafts FROM alerts").fetchall()
        pending = conn.execute("SELECT count(*) FROM deliveries WHERE status = 'pending'")
        assert alerts and pending.fetchone()[0] >= 1
        assert any("Zephyrine" in d for _, d in alerts)  # a draft greets the person
    conn.close()
    store._checkpoint()
    before = file_bytes(db)
    # The search sees what is there: the words, the bio, the name in a reply draft.
    for present in (WORDS[0], BIO_WORD, "zqf-gardenhouse", "Zephyrine"):
        assert present.encode() in before, present

    copy = store.get_mention("masto-acme:301")
    assert copy is not None and copy.copy_of == "x-acme:103"
    linked = store.link_accounts(
        [Account("x", HANDLE), Account("mastodon", f"{HANDLE}@social.example")],
        by="agent ana", name=NAME,
    )  # fmt: skip
    report = store.erase_person(linked.id, asked_by="dpo", reason="GDPR art. 17 request")
    assert report.counts["mentions"] == 3
    assert report.counts["people"] == 1
    copy = store.get_mention("masto-acme:301")
    assert copy is not None and copy.copy_of is None  # the copy heads its cluster now
    assert report.counts.get("alerts_deleted", 0) >= 1
    store.close()
    secrets = (HANDLE, NAME, *NAME.split(), *WORDS, BIO_WORD, "zqf-gardenhouse")
    # Even before any VACUUM: secure_delete zeroed the freed cells and pages, the merge
    # dropped the index's old segments, the checkpoint emptied the WAL.
    unvacuumed = file_bytes(db)
    assert not [s for s in secrets for f in forms(s) if f in unvacuumed]

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    after = file_bytes(db)
    for secret in secrets:
        for form in forms(secret):
            assert form not in after, f"{form!r} is still in the file"
    # No erased id either (alert links, example ids, a copy's head): only opaque marks stay.
    for erased in ("x-acme:101", "x-acme:103", "masto-acme:201"):
        assert erased.encode() not in after, erased
    assert OTHER_WORD.encode() in after
    assert b"GDPR art. 17 request" in after  # the audit line stays, without the person
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
        assert check.execute("SELECT count(*) FROM complaint_labels").fetchone()[0] == 0
        for table in ("people", "person_accounts", "author_keys"):
            assert check.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
        assert check.execute("SELECT count(*) FROM authors").fetchone()[0] == 2  # the others
    check.close()


def test_an_erased_post_served_again_is_not_stored(settings: Settings, store: SQLiteStore) -> None:
    pipeline = build(settings, store)
    served = items(datetime.now(UTC))
    for (source, source_type), batch in served.items():
        pipeline.process(source, source_type, batch)
    store.erase_accounts([Account("x", HANDLE)], asked_by="dpo", reason="request")

    again = pipeline.process("x-acme", "x", served[("x-acme", "x")])
    assert again.stored == [] or all(m.id != "x-acme:101" for m in again.stored)
    assert again.dropped.get(DropReason.ALREADY_STORED, 0) == 3
    assert store.get_mention("x-acme:101") is None
    assert store.get_mention("x-acme:102") is not None


COMPLAINT = (
    "My Acme order never arrived and support ignores me completely, I want a refund now "
    "because the parcel was promised for Monday and it is Friday and nobody answers the "
    "phone or the chat at all, so frustrated with this company today"
)


def test_erasing_a_copy_leaves_no_byte_of_its_id(settings: Settings, store: SQLiteStore) -> None:
    """The reversed case: the person owns a near-COPY of another author's complaint, whose
    alert records 'also on masto-acme' with the copy's id. The event goes with the copy."""
    pipeline = build(settings, store)
    now = datetime.now(UTC)
    pipeline.process("x-acme", "x", [RawItem(
        "500", html=COMPLAINT, author=Author(handle="first_one"),
        published_at=now - timedelta(minutes=5),
    )])  # fmt: skip
    pipeline.process("masto-acme", "mastodon", [RawItem(
        "zqfpost", html=COMPLAINT.replace("Monday", "Tuesday"), author=person(HANDLE),
        published_at=now - timedelta(minutes=4),
    )])  # fmt: skip
    copy = store.get_mention("masto-acme:zqfpost")
    assert copy is not None and copy.copy_of == "x-acme:500"
    db = Path(store.path)
    with sqlite3.connect(db) as conn:
        events = conn.execute("SELECT mention_id FROM alert_events WHERE what = 'copy'")
        assert [r[0] for r in events] == ["masto-acme:zqfpost"]
    conn.close()

    store.erase_accounts([Account("mastodon", HANDLE)], asked_by="dpo", reason="request")
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    assert conn.execute("SELECT count(*) FROM alert_events WHERE what = 'copy'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == 1  # the head's stays
    conn.close()
    after = file_bytes(db)
    for secret in ("masto-acme:zqfpost", "zqfpost", HANDLE, NAME):
        for form in forms(secret):
            assert form not in after, f"{form!r} is still in the file"
    assert b"x-acme:500" in after
