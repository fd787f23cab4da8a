"""The bot judge beyond names (issue 18): each signal with its evidence, and the way they are
weighed, so that one weak signal (or circumstance alone) never flags an account.

``AccountActivity`` is built directly here; ``test_bots_activity`` reads it from a real store
through the pipeline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from listener.judging.bots import AccountActivity, Signal, bot_verdict
from listener.judging.judge import Judge
from listener.judging.signals import spam_flags
from listener.models import Author, Finding, Flag, Mention
from listener.pipeline.activity import timeline_activity, timeline_post
from tests.store_helpers import make_mention

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PERSON = Author(handle="jane_doe", name="Jane Doe")
NUMBERED = Author(handle="user83749201", name="Deals")
TEMPLATE = "Get 50% off Acme anvils today only at https://deals.example/a1"


def bot_evidence(flags: tuple[Finding, ...]) -> tuple[str, ...] | None:
    return next((f.evidence for f in flags if f.name == Flag.BOT), None)


def spam_evidence(flags: tuple[Finding, ...]) -> tuple[str, ...] | None:
    return next((f.evidence for f in flags if f.name == Flag.SPAM), None)


# -- one weak signal alone never flags --------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "activity"),
    [
        (NUMBERED, None),  # a default handle
        (PERSON, AccountActivity(posts_last_hour=40)),  # a busy poster
        (PERSON, AccountActivity(burst=9)),  # a live-event thread
        (PERSON, AccountActivity(same_words=5)),  # a customer who keeps asking
        (PERSON, AccountActivity(near_copy_authors=6)),  # a share button's words
        (PERSON, AccountActivity(link_only_posts=4, link_only_domain="blog.example")),
        (Author(handle="jane", created_at=NOW - timedelta(hours=5)), None),  # a new account
        (Author(handle="jane", followers=20, following=900), None),  # follows many
    ],
)
def test_one_weak_signal_alone_never_flags_a_bot(
    author: Author, activity: AccountActivity | None
) -> None:
    assert (
        bot_evidence(spam_flags("loving my new Acme anvil", author, activity, posted_at=NOW))
        is None
    )


def test_a_busy_human_on_a_default_handle_is_circumstance_only() -> None:
    # Live-posting a match from the handle the network gave: pace and a numbered handle are
    # two weak signals, but both are what a person shows too.
    busy = AccountActivity(posts_last_hour=35, burst=7)
    assert bot_evidence(spam_flags("GOAL!!! what a finish", NUMBERED, busy, posted_at=NOW)) is None


def test_a_new_customer_on_a_default_handle_is_a_person() -> None:
    # People sign up to complain: youth and a numbered handle fit a person, together too.
    newcomer = Author(handle="sam48210937", created_at=NOW - timedelta(hours=2))
    assert (
        bot_evidence(spam_flags("@acmehelp my order never came", newcomer, posted_at=NOW)) is None
    )
    # A brand-new account already posting twenty an hour is not that picture.
    busy = AccountActivity(posts_last_hour=22)
    assert bot_evidence(spam_flags("hello", newcomer, busy, posted_at=NOW)) == (
        "numbered handle 'sam48210937'",
        "account 2 hours old",
        "22 posts in the last hour",
    )


def test_a_clockwork_schedule_is_strong_on_its_own() -> None:
    # Six posts or more whose gaps stay within 10% of each other: a timer, not a hand.
    timer = AccountActivity(scheduled_every_s=3_600.0)
    assert bot_evidence(spam_flags("tip of the hour", PERSON, timer, posted_at=NOW)) == (
        "posts like clockwork, every 60 min",
    )


def test_a_bluesky_handle_is_read_by_its_name() -> None:
    paper_feed = Author(handle="socpaperbot.bsky.social")
    assert bot_evidence(spam_flags("New paper", paper_feed)) == (
        "'bot' in handle 'socpaperbot.bsky.social'",
    )
    assert bot_evidence(spam_flags("hi", Author(handle="talbot.bsky.social"))) is None


def test_the_template_farm_of_the_issue_is_flagged_with_its_evidence() -> None:
    # "@user83749201 posting the same template twenty times"
    farm = AccountActivity(posts_last_hour=20, burst=6, same_words=19, recent_posts=20)
    evidence = bot_evidence(spam_flags(TEMPLATE, NUMBERED, farm, posted_at=NOW))
    assert evidence == (
        "numbered handle 'user83749201'",
        "20 posts in the last hour",
        "6 posts within 60 s",
        "the same words in 19 earlier posts",
    )


def test_sameness_across_accounts_and_youth_flag_together() -> None:
    young = Author(handle="fresh_acct", created_at=NOW - timedelta(hours=20))
    evidence = bot_evidence(
        spam_flags(TEMPLATE, young, AccountActivity(near_copy_authors=7), posted_at=NOW)
    )
    assert evidence == ("account 20 hours old", "the same words as 7 other accounts")


def test_a_profile_that_follows_to_be_followed_and_posts_nonstop() -> None:
    shaped = Author(
        handle="promo", followers=12, following=4_800, posts=9_000,
        created_at=NOW - timedelta(days=20),
    )  # fmt: skip
    evidence = bot_evidence(spam_flags("hello", shaped, posted_at=NOW))
    # Both are the account's shape: one family, one weak signal, so no flag alone.
    assert evidence is None
    young = Author(handle="promo", created_at=NOW - timedelta(days=2), posts=2_000)
    assert bot_evidence(spam_flags("hello", young, posted_at=NOW)) == (
        "account 2 days old",
        "2,000 posts in 2 days: 1,000 a day",
    )


def test_a_clockwork_link_poster_is_a_bot_and_its_links_are_spam() -> None:
    poster = AccountActivity(
        scheduled_every_s=900.0, link_only_posts=6, link_only_domain="deals.example",
        recent_posts=8,
    )  # fmt: skip
    flags = spam_flags("https://deals.example/x?id=9", PERSON, poster, posted_at=NOW)
    assert bot_evidence(flags) == (
        "posts like clockwork, every 15 min",
        "6 of its last 8 posts only a link to deals.example",
    )
    assert spam_evidence(flags) == (
        "6 of its last 8 posts only a link to deals.example",
        "mostly a link",
    )


def test_bot_in_the_handle_is_still_enough_on_its_own() -> None:
    assert bot_evidence(spam_flags("hello", Author(handle="acme_news_bot"))) == (
        "'bot' in handle 'acme_news_bot'",
    )


def test_each_family_counts_once() -> None:
    pace = [Signal("pace", 1, "a"), Signal("pace", 1, "b"), Signal("name:numbered", 1, "c")]
    assert bot_verdict(pace) == ()  # a busy person on a default handle
    assert bot_verdict([Signal("sameness", 1, "x"), Signal("sameness", 1, "y")]) == ()
    assert bot_verdict([Signal("sameness", 1, "x"), Signal("age", 1, "y")]) == ("x", "y")


def test_a_young_account_posting_a_customer_complaint_is_not_a_bot() -> None:
    # The complaint rule skips spam and bots: a new account asking for its refund is a customer.
    young = Author(handle="newcustomer", created_at=NOW - timedelta(hours=3))
    mention = make_mention(
        1, author=young, text="@acmehq my refund is two weeks late, where is it?",
        published_at=NOW,
    )  # fmt: skip
    judgments = Judge().judge(mention, AccountActivity(posts_last_hour=1))
    assert judgments.complaint and judgments.flags == ()


def test_the_judge_reads_the_activity_of_the_mention() -> None:
    mention: Mention = make_mention(1, author=NUMBERED, text=TEMPLATE, published_at=NOW)
    judge = Judge()
    assert judge.judge(mention).flags == ()
    farm = AccountActivity(same_words=12, posts_last_hour=13)
    assert Flag.BOT in [f.name for f in judge.judge(mention, farm).flags]


# -- the timeline an activity is computed from -------------------------------------------------


def test_a_timeline_counts_the_hour_the_burst_the_words_and_the_links() -> None:
    texts = [f"Get {n}0% off anvils today https://deals.example/{n}" for n in range(8)]
    posts = [timeline_post(NOW - timedelta(seconds=10 * n), t) for n, t in enumerate(texts)]
    posts.append(timeline_post(NOW - timedelta(hours=3), "https://deals.example/old"))
    posts.append(timeline_post(NOW - timedelta(hours=5), "my own thoughts on anvils, at length"))
    judged = {"x:1": posts[0]}
    activity = timeline_activity(posts, judged)["x:1"]
    assert activity.posts_last_hour == 8
    assert activity.burst == 7  # 70 s of posts 10 s apart: seven within any 60 s
    assert activity.same_words == 7  # numbers and links aside, one template
    assert (activity.link_only_domain, activity.link_only_posts) == ("deals.example", 1)
    assert activity.recent_posts == 10
    assert activity.scheduled_every_s is None


def test_a_timer_is_seen_and_a_person_is_not() -> None:
    timer = [timeline_post(NOW - timedelta(minutes=30 * n), f"tip {n}") for n in range(8)]
    assert timeline_activity(timer, {"a": timer[0]})["a"].scheduled_every_s == 1_800.0
    person = [timeline_post(NOW - timedelta(minutes=m), "hello") for m in (0, 7, 31, 40, 95, 180)]
    assert timeline_activity(person, {"a": person[0]})["a"].scheduled_every_s is None


def test_short_words_are_never_the_same_words() -> None:
    posts = [timeline_post(NOW - timedelta(minutes=n), "lol") for n in range(6)]
    assert timeline_activity(posts, {"a": posts[0]})["a"].same_words == 0
