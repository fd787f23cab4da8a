"""Bot and spam signals beyond names (issue 18): how an account posts (rate, bursts, a
clockwork schedule), what it posts (its own words again and again, the same words as other
accounts, links only to one domain), what its profile shows (age, followers against
following, posts for its age) and, weakest, a handle ending in many digits.

Each signal carries its evidence in words and a weight: 1 (weak) or 2 (strong). Signals of
one family (the pace of posting, its schedule, its sameness, its links, the account's age,
its shape, its name, its text) are one piece of evidence however many of them fire, so a
family adds its strongest weight once: six posts in a minute are also twenty in the hour,
and that is one fact, not two. A flag needs 2, from two families or one strong signal, and
never from signals that all fit a picture of a person (``HUMAN_PICTURES``): a numbered
handle with a young account is a customer who signed up to complain, with a fast pace one
live-posting a match. ``docs/bots.md`` gives the
thresholds, why each is where it is and what the bench measured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from listener.models import Author

__all__ = [
    "AccountActivity",
    "Signal",
    "activity_signals",
    "activity_spam",
    "bot_verdict",
    "name_signals",
    "profile_signals",
]


@dataclass(frozen=True, slots=True)
class AccountActivity:
    """What the pipeline knows of an account's recent posting when it judges one mention:
    read from the store in one batch (``listener.store.activity_reads``), with the batch's
    own posts counted, and from the near-copy stage (``listener.pipeline.copies``)."""

    near_copy_authors: int = 0  # other accounts that posted near-identical words lately
    posts_last_hour: int = 0  # its posts in the hour up to this one, this one included
    burst: int = 0  # most of its posts (this one's hour) within BURST_SECONDS of each other
    scheduled_every_s: float | None = None  # its recent posts' gap, when clockwork-regular
    same_words: int = 0  # its recent posts before this one with its words (numbers, links aside)
    link_only_domain: str | None = None  # the domain its link-only posts point to most
    link_only_posts: int = 0  # its recent posts that are only a link there, this one included
    recent_posts: int = 1  # its recent posts read, this one included
    # Other accounts posting this post's template lately: near-identical once the words
    # holding digits (a coupon code, an order number) are masked (``copies.template_accounts``).
    template_authors: int = 0


@dataclass(frozen=True, slots=True)
class Signal:
    """One reason to think an account automated: its family, weight and evidence."""

    family: str  # pace, sameness, template, links, age, shape, name, text
    weight: int  # 1 weak, 2 strong
    evidence: str


# What a person looks like too: a new account on the handle the network gave (a customer
# who signed up to complain), or a busy one on it (live-posting a match). Signals that all
# fit one of these pictures never flag, however many there are.
HUMAN_PICTURES = (
    frozenset({"age", "name:numbered"}),
    frozenset({"pace", "name:numbered"}),
)
# A template shared with other accounts, its figures aside, is also what people do: new
# customers asking the same question about their own order numbers, readers quoting one
# headline. It adds its weight beside a signal outside these pictures (the follow shape of
# a farm's accounts), never to a picture of a person.
CIRCUMSTANTIAL = frozenset({"template"})
ENOUGH = 2  # a flag needs this much weight

# Thresholds, chosen on the synthetic set's seed 1 (bench/bots.py) and reported on seed 2.
RATE_PER_HOUR = 20  # a person live-posting an event reaches ~10–15; a farm posts all hour
BURST_POSTS, BURST_SECONDS = 5, 60  # five posts within a minute: typed that fast, or sent
SCHEDULE_MIN_POSTS = 6  # a clockwork schedule needs this many posts to be seen
SCHEDULE_JITTER = 0.1  # gaps within ±10% of their mean: a timer, not a person (strong)
SAME_WORDS_POSTS = 3  # three earlier posts of the same words (a customer repeats once or twice)
NEAR_COPY_AUTHORS = 2  # two other accounts with the same words lately
TEMPLATE_AUTHORS = 2  # two other accounts with the same template, its figures aside
LINK_ONLY_POSTS = 3  # three link-only posts to one domain in a day
LINK_ONLY_SPAM_STRONG = 5  # five: the account exists to push that domain (spam, strong)
LINK_ONLY_BOT_STRONG = 8  # eight in a day: nobody pastes bare links that often by hand
YOUNG_DAYS = 3  # an account made under three days before it posted
SHAPE_MIN_FOLLOWING = 500  # following this many…
SHAPE_FOLLOWER_SHARE = 0.1  # …with followers under a tenth of that: it follows to be followed
POSTS_PER_DAY = 144  # a post every ten minutes, day and night, since the account was made
POSTS_FOR_AGE_MIN = 1_000  # a young account's first hundred posts are no shape yet

# Default-looking handle: a name then six or more digits ("jane48210937").
_NUMBERED_HANDLE = re.compile(r"[a-z][a-z_]*\d{6,}")
# "bot" as its own part of a handle ("news_bot", "bot4deals", "dealsbot"), not "robot",
# "abbot", "talbot", "botanist".
_BOT_HANDLE = re.compile(r"(?:^|[_.\d-])bots?(?:$|[_.\d-])|(?<!ro)(?<!ab)(?<!tal)(?<!ca)bots?$")
_BOT_NAME = re.compile(r"\bbot\b|\bautomated\b")


def name_signals(author: Author) -> list[Signal]:
    """'bot' in the handle or name (strong), a numbered handle (weak, circumstantial)."""
    if author.handle is None and author.name is None:
        return []  # the usual bare text: nothing to read
    signals: list[Signal] = []
    handle = (author.handle or "").lstrip("@").lower()
    # A Bluesky handle is a domain: its first label is the name ("paperbot.bsky.social").
    if "bot" in handle and (_BOT_HANDLE.search(handle) or _BOT_HANDLE.search(handle.split(".")[0])):
        signals.append(Signal("name", 2, f"'bot' in handle '{handle}'"))
    elif handle[-6:].isdigit() and _NUMBERED_HANDLE.fullmatch(handle):
        signals.append(Signal("name:numbered", 1, f"numbered handle '{handle}'"))
    name = (author.name or "").lower()
    if ("bot" in name or "automated" in name) and _BOT_NAME.search(name):
        signals.append(Signal("name", 2, f"'bot' in name '{author.name}'"))
    return signals


def profile_signals(author: Author, posted_at: datetime | None) -> list[Signal]:
    """The account's age and shape, where the source gives them."""
    signals: list[Signal] = []
    age_days: float | None = None
    if author.created_at is not None and posted_at is not None:
        age_days = max((posted_at - author.created_at).total_seconds() / 86_400, 0.0)
        if age_days < YOUNG_DAYS:
            signals.append(Signal("age", 1, f"account {_days(age_days)} old"))
    following, followers = author.following, author.followers
    if (
        following is not None
        and following >= SHAPE_MIN_FOLLOWING
        and followers is not None
        and followers < SHAPE_FOLLOWER_SHARE * following
    ):
        signals.append(Signal("shape", 1, f"follows {following:,}, followed by {followers:,}"))
    posts = author.posts
    if posts is not None and posts >= POSTS_FOR_AGE_MIN and age_days is not None:
        per_day = posts / max(age_days, 1.0)
        if per_day >= POSTS_PER_DAY:
            signals.append(
                Signal("shape", 1, f"{posts:,} posts in {_days(age_days)}: {per_day:,.0f} a day")
            )
    return signals


def activity_signals(activity: AccountActivity) -> list[Signal]:
    """How the account has been posting lately."""
    signals: list[Signal] = []
    if activity.posts_last_hour >= RATE_PER_HOUR:
        signals.append(Signal("pace", 1, f"{activity.posts_last_hour} posts in the last hour"))
    if activity.burst >= BURST_POSTS:
        signals.append(Signal("pace", 1, f"{activity.burst} posts within {BURST_SECONDS} s"))
    if activity.scheduled_every_s is not None:
        every = _duration(activity.scheduled_every_s)
        signals.append(Signal("schedule", 2, f"posts like clockwork, every {every}"))
    if activity.same_words >= SAME_WORDS_POSTS:
        signals.append(
            Signal("sameness", 1, f"the same words in {activity.same_words} earlier posts")
        )
    if activity.near_copy_authors >= NEAR_COPY_AUTHORS:
        signals.append(
            Signal("sameness", 1, f"the same words as {activity.near_copy_authors} other accounts")
        )
    elif activity.template_authors >= TEMPLATE_AUTHORS:
        signals.append(Signal("template", 1, _template_evidence(activity.template_authors)))
    if activity.link_only_posts >= LINK_ONLY_POSTS:
        weight = 2 if activity.link_only_posts >= LINK_ONLY_BOT_STRONG else 1
        signals.append(Signal("links", weight, _link_evidence(activity)))
    return signals


def activity_spam(activity: AccountActivity | None, *, link: bool) -> list[tuple[int, str]]:
    """What the account's posting says of this post as spam (spam is what is said; the bot
    flag is who says it): link-only posts to one domain, weak at ``LINK_ONLY_POSTS`` and
    strong at ``LINK_ONLY_SPAM_STRONG``; a post with a ``link`` whose words the account has
    posted again and again (strong: a customer repeating a question posts no link) or other
    accounts post too, as near-copies or as one template (weak: a share button's words)."""
    if activity is None:
        return []
    found: list[tuple[int, str]] = []
    if activity.link_only_posts >= LINK_ONLY_POSTS:
        weight = 2 if activity.link_only_posts >= LINK_ONLY_SPAM_STRONG else 1
        found.append((weight, _link_evidence(activity)))
    if link and activity.same_words >= SAME_WORDS_POSTS:
        found.append((2, f"a link with the same words as {activity.same_words} earlier posts"))
    elif link and activity.near_copy_authors >= NEAR_COPY_AUTHORS:
        found.append((1, f"a link with the words of {activity.near_copy_authors} other accounts"))
    elif link and activity.template_authors >= TEMPLATE_AUTHORS:
        words = _template_evidence(activity.template_authors).removeprefix("the same words as ")
        found.append((1, f"a link with the words of {words}"))
    return found


def bot_verdict(signals: list[Signal]) -> tuple[str, ...]:
    """The evidence of a bot flag, or () when the signals do not reach one: each family
    counts its strongest signal once, the total must reach ``ENOUGH``, and the families must
    not all fit one of the ``HUMAN_PICTURES``."""
    if not signals:
        return ()
    strongest: dict[str, int] = {}
    for signal in signals:
        strongest[signal.family] = max(strongest.get(signal.family, 0), signal.weight)
    if sum(strongest.values()) < ENOUGH:
        return ()
    telling = strongest.keys() - CIRCUMSTANTIAL
    if not telling or any(telling <= picture for picture in HUMAN_PICTURES):
        return ()
    return tuple(signal.evidence for signal in signals)


def _template_evidence(accounts: int) -> str:
    return f"the same words as {accounts} other accounts, codes and numbers aside"


def _link_evidence(activity: AccountActivity) -> str:
    return (
        f"{activity.link_only_posts} of its last {activity.recent_posts} posts only a link"
        f" to {activity.link_only_domain}"
    )


def _days(days: float) -> str:
    if days < 1:
        hours = max(round(days * 24), 1)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    whole = round(days)
    return f"{whole} day{'s' if whole != 1 else ''}"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7_200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3_600:.1f} h"
