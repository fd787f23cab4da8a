"""The brand screen never drops a post the matcher keeps: generated queries and texts, then
the real tweets of ``../shared/datasets/tweeteval_sentiment`` against a hundred brands.

"Keeps" is decided by the pipeline's own stages on the same raw item (``scrub_item`` →
``normalize`` → ``match_brands``), so the screen is checked against what ``process`` does,
not against a second copy of its rules.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listener.config.settings import BrandSettings
from listener.models import RawItem
from listener.pipeline.brands import CompiledBrands, compile_brands, match_brands
from listener.pipeline.normalize import normalize, scrub_item
from listener.pipeline.screen import BrandScreen
from listener.query import QueryError, compile_query

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
TWEETEVAL = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "tweeteval_sentiment"

# Words chosen to collide under normalisation: case, width, diacritics, ligatures, scripts
# written without spaces, Indic marks, and pieces of one another.
WORDS = [
    "acme", "ACME", "Ａｃｍｅ", "ac", "me", "acmecorp", "café", "cafe", "CAFÉ", "straße",
    "strasse", "ﬁx", "fix", "naïve", "naive", "東京", "駅", "東京駅", "apple", "の", "新製品",
    "삼성", "이", "สวัสดี", "নমস্কার", "नमस्ते", "wi", "fi", "x1", "_a", "İstanbul", "istanbul",
    "ｱｯﾌﾟﾙ", "アップル", "𝐚cme",
]  # fmt: skip
# What sits between words in a raw item's html: spaces, punctuation, entities, tags (the
# known ones and others), control characters, combining marks, surrogates from JSON escapes.
GLUE = [
    " ", " ", " ", "\n", "-", ".", ",", "'", "@", "#", "&amp;", "&#97;", "&eacute;", "&", "<",
    ">", "<b>", "</b>", "<br>", "<p>", "</p>", '<a href="https://x.example/?a=1&amp;b">',
    "</a>", "<script>", "</script>", "<!-- c -->", "<a title='x>y'>", "\x01", "\x1f", "\u0301",
    "\u00a0", "\u3000", "\ufeff", "\ud835", "\udc1a", "‿", "…",
]  # fmt: skip

word = st.sampled_from(WORDS)
leaf = st.one_of(
    word,
    word.map(lambda w: f"{w}*"),
    st.lists(word, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    word.map(lambda w: f"@{w}"),
    word.map(lambda w: f"#{w}"),
    st.sampled_from(["lang:en", "lang:ja", "source:firehose", "source:rss"]),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, children).map(lambda ab: f"({ab[0]} {ab[1]})"),
        st.tuples(children, children).map(lambda ab: f"({ab[0]} OR {ab[1]})"),
        children.map(lambda a: f"-{a}"),
    )


query = st.recursive(leaf, _combine, max_leaves=5)
# Queries every part of which needs a word: the screen then has to find one (a negation or a
# field filter anywhere lets every post through, which tests little).
positive_leaf = st.one_of(
    word,
    word.map(lambda w: f"{w}*"),
    st.lists(word, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    word.map(lambda w: f"@{w}"),
    word.map(lambda w: f"#{w}"),
)
positive_query = st.recursive(
    positive_leaf,
    lambda children: st.one_of(
        st.tuples(children, children).map(lambda ab: f"({ab[0]} {ab[1]})"),
        st.tuples(children, children).map(lambda ab: f"({ab[0]} OR {ab[1]})"),
    ),
    max_leaves=4,
)
# Any characters too, a few at a time (NFKC makes letters of some: ﬁ, ², Ⓐ, ㍿).
markup = st.lists(st.one_of(word, st.sampled_from(GLUE), st.text(max_size=3)), max_size=30).map(
    "".join
)


def brands_of(queries: list[str]) -> CompiledBrands | None:
    for text in queries:
        try:
            compile_query(text)
        except QueryError:
            return None
    return compile_brands([BrandSettings(name=f"b{i}", query=q) for i, q in enumerate(queries)])


def kept(item: RawItem, brands: CompiledBrands, max_text_chars: int) -> bool:
    mention = normalize(
        scrub_item(item),
        source="firehose",
        source_type="jetstream",
        fetched_at=NOW,
        max_text_chars=max_text_chars,
    )
    if mention is None:
        return False
    return not isinstance(match_brands(mention, brands), str)


items = {
    "bodies": st.lists(markup, min_size=1, max_size=8),
    "title": st.one_of(st.none(), markup),
    "language": st.sampled_from([None, "en", "ja"]),
    "max_text_chars": st.sampled_from([100, 20000]),
}


@pytest.mark.parametrize(
    "query_of",
    [query, positive_query],
    ids=["any query", "every query needs a word"],
)
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), **items)
def test_no_post_the_matcher_keeps_is_screened_out(
    query_of: st.SearchStrategy[str],
    data: st.DataObject,
    bodies: list[str],
    title: str | None,
    language: str | None,
    max_text_chars: int,
) -> None:
    queries = data.draw(st.lists(query_of, min_size=1, max_size=4), label="queries")
    check_screen(queries, bodies, title, language, max_text_chars)


def check_screen(
    queries: list[str],
    bodies: list[str],
    title: str | None,
    language: str | None,
    max_text_chars: int,
) -> None:
    brands = brands_of(queries)
    if brands is None:
        return  # a generated query that does not parse (an empty phrase, say)
    screen = BrandScreen(brands.index, max_text_chars=max_text_chars)
    for number, body in enumerate(bodies):
        # Long bodies too, so the pipeline's cut at max_text_chars is met.
        for text in (body, body * 9):
            item = RawItem(native_id=str(number), html=text, title=title, language=language)
            if kept(item, brands, max_text_chars):
                assert screen.keeps(item), (queries, item.title, item.html)


def _tweets() -> list[str]:
    texts: list[str] = []
    for path in sorted(TWEETEVAL.glob("*text*.txt")):
        texts.extend(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [text for text in texts if text]


@pytest.mark.skipif(not TWEETEVAL.is_dir(), reason=f"no tweeteval texts at {TWEETEVAL}")
def test_real_tweets_against_a_hundred_brands() -> None:
    from bench.match import Vocabulary, firehose_brand_queries

    tweets = _tweets()
    brands = compile_brands(
        [
            BrandSettings(name=f"b{i}", query=q)
            for i, q in enumerate(firehose_brand_queries(Vocabulary(tweets), 100))
        ]
    )
    screen = BrandScreen(brands.index, max_text_chars=20000)
    assert not screen.passes_everything
    passed = matches = 0
    for number, tweet in enumerate(tweets):
        # As a source hands them over: escaped plain text, some in a paragraph.
        escaped = html.escape(tweet, quote=False)
        item = RawItem(native_id=str(number), html=f"<p>{escaped}</p>" if number % 3 else escaped)
        keeps = screen.keeps(item)
        passed += keeps
        if kept(item, brands, 20000):
            matches += 1
            assert keeps, tweet
    assert matches > 100  # the brands are made of the tweets' words: many match
    assert passed < len(tweets) / 2  # and most tweets are screened out
