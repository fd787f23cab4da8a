"""What each source says of an author's profile (issue 18): bio, links, account age,
following and posts, read from the captures in tests/fixtures/<type>/ (where no capture
carries a field, a copy of one with that field set as the network documents it); what a
payload lacks stays None. Then normalize: a hostile bio or link list is cleaned and capped."""

from __future__ import annotations

import asyncio
import copy
import html
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, RawItem
from listener.pipeline.normalize import MAX_BIO_CHARS, MAX_PROFILE_LINKS, normalize, scrub_item
from listener.sources import jetstream, lemmy, mastodon, x, youtube
from listener.sources.jetstream_map import read_frame
from listener.sources.profiles import (
    MAX_SOURCE_BIO_CHARS,
    MAX_SOURCE_LINKS,
    bluesky_facts,
    feed_handle,
    links_in_html,
    links_in_text,
)
from listener.sources.reddit_authors import about_facts
from listener.sources.streaming import StreamContext
from listener.sources.youtube_authors import forget_channels
from tests.jetstream_client import PROFILES_PATH
from tests.jetstream_server import post_line
from tests.source_helpers import NOW, Capture, capture, fixture, poll_source, serve


def body(path: str) -> Any:
    return capture(path).json()


# -- X ------------------------------------------------------------------------------------


def test_an_x_user_with_a_profile_maps_bio_site_age_and_counts() -> None:
    answer = body("x_stream/stream_tweet_hashtags_urls_media__twarc.json")
    author = x.raw_item(answer["data"], x.users_by_id(answer["includes"])).author
    assert author.handle == "OpenMindMH"
    assert author.bio is not None and author.bio.startswith("Pint-sized mental health")
    # "url" is a t.co redirect that names no site; entities.url has the expanded address.
    assert author.links == ("http://www.huffingtonpost.co.uk/author/rachel-egan/",)
    assert author.created_at == datetime(2011, 10, 9, 20, 16, 10, tzinfo=UTC)
    assert (author.followers, author.following, author.posts) == (4485, 2934, 51498)


def test_an_x_user_without_profile_fields_keeps_them_none() -> None:
    answer = body("x/synthetic_search_recent_with_includes.json")
    author = x.raw_item(answer["data"][0], x.users_by_id(answer["includes"])).author
    assert (author.bio, author.links, author.created_at) == (None, (), None)
    assert (author.following, author.posts) == (2000, 4000)  # public_metrics only


def test_x_asks_for_the_profile_user_fields() -> None:
    asked = set(x.USER_FIELDS.split(","))
    assert {"description", "entities", "created_at", "public_metrics"} <= asked


# -- Mastodon -----------------------------------------------------------------------------

# A profile field as Mastodon renders a link: the text shown is shortened, the href is whole.
FIELD_LINK = (
    '<a href="https://quillbrook.example/team/ana" target="_blank" rel="nofollow noopener '
    'noreferrer me" translate="no"><span class="invisible">https://</span><span class="">'
    'quillbrook.example/team/ana</span><span class="invisible"></span></a>'
)
NOTE_WITH_LINKS = (
    '<p>Kettles. <a href="https://mstdn.jp/tags/tea" class="mention hashtag" rel="tag">'
    '#<span>tea</span></a> <a href="https://ana.example/blog" rel="nofollow">ana.example</a>'
    ' <a href="javascript:alert(1)">x</a></p>'
)


def federated_status() -> dict[str, Any]:
    """The status of the documentation's public:remote update event (a mstdn.jp account)."""
    text = fixture("mastodon_stream/sse_update_public_federated__docs.txt").read_text("utf-8")
    [data] = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
    status = json.loads(data)
    assert isinstance(status, dict)
    return status


def test_a_mastodon_account_maps_note_age_and_counts() -> None:
    author = mastodon.raw_item(federated_status()).author
    assert author.bio == "<p>とっても素直で真面目なOLでし！</p>"  # HTML until normalize
    assert author.links == ()  # "fields": [] and no link in the note
    assert author.created_at == datetime(2017, 4, 15, tzinfo=UTC)
    assert (author.followers, author.following, author.posts) == (182, 20, 1128)
    cleaned = normalize_author(author)
    assert cleaned.bio == "とっても素直で真面目なOLでし！"


def test_mastodon_profile_links_are_the_fields_hrefs_then_the_notes() -> None:
    status = federated_status()
    status["account"]["fields"] = [{"name": "Work", "value": FIELD_LINK, "verified_at": None}]
    status["account"]["note"] = NOTE_WITH_LINKS
    author = mastodon.raw_item(status).author
    # The hashtag points at the instance and javascript: is no website: both left out.
    assert author.links == ("https://quillbrook.example/team/ana", "https://ana.example/blog")


def test_a_mastodon_account_without_the_fields_keeps_them_none() -> None:
    status = federated_status()
    for key in ("note", "fields", "created_at", "following_count", "statuses_count"):
        del status["account"][key]
    author = mastodon.raw_item(status).author
    assert (author.bio, author.links, author.created_at) == (None, (), None)
    assert (author.following, author.posts) == (None, None)


# -- Bluesky and Jetstream ----------------------------------------------------------------

PROFILES = "bluesky/synthetic_get_profiles.json"


def test_a_bluesky_profile_view_maps_age_and_counts_and_no_bio_when_none() -> None:
    [first, *_] = body(PROFILES)["profiles"]
    facts = bluesky_facts(first)
    assert facts.created_at == datetime(2024, 9, 4, 11, 55, 0, 863000, tzinfo=UTC)
    assert (facts.following, facts.posts) == (100, 1000)
    assert (facts.bio, facts.links) == (None, ())  # the view has no description


def with_description(request: Request) -> Response:
    """getProfiles for the DIDs asked, each the first profile of the capture with a
    description (profileViewDetailed's plain-text bio)."""
    [template, *_] = body(PROFILES)["profiles"]
    profiles = []
    for did in request.args.getlist("actors"):
        profile = copy.deepcopy(template)
        profile.update(did=did, description="Papers <3 & more: https://socarxiv.example/feed.")
        profiles.append(profile)
    return Response(json.dumps({"profiles": profiles}), content_type="application/json")


def test_jetstream_authors_get_the_profile_from_the_batched_lookup(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(with_description)
    frame = read_frame(post_line("hello", time_us=1_783_175_888_000_000, did="did:plc:prof0001"))
    assert frame.item is not None
    items = [frame.item]

    async def run() -> list[RawItem]:
        async with httpx.AsyncClient() as http:
            opts = jetstream.Options(appview_url=httpserver.url_for("").rstrip("/"))
            ctx = StreamContext(source="live", options=opts, http=http, kept={})
            return await jetstream.enrich(ctx, items)

    [item] = asyncio.run(run())
    author = item.author
    assert author.bio == "Papers &lt;3 &amp; more: https://socarxiv.example/feed."  # escaped
    assert author.links == ("https://socarxiv.example/feed",)  # the full stop is not in it
    assert author.created_at == datetime(2024, 9, 4, 11, 55, 0, 863000, tzinfo=UTC)
    assert (author.followers, author.following, author.posts) == (1523, 100, 1000)
    assert normalize_author(author).bio == "Papers <3 & more: https://socarxiv.example/feed."


# -- Reddit -------------------------------------------------------------------------------


def test_a_reddit_about_gives_the_account_age_and_no_bio_without_a_profile_page() -> None:
    facts = about_facts(body("reddit/synthetic_user_about.json"))
    assert facts is not None
    assert facts.created_at == datetime(2015, 1, 1, tzinfo=UTC)
    assert (facts.bio, facts.links, facts.following, facts.posts) == (None, (), None, None)


def test_a_reddit_profile_page_description_is_the_bio() -> None:
    about = body("reddit/synthetic_user_about.json")
    about["data"]["subreddit"] = {"display_name": "u_nmtake", "public_description": "I make "
                                  "kettles. https://nmtake.example"}  # fmt: skip
    facts = about_facts(about)
    assert facts is not None and facts.bio == "I make kettles. https://nmtake.example"
    assert facts.links == ("https://nmtake.example",)
    assert about_facts(body("reddit/synthetic_user_about_suspended.json")) is None


# -- YouTube ------------------------------------------------------------------------------

BY_VIDEO = "youtube/python-youtube__comment_threads_comment_threads_by_video_paged_1.json"
CHANNELS = "youtube/synthetic_channels_statistics.json"


def test_youtube_channels_give_description_age_and_video_count(httpserver: HTTPServer) -> None:
    forget_channels()
    answer = body(CHANNELS)
    first = answer["items"][0]
    # channels.list's snippet as documented (resource youtube#channel).
    first["snippet"] = {
        "title": "himani agarwal",
        "description": "Recipes and kettles\nhttps://himani.example/about",
        "publishedAt": "2013-05-02T10:11:12Z",
    }
    serve(httpserver, "/youtube/v3/commentThreads", capture(BY_VIDEO))
    channels = serve(httpserver, "/youtube/v3/channels", Capture(json.dumps(answer).encode()))
    result = poll_source(
        youtube,
        api_url=httpserver.url_for("/youtube/v3"),
        api_key="k3y",
        lookback="4000d",
        video_ids=["F1UP7wRCPH8"],
        max_pages=1,
    )
    forget_channels()
    assert channels.args[0]["part"] == "snippet,statistics"
    by_name = {i.author.name: i.author for i in result.items}
    himani = by_name["himani agarwal"]
    assert himani.bio == "Recipes and kettles\nhttps://himani.example/about"
    assert himani.links == ("https://himani.example/about",)
    assert himani.created_at == datetime(2013, 5, 2, 10, 11, 12, tzinfo=UTC)
    assert (himani.followers, himani.posts, himani.following) == (1520, 31, None)
    other = by_name["Andres Jorquera"]  # no snippet in the answer
    assert (other.bio, other.links, other.created_at, other.posts) == (None, (), None, 4)


# -- Lemmy --------------------------------------------------------------------------------


def test_a_lemmy_person_gives_bio_and_age(httpserver: HTTPServer) -> None:
    answer = body("lemmy/synthetic_search_posts_v019.json")
    answer["posts"][0]["creator"]["bio"] = "Paddles <b>and</b> kayaks: https://paddler.example"
    serve(httpserver, "/api/v3/search", Capture(json.dumps(answer).encode()))
    result = poll_source(lemmy, instance_url=httpserver.url_for("").rstrip("/"), query="kelp")
    first, federated, *_ = result.items
    # Markdown is text: the pipeline shows "<b>", it does not render it.
    assert (
        normalize_author(first.author).bio == "Paddles <b>and</b> kayaks: https://paddler.example"
    )
    assert first.author.links == ("https://paddler.example",)
    assert first.author.created_at == datetime(2024, 2, 11, 18, 20, tzinfo=UTC)
    assert (federated.author.bio, federated.author.links) == (None, ())


# -- Feed authors -------------------------------------------------------------------------


def test_a_feed_author_handle_is_the_name_slug_at_the_site() -> None:
    entry, feed = "https://www.example.com/2026/12/a-post", "https://blog.example.org/"
    assert feed_handle("Jane Doe", entry, feed) == "jane-doe@example.com"
    assert feed_handle("Jane Doe", None, feed) == "jane-doe@blog.example.org"
    assert feed_handle("  ДЖЕЙН  Доу ", entry) == "джейн-доу@example.com"  # any script
    assert feed_handle("Gelbmann, Paul & Co.", entry) == "gelbmann-paul-co@example.com"
    assert feed_handle(None, entry) is None  # no name: no handle
    assert feed_handle("!!!", entry) is None  # nothing of a name in it
    assert feed_handle("Jane", "mailto:jane@example.com", "") is None  # no site
    hostile = feed_handle("a " * 500_000, entry)
    assert hostile is not None and len(hostile) <= 64 + len("@example.com")


def test_feed_entries_with_and_without_a_byline(httpserver: HTTPServer) -> None:
    from listener.sources import rss

    feed = fixture("rss/nasty_xml_base_relative_links__feed-rs.xml").read_bytes()
    httpserver.expect_request("/feed.xml").respond_with_data(feed, content_type="text/xml")
    result = poll_source(rss, url=httpserver.url_for("/feed.xml"))
    handles = {i.author.name: i.author.handle for i in result.items}
    assert handles["Jonas Große Sundrup"] == "jonas-grosse-sundrup@insanity.industries"
    alerts = fixture("rss/google_alerts_atom__feedjira.xml").read_bytes()
    httpserver.expect_request("/alerts.xml").respond_with_data(alerts, content_type="text/xml")
    unnamed = poll_source(rss, url=httpserver.url_for("/alerts.xml")).items
    assert unnamed and all(i.author == Author() for i in unnamed)


# -- normalize: profile text is hostile ---------------------------------------------------


def normalize_author(author: Author) -> Author:
    item = RawItem(native_id="1", url=None, html="a post", author=author)
    mention = normalize(
        scrub_item(item), source="s", source_type="mastodon", fetched_at=NOW, max_text_chars=5000
    )
    assert mention is not None
    return mention.author


def test_a_hostile_bio_is_plain_text_without_controls_and_capped() -> None:
    bio = "<script>alert(1)</script><b>Hi</b>\x1b[31m red\x07 " + "word " * 200_000
    cleaned = normalize_author(Author(handle="h", bio=bio))
    assert cleaned.bio is not None
    assert cleaned.bio.startswith("Hi[31m red word")  # tags, script and controls gone
    assert "alert" not in cleaned.bio and "\x1b" not in cleaned.bio
    assert len(cleaned.bio) <= MAX_BIO_CHARS + 1 and cleaned.bio.endswith("…")
    assert normalize_author(Author(handle="h", bio="<p> </p>")).bio is None


def test_a_bio_with_a_lone_surrogate_is_scrubbed() -> None:
    cleaned = normalize_author(
        Author(handle="h", bio="tea \ud800 time", links=("https://a.example/\udfff",))
    )
    assert cleaned.bio is not None and cleaned.bio.encode("utf-8")
    assert all(link.encode("utf-8") for link in cleaned.links)


def test_profile_links_are_web_addresses_capped_in_number_and_length() -> None:
    links = (
        "javascript:alert(1)",
        "data:text/html,<script>",
        "https://ok.example/a",
        "https://ok.example/a",  # the same one twice
        "https://spaced.example/a b",
        "https://ctrl.example/\x1b[2J",
        "https://long.example/" + "x" * 5000,
        *(f"http://site{n}.example/" for n in range(20)),
    )
    cleaned = normalize_author(Author(handle="h", links=links)).links
    assert cleaned[0] == "https://ok.example/a"
    assert len(cleaned) == MAX_PROFILE_LINKS
    assert all(link.startswith(("http://", "https://")) for link in cleaned)
    assert cleaned[1:] == tuple(f"http://site{n}.example/" for n in range(MAX_PROFILE_LINKS - 1))


def test_link_helpers_read_only_the_first_part_of_a_huge_profile() -> None:
    huge = "<a href='https://first.example'>x</a>" + "<a href='https://n.example'>" * 100_000
    assert links_in_html(huge)[0] == "https://first.example"
    assert links_in_text("see https://a.example/x), and http://b.example.") == (
        "https://a.example/x",
        "http://b.example",
    )


def test_sources_cut_a_huge_bio_and_link_list_before_caching_them() -> None:
    status = federated_status()
    status["account"]["note"] = "<p>" + "tea " * 250_000 + "</p>"
    status["account"]["fields"] = [
        {"name": f"site {n}", "value": f'<a href="https://s{n}.example/">s{n}</a>'}
        for n in range(100)
    ]
    author = mastodon.raw_item(status).author
    assert author.bio is not None and len(author.bio) == MAX_SOURCE_BIO_CHARS
    assert len(author.links) == MAX_SOURCE_LINKS
    [profile, *_] = body(PROFILES)["profiles"]
    facts = bluesky_facts({**profile, "description": "<b>" * 1_000_000})
    assert facts.bio is not None  # cut, then escaped
    assert html.unescape(facts.bio) == ("<b>" * 1_000_000)[:MAX_SOURCE_BIO_CHARS]
