"""Press: news items about the brand are flagged ``press``, stored, searchable, and are not
customer complaints; a customer's own first-person post in a feed stays a complaint.

The Google Alerts feed is a real one (``../shared/fixtures/rss``), read by feedparser and our
own entry reader, then judged on the pipeline's real path into a SQLite file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.judging.judge import Judge
from listener.judging.press import headline_shaped, news_site, press_evidence
from listener.models import Flag, Mention, RawItem, Urgency
from listener.pipeline.run import Pipeline
from listener.sources.feed_entries import raw_item
from listener.store import SQLiteStore, open_store
from tests.helpers import SettableClock

ALERTS_FEED = (
    Path(__file__).resolve().parents[2] / "shared/fixtures/rss/google_alerts_atom__feedjira.xml"
)
FEED_URL = "https://www.google.com/alerts/feeds/04175468913983673025/4428013283581841004"
SETTINGS = """\
brands:
  - name: Slack
    query: '"slack"'
storage:
  sqlite: data/listener.db
"""
CUSTOMER_POST = "alerts:customer-blog"
JUDGE = Judge()


def alert_items() -> list[RawItem]:
    feed = feedparser.parse(ALERTS_FEED.read_bytes())
    return [raw_item(entry, feed.feed, FEED_URL) for entry in feed.entries]


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def store(settings: Settings, clock: SettableClock) -> Iterator[SQLiteStore]:
    customer = RawItem(
        "customer-blog",
        url="https://blog.example.org/2019/07/10/slack-again/",
        title="Slack Keeps Logging Me Out",
        html="<p>I have asked Slack support three times and my workspace still logs me out "
        "every hour. Still no reply. This is ridiculous.</p>",
        published_at=datetime(2019, 7, 10, 12, tzinfo=UTC),
    )
    with open_store(settings.storage.sqlite) as opened:
        Pipeline(settings, opened, clock=clock).process("alerts", "rss", [*alert_items(), customer])
        yield opened


def stored_mentions(store: SQLiteStore, settings: Settings) -> list[Mention]:
    result = CliRunner().invoke(
        main, ["search", "--json", "--limit", "100", "--config", str(settings.config_path)]
    )
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    found = [store.get_mention(i) for i in ids]
    return [m for m in found if m is not None]


def found_ids(settings: Settings, *args: str) -> list[str]:
    result = CliRunner().invoke(
        main, ["search", "--json", "--limit", "100", *args, "--config", str(settings.config_path)]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


def test_google_alerts_news_items_are_press_and_not_complaints(
    store: SQLiteStore, settings: Settings
) -> None:
    mentions = [m for m in stored_mentions(store, settings) if m.id != CUSTOMER_POST]
    assert len(mentions) >= 10  # the feed's articles that name Slack
    for mention in mentions:
        assert mention.judgments is not None
        flags = {f.name: f.evidence for f in mention.judgments.flags}
        assert Flag.PRESS in flags, mention.title
        assert mention.judgments.complaint is False, mention.title
        assert "from a news feed (rss)" in flags[Flag.PRESS]


def test_the_recode_headline_is_press_with_its_evidence(
    store: SQLiteStore, settings: Settings
) -> None:
    (recode,) = [m for m in stored_mentions(store, settings) if m.title.startswith("Recode Daily")]
    assert recode.judgments is not None and recode.judgments.complaint is False
    (press,) = [f for f in recode.judgments.flags if f.name == Flag.PRESS]
    assert press.evidence == (
        "from a news feed (rss)",
        "a news site's article (vox.com)",
        "a headline: 'Recode Daily: Slack has a Snap problem'",
    )
    assert any("press" in line for line in recode.judgments.complaint_evidence)


@pytest.mark.usefixtures("store")
def test_press_is_searchable_and_the_customers_own_post_stays_a_complaint(
    settings: Settings,
) -> None:
    press = found_ids(settings, "--flag", "press")
    assert len(press) >= 10 and CUSTOMER_POST not in press
    assert found_ids(settings, "--complaint") == [CUSTOMER_POST]
    # Words search as ever: the Recode item is found by its headline's words, as press.
    (snap,) = found_ids(settings, "Snap", "--flag", "press")
    assert snap in press and found_ids(settings, "Snap", "--complaint") == []


def test_a_first_person_post_in_a_feed_is_not_press() -> None:
    text = "Acme Router Review\nI bought this router and my connection drops every hour."
    assert (
        press_evidence(
            text,
            title="Acme Router Review",
            source_type="rss",
            url="https://news.example.com/2026/11/acme-router-review",
        )
        == ()
    )


def test_press_needs_two_signs() -> None:
    headline = "Acme Shares Fall After Product Recall"
    # A headline alone, in a post with no source or link, is a post like any other.
    assert press_evidence(f"{headline}\nDetails inside.", title=headline) == ()
    assert press_evidence(headline, title=headline, source_type="x") == ()
    assert press_evidence(headline, title=headline, source_type="rss") != ()
    assert (
        press_evidence(
            "acme shares fall after recall",
            source_type="reddit",
            url="https://www.reuters.com/business/acme-shares-fall",
        )
        == ()
    )  # one sign (the link) only: a person sharing an article
    j = JUDGE.judge_text(
        "Acme outage leaves thousands unable to log in",
        title="Acme outage leaves thousands unable to log in",
        source_type="rss",
        url="https://example.com/news/acme-outage",
    )
    assert j.complaint is False and Flag.PRESS in {f.name for f in j.flags}


def test_news_sites_and_headline_shapes() -> None:
    assert news_site("https://www.ft.com/content/6ee262ba") == "ft.com"
    assert news_site("https://edition.cnn.com/2026/11/22/tech/acme") == "edition.cnn.com"
    assert news_site("http://www.valleybreeze.com/2019-07-09/pawtucket/a") == "valleybreeze.com"
    assert news_site("https://shop.example.com/products/anvil") is None
    assert news_site("not a url at all") is None
    assert headline_shaped("Exclusive: Acme to cut 500 jobs")
    assert headline_shaped("Acme Stock Has a Compelling Story")
    assert not headline_shaped("why does the acme app keep crashing?")
    assert not headline_shaped("Acme থেকে অর্ডার করেছিলাম, ডেলিভারি এখনো পাইনি")


def test_a_news_item_about_harm_is_press_that_keeps_its_safety_and_urgency() -> None:
    # Not a customer's complaint, but a manager must still see it first.
    headline = "Acme Phone Battery Exploded and Burned a Teenager, Lawsuit Says"
    j = JUDGE.judge_text(
        headline,
        title=headline,
        source_type="rss",
        url="https://www.reuters.com/business/acme-phone-battery",
    )
    assert j.complaint is False and Flag.PRESS in {f.name for f in j.flags}
    assert j.topics[0].name == "safety"
    assert j.urgency is Urgency.HIGH
