"""A synthetic set of accounts for ``bench/bots.py``: humans and bots posting on one network
(X) over six hours, built from a seed so a run can be repeated exactly.

    from bench.bot_cases import generate
    accounts, posts = generate(seed=2, scale=1)

Why synthetic: the real fixtures hold a handful of bots (``bench/bot_labels.csv``), too few
to measure a judge that reads how an account posts over hours. Every figure that comes from
this set says so.

How it is built (``scale`` multiplies every count). Humans, who must not be flagged:
- ``regular``: 1–4 posts spread over the hours, each its own words; accounts years old.
- ``live_event``: 12–30 posts in an hour or two about a match or a launch, some in bursts of
  3–8 within a minute (``GOAL!!!``), every one its own words; a third on numbered handles.
- ``numbered``: the handle the network gave (``jane48210937``), 1–5 ordinary posts.
- ``new_account``: made 2–60 hours before its first post, which asks the brand for help.
- ``link_sharer``: a writer sharing 2–4 links to their own blog, some with no words, and
  news links with a comment.
- ``repeat_customer``: asks the brand the same question two or three times an hour apart.
- ``busy_numbered``: a numbered handle live-posting an event in bursts (the hardest human).
- ``share_button``: people sharing one press release, each with a word of their own.
Bots (flag ``bot``; ``spam`` where they sell):
- ``template_farm``: 4–10 accounts with numbered handles, made days ago, following many
  and followed by few, posting one sales template with the code and link filled in, 6–15
  times each at random gaps over a few hours (spam too).
- ``link_spammer``: 8–20 posts that are only a link to one shop's domain, at random gaps,
  sometimes with a word ("Deal!") (spam too).
- ``scheduled``: an account posting a tip or a headline every 10, 15, 30 or 60 minutes,
  within ±3% (a timer), each post different words; accounts years old.
- ``reply_farm``: young accounts replying the same sentence to many posts within minutes.
- ``copy_farm``: 5–10 accounts made days ago posting one long promotion once or twice each,
  its last words changed (what the near-copy stage clusters; made after the thresholds were
  chosen, and generated last so the other archetypes of a seed are as they were).

Randomness comes from ``random.Random(seed)`` only; the words are drawn from small banks
written here, nothing from any dataset.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["START", "Account", "Post", "generate"]

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
HOURS = 6


@dataclass(frozen=True, slots=True)
class Account:
    handle: str
    archetype: str
    bot: bool
    spam: bool
    name: str | None = None
    created_at: datetime | None = None
    followers: int | None = None
    following: int | None = None
    posts: int | None = None


@dataclass(frozen=True, slots=True)
class Post:
    handle: str
    at: datetime
    text: str


# fmt: off
_FIRST = (
    "jane", "omar", "li", "sam", "priya", "lucas", "mia", "kofi", "ana", "yuki", "ben", "zara",
    "noah", "ines", "raj", "eva", "tom", "nia", "leo", "ada",
)
_TOPICS = (
    "the new Acme anvil", "Acme's delivery", "the Acme app", "my Acme order", "Acme support",
    "the Acme store downtown", "Acme's price rise", "the Acme launch",
)
_OPINIONS = (
    "is better than I expected", "took ages again", "keeps crashing on login",
    "was friendly and quick", "feels overpriced", "finally arrived", "made my day",
    "is a mess this week", "is fine I guess", "surprised me", "needs a dark mode",
    "was out of stock", "changed the packaging", "has a weird new logo",
)
_ASIDES = (
    "honestly", "tbh", "not gonna lie", "again", "today", "this morning", "lol", "ugh", "!!", "?",
    "", "", "",
)
_EVENT = (
    "GOAL!!!", "what a save", "no way that's offside", "ref is blind", "come on Acme FC",
    "that pass though", "we need a sub", "half time, nervous", "this crowd is loud", "PENALTY",
    "unreal finish", "keeper is on fire", "why is he still on", "2-1!!", "can't watch",
    "VAR again??", "subs now please", "this is our year", "deep breaths", "absolute scenes",
)
_QUESTIONS = (
    "hi @acmehelp my order #{n} never arrived, can you help?",
    "@acmehelp I was charged twice for order {n}, who do I talk to?",
    "@acmehelp the app won't let me log in since the update, any fix?",
)
_TEMPLATES = (
    "Get {n}% OFF Acme anvils today only! Code {code} {url}",
    "Acme anvils {n}% off, limited stock, use {code} at {url}",
    "FLASH SALE: Acme gear at {n}% off with {code} {url}",
)
_REPLIES = (
    "Great point! Check my profile for Acme deals {url}",
    "So true. I found Acme cheaper here {url}",
)
_TIPS = (
    "stretch before lifting an anvil", "oil the hinge every spring", "keep receipts for returns",
    "check the warranty page", "store anvils dry", "update the app monthly",
    "compare prices before buying", "read the manual twice", "label your tools",
    "back up your settings", "clean the filter weekly", "tighten the bolts yearly",
)
_HEADLINES = (
    "Acme opens new store", "Acme recalls batch of anvils", "Acme shares rise",
    "Acme CEO speaks at summit", "Acme app update out", "Acme wins design prize",
)
# fmt: on
# One press release shared by people, each with a word of their own in front (share_button).
_SHARED = (
    "Acme says its new anvil is lighter and stronger than any before it, and that prices will"
    " fall next year as production moves closer to its biggest markets in Europe and Asia"
)
# One promotion posted by a farm of accounts, an ending changed so no two are the same bytes.
_COPY_PROMO = (
    "Everyone I know is switching to the new Acme anvil because it is lighter, stronger and"
    " cheaper than anything else on the market, do yourself a favour and grab one {}"
)
_COPY_ENDINGS = ("today", "now", "this week", "before they sell out", "while you can")
_SHARE_OPENERS = ("wow:", "interesting -", "about time.", "hmm,", "good news?", "read this:")
_SHOP_DOMAINS = ("cheap-acme-deals.example", "anvil-outlet.example", "best-price-acme.example")
_NEWS_DOMAINS = ("news.example", "daily.example", "techpaper.example", "localnews.example")


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.accounts: list[Account] = []
        self.posts: list[Post] = []
        self.used: set[str] = set()

    def handle(self, numbered: bool = False) -> str:
        while True:
            first = self.rng.choice(_FIRST)
            if numbered:
                candidate = f"{first}{self.rng.randrange(10**7, 10**9)}"
            else:
                tail = self.rng.choice(("k", "m", "writes", "x", "r"))
                candidate = f"{first}_{tail}{self.rng.randrange(100)}"
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate

    def old_profile(self) -> dict[str, Any]:
        years = self.rng.uniform(1, 12)
        return {
            "created_at": START - timedelta(days=365 * years),
            "followers": int(self.rng.lognormvariate(5, 1.3)),
            "following": int(self.rng.lognormvariate(5.2, 0.9)),
            "posts": int(365 * years * self.rng.uniform(0.2, 15)),
        }

    def at(self, lo_h: float = 0.0, hi_h: float = HOURS) -> datetime:
        return START + timedelta(seconds=self.rng.uniform(lo_h * 3600, hi_h * 3600))

    def chatter(self) -> str:
        aside = self.rng.choice(_ASIDES)
        return f"{self.rng.choice(_TOPICS)} {self.rng.choice(_OPINIONS)} {aside}".strip()

    def add(self, account: Account, times: list[datetime], texts: list[str]) -> None:
        self.accounts.append(account)
        self.posts += [Post(account.handle, t, x) for t, x in zip(times, texts, strict=True)]


def _humans(m: _Maker, scale: int) -> None:
    rng = m.rng
    for _ in range(12 * scale):  # regular
        h = m.handle()
        n = rng.randint(1, 4)
        m.add(
            Account(h, "regular", False, False, **m.old_profile()),
            [m.at() for _ in range(n)],
            [m.chatter() for _ in range(n)],
        )
    for i in range(6 * scale):  # live_event
        h = m.handle(numbered=i % 3 == 0)
        start = m.at(0, HOURS - 2)
        times: list[datetime] = []
        while len(times) < rng.randint(12, 30):
            t = start + timedelta(seconds=rng.uniform(0, 5400))
            burst = rng.random() < 0.3
            times += [
                t + timedelta(seconds=rng.uniform(0, 50))
                for _ in range(rng.randint(3, 8) if burst else 1)
            ]
        texts = [f"{rng.choice(_EVENT)} {rng.choice(_EVENT).lower()}" for _ in times]
        m.add(Account(h, "live_event", False, False, **m.old_profile()), times, texts)
    for _ in range(6 * scale):  # numbered
        h = m.handle(numbered=True)
        n = rng.randint(1, 5)
        m.add(
            Account(h, "numbered", False, False, **m.old_profile()),
            [m.at() for _ in range(n)],
            [m.chatter() for _ in range(n)],
        )
    for _ in range(5 * scale):  # new_account
        h = m.handle(numbered=rng.random() < 0.5)
        first = m.at()
        profile: dict[str, Any] = {
            "created_at": first - timedelta(hours=rng.uniform(2, 60)),
            "followers": rng.randint(0, 5),
            "following": rng.randint(0, 40),
            "posts": rng.randint(1, 10),
        }
        n = rng.randint(1, 3)
        texts = [rng.choice(_QUESTIONS).format(n=rng.randrange(10**5, 10**6)) for _ in range(n)]
        m.add(
            Account(h, "new_account", False, False, **profile),
            [first + timedelta(minutes=40 * k + rng.uniform(0, 30)) for k in range(n)],
            texts,
        )
    for _ in range(5 * scale):  # link_sharer
        h = m.handle()
        blog = f"{h.split('_')[0]}-writes.example"
        texts, times = [], []
        for k in range(rng.randint(2, 4)):
            texts.append(
                f"https://{blog}/posts/{rng.randrange(1000)}"
                if rng.random() < 0.5
                else f"New on my blog: {rng.choice(_TIPS)} https://{blog}/p/{k}"
            )
            times.append(m.at())
        for _ in range(rng.randint(1, 3)):
            texts.append(
                f"{rng.choice(_HEADLINES)}, {rng.choice(_OPINIONS)} https://{rng.choice(_NEWS_DOMAINS)}/{rng.randrange(10**4)}"
            )
            times.append(m.at())
        m.add(Account(h, "link_sharer", False, False, **m.old_profile()), times, texts)
    for _ in range(4 * scale):  # repeat_customer
        h = m.handle()
        question = rng.choice(_QUESTIONS).format(n=rng.randrange(10**5, 10**6))
        first = m.at(0, HOURS - 3)
        n = rng.randint(2, 3)
        m.add(
            Account(h, "repeat_customer", False, False, **m.old_profile()),
            [first + timedelta(minutes=60 * k + rng.uniform(-10, 10)) for k in range(n)],
            [question] * n,
        )
    for _ in range(3 * scale):  # busy_numbered
        h = m.handle(numbered=True)
        start = m.at(0, HOURS - 1)
        times = []
        for _ in range(rng.randint(4, 6)):
            t = start + timedelta(seconds=rng.uniform(0, 3000))
            times += [t + timedelta(seconds=rng.uniform(0, 40)) for _ in range(rng.randint(3, 7))]
        texts = [f"{rng.choice(_EVENT)} {rng.choice(_EVENT).lower()}" for _ in times]
        m.add(Account(h, "busy_numbered", False, False, **m.old_profile()), times, texts)


def _bots(m: _Maker, scale: int) -> None:
    rng = m.rng
    for _ in range(2 * scale):  # template_farm: a farm of accounts
        template = rng.choice(_TEMPLATES)
        domain = rng.choice(_SHOP_DOMAINS)
        for _ in range(rng.randint(4, 10)):
            h = m.handle(numbered=True)
            made = START - timedelta(days=rng.uniform(0.5, 8))
            profile: dict[str, Any] = {
                "created_at": made,
                "followers": rng.randint(0, 30),
                "following": rng.randint(300, 3000),
                "posts": rng.randint(20, 3000),
            }
            start = m.at(0, HOURS - 3)
            n = rng.randint(6, 15)
            times = sorted(start + timedelta(seconds=rng.uniform(0, 3 * 3600)) for _ in range(n))
            texts = [
                template.format(
                    n=rng.choice((20, 30, 40, 50, 60, 70)),
                    code=f"ACME{rng.randrange(1000)}",
                    url=f"https://{domain}/r/{rng.randrange(10**6)}",
                )
                for _ in range(n)
            ]
            m.add(Account(h, "template_farm", True, True, **profile), times, texts)
    for _ in range(4 * scale):  # link_spammer
        h = m.handle(numbered=rng.random() < 0.5)
        domain = rng.choice(_SHOP_DOMAINS)
        young = rng.random() < 0.5
        profile = (
            m.old_profile()
            if not young
            else {"created_at": START - timedelta(days=rng.uniform(0.2, 2.5))}
        )
        n = rng.randint(8, 20)
        times = sorted(m.at() for _ in range(n))
        texts = [
            (
                rng.choice(("Deal! ", "Wow ", "", "", ""))
                + f"https://{domain}/item/{rng.randrange(10**6)}"
            )
            for _ in range(n)
        ]
        m.add(Account(h, "link_spammer", True, True, **profile), times, texts)
    for _ in range(4 * scale):  # scheduled
        h = m.handle()
        every = rng.choice((10, 15, 30, 60)) * 60
        first = m.at(0, 0.5)
        n = min(int((HOURS * 3600 - 1800) // every), 24)
        times = [
            first + timedelta(seconds=(k + rng.uniform(-0.03, 0.03)) * every) for k in range(n)
        ]
        texts = [
            f"Tip {k}: {rng.choice(_TIPS)}, {rng.choice(_ASIDES)}"
            if rng.random() < 0.5
            else f"{rng.choice(_HEADLINES)} https://{rng.choice(_NEWS_DOMAINS)}/{rng.randrange(10**5)}"
            for k in range(n)
        ]
        m.add(Account(h, "scheduled", True, False, **m.old_profile()), times, texts)
    for _ in range(scale):  # reply_farm
        sentence = rng.choice(_REPLIES)
        domain = rng.choice(_SHOP_DOMAINS)
        for _ in range(rng.randint(3, 6)):
            h = m.handle(numbered=rng.random() < 0.5)
            profile = {
                "created_at": START - timedelta(days=rng.uniform(0.1, 2.9)),
                "followers": rng.randint(0, 10),
                "following": rng.randint(0, 200),
            }
            start = m.at(0, HOURS - 1)
            n = rng.randint(4, 9)
            times = sorted(start + timedelta(seconds=rng.uniform(0, 1800)) for _ in range(n))
            texts = [
                sentence.format(url=f"https://{domain}/u/{rng.randrange(10**5)}") for _ in range(n)
            ]
            m.add(Account(h, "reply_farm", True, True, **profile), times, texts)


def _copies(m: _Maker, scale: int) -> None:
    """Words shared across accounts (the near-copy stage's clusters): people sharing one
    story with a word of their own, and a farm posting one promotion."""
    rng = m.rng
    for _ in range(6 * scale):  # share_button
        text = f"{rng.choice(_SHARE_OPENERS)} {_SHARED} https://news.example/acme-anvil"
        m.add(
            Account(m.handle(), "share_button", False, False, **m.old_profile()), [m.at()], [text]
        )
    for _ in range(scale):  # copy_farm
        start = m.at(0, HOURS - 1)
        for _ in range(rng.randint(5, 10)):
            made = START - timedelta(days=rng.uniform(0.2, 6))
            profile: dict[str, Any] = {"created_at": made, "followers": rng.randint(0, 20)}
            n = rng.randint(1, 2)
            times = sorted(start + timedelta(seconds=rng.uniform(0, 3600)) for _ in range(n))
            # Words, not numbers, vary: a different number reads as another story.
            endings = (
                f"{rng.choice(_COPY_ENDINGS)} {rng.choice(_FIRST)} {rng.choice(_ASIDES)}"
                for _ in range(n)
            )
            texts = [_COPY_PROMO.format(ending) for ending in endings]
            handle = m.handle(numbered=rng.random() < 0.5)
            m.add(Account(handle, "copy_farm", True, True, **profile), times, texts)


def generate(seed: int, scale: int = 1) -> tuple[list[Account], list[Post]]:
    """The accounts and their posts (oldest first) for ``seed``; ``scale`` multiplies the
    number of accounts of every archetype."""
    maker = _Maker(seed)
    _humans(maker, scale)
    _bots(maker, scale)
    _copies(maker, scale)  # added after the thresholds were chosen; last, so the rest is as was
    return maker.accounts, sorted(maker.posts, key=lambda p: (p.at, p.handle))
