"""Press as a new user's trial found it: a feed alone is no article, a customer's question or
complaint in a feed (Reddit search, a Japanese blog) is no press, and sentence-case news and
roundups are press, never complaints."""

from __future__ import annotations

import pytest

from listener.judging.judge import Judge
from listener.judging.press import customer_site, news_statement, press_evidence
from listener.models import Flag

JUDGE = Judge()


def is_press(text: str, title: str, url: str | None, source_type: str = "rss") -> bool:
    judged = JUDGE.judge_text(text, title=title, source_type=source_type, url=url)
    return Flag.PRESS in {f.name for f in judged.flags}


def test_a_question_from_reddit_search_rss_is_not_press() -> None:
    title = "Does anyone know if Acme Corp ships to Canada?"
    text = f"{title}\nThinking of ordering the Acme anvil but the site only lists US states."
    assert not is_press(text, title, "https://www.reddit.com/r/acme/comments/x1/does_anyone/")
    # A question is never press, wherever it is posted.
    assert not is_press(text, title, "https://example.com/2026/12/05/acme")


def test_a_japanese_complaint_in_a_feed_is_not_press() -> None:
    title = "Acme rocketを買ったのに、Acmeの新製品が壊れた。"
    text = f"{title}サポートに連絡しても返事がない。返金してほしい。"
    assert not is_press(text, title, "https://blog.example.jp/2026/12/05/acme")
    # The same words on a newsroom's own host are the newsroom's to vouch for.
    assert press_evidence(text, title=title, source_type="rss", url="https://www.nikkei.com/a/1")


@pytest.mark.parametrize(
    "headline",
    [
        "Acme Corp recalls 40,000 rocket chargers after fire reports",
        "Acme Corp posts record quarterly profit as anvil sales climb 12%",
    ],
)
def test_sentence_case_news_in_a_feed_is_press_and_not_a_complaint(headline: str) -> None:
    judged = JUDGE.judge_text(
        headline, title=headline, source_type="rss", url="https://example.com/items/4411"
    )
    flags = {f.name: f.evidence for f in judged.flags}
    assert flags[Flag.PRESS] == ("from a news feed (rss)", f"a headline: {headline!r}")
    assert judged.complaint is False


def test_a_news_roundup_is_press_and_its_problem_words_make_no_complaint() -> None:
    title = "Stories you missed this week"
    text = (
        f"{title}: Acme refunds shipping fees after the port delays, a shop owner called the "
        "new anvil sturdy, and the Acme rocket gets a new colour."
    )
    judged = JUDGE.judge_text(text, title=title, source_type="rss", url="https://example.com/w/49")
    assert judged.complaint is False and judged.complaint_score <= 0.1
    assert Flag.PRESS in {f.name for f in judged.flags}


def test_a_feed_alone_or_a_statement_alone_is_not_press() -> None:
    headline = "Acme Corp recalls 40,000 rocket chargers after fire reports"
    assert press_evidence(headline, title=headline) == ()  # no source, no link
    plain = "acme anvils arrived today, all good"
    assert press_evidence(plain, title=plain, source_type="rss") == ()  # the feed only


def test_an_article_body_counts_as_evidence() -> None:
    text = (
        "Acme said on Tuesday that it would open two new warehouses in the spring. "
        "The company, which makes anvils and rockets, employs 4,000 people in the region. "
        "“We expect demand to keep growing,” a spokeswoman said. "
        "Analysts had expected the move since the summer. "
        "Shares rose 3% in early trading, and the plans were welcomed by the town council, "
        "which had asked the firm for local jobs for years. Building starts in March."
    )
    evidence = press_evidence(text, source_type="rss", url="https://example.com/a/77")
    assert evidence == (
        "from a news feed (rss)",
        "an article's body (several sentences, reported speech)",
    )


def test_customer_hosts_and_news_statements() -> None:
    assert customer_site("https://old.reddit.com/r/acme/comments/abc/x/")
    assert customer_site("https://forum.acme.com/t/anvil-too-heavy/12")
    assert customer_site("https://www.trustpilot.com/review/acme.com")
    assert not customer_site("https://www.reuters.com/business/acme-recall")
    assert news_statement("Acme Corp recalls 40,000 rocket chargers after fire reports")
    assert news_statement("Regulator sues Acme over anvil safety")
    assert not news_statement("acme posts my parcel to the wrong town")
    assert not news_statement("Does Acme ship to Canada?")
