"""Signals beside sentiment: spam and bots, abuse and threats, profanity, reach and urgency.

Each judge is a pure function of the text and what the source told about it, and names the
evidence for every conclusion ("phrase 'follow & rt'", "6 hashtags", "complaint with 52,000
reach"), so a person can see why a mention was flagged or escalated.

Cost matters: these run on every mention. Text is cut to ``MAX_SIGNAL_TEXT`` characters and
read once (lowercased, split into words) however many judges ask, and no judge scans the text
unless a word it needs is in it (``phrases``). Abuse, threats and profanity live in ``abuse``
and are importable from here too. Measured with
``.venv/bin/python tests/test_signals.py`` on a shared 2-core VM where ``sum(range(100))``
took 1.4 µs (about 3× a desktop): all five judges 25–30 µs for chatter or a plain complaint,
50–58 µs for a sworn complaint with time pressure and a link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from operator import eq

from listener.judging.bots import (
    AccountActivity,
    Signal,
    activity_signals,
    activity_spam,
    bot_verdict,
    name_signals,
    profile_signals,
)
from listener.judging.indic_judgments import indic_urgency
from listener.judging.phrases import MAX_SIGNAL_TEXT, Lexicon, SignalText, read_text
from listener.models import Author, Engagement, Finding, Flag, Urgency
from listener.reading.lexicon import signals_words as words

__all__ = ["reach", "spam_flags", "urgency"]

# ---- spam and bots ------------------------------------------------------------------------

_PROMO = Lexicon(
    {
        "strong": words.SPAM_STRONG,
        "weak": words.SPAM_WEAK,
        "bot": words.BOT_STRONG,
        "template": words.BOT_TEMPLATES,
    },
    {"strong": words.SPAM_STRONG_RE},
)
_PROMO_WEIGHTS = {
    "strong": (Flag.SPAM, 2),
    "weak": (Flag.SPAM, 1),
    "bot": (Flag.BOT, 2),
    "template": (Flag.BOT, 1),
}
_URL = re.compile(r"(?:https?://|www\.)\S+")
_HASHTAG = re.compile(r"(?<![\w#])#\w+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")

# Structural signals: (count at which it is a signal, count at which it is strong, label).
_LINKS, _HASHTAGS, _HANDLES = (4, 6, "links"), (6, 10, "hashtags"), (5, 8, "@handles")
_ENOUGH = 2  # a strong spam signal weighs 2, a weak one 1; a flag needs 2


def _count_signal(found: int, rule: tuple[int, int, str]) -> tuple[int, str] | None:
    weak, strong, label = rule
    if found < weak:
        return None
    return (2 if found >= strong else 1), f"{found} {label}"


def _repeated(text: SignalText) -> str | None:
    """A word said 4+ times in a row, or 2–3 words said 3+ times in a row, if any."""
    tokens = text.words
    duplicates = len(tokens) - len(text.vocabulary)
    for size, times in ((1, 4), (2, 3), (3, 3)):
        if duplicates < size * (times - 1):  # such a run repeats at least this many words
            break
        # same[i] is 1 where a word repeats the one ``size`` words before it.
        same = bytes(map(eq, tokens, tokens[size:]))
        at = same.find(b"\x01" * (size * (times - 1)))
        if at >= 0:
            return " ".join(tokens[at : at + size])
    return None


def spam_flags(
    text: str,
    author: Author,
    activity: AccountActivity | None = None,
    *,
    posted_at: datetime | None = None,
) -> tuple[Finding, ...]:
    """Finding("spam") for promotion and link farms, Finding("bot") for automated accounts.

    Spam: each signal weighs 1 (weak: a customer may say "giveaway" or post six hashtags)
    or 2 (strong: "follow & rt", a crypto airdrop, link-only posts to one domain again and
    again); a flag needs 2. Bot: the account's name, profile and recent posting
    (``activity``, when the pipeline read it; ``posted_at`` dates the post against the
    account's age) beside the text's own cues, weighed by ``bots.bot_verdict``.
    """
    read = read_text(text)
    prepared = read.prepared
    spam: list[tuple[int, str]] = []
    bot = name_signals(author)
    if author.created_at is not None or author.following is not None or author.posts:
        bot += profile_signals(author, posted_at)
    if activity is not None:
        bot += activity_signals(activity)
        spam += activity_spam(activity, link="http" in prepared or "www." in prepared)
    for family, phrase in _PROMO.find(read):
        kind, weight = _PROMO_WEIGHTS[family]
        if kind is Flag.SPAM:
            spam.append((weight, f"phrase '{phrase}'"))
        else:
            bot.append(Signal("text", weight, f"phrase '{phrase}'"))
    # The str checks skip the regexes for the many posts that cannot reach a threshold.
    if "http" in prepared or "www." in prepared:
        urls = _URL.findall(prepared)
        if signal := _count_signal(len(urls), _LINKS):
            spam.append(signal)
        url_chars = sum(len(url) for url in urls)
        others = prepared.count(" ") + 1 - len(urls)
        if others <= 3 and url_chars >= 0.6 * (len(prepared) - prepared.count(" ")):
            spam.append((1, "mostly a link"))
    for char, regex, rule in (("#", _HASHTAG, _HASHTAGS), ("@", _HANDLE, _HANDLES)):
        if prepared.count(char) >= rule[0] and (
            signal := _count_signal(len(regex.findall(prepared)), rule)
        ):
            spam.append(signal)
    if repeat := _repeated(read):
        spam.append((1, f"repeated '{repeat}'"))
    if not spam and not bot:
        return ()
    found: list[Finding] = []
    if spam and sum(weight for weight, _ in spam) >= _ENOUGH:
        found.append(Finding(Flag.SPAM.value, tuple(reason for _, reason in spam)))
    if bot and (bot_evidence := bot_verdict(bot)):
        found.append(Finding(Flag.BOT.value, bot_evidence))
    return tuple(found)


# ---- reach -----------------------------------------------------------------------------------

# Weights per count, in "people who may see the post". Followers are the baseline audience.
# A share re-broadcasts the post to the sharer's own followers: typical accounts have a few
# hundred, of whom only a fraction see any one post, so ~20 new readers each. A reply shows
# in the replier's and the thread's timelines and draws readers to the conversation (~5).
# A like is at least one reader, and some platforms show liked posts to the liker's network (2).
# A vote score (Reddit, Hacker News points) ranks the post up for everyone reading the site (3).
FOLLOWER_WEIGHT, SHARE_WEIGHT, REPLY_WEIGHT, LIKE_WEIGHT, SCORE_WEIGHT = 1, 20, 5, 2, 3


_REACH_PARTS = (
    (FOLLOWER_WEIGHT, "follower", "followers"),
    (SHARE_WEIGHT, "share", "shares"),
    (LIKE_WEIGHT, "like", "likes"),
    (REPLY_WEIGHT, "reply", "replies"),
    (SCORE_WEIGHT, "point", "points"),
)


def reach(
    author: Author, engagement: Engagement, *, score: float | None = None
) -> tuple[int, tuple[str, ...]]:
    """Estimated audience: followers plus weighted engagement, or the views when larger.

    Views, when a source reports them, are a measured audience, so they win over the estimate
    when larger. ``score`` is a site's vote score (Reddit, Hacker News points), used only when
    the source reports no likes (an upvote is that site's like). Unknown (None) and zero
    counts add nothing and are not named in the evidence.
    """
    counts = (
        author.followers,
        engagement.shares,
        engagement.likes,
        engagement.replies,
        score if engagement.likes is None else None,
    )
    total, evidence = 0, []
    for value, (weight, one, many) in zip(counts, _REACH_PARTS, strict=True):
        if value is not None and value >= 1:
            count = int(value)
            total += count * weight
            evidence.append(f"{count:,} {one if count == 1 else many}")
    views = engagement.views
    if views is not None and views >= 1:
        total = max(total, views)
        evidence.append(f"{views:,} {'view' if views == 1 else 'views'}")
    return total, tuple(evidence)


# ---- urgency ---------------------------------------------------------------------------------

_URGENCY = Lexicon(
    {
        "safety": words.SAFETY,
        "stranded": words.STRANDED,
        "legal": words.LEGAL,
        "urgent": words.URGENT,
        "time": words.TIME_PRESSURE,
    },
    {"safety": words.SAFETY_RE, "time": words.TIME_PRESSURE_RE},
)
BIG_AUDIENCE = 10_000  # a complaint this many people may see is a public problem already
_URGENT_FEELINGS = ("angry", "anxious")


def urgency(
    text: str,
    *,
    complaint: bool,
    feelings: Sequence[str],
    reach: int,
    flags: Sequence[str],
    safety: Sequence[str] = (),
) -> tuple[Urgency, tuple[str, ...]]:
    """How soon a person should look, and why.

    HIGH for a threat flag, safety, someone stranded, legal, regulator or press threats,
    "urgent"/"asap" anywhere (in English, Hinglish, and by script in Bengali, Telugu and
    Hindi); and, in a complaint, time pressure ("my flight", "tonight", "आज ही"), an
    audience of ``BIG_AUDIENCE`` or an angry or anxious writer. Time words outside a complaint
    ("great show tonight!") do not count, except in a question ("open tonight?": NORMAL).
    Spam is never urgent unless threatening. LOW: no complaint and no cue. NORMAL otherwise.
    """
    reasons = ["threat flag"] if Flag.THREAT in flags else []
    reasons.extend(f"safety '{words}'" for words in safety)  # harm reported: see it at once
    if Flag.SPAM in flags:
        if reasons:
            return Urgency.HIGH, tuple(reasons)
        return (Urgency.NORMAL if complaint else Urgency.LOW), ("spam flag",)
    timing = []
    found = _URGENCY.find(read_text(text))
    if not text.isascii():  # Bengali, Telugu and Devanagari Hindi, found by script
        found += indic_urgency(text)
    for family, phrase in found:
        if family == "time" and not complaint:
            timing.append(phrase)
        elif not any(phrase in harm for harm in safety):  # said once, as safety
            reasons.append(f"phrase '{phrase}'")
    if complaint:
        if reach >= BIG_AUDIENCE:
            reasons.append(f"complaint with {reach:,} reach")
        reasons.extend(f"complaint feeling '{f}'" for f in _URGENT_FEELINGS if f in feelings)
    if reasons:
        return Urgency.HIGH, tuple(reasons)
    if complaint:
        return Urgency.NORMAL, ()
    if timing and "?" in text[:MAX_SIGNAL_TEXT]:
        return Urgency.NORMAL, (f"question with time pressure '{timing[0]}'",)
    return Urgency.LOW, ()
