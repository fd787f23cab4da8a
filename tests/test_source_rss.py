"""The rss source against a real local HTTP server serving the real fixture bytes
(tests/fixtures/rss/, provenance in tests/fixtures/README.md)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Response

from listener.models import Author, SourceState
from listener.sources import rss
from listener.sources.errors import PermanentError, SourceError, TransientError
from listener.sources.registry import get_source_type
from tests.helpers import RSS_FIXTURES
from tests.rss_helpers import Verbatim304, fixture_bytes, poll_feed
from tests.source_helpers import ReplayPlan

BASE = "{base}"  # stands for the local server's root URL in expectations


@dataclass(frozen=True)
class Has:
    """Matches any string containing ``text`` (for long HTML bodies)."""

    text: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and self.text in other

    def __hash__(self) -> int:
        return hash(self.text)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    """What polling one fixture must give. ``first`` lists attributes of the first item
    (``{base}`` in strings is replaced by the server's URL)."""

    entries: int = 0
    error: type[SourceError] | None = None
    problem: str | None = None  # text the single reported problem contains; None: no problems
    content_type: str | None = "text/xml"  # None: no Content-Type header at all
    first: dict[str, Any] = field(default_factory=dict)


EDGE = "feedparser_edgecases/feedparser__"
CASES: dict[str, Case] = {
    # -- feedparser's own single-issue cases (expectations from each file's header comment)
    f"{EDGE}encoding_bozo_double-encoded-html.xml": Case(
        1, problem="undefined entity", first={"html": "…", "native_id": Has("sha256:")}
    ),
    f"{EDGE}encoding_bozo_http_text_plain.xml": Case(0, content_type="text/plain"),
    f"{EDGE}encoding_bozo_linenoise.xml": Case(1, problem="declared as utf-8, but parsed as"),
    f"{EDGE}encoding_demoronize-1.xml": Case(1, first={"html": "don\u2019t"}),
    f"{EDGE}encoding_utf-16le-bom.xml": Case(0),
    f"{EDGE}illformed_chardet_windows1255.xml": Case(
        1, problem="parsed as Windows-1255", first={"html": Has("האם תדפיס נייר של אתר אינטרנט")}
    ),
    f"{EDGE}illformed_http_high_bit_date.xml": Case(0),
    f"{EDGE}illformed_rss_incomplete_cdata.xml": Case(
        1, problem="XML or text declaration", first={"title": None, "language": "en-us"}
    ),
    f"{EDGE}illformed_rss_item_link_corrupted_ampersands.xml": Case(
        1, problem="unclosed token", first={"url": "http://link/get?a=1&b=2"}
    ),
    # Zero entries plus a real XML error: we cannot tell "no items" from "items lost".
    f"{EDGE}illformed_undeclared_namespace.xml": Case(error=TransientError),
    # -- real-world feeds
    "google_alerts_atom__feedjira.xml": Case(
        20,
        first={
            "native_id": "tag:google.com,2013:googlealerts/feed:8974135267215335962",
            "url": "https://www.aglobalmarketresearch.com/report-offers-prediction-of-automotive-"
            "slack-market-by-top-key-players-like-haldex-meritor-bendix-mei-wabco-accuride-"
            "stemco-tbk-febi-aydinsan/",
            "published_at": utc(2019, 7, 10, 11, 53, 37),
            "author": Author(),
        },
    ),
    "nasty_Z_timezone_rfc822_ilgiornale__feed-rs.xml": Case(
        1,
        first={
            "published_at": utc(2022, 11, 15, 20, 15, 4),
            "language": "it",
            "author": Author(handle="angela-leucci@ilgiornale.it", name="Angela Leucci"),
            "title": "Arrestato in Pakistan Shabbar Abbas. "
            "In Italia è accusato per l'omicidio di Saman",
        },
    ),
    "nasty_atom_relative__feed-rs.xml": Case(
        1,
        first={
            "url": f"{BASE}/blog/2003/12/13/atom03",
            "native_id": "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
            "published_at": utc(2003, 12, 13, 18, 30, 2),  # Atom <updated> only
        },
    ),
    "nasty_invalid_dc_date_epoch__feedjira.xml": Case(
        2,
        problem="no element found",  # also truncated: no </rss>
        first={"published_at": utc(2017, 10, 16, 15, 10), "native_id": "http://example.com/item0"},
    ),
    "nasty_iso8859_1_inovacao__feed-rs.xml": Case(
        1,
        first={
            "title": "Revolução nas telas com pontos quânticos impressos em 3D",
            "html": Has("as três cores primárias"),
            "published_at": utc(2020, 8, 13, 9, 57, 55),
            "language": "pt-br",
        },
    ),
    "nasty_relative_enclosure__feed-rs.xml": Case(
        1, first={"extra": {"enclosures": [f"{BASE}/images/me/hackergotchi-simpler.png"]}}
    ),
    "nasty_rss1_iso8859_golem__feed-rs.xml": Case(
        1,
        first={
            "title": "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse",
            "html": Has("Förderung für den Ausbau"),
            "published_at": utc(2023, 1, 25, 18, 3, 2),  # RSS 1.0: dc:date only
            "author": Author(handle="achim-sawall@golem.de", name="Achim Sawall"),
        },
    ),
    "nasty_truncated_reuters__feed-rs.xml": Case(error=TransientError),
    "nasty_undeclared_nbsp_entity_dbengines__feed-rs.xml": Case(
        1,
        problem="undefined entity",
        first={
            "published_at": utc(2023, 1, 3, 15, 0),  # dc:date, which feedparser files as updated
            "html": Has("in our\xa0DB-Engines Ranking"),
            "author": Author(
                handle="matthias-gelbmann-paul-andlinger@db-engines.com",
                name="Matthias Gelbmann, Paul Andlinger",
            ),
        },
    ),
    # No XML declaration and no Content-Type: the UTF-8 "ß" must still come out right.
    "nasty_xml_base_relative_links__feed-rs.xml": Case(
        2,
        content_type=None,
        first={
            "url": "https://insanity.industries/post/pareto-optimal-compression/",
            "author": Author(
                handle="jonas-grosse-sundrup@insanity.industries", name="Jonas Große Sundrup"
            ),
            "language": "en-US",
        },
    ),
    "realworld_bbc_rss__feed-rs.xml": Case(
        1,
        content_type="application/rss+xml",
        first={
            "native_id": "urn:bbc:podcast:m000sjxt",
            "language": "en",
            "extra": {"enclosures": [Has("/vpid/p097wt5b.mp3")]},
        },
    ),
    "realworld_spiegel_rss__feed-rs.xml": Case(
        1,
        content_type="application/rss+xml; charset=utf-8",
        first={
            "native_id": "c7e3cca2-665e-4bc4-bcac-acc6011b9fa2",
            "title": Has("Lockdown-Verlängerung"),
            "language": "de",
        },
    ),
    "reddit_r_rust_rss__feed-rs.xml": Case(
        1,
        content_type="application/atom+xml; charset=UTF-8",
        first={
            "native_id": "t3_glvkc5",
            "author": Author(
                handle="u-llogiq@reddit.com",
                name="/u/llogiq",
                url="https://www.reddit.com/user/llogiq",
            ),
            "published_at": utc(2020, 5, 18, 5, 44, 47),  # <updated> only
        },
    ),
    "reddit_search_rss_sort_new__feed-rs.xml": Case(
        1,
        first={
            "native_id": "t3_qksbf1",
            "url": "https://www.reddit.com/r/kevincox/comments/qksbf1/announcing_feedmail/",
        },
    ),
    "youtube_channel_atom_feed__feed-rs.xml": Case(
        1,
        first={
            "native_id": "yt:video:0A1ouV7iD8o",
            "published_at": utc(2020, 12, 22, 19, 15, 1),
            "author": Author(
                handle="pbs-space-time@youtube.com",
                name="PBS Space Time",
                url="https://www.youtube.com/channel/UC7_gcs09iThXybpVgjHZ_7g",
            ),
        },
    ),
}


def serve(httpserver: HTTPServer, path: str, body: bytes, content_type: str | None) -> str:
    response = Response(body)
    if content_type is None:
        del response.headers["Content-Type"]
    else:
        response.headers["Content-Type"] = content_type
    httpserver.expect_request(path).respond_with_response(response)
    return httpserver.url_for(path)


def with_base(value: Any, base: str) -> Any:
    if isinstance(value, str):
        return value.replace(BASE, base)
    if isinstance(value, dict):
        return {k: with_base(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [with_base(v, base) for v in value]
    return value


def strip_html(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", text))


# --- every fixture, expectations as data -----------------------------------------------


def test_every_fixture_feed_has_an_expectation() -> None:
    on_disk = {str(p.relative_to(RSS_FIXTURES)) for p in RSS_FIXTURES.rglob("*.xml")}
    assert on_disk == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_feed_polls_as_expected(httpserver: HTTPServer, name: str) -> None:
    case = CASES[name]
    url = serve(httpserver, f"/feeds/{name}", fixture_bytes(name), case.content_type)
    base = httpserver.url_for("").rstrip("/")

    if case.error is not None:
        with pytest.raises(case.error, match="could not be parsed") as caught:
            poll_feed(url)
        assert url in str(caught.value)
        return

    result = poll_feed(url)
    assert len(result.items) == case.entries
    if case.problem is None:
        assert result.problems == []
    else:
        assert len(result.problems) == 1
        assert case.problem in result.problems[0]
    for item in result.items:
        assert item.native_id
        if item.url is not None:
            parts = urlsplit(item.url)
            assert parts.scheme in ("http", "https") and parts.netloc, item.url
        if item.published_at is not None:
            assert item.published_at.utcoffset() is not None
            assert item.published_at.tzinfo == UTC
        for enclosure in item.extra.get("enclosures", []):
            assert urlsplit(enclosure).scheme in ("http", "https")
    assert len({item.native_id for item in result.items}) == len(result.items)
    for attribute, expected in case.first.items():
        assert getattr(result.items[0], attribute) == with_base(expected, base), attribute


# --- Google Alerts --------------------------------------------------------------------


def test_google_alerts_links_are_unwrapped_and_titles_lose_their_highlight_markup(
    httpserver: HTTPServer,
) -> None:
    url = serve(
        httpserver, "/alerts/feeds/1/2", fixture_bytes("google_alerts_atom__feedjira.xml"), None
    )
    items = poll_feed(url).items
    assert len(items) == 20
    for item in items:
        assert item.native_id.startswith("tag:google.com,2013:googlealerts/feed:")
        assert item.url is not None
        host = urlsplit(item.url).hostname or ""
        assert "google." not in host, item.url
        assert "usg=" not in item.url and "&ct=ga" not in item.url
        assert item.title is not None
        assert "<b>" not in strip_html(item.title) and "&lt;" not in strip_html(item.title)
        assert item.html
    # 17 of the 20 titles highlight the alert term; the markup is kept for the pipeline.
    highlighted = [i.title for i in items if i.title and "<b>Slack</b>" in i.title]
    assert len(highlighted) == 17
    assert strip_html(items[1].title or "") == (
        "Slack Stock Has a Compelling Story and the Numbers to Back It Up"
    )
    assert items[1].url == "https://investorplace.com/2019/07/slack-stock-truly-compelling/"


def test_unsplittable_google_redirect_keeps_its_wrapped_link(httpserver: HTTPServer) -> None:
    wrapped = "https://www.google.com/url?rct=j&url=http://[oops/x&ct=ga"
    body = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
    body += f"<item><guid>poisoned</guid><link>{html.escape(wrapped)}</link></item>".encode()
    body += b"<item><guid>good</guid><link>https://www.google.com/url?rct=j&amp;"
    body += b"url=https://example.org/fine&amp;ct=ga</link></item></channel></rss>"
    result = poll_feed(serve(httpserver, "/alerts/feeds/1/2", body, "application/rss+xml"))
    assert [(i.native_id, i.url) for i in result.items] == [
        ("poisoned", wrapped),
        ("good", "https://example.org/fine"),
    ]
    assert result.problems == []


# --- entries that cannot be mapped ----------------------------------------------------


def test_an_entry_that_cannot_be_mapped_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    # feedparser passes an RSS enclosure url through verbatim; resolving this one raises
    # ValueError ("Invalid IPv6 URL"). It must cost that entry only, on every poll.
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><guid>poisoned</guid><title>Bad</title><link>https://example.com/bad</link>
    <enclosure url="http://[oops/x.mp3" type="audio/mpeg" length="1"/></item>
    <item><guid>good</guid><title>Good</title><link>https://example.com/good</link></item>
    </channel></rss>"""
    url = serve(httpserver, "/poisoned", body, "application/rss+xml")
    for _ in range(2):
        result = poll_feed(url)
        assert [(i.native_id, i.title) for i in result.items] == [("good", "Good")]
        assert len(result.problems) == 1
        assert "entry 'poisoned' skipped: ValueError" in result.problems[0]
        assert url in result.problems[0]


# --- entry ids ------------------------------------------------------------------------


def test_entry_ids_do_not_depend_on_the_feed_url(httpserver: HTTPServer) -> None:
    # feedparser resolves <id> against the feed URL; Reddit's "t3_…" ids must survive a move.
    body = fixture_bytes("reddit_r_rust_rss__feed-rs.xml")
    first = poll_feed(serve(httpserver, "/r/rust/.rss", body, "application/atom+xml"))
    moved = poll_feed(serve(httpserver, "/elsewhere/deep/feed", body, "application/atom+xml"))
    assert [i.native_id for i in first.items] == [i.native_id for i in moved.items] == ["t3_glvkc5"]


@pytest.fixture
def parse_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Counts feedparser.parse calls (the library's, not ours: rss exposes nothing for it)."""
    calls: list[object] = []
    real_parse = feedparser.parse

    def counting_parse(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(feedparser, "parse", counting_parse)
    return calls


def test_feed_whose_guids_are_their_links_is_parsed_once(
    httpserver: HTTPServer, parse_calls: list[object]
) -> None:
    # Its ids start with the server's own origin, but an id that is its entry's link says
    # nothing about rebasing: a second parse would only double the slowest step.
    base = httpserver.url_for("").rstrip("/")
    items = "".join(
        f"<item><title>{n}</title><guid>{base}/post/{n}</guid><link>{base}/post/{n}</link></item>"
        for n in (1, 2)
    )
    body = f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()
    result = poll_feed(serve(httpserver, "/blog/feed", body, "application/rss+xml"))
    assert [i.native_id for i in result.items] == [f"{base}/post/1", f"{base}/post/2"]
    assert len(parse_calls) == 1


def test_feed_with_rebased_ids_is_parsed_again_for_the_raw_ids(
    httpserver: HTTPServer, parse_calls: list[object]
) -> None:
    body = fixture_bytes("reddit_r_rust_rss__feed-rs.xml")
    result = poll_feed(serve(httpserver, "/r/rust/.rss", body, "application/atom+xml"))
    assert [i.native_id for i in result.items] == ["t3_glvkc5"]
    assert len(parse_calls) == 2


# --- encodings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/rss+xml; charset=ISO-8859-1",
        "text/xml",
        "application/xml",
        None,
    ],
)
def test_iso_8859_1_feed_decodes_accents_whatever_the_content_type(
    httpserver: HTTPServer, content_type: str | None
) -> None:
    body = fixture_bytes("nasty_iso8859_1_inovacao__feed-rs.xml")
    result = poll_feed(serve(httpserver, "/inovacao", body, content_type))
    assert result.items[0].title == "Revolução nas telas com pontos quânticos impressos em 3D"
    assert result.problems == []


def test_server_charset_wins_over_the_xml_declaration(httpserver: HTTPServer) -> None:
    body = "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><item>"
    body += "<guid>1</guid><title>Café</title></item></channel></rss>"
    url = serve(httpserver, "/latin1", body.encode("iso-8859-1"), "text/xml; charset=iso-8859-1")
    assert poll_feed(url).items[0].title == "Café"


# --- mapping details ------------------------------------------------------------------

SMALL_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
<link>https://example.com/</link>{channel}
<item><title>{title}</title><link>https://example.com/a</link>{item}</item>
</channel></rss>"""


def small_feed(*, title: str = "A", channel: str = "", item: str = "") -> bytes:
    return SMALL_FEED.format(title=title, channel=channel, item=item).encode()


def test_epoch_only_dc_date_is_read_as_epoch_seconds(httpserver: HTTPServer) -> None:
    # feedparser turns "1518478934" into a bogus 2015-07-03; it is 2018-02-12T23:42:14Z.
    body = small_feed(item="<dc:date>1518478934</dc:date>")
    item = poll_feed(serve(httpserver, "/epoch", body, "text/xml")).items[0]
    assert item.published_at == utc(2018, 2, 12, 23, 42, 14)


def test_entry_without_any_date_has_no_published_at(httpserver: HTTPServer) -> None:
    item = poll_feed(serve(httpserver, "/nodate", small_feed(), "text/xml")).items[0]
    assert item.published_at is None


def test_plain_text_title_is_escaped_so_stripping_html_gives_it_back(
    httpserver: HTTPServer,
) -> None:
    # An Atom type="text" title is definitely text; "<b>" in it is literal, not markup.
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>x</id>
    <title type="text">AT&amp;T: why 1 &lt; 2 &lt;b&gt;matters&lt;/b&gt;</title></entry></feed>"""
    item = poll_feed(serve(httpserver, "/plain", body, "application/atom+xml")).items[0]
    assert item.title == "AT&amp;T: why 1 &lt; 2 &lt;b&gt;matters&lt;/b&gt;"
    assert strip_html(item.title) == "AT&T: why 1 < 2 <b>matters</b>"


def test_entry_without_id_or_link_gets_a_stable_content_hash(httpserver: HTTPServer) -> None:
    body = b"<rss version='2.0'><channel><item><title>Only a title</title>"
    body += b"<pubDate>Tue, 17 Oct 2017 12:17:00 +0000</pubDate></item></channel></rss>"
    url = serve(httpserver, "/noid", body, "text/xml")
    first, again = poll_feed(url).items[0], poll_feed(url).items[0]
    assert first.native_id.startswith("sha256:")
    assert first.native_id == again.native_id
    assert first.url is None


# --- caching hints --------------------------------------------------------------------


def test_rss_ttl_becomes_min_next_check(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/ttl", small_feed(channel="<ttl>60</ttl>"), "text/xml")
    assert poll_feed(url).min_next_check_s == 3600.0


def test_larger_of_ttl_and_max_age_wins(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/both").respond_with_data(
        small_feed(channel="<ttl>5</ttl>"),
        content_type="text/xml",
        headers={"Cache-Control": "public, max-age=900"},
    )
    assert poll_feed(httpserver.url_for("/both")).min_next_check_s == 900.0


def test_no_ttl_and_no_cache_headers_means_no_hint(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/plainfeed", small_feed(channel="<ttl>soon</ttl>"), "text/xml")
    assert poll_feed(url).min_next_check_s is None


# --- conditional GET ------------------------------------------------------------------


def test_second_poll_sends_validators_and_304_means_not_modified(httpserver: HTTPServer) -> None:
    etag, modified = '"abc"', "Wed, 10 Jul 2019 12:00:00 GMT"
    httpserver.expect_ordered_request("/alerts").respond_with_data(
        fixture_bytes("google_alerts_atom__feedjira.xml"),
        content_type="application/atom+xml",
        headers={"ETag": etag, "Last-Modified": modified},
    )
    httpserver.expect_ordered_request(
        "/alerts", headers={"If-None-Match": etag, "If-Modified-Since": modified}
    ).respond_with_response(Verbatim304({"Cache-Control": "max-age=120"}))
    url = httpserver.url_for("/alerts")

    first = poll_feed(url)
    assert len(first.items) == 20
    assert (first.etag, first.last_modified, first.not_modified) == (etag, modified, False)

    state = SourceState(source="test", etag=first.etag, last_modified=first.last_modified)
    second = poll_feed(url, state)
    assert second.not_modified is True
    assert second.items == []
    assert (second.etag, second.last_modified) == (etag, modified)  # carried forward to persist
    assert second.min_next_check_s == 120.0
    httpserver.check_assertions()


# --- failures -------------------------------------------------------------------------


def test_html_error_page_with_200_is_transient(httpserver: HTTPServer) -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>"
    )
    url = serve(httpserver, "/feed", page, "text/html; charset=utf-8")
    with pytest.raises(TransientError, match=r"did not return an RSS or Atom feed.*text/html"):
        poll_feed(url)


def test_empty_body_is_transient(httpserver: HTTPServer) -> None:
    with pytest.raises(TransientError, match="did not return an RSS or Atom feed"):
        poll_feed(serve(httpserver, "/empty", b"", "application/rss+xml"))


def test_well_formed_feed_without_items_is_an_empty_success(httpserver: HTTPServer) -> None:
    body = b"<?xml version='1.0'?><rss version='2.0'><channel><title>quiet</title></channel></rss>"
    result = poll_feed(serve(httpserver, "/quiet", body, "application/rss+xml"))
    assert (result.items, result.problems) == ([], [])


def test_missing_feed_is_permanent_with_advice(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    with pytest.raises(
        PermanentError, match=r"HTTP 404 Not Found .* check the url in settings\.yaml"
    ):
        poll_feed(httpserver.url_for("/gone"))


# --- options and registration ---------------------------------------------------------


def test_configured_headers_are_sent_with_a_feed_accept_header(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/private", headers={"Authorization": "Bearer t0k"}
    ).respond_with_data(small_feed(), content_type="text/xml")
    poll_feed(httpserver.url_for("/private"), headers={"Authorization": "Bearer t0k"})
    request, _ = httpserver.log[-1]
    assert "application/atom+xml" in request.headers["Accept"]


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "example.com/feed", "https://", ""])
def test_options_reject_non_http_urls(url: str) -> None:
    with pytest.raises(ValidationError, match="http:// or https://"):
        rss.Options(url=url)


def test_options_reject_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="extra"):
        rss.Options.model_validate({"url": "https://example.com/feed", "interval": 5})


def test_options_keep_the_url_exactly_as_written() -> None:
    url = "https://www.reddit.com/search.rss?q=site%3Akevincox.ca&sort=new"
    assert rss.Options(url=url).url == url


def test_rss_is_registered_under_its_type_name() -> None:
    source_type = get_source_type("rss")
    assert source_type.options_model is rss.Options
    assert source_type.poll is rss.poll


def replay(server: HTTPServer) -> ReplayPlan:
    """The Google Alerts capture, for the all-sources test (tests/test_sources_all.py)."""
    body = fixture_bytes("google_alerts_atom__feedjira.xml")
    server.expect_request("/alerts/feeds/1/2").respond_with_data(
        body, content_type="application/atom+xml"
    )
    return ReplayPlan(
        options={"url": server.url_for("/alerts/feeds/1/2")},
        term="slack",
        mentions=len(feedparser.parse(body).entries),  # every alert names Slack
    )
