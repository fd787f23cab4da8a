"""The brand screen (``Pipeline.screen``): a cheap look at a firehose's raw items that keeps
every item the pipeline could store and drops the posts about no brand.

Each case is checked against the real matcher: the pipeline's ``normalize`` and
``match_brands`` on the same raw item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from listener.config.settings import BrandSettings, Settings
from listener.models import RawItem
from listener.pipeline.brands import compile_brands, match_brands
from listener.pipeline.normalize import normalize, scrub_item
from listener.pipeline.run import Pipeline
from listener.pipeline.screen import _BREAKING, _INLINE, BrandScreen, _read_tags
from listener.query import tokenize
from listener.store import SQLiteStore, open_store
from listener.text import html_to_text

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
MAX_TEXT_CHARS = 20000


def screen_of(*queries: str, max_text_chars: int = MAX_TEXT_CHARS) -> BrandScreen:
    brands = [BrandSettings(name=f"b{i}", query=q) for i, q in enumerate(queries)]
    return BrandScreen(compile_brands(brands).index, max_text_chars=max_text_chars)


def matched(item: RawItem, *queries: str, max_text_chars: int = MAX_TEXT_CHARS) -> bool:
    """Whether the pipeline's own stages keep ``item`` for one of ``queries``."""
    brands = compile_brands([BrandSettings(name=f"b{i}", query=q) for i, q in enumerate(queries)])
    mention = normalize(
        scrub_item(item),
        source="firehose",
        source_type="jetstream",
        fetched_at=NOW,
        max_text_chars=max_text_chars,
    )
    return mention is not None and not isinstance(match_brands(mention, brands), str)


def post(html: str, **fields: object) -> RawItem:
    return RawItem(native_id="1", html=html, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "html"),
    [
        ("acme", "my acme anvil broke"),
        ("acme", "ACME!"),
        ("acme", "&#97;cme is late"),  # an entity spells a letter
        ("acme", "AT&amp;T and acme"),
        ("acme", "ac<b>me</b> anvil"),  # an inline tag joins the letters either side
        ("acme", '<p>see <a href="https://x.example/?a=1&amp;b=2">acme</a></p>'),
        ("acme", "ac\x01me"),  # html_to_text drops the control character
        ("acme", "ＡＣＭＥ anvil"),  # full width
        ("cafe", "Café Olé"),  # diacritics
        ("strasse", "Straße"),  # case folding
        ("apple", "appleの新製品"),  # a spaced word beside a spaceless run
        ("東京", "東京駅に着いた"),  # a spaceless word inside a run
        ('"acme anvil"', "an Acme  anvil"),
        ("acm*", "acmecorp rocks"),
        ("@acme", "hi @acme."),
        ("@acme@mastodon.social", "hi @acme.@mastodon.social"),
        ("#acme", "love it #Acme"),
        ("acme anvil", "the anvil from acme"),
        ("acme OR globex", "globex!"),
        ("acme", "<script>x</script>ac<script>y</script>me"),  # html_to_text's own reading
        ("acme", "1 < 2 and acme > 1"),
    ],
)
def test_a_post_the_matcher_keeps_passes(query: str, html: str) -> None:
    item = post(html)
    assert matched(item, query)
    assert screen_of(query).keeps(item)


@pytest.mark.parametrize(
    ("query", "html"),
    [
        ("acme", "nothing to see here"),
        ("acme", "acmecorp"),  # a word is a whole token
        ("acme", "ac<br>me"),  # a breaking tag separates the letters
        ("acme", "<p>ac</p><p>me</p>"),
        ("acm*", "the macme"),
        ("@acme", "acme without the at"),
        ("#acme", "acme without the hash"),
        ("acme anvil", "an acme only"),  # an AND needs one of its parts: the rarer
        ("東京", "大阪駅"),
    ],
)
def test_a_post_about_no_brand_is_screened_out(query: str, html: str) -> None:
    item = post(html)
    assert not matched(item, query)
    assert not screen_of(query).keeps(item)


def test_deletions_and_edits_always_pass() -> None:
    screen = screen_of("acme")
    deleted = post("", deleted=True)
    edited = post("words without the brand", edited_at=NOW)
    plain = post("words without the brand")
    assert screen([deleted, plain, edited]) == [deleted, edited]


@pytest.mark.parametrize("query", ["-spam", "lang:en", "acme OR -spam", "source:x"])
def test_a_query_that_needs_no_word_passes_everything(query: str) -> None:
    screen = screen_of("globex", query)
    assert screen.passes_everything
    items = [post("nothing of either"), post("")]
    assert screen(items) == items


def test_a_query_needing_a_word_beside_a_filter_still_screens() -> None:
    screen = screen_of("acme lang:en", "globex -spam")
    assert not screen.passes_everything
    assert screen.keeps(post("acme"))
    assert not screen.keeps(post("nothing of either"))


def test_no_brands_screen_out_everything_but_deletions() -> None:
    screen = screen_of()
    assert screen([post("acme"), post("", deleted=True)]) == [post("", deleted=True)]


def test_a_post_long_enough_to_be_cut_passes() -> None:
    # Cut at 100 characters (no space to cut at) the text ends in "acme", a word the whole
    # text does not hold.
    html = "x" * 95 + ",acmecorp,and,more,words"
    item = post(html)
    assert matched(item, "acme", max_text_chars=100)
    assert screen_of("acme", max_text_chars=100).keeps(item)
    assert not screen_of("acme").keeps(item)


def test_a_surrogate_pair_is_read_as_its_character() -> None:
    # A JSON "\ud835\udc1a" escape pair is MATHEMATICAL BOLD SMALL A, which NFKC reads as "a".
    item = post("\ud835\udc1acme")
    assert matched(item, "acme")
    assert screen_of("acme").keeps(item)


def test_the_title_is_screened_too() -> None:
    item = post("nothing here", title="Acme news")
    assert matched(item, "acme")
    assert screen_of("acme").keeps(item)


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(
        "brands:\n"
        "  - name: Acme\n    query: 'acme OR @acme'\n"
        "  - name: Globex\n    query: '\"globex corp\" -job'\n"
        "storage:\n  sqlite: data/listener.db\n"
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    with open_store(settings.storage.sqlite) as opened:
        yield opened


def test_the_pipeline_screens_with_its_brands_and_stores_what_passed(
    settings: Settings, store: SQLiteStore
) -> None:
    pipeline = Pipeline(settings, store, clock=lambda: NOW)
    items = [
        RawItem(native_id="1", html="my acme anvil is late"),
        RawItem(native_id="2", html="a post about the weather"),
        RawItem(native_id="3", html="Globex Corp is hiring"),
        RawItem(native_id="4", html="corp news, a post with neither brand"),
        RawItem(native_id="5", html="", deleted=True),
    ]
    screened = pipeline.screen(items)
    assert [item.native_id for item in screened] == ["1", "3", "5"]
    report = pipeline.process("firehose", "jetstream", items)
    stored = {mention.native_id for mention in report.stored}
    assert stored == {"1", "3"}
    assert stored <= {item.native_id for item in screened}


@pytest.mark.parametrize(
    "markup",
    [
        # Mastodon (its streaming API's captured content) and Bluesky (a link facet).
        '<p><span class="h-card" translate="no"><a href="http://localhost:3000/@mastodonpy_test"'
        ' class="u-url mention">@<span>mastodonpy_test</span></a></span> todo funny text</p>',
        "<p>it&#39;s cool guy</p><p>second<br />line</p>",
        'see <a href="https://www.youtube.com/watch?v=V5lDo&amp;t=1">www.youtube.com/watch?v=V5lD...'
        "</a> &amp; more",
    ],
)
def test_the_markup_sources_write_is_read_without_the_html_parser(markup: str) -> None:
    read = _read_tags(markup)
    assert read is not None
    assert tokenize(read) == tokenize(html_to_text(markup))


@pytest.mark.parametrize(
    "markup",
    ["<script>x</script>", "<!-- c -->", "<a title='x>y'>t</a>", "1 < 2", '<a href="x>', "</a x>"],
)
def test_markup_it_does_not_know_is_left_to_the_html_parser(markup: str) -> None:
    assert _read_tags(markup) is None


def test_a_pipeline_rebuilt_from_new_settings_screens_with_the_new_brands(
    write_settings: Callable[[str], Settings], store: SQLiteStore
) -> None:
    # A settings reload builds a new pipeline (the daemon's _apply); its screen must follow.
    acme, globex = RawItem(native_id="1", html="acme"), RawItem(native_id="2", html="globex")
    before = Pipeline(store=store, settings=write_settings(
        "brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: data/listener.db\n"
    ))  # fmt: skip
    assert before.screen([acme, globex]) == [acme]
    after = Pipeline(store=store, settings=write_settings(
        "brands:\n  - name: Globex\n    query: globex\nstorage:\n  sqlite: data/listener.db\n"
    ))  # fmt: skip
    assert after.screen([acme, globex]) == [globex]
    assert before.screen([acme, globex]) == [acme]


def test_the_tags_it_reads_itself_are_read_as_html_to_text_reads_them() -> None:
    # If html_to_text came to read one of these tags otherwise, the screen would too soon
    # join or split words: this fails first.
    for tag in _INLINE:
        assert html_to_text(f"ac<{tag}>me</{tag}>") == "acme", tag
    for tag in _BREAKING:
        assert tokenize(html_to_text(f"ac<{tag}>me</{tag}>")) == ["ac", "me"], tag


def test_a_pipeline_whose_screen_passes_everything_says_which_brands_make_it(
    write_settings: Callable[[str], Settings], store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = Pipeline(store=store, settings=write_settings(
        "brands:\n  - name: Acme\n    query: acme\n  - name: Everything\n    query: '-spam'\n"
        "storage:\n  sqlite: data/listener.db\n"
    ))  # fmt: skip
    items = [RawItem(native_id="1", html="nothing about either")]
    with caplog.at_level("WARNING", logger="listener.pipeline"):
        assert pipeline.screen(items) == items
    [record] = [r for r in caplog.records if "lets every post through" in r.getMessage()]
    assert record.__dict__["fields"] == {"brands": "Everything"}
