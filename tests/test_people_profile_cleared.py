"""A bio the person removed is cleared (issue 18 review, finding 12): the store kept the old
bio, links and their keys forever, as an empty bio looked like "not given". Sources now give
``""`` for a profile whose bio is empty and ``None`` for a payload without the field;
normalize keeps that apart; the store clears the bio, the links and their keys for ``""``."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from listener.models import Author, RawItem
from listener.pipeline.normalize import normalize, scrub_item
from listener.sources.profiles import html_bio, plain_bio
from listener.sources.reddit_authors import about_facts
from listener.store import SQLiteStore, open_store
from tests.store_helpers import T0, make_mention


def normalize_author(author: Author) -> Author:
    """``author`` as the pipeline's normalize stage leaves it."""
    item = RawItem(native_id="1", url=None, html="a post", author=author)
    mention = normalize(
        scrub_item(item), source="s", source_type="reddit", fetched_at=T0, max_text_chars=5000
    )
    assert mention is not None
    return mention.author


def seen(store: SQLiteStore, n: int, source_type: str, handle: str, **profile: Any) -> None:
    author = normalize_author(Author(handle=handle, name="Jane", **profile))
    store.insert_mentions(
        [make_mention(n, source=f"{source_type}-src", source_type=source_type, author=author)]
    )


def keys(path: Path, handle: str) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT kind, value FROM author_keys WHERE handle_key = ?", (handle,)
        ).fetchall()


def test_sources_tell_an_empty_bio_from_a_missing_one() -> None:
    assert (plain_bio(""), plain_bio("  "), plain_bio(None)) == ("", "", None)
    assert (html_bio(""), html_bio(None)) == ("", None)
    about = {"data": {"created_utc": 1.4e9, "subreddit": {"public_description": ""}}}
    facts = about_facts(about)
    assert facts is not None and facts.bio == "" and facts.links == ()
    assert normalize_author(Author(handle="h", bio="")).bio == ""
    assert normalize_author(Author(handle="h")).bio is None


def test_an_emptied_bio_clears_the_stored_bio_links_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "listener.db"
    with open_store(path) as store:
        seen(store, 1, "reddit", "jr", bio="see https://acme-fan.example", links=())
        seen(store, 2, "x", "jane", links=("https://acme-fan.example",))
        assert len(store.suggestions()) == 1
        seen(store, 3, "reddit", "jr")  # a post that says nothing of the profile: kept
        kept = store.get_author("reddit", "jr")
        assert kept is not None and kept.bio == "see https://acme-fan.example"
        seen(store, 4, "reddit", "jr", bio="")  # the profile now has no bio
        cleared = store.get_author("reddit", "jr")
        assert cleared is not None and cleared.bio is None and not cleared.links
        assert keys(path, "jr") == []
        assert store.suggestions() == []
