"""A feed entry is judged on the fullest text it offers: the article in ``content:encoded``
(or Atom ``content``), not the teaser in ``description``/``summary``, unless the content is
empty or only markup. Real local HTTP server, real pipeline, real SQLite file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from listener.config.settings import Settings
from listener.pipeline.normalize import normalize
from listener.pipeline.run import Pipeline
from listener.store import SQLiteStore, open_store
from listener.text import html_to_text
from tests.helpers import SettableClock
from tests.rss_helpers import fixture_bytes, poll_feed
from tests.test_source_rss import serve

SETTINGS = """\
brands:
  - name: Globex
    query: 'globex'
storage:
  sqlite: data/listener.db
"""

# Written here by hand in the shape of a HuffPost item: the description is an image and
# its caption, the media:content (with its own description) comes before content:encoded,
# and the article sits in CDATA after a newline and indentation. Only the article names
# the brand.
CAPTION = "People wait outside a shop on Tuesday in a photo provided by a news agency."
PARAGRAPH = (
    "<p>Shoppers described long queues and empty shelves across the city this week, "
    "and several said they would not return soon.</p>\n"
)
ARTICLE = PARAGRAPH * 29 + "<p>A spokesperson for Globex said the stores would reopen.</p>"
HUFFPOST_STYLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>News</title><link>https://news.example/</link><description>d</description>
<item>
  <title><![CDATA[  Queues and empty shelves downtown ]]></title>
  <link>https://news.example/queues</link>
  <guid isPermaLink="false">queues-1</guid>
  <description><![CDATA[<img src="https://img.example/q.jpg" alt=""/>{CAPTION}]]></description>
  <media:content url="https://img.example/q.jpg" medium="image">
    <media:credit>Agency</media:credit>
    <media:description>{CAPTION}</media:description>
  </media:content>
  <content:encoded>
      <![CDATA[{ARTICLE}]]>
  </content:encoded>
  <dc:creator><![CDATA[A Reporter]]></dc:creator>
</item>
<item>
  <title>Only a picture in the content</title>
  <link>https://news.example/picture</link>
  <description>Globex opens a new store in the old market hall.</description>
  <content:encoded><![CDATA[ <p> <img src="https://img.example/p.jpg"/> </p> ]]></content:encoded>
</item>
<item>
  <title>Empty content</title>
  <link>https://news.example/empty</link>
  <description>Globex staff strike for a second day.</description>
  <content:encoded>
  </content:encoded>
</item>
<item>
  <title>A short content beside a longer description</title>
  <link>https://news.example/short</link>
  <description>A description that runs on for longer than the content does.</description>
  <content:encoded><![CDATA[<p>The content, short.</p>]]></content:encoded>
</item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:t</id>
<updated>2026-12-01T10:00:00Z</updated>
<entry><id>urn:e1</id><title>Short</title><updated>2026-12-01T10:00:00Z</updated>
<summary>A teaser.</summary>
<content type="html">&lt;p&gt;The whole post, which names Globex twice: Globex.&lt;/p&gt;</content>
</entry></feed>"""


def test_a_huffpost_style_item_keeps_the_article_not_the_caption(
    httpserver: HTTPServer,
) -> None:
    items = poll_feed(serve(httpserver, "/huff", HUFFPOST_STYLE, "application/rss+xml")).items
    article, picture, empty, short = items
    text = html_to_text(article.html)
    assert "A spokesperson for Globex" in text
    assert CAPTION not in text
    assert len(text) > 3000
    assert article.title == "Queues and empty shelves downtown"
    # Content that is only an image or only whitespace loses to the description.
    assert html_to_text(picture.html) == "Globex opens a new store in the old market hall."
    assert html_to_text(empty.html) == "Globex staff strike for a second day."
    # Content over summary otherwise, even a shorter one.
    assert html_to_text(short.html) == "The content, short."


def test_atom_content_wins_over_its_summary(httpserver: HTTPServer) -> None:
    (entry,) = poll_feed(serve(httpserver, "/atom", ATOM, "application/atom+xml")).items
    assert html_to_text(entry.html) == "The whole post, which names Globex twice: Globex."


@pytest.fixture
def store(write_settings: Callable[[str], Settings]) -> Iterator[tuple[Settings, SQLiteStore]]:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as opened:
        yield settings, opened


def test_the_brand_named_only_in_the_article_is_matched_and_stored(
    httpserver: HTTPServer, store: tuple[Settings, SQLiteStore], clock: SettableClock
) -> None:
    settings, opened = store
    items = poll_feed(serve(httpserver, "/huff", HUFFPOST_STYLE, "application/rss+xml")).items
    report = Pipeline(settings, opened, clock=clock).process("news", "rss", items)
    assert len(report.stored) == 3
    stored = opened.get_mention("news:queues-1")
    assert stored is not None and stored.brands == ("Globex",)
    assert "A spokesperson for Globex" in stored.text
    (hit,) = opened.search("spokesperson")
    assert hit.mention.id == "news:queues-1"


def test_the_text_cap_still_holds_for_a_long_article(httpserver: HTTPServer) -> None:
    items = poll_feed(serve(httpserver, "/huff", HUFFPOST_STYLE, "application/rss+xml")).items
    mention = normalize(
        items[0], source="news", source_type="rss",
        fetched_at=datetime(2026, 12, 6, tzinfo=UTC), max_text_chars=500,
    )  # fmt: skip
    assert mention is not None and len(mention.text) <= 500


# The fixtures that carry both a content and a summary (copied from ../shared/fixtures/rss,
# provenance in tests/fixtures/README.md): the text kept is the one with the most to read.
@pytest.mark.parametrize(
    ("name", "kept"),
    [
        # content:encoded holds the summary's words and more (an image, a link).
        ("nasty_rss1_iso8859_golem__feed-rs.xml", "Förderung für den Ausbau"),
        ("realworld_spiegel_rss__feed-rs.xml", "omnystudio.com"),
        ("nasty_relative_enclosure__feed-rs.xml", "contains an enclosure element"),
        # The first entry's content is "..." and its summary the real teaser.
        ("nasty_xml_base_relative_links__feed-rs.xml", "what exactly is good compression"),
    ],
)
def test_fixture_feeds_with_both_keep_the_fuller_text(
    httpserver: HTTPServer, name: str, kept: str
) -> None:
    url = serve(httpserver, f"/{name}", fixture_bytes(name), "application/xml")
    first = poll_feed(url).items[0]
    assert kept in html_to_text(first.html)
