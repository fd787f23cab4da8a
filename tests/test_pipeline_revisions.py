"""Edited and deleted posts on the real path: raw items → pipeline → SQLite store on disk.

A deletion at the source tombstones the stored mention (words cleared, id kept so it never
comes back); an edit newer than the one stored replaces the words and is judged again.
Neither is a new mention.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from listener.cli.main import main
from listener.cli.render import render_poll_summary
from listener.config.settings import Settings
from listener.models import Judgments, RawItem, SentimentLabel, SourceState
from listener.pipeline.run import Pipeline
from listener.pipeline.types import BatchReport, DropReason
from listener.service.runner import PollOutcome, PollSummary
from listener.sources import mastodon
from listener.store import SQLiteStore, open_store
from listener.store import rows as store_rows
from listener.store.schema import MIGRATIONS
from tests.helpers import SettableClock
from tests.source_helpers import Capture, capture, serve
from tests.store_helpers import make_mention, write_old_database

SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
storage:
  sqlite: data/listener.db
"""

PRAISE_HTML = "<p>The new Acme anvil is great! #acmelove</p>"
COMPLAINT_HTML = "My Acme parcel is a week late and I&#39;m fed up. Where is my refund?"
ID = "forum:1"


def at(hour: int) -> datetime:
    return datetime(2026, 11, 22, hour, 0, tzinfo=UTC)


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    with open_store(settings.storage.sqlite) as opened:
        yield opened


@pytest.fixture
def pipeline(settings: Settings, store: SQLiteStore, clock: SettableClock) -> Pipeline:
    return Pipeline(settings, store, clock=clock)


def poll(pipeline: Pipeline, *items: RawItem) -> BatchReport:
    report = pipeline.process("forum", "rss", items)
    # Every item is accounted for exactly once.
    assert report.received == (
        len(report.stored) + sum(report.dropped.values()) + report.updated + report.tombstoned
    )
    return report


def praise(**changes: object) -> RawItem:
    values: dict[str, object] = {"html": PRAISE_HTML, "published_at": at(9)}
    values.update(changes)
    return RawItem("1", **values)  # type: ignore[arg-type]


def fts_rows(store: SQLiteStore, word: str) -> int:
    with sqlite3.connect(store.path) as raw:
        found: int = raw.execute(
            "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH ?", (word,)
        ).fetchone()[0]
    return found


def tags(store: SQLiteStore, mention_id: str) -> set[tuple[str, str]]:
    with sqlite3.connect(store.path) as raw:
        found = raw.execute(
            "SELECT kind, value FROM mention_tags WHERE mention_id = ?", (mention_id,)
        ).fetchall()
    return {(kind, value) for kind, value in found}


# -- deletions ---------------------------------------------------------------------------


def test_a_deleted_post_tombstones_its_mention(
    pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    assert [m.id for m in poll(pipeline, praise()).stored] == [ID]
    assert fts_rows(store, "anvil") == 1 and fts_rows(store, "acmelove") == 1
    clock.advance(hours=1)

    # A deleted comment reads "[deleted]": it must not be judged "not matched" and ignored.
    report = poll(pipeline, praise(html="[deleted]", deleted=True))

    assert report.tombstoned == 1 and report.stored == [] and not report.dropped
    gone = store.get_mention(ID)
    assert gone is not None and gone.deleted_at == clock.now
    assert (gone.title, gone.text, gone.html) == ("", "", "")
    # The judges' evidence quoted the withdrawn words; the conclusions stay for trends.
    assert gone.judgments.sentiment_evidence == () and gone.judgments.complaint_evidence == ()
    assert all(not f.evidence for f in gone.judgments.feelings + gone.judgments.topics)
    assert fts_rows(store, "anvil") == 0 and fts_rows(store, "acmelove") == 0
    assert store.search("acme") == [] and store.search(None) == []
    assert store.search(None, brand="Acme", sentiment="positive") == []
    assert store.count_mentions() == 0


def test_a_tombstone_never_comes_back(
    pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    poll(pipeline, praise())
    poll(pipeline, praise(deleted=True))
    clock.advance(hours=2)

    # The source (or another copy of it) sends the post again, even as an edit.
    again = poll(pipeline, praise(), praise(edited_at=at(11)))
    assert again.stored == [] and again.updated == 0
    assert again.dropped == {DropReason.ALREADY_STORED: 2}
    deleted_again = poll(pipeline, praise(deleted=True))
    assert deleted_again.tombstoned == 0 and deleted_again.dropped == {DropReason.DELETED: 1}

    mention = store.get_mention(ID)
    assert mention is not None and mention.deleted_at is not None and mention.text == ""
    assert store.count_mentions() == 0 and store.search("anvil") == []


def test_a_deleted_post_never_seen_is_not_stored(pipeline: Pipeline, store: SQLiteStore) -> None:
    report = poll(pipeline, RawItem("7", html="Acme is awful", deleted=True))
    assert report.dropped == {DropReason.DELETED: 1} and report.tombstoned == 0
    # A live copy in the same batch as its deletion: the deletion wins.
    both = poll(pipeline, RawItem("8", html="Acme is fine"), RawItem("8", html="", deleted=True))
    assert both.dropped == {DropReason.DELETED: 2} and both.stored == []
    assert store.get_mention("forum:7") is None and store.get_mention("forum:8") is None
    assert store.count_mentions() == 0


def test_tombstones_are_not_training_data(
    pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    poll(pipeline, praise())
    store.set_complaint_label(ID, False, by="ann", at=clock.now)
    assert [lm.mention.id for lm in store.labelled_mentions("Acme")] == [ID]
    poll(pipeline, praise(deleted=True))
    assert store.labelled_mentions() == [] and store.labelled_mentions("Acme") == []


# -- edits -------------------------------------------------------------------------------


def test_an_edit_replaces_the_words_and_is_judged_again(
    pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    [first] = poll(pipeline, praise()).stored
    assert not first.judgments.complaint and first.edited_at is None
    assert first.judgments.sentiment_label == "positive"
    clock.advance(hours=1)

    report = poll(pipeline, praise(html=COMPLAINT_HTML, edited_at=at(12)))

    assert report.updated == 1 and report.stored == [] and not report.dropped
    edited = store.get_mention(ID)
    assert edited is not None
    assert edited.text == "My Acme parcel is a week late and I'm fed up. Where is my refund?"
    assert edited.edited_at == at(12) and edited.fetched_at == clock.now
    assert (edited.published_at, edited.brands) == (first.published_at, first.brands)
    assert edited.judgments.complaint and edited.judgments.sentiment_label != "positive"
    assert [h.mention.id for h in store.search("refund")] == [ID]
    assert store.search("anvil") == [] and fts_rows(store, "acmelove") == 0
    assert [h.mention.id for h in store.search(None, complaint=True)] == [ID]
    assert store.search(None, complaint=False) == []
    assert tags(store, ID) == {
        (kind, value) for _, kind, value in store_rows.tag_rows(ID, edited.judgments)
    }
    assert store.count_mentions() == 1


def test_an_older_or_equal_edit_changes_nothing(
    pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    poll(pipeline, praise())
    poll(pipeline, praise(html=COMPLAINT_HTML, edited_at=at(12)))
    held = store.get_mention(ID)
    clock.advance(hours=3)

    for when in (at(12), at(11)):
        report = poll(pipeline, praise(html="Acme anvils are fine I guess", edited_at=when))
        assert report.updated == 0 and report.dropped == {DropReason.ALREADY_STORED: 1}
    # An item without an edit time is just the feed repeating itself.
    assert poll(pipeline, praise()).dropped == {DropReason.ALREADY_STORED: 1}
    assert store.get_mention(ID) == held


def test_a_batch_with_several_edits_applies_the_newest(
    pipeline: Pipeline, store: SQLiteStore
) -> None:
    poll(pipeline, praise())
    report = poll(
        pipeline,
        praise(html="Acme second words", edited_at=at(12)),
        praise(html="Acme third words", edited_at=at(13)),
        praise(html="Acme first words", edited_at=at(11)),
    )
    assert report.updated == 1 and report.dropped == {DropReason.ALREADY_STORED: 2}
    mention = store.get_mention(ID)
    assert mention is not None and mention.text == "Acme third words"


def test_an_edit_without_the_brand_keeps_the_brand_but_shows_the_new_words(
    pipeline: Pipeline, store: SQLiteStore
) -> None:
    poll(pipeline, praise())
    report = poll(pipeline, praise(html="never mind, wrong shop", edited_at=at(12)))
    assert report.updated == 1
    mention = store.get_mention(ID)
    assert mention is not None and mention.text == "never mind, wrong shop"
    assert mention.brands == ("Acme",) and mention.matched_terms
    assert [h.mention.id for h in store.search("shop", brand="Acme")] == [ID]


def test_an_edit_keeps_a_persons_complaint_label(
    pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    poll(pipeline, praise())
    store.set_complaint_label(ID, True, by="ann", at=clock.now)
    poll(pipeline, praise(html="Acme anvil is lovely, thanks", edited_at=at(12)))
    mention = store.get_mention(ID)
    assert mention is not None and mention.text == "Acme anvil is lovely, thanks"
    assert mention.judgments.complaint and mention.judgments.complaint_by == "person"
    assert [h.mention.id for h in store.search(None, complaint=True)] == [ID]


def test_a_new_post_that_was_already_edited_keeps_its_edit_time(
    pipeline: Pipeline, store: SQLiteStore
) -> None:
    [stored] = poll(pipeline, praise(edited_at=at(10))).stored
    assert stored.edited_at == at(10)
    assert store.get_mention(ID) == stored
    assert poll(pipeline, praise(edited_at=at(10))).dropped == {DropReason.ALREADY_STORED: 1}


def test_the_store_refuses_stale_revisions_and_revisions_of_tombstones(
    store: SQLiteStore,
) -> None:
    store.insert_mentions([make_mention(1), make_mention(2)])
    edit = make_mention(1, text="edited words", edited_at=at(12))
    assert store.revise_mentions([edit]) == 1
    # A second poller holding the same edit, or an older one, changes nothing.
    assert store.revise_mentions([edit]) == 0
    assert store.revise_mentions([make_mention(1, text="older", edited_at=at(11))]) == 0
    assert store.tombstone_mentions(["news:2", "news:2", "news:404"], at(13)) == 1
    assert store.tombstone_mentions(["news:2"], at(14)) == 0
    assert store.revise_mentions([make_mention(2, text="back", edited_at=at(15))]) == 0
    assert store.mention_revisions(["news:1", "news:2", "news:404"]) == {
        "news:1": (at(12), None),
        "news:2": (None, at(13)),
    }
    with pytest.raises(ValueError, match="edited_at"):
        store.revise_mentions([make_mention(1)])


# -- schema 4 ----------------------------------------------------------------------------


def test_a_version_3_database_is_migrated_and_its_mentions_can_change(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    judged = Judgments(sentiment=0.5, sentiment_label=SentimentLabel.POSITIVE, complaint=False)
    old = [make_mention(1, judgments=judged), make_mention(2)]
    write_old_database(path, 3, old)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 3

    with open_store(path) as s:
        assert s.schema_version == MIGRATIONS[-1][0] >= 4
        assert [s.get_mention(m.id) for m in old] == old
        assert s.mention_revisions(["news:1"]) == {"news:1": (None, None)}
        assert s.revise_mentions([make_mention(1, text="edited", edited_at=at(12))]) == 1
        assert s.tombstone_mentions(["news:2"], at(13)) == 1
        assert [h.mention.id for h in s.search("edited")] == ["news:1"]
        assert s.count_mentions() == 1


# -- what people see ---------------------------------------------------------------------


def invoke(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--config", str(settings.config_path)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_says_a_tombstoned_mention_was_deleted(
    settings: Settings, pipeline: Pipeline, clock: SettableClock
) -> None:
    poll(pipeline, praise())
    poll(pipeline, praise(deleted=True))

    out = invoke(settings, "show", ID)
    assert "deleted at the source" in out and "anvil" not in out
    shown = json.loads(invoke(settings, "show", ID, "--json"))
    assert shown["deleted_at"] == clock.now.isoformat() and shown["text"] == ""
    assert invoke(settings, "search", "acme") == ""


def test_show_gives_the_edit_time(settings: Settings, pipeline: Pipeline) -> None:
    poll(pipeline, praise())
    poll(pipeline, praise(html=COMPLAINT_HTML, edited_at=at(12)))
    out = invoke(settings, "show", ID)
    assert "edited     2026-11-22 12:00:00 UTC" in out and "refund" in out
    assert json.loads(invoke(settings, "show", ID, "--json"))["edited_at"] == at(12).isoformat()


def test_poll_summary_counts_updates_and_deletions() -> None:
    summary = PollSummary(
        source="forum",
        outcome=PollOutcome.OK,
        state=SourceState(source="forum"),
        fetched=4,
        updated=1,
        tombstoned=2,
        dropped={DropReason.DELETED: 1},
        duration_s=0.25,
    )
    assert render_poll_summary(summary) == (
        "forum: ok — fetched 4, new 0, updated 1, deleted 2, dropped: deleted 1 (0.2s)"
    )
    quiet = PollSummary("forum", PollOutcome.OK, SourceState(source="forum"), fetched=1)
    assert render_poll_summary(quiet) == "forum: ok — fetched 1, new 0 (0.0s)"


def test_edit_times_from_a_skewed_clock_still_order(
    pipeline: Pipeline, store: SQLiteStore, clock: SettableClock
) -> None:
    # A source whose clock runs ahead: its edit times are in our future. They are kept as
    # given (not capped at fetch time), so the same edit seen again is not "newer".
    ahead = clock.now + timedelta(days=1)
    poll(pipeline, praise())
    assert poll(pipeline, praise(html=COMPLAINT_HTML, edited_at=ahead)).updated == 1
    clock.advance(hours=1)
    assert poll(pipeline, praise(html=COMPLAINT_HTML, edited_at=ahead)).updated == 0
    mention = store.get_mention(ID)
    assert mention is not None and mention.edited_at == ahead


# -- end to end: `listener poll --once` against a local Mastodon -------------------------

HOOT = "mastodon/extracted/mastodonpy__test_hashtag_tl__02.meta.json"


def status(status_id: int, content: str, edited_at: str | None = None) -> dict[str, object]:
    """The recorded #hoot status (tests/fixtures/mastodon) with our id, words and edit time."""
    [recorded] = capture(HOOT).json()
    url = f"https://social.example/@fan/{status_id}"
    return {
        **recorded,
        "id": str(status_id),
        "url": url,
        "uri": url,
        "language": "en",
        "content": f"<p>{content}</p>",
        "edited_at": edited_at,
    }


def answer(*statuses: dict[str, object], code: int = 200) -> Capture:
    body = statuses[0] if len(statuses) == 1 else list(statuses)
    return Capture(json.dumps(body).encode(), code)


def test_poll_once_applies_edits_and_deletions_from_a_source(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(
        SETTINGS + "sources:\n"
        "  - name: masto\n"
        "    type: mastodon\n"
        "    interval: 10m\n"
        f"    instance_url: {httpserver.url_for('')}\n"
        "    hashtags: [acme]\n"
        "    recheck: 2\n",
        encoding="utf-8",
    )

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, [*args, "--config", str(config)])
        assert result.exit_code == 0, result.output
        return result.stdout

    first_id = mastodon.snowflake_at(datetime.now(UTC)) + 1
    doomed, edited = first_id, first_id + 1
    praise_status = status(edited, "The new Acme anvil is great!")
    serve(
        httpserver,
        "/api/v1/timelines/tag/acme",
        answer(status(doomed, "Acme ships fast, thanks"), praise_status),
    )
    assert "masto: ok — fetched 2, new 2" in run("poll", "--once")

    # The timeline has nothing new; the recheck finds one status gone and one edited.
    httpserver.clear()
    serve(httpserver, "/api/v1/timelines/tag/acme", Capture(b"[]"))
    serve(httpserver, f"/api/v1/statuses/{doomed}", Capture(b'{"error":"Not found"}', 404))
    complaint = "My Acme parcel is a week late and I'm fed up. Where is my refund?"
    later = "2099-01-01T00:00:00.000Z"  # the instance's clock; only its order matters
    serve(httpserver, f"/api/v1/statuses/{edited}", answer(status(edited, complaint, later)))
    out = run("poll", "--once")
    assert "masto: ok — fetched 2, new 0, updated 1, deleted 1" in out

    found = [json.loads(line) for line in run("search", "acme", "--json").splitlines()]
    assert [hit["id"] for hit in found] == [f"masto:{edited}"]
    assert run("search", "thanks") == "" and run("search", "great") == ""
    assert f"masto:{edited}" in run("search", "refund", "--complaint")
    assert "deleted at the source" in run("show", f"masto:{doomed}")

    # Polled again: the deletion and the edit are already applied; nothing changes.
    again = run("poll", "--once")
    assert "updated" not in again and "deleted 1" not in again
