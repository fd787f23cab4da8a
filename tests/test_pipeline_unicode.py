"""Text that no encoder accepts (a lone surrogate, from a JSON "\\ud800" escape) cannot stop
a batch: the post is stored with U+FFFD in its place, and its neighbours with it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from listener.config.settings import Settings
from listener.models import Author, RawItem
from listener.pipeline.run import Pipeline
from listener.store import SQLiteStore, open_store
from listener.text import valid_unicode

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
"""
# What json.loads gives for the escapes an API may send: a lone high surrogate, and a pair.
LONE = json.loads('"acme broke \\ud800 again"')
PAIR = json.loads('"acme \\ud83d\\ude21"')


@pytest.fixture
def store(write_settings: Callable[[str], Settings]) -> Iterator[tuple[Settings, SQLiteStore]]:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as opened:
        yield settings, opened


def test_valid_unicode() -> None:
    assert valid_unicode(LONE) == "acme broke \ufffd again"
    assert valid_unicode(PAIR) == "acme 😡"  # the pair is the character it stands for
    assert valid_unicode("plain ascii") == "plain ascii"


def test_a_lone_surrogate_in_an_id_or_text_does_not_fail_the_batch(
    store: tuple[Settings, SQLiteStore],
) -> None:
    settings, db = store
    items = [
        RawItem(json.loads('"id-\\udc00"'), html="acme anvil arrived"),
        RawItem("2", html=LONE, author=Author(name=json.loads('"Ann \\ud800"'))),
        RawItem("3", html=PAIR),
        RawItem("4", html="acme is fine"),
    ]
    report = Pipeline(settings, db).process("api", "x", items)
    assert len(report.stored) == 4 and not report.dropped
    assert db.get_mention("api:id-\ufffd") is not None
    stored = db.get_mention("api:2")
    assert stored is not None and stored.text == "acme broke \ufffd again"
    assert stored.author.name == "Ann \ufffd"
    angry = db.get_mention("api:3")
    assert angry is not None and angry.text == "acme 😡"

    again = Pipeline(settings, db).process("api", "x", items)  # the next poll sends them again
    assert again.stored == [] and sum(again.dropped.values()) == 4
