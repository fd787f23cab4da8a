"""A mention is stored without what it adds nothing with (html equal to its text, defaults
and unreported counts in its JSON) and reads back exactly as it was (real store file)."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from listener.models import Engagement, Finding, Judgments, SentimentLabel
from listener.store import open_store
from tests.store_helpers import make_mention


def test_a_plain_post_is_stored_lean_and_reads_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "listener.db"
    judged = Judgments(
        sentiment=-0.5,
        sentiment_label=SentimentLabel.NEGATIVE,
        model="vader",
        complaint=True,
        topics=(Finding("delivery"),),
        feelings=(Finding("frustrated", ("fed up",)),),
    )
    plain = make_mention(1, html="Some ordinary text for post 1.", judgments=judged)
    counted = make_mention(2, engagement=Engagement(likes=3, views=0))
    with open_store(path) as store:
        store.insert_mentions([plain, counted])
        assert store.get_mention(plain.id) == plain
        assert store.get_mention(counted.id) == counted
    raw = sqlite3.connect(path)
    try:
        stored = {
            r[0]: r[1:] for r in raw.execute("SELECT id, html, engagement, judgments FROM mentions")
        }
    finally:
        raw.close()
    html, engagement, judgments = stored[plain.id]
    assert html is None and engagement == "{}"
    assert json.loads(judgments) == {
        "sentiment": -0.5,
        "sentiment_label": "negative",
        "model": "vader",
        "complaint": True,
        "feelings": [{"name": "frustrated", "evidence": ["fed up"]}],
        "topics": [{"name": "delivery"}],
    }
    html, engagement, _ = stored[counted.id]
    assert html == counted.html and json.loads(engagement) == {"likes": 3, "views": 0}


def test_an_edited_plain_post_is_stored_lean_too(tmp_path: Path) -> None:
    path = tmp_path / "listener.db"
    first = make_mention(1, html="Some ordinary text for post 1.")  # as plain as its text
    with open_store(path) as store:
        store.insert_mentions([first])
        words = "Some ordinary text for post 1, edited."
        edited = make_mention(
            1,
            text=words,
            html=words,
            edited_at=first.published_at + timedelta(hours=1),
        )
        assert edited.text == edited.html
        assert store.revise_mentions([edited]) == 1
        assert store.get_mention(edited.id).html == edited.html  # type: ignore[union-attr]
    raw = sqlite3.connect(path)
    try:
        (html,) = raw.execute("SELECT html FROM mentions WHERE id = ?", (edited.id,)).fetchone()
    finally:
        raw.close()
    assert html is None  # the text already says it: no second copy
