"""Brand matching in scripts written without spaces (Chinese, Japanese, Korean, Thai): a
brand in Latin letters inside a run of those letters, a brand written in them inside a run,
and Latin text matched exactly as before. Hand-written cases (and the issue's own)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from listener.config.settings import Settings
from listener.models import RawItem
from listener.pipeline.run import Pipeline
from listener.query import QueryIndex, compile_query, prepare, tokenize
from listener.store import open_store
from tests.helpers import SettableClock


def matches(query: str, text: str) -> bool:
    return compile_query(query).match(prepare(text)) is not None


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("apple", "Appleの新製品が壊れた"),  # the cases
        ("apple", "我的Apple手机坏了"),
        ("iphone", "ซื้อiPhoneใหม่แล้วพังเลย"),
        ("galaxy", "삼성Galaxy가 또 고장났어요"),
        ("任天堂", "任天堂のスイッチが動かない"),
        ("ソニー", "昨日ソニーのテレビを買った"),
        ("삼성", "삼성이 최고예요"),  # a particle joined to the name
        ("ไลน์", "แอปไลน์ใช้ไม่ได้"),
        ('"任天堂"', "新しい任天堂スイッチ"),  # quoted as settings write it
        ("東京*", "東京駅で待ってる"),
        ('"apple 手机"', "我的Apple手机坏了"),
        ('"東京 駅"', "東京駅で待ってる"),  # spaced in the query, not in the text
        ('"手机 坏了"', "我的Apple手机坏了"),
        ("appleの", "Appleの新製品"),
        ("ａｐｐｌｅ", "Appleの新製品"),  # full-width letters fold under NFKC
        ("apple AND 壊れた", "Appleの新製品が壊れた"),
    ],
)
def test_brands_are_found_inside_runs_of_letters(query: str, text: str) -> None:
    assert matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("apple", "pineapple juice"),  # Latin words are still whole words
        ("apple", "Pineappleの新製品"),  # and stay whole next to kana
        ("app", "Appleの新製品"),
        ("任天堂", "ソニーのテレビ"),
        ('"apple 手机"', "我的手机和apple"),  # a phrase keeps its order
        ('"手机 坏了"', "手机很好, 坏了的是电脑"),  # and its neighbours
        ("apple -壊れた", "Appleの新製品が壊れた"),
    ],
)
def test_what_must_not_match(query: str, text: str) -> None:
    assert not matches(query, text)


def test_latin_tokens_are_unchanged() -> None:
    assert tokenize("Don't panic, pineapple!") == ["don", "t", "panic", "pineapple"]
    assert tokenize("Café crème") == ["cafe", "creme"]
    assert tokenize("我的Apple手机坏了") == ["我的", "apple", "手机坏了"]
    assert prepare("plain text").spaceless == ""


def test_the_index_runs_spaceless_brands_and_agrees_with_the_plain_matchers() -> None:
    queries = ["apple", "任天堂 OR nintendo", '"apple 手机"', "ソニー -テレビ", "東京*", "acme"]
    texts = [
        "Appleの新製品が壊れた", "我的Apple手机坏了", "任天堂のスイッチ", "Nintendo Switch",
        "ソニーのテレビ", "ソニーのカメラ", "東京駅", "acme anvils", "pineapple", "",
    ]  # fmt: skip
    matchers = [compile_query(q) for q in queries]
    index = QueryIndex(matchers)
    for text in texts:
        doc = prepare(text)
        plain = [(i, found) for i, m in enumerate(matchers) if (found := m.match(doc)) is not None]
        assert index.match(doc) == plain, text
    assert [i for i, _ in index.match(prepare("任天堂のスイッチ"))] == [1]
    assert [i for i, _ in index.match(prepare("ソニーのカメラ"))] == [3]


SETTINGS = """\
brands:
  - name: Apple
    query: 'apple'
  - name: Nintendo
    query: '任天堂 OR nintendo'
storage:
  sqlite: data/listener.db
"""


def test_the_pipeline_stores_cjk_mentions_with_their_brands(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS)
    items = [
        RawItem("1", html="Appleの新製品が壊れた"),
        RawItem("2", html="我的Apple手机坏了"),
        RawItem("3", html="任天堂のスイッチが動かない"),
        RawItem("4", html="pineapple cake"),
    ]
    with open_store(settings.storage.sqlite) as store:
        report = Pipeline(settings, store, clock=clock).process("forum", "rss", items)
        assert [m.id for m in report.stored] == ["forum:1", "forum:2", "forum:3"]
        stored = [store.get_mention(f"forum:{n}") for n in (1, 2, 3)]
        assert [m.brands for m in stored if m] == [("Apple",), ("Apple",), ("Nintendo",)]
        assert [m.matched_terms for m in stored if m] == [("apple",), ("apple",), ("任天堂",)]
