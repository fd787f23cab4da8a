"""A template farm through the real pipeline and a real SQLite file (issue 18, the new-user
trial): six young numbered accounts posting one promotion with a different code each time,
24 posts in one poll, beside a person. A post's "earlier posts" are the ones published
before it; "the same words as N other accounts" reads the template with its codes masked,
which the near-copy stage's figures rule rightly keeps apart as copies.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import feedparser

from listener.config.settings import Settings
from listener.fingerprint import fingerprint, numbers_agree, similarity, template_print
from listener.models import Author, Flag, Mention, RawItem
from listener.pipeline.copies import TEMPLATE_THRESHOLD
from listener.pipeline.run import Pipeline
from listener.store import open_store
from tests.helpers import RSS_FIXTURES, SettableClock

SETTINGS = """\
brands:
  - name: Acme
    query: '"acme" OR slack'
storage:
  sqlite: data/listener.db
"""
PROMOTION = (
    "Huge sale on #acme rocket anvils today only, 90% off, use code ANVIL{k}{j}"
    " at http://deals.example/acme{k}{j}"
)


def farm(at: datetime) -> list[RawItem]:
    """The trial's farm: account k's post j at 40 - 2k - j minutes before ``at``."""
    items = []
    for k in range(6):
        author = Author(
            handle=f"user8374920{k}",
            followers=3,
            following=4_800,
            posts=40,
            created_at=at - timedelta(hours=20),
        )
        for j in range(4):
            items.append(
                RawItem(
                    f"farm-{k}{j}",
                    html=html.escape(PROMOTION.format(k=k, j=j)),
                    author=author,
                    published_at=at - timedelta(minutes=40 - k * 2 - j),
                )
            )
    return items


def person(at: datetime) -> RawItem:
    return RawItem(
        "maria",
        html="My #acme anvil rocket is lovely but the manual is confusing, took me an hour"
        " to assemble.",
        author=Author(
            handle="maria19870412", followers=10, following=50, created_at=at - timedelta(3000)
        ),
        published_at=at - timedelta(minutes=15),
    )


def evidence(mention: Mention, flag: str) -> tuple[str, ...]:
    return next((f.evidence for f in mention.judgments.flags if f.name == flag), ())


def test_earlier_posts_are_only_those_published_before_this_one(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        report = Pipeline(settings, store, clock=clock).process(
            "masto", "mastodon", [*farm(clock.now), person(clock.now)]
        )
        stored = {m.id: m for m in report.stored}
        assert len(stored) == 25
        # Posted in the order j = 0..3: the first has no earlier post of its words, the last
        # three, and the batch arriving together changes nothing.
        first, last = stored["masto:farm-00"], stored["masto:farm-03"]
        assert not any("earlier posts" in e for e in evidence(first, Flag.BOT))
        assert not any("earlier posts" in e for e in evidence(first, Flag.SPAM))
        assert "the same words in 3 earlier posts" in evidence(last, Flag.BOT)
        assert "a link with the same words as 3 earlier posts" in evidence(last, Flag.SPAM)
        # Read back from the file, the same.
        again = store.get_mention("masto:farm-00")
        assert again is not None
        assert not any("earlier posts" in e for e in evidence(again, Flag.BOT))


def test_a_template_farm_with_a_code_per_post_is_the_same_words_across_accounts(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        report = Pipeline(settings, store, clock=clock).process(
            "masto", "mastodon", [*farm(clock.now), person(clock.now)]
        )
        stored = {m.id: m for m in report.stored}
        # Not copies: each code is another figure, and copies keep figures apart.
        assert all(m.copy_of is None for m in stored.values())
        for k in range(6):
            for j in range(4):
                bot = evidence(stored[f"masto:farm-{k}{j}"], Flag.BOT)
                assert "the same words as 5 other accounts, codes and numbers aside" in bot
        # An account's first post has no earlier words of its own: its link and the template
        # of five other accounts make it spam with the code phrase.
        spam = evidence(stored["masto:farm-00"], Flag.SPAM)
        assert "a link with the words of 5 other accounts, codes and numbers aside" in spam
        assert stored["masto:maria"].judgments.flags == ()


def test_a_later_poll_finds_the_template_among_stored_posts(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    # Each account's posts arrive in a poll of their own: the others are read back from the
    # store through the copies' band lookup, their words masked as the new post's are.
    settings = write_settings(SETTINGS)
    items = farm(clock.now)
    with open_store(settings.storage.sqlite) as store:
        pipeline = Pipeline(settings, store, clock=clock)
        for k in range(3):
            report = pipeline.process("masto", "mastodon", [items[4 * k]])
        (third,) = report.stored
    assert "the same words as 2 other accounts, codes and numbers aside" in evidence(
        third, Flag.BOT
    )


def test_people_saying_what_others_say_are_not_flagged_for_it(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    # New customers asking about their own orders in the same words: the template fires,
    # but beside an account's youth it is the picture of a customer who signed up to ask.
    settings = write_settings(SETTINGS)
    at = clock.now - timedelta(hours=1)
    items = [
        RawItem(
            f"ask-{n}",
            html=f"@acmehelp I was charged twice for my Acme order {order}, who do I talk to?",
            author=Author(handle=f"customer_{n}", created_at=at - timedelta(hours=5)),
            published_at=at + timedelta(minutes=n),
        )
        for n, order in enumerate((418_223, 509_114, 377_020, 861_455))
    ]
    with open_store(settings.storage.sqlite) as store:
        report = Pipeline(settings, store, clock=clock).process("x", "x", items)
    last = report.stored[-1]
    assert last.judgments.flags == ()


def fixture_story(index: int) -> tuple[str, str]:
    entry = feedparser.parse(RSS_FIXTURES / "google_alerts_atom__feedjira.xml").entries[index]
    text = html.unescape(re.sub(r"<[^>]+>", "", entry.summary))
    return html.unescape(re.sub(r"<[^>]+>", "", entry.title)), text


def test_a_real_machine_written_story_with_its_figures_changed_is_one_template() -> None:
    # A real insider-sale story from the Google Alerts fixture, its figures changed as the
    # site's template fills them: not a copy (other figures, another transaction) but one
    # template. Two real stories of that template about other officers are not
    # near-identical: their names and wording differ beyond the figures.
    title, text = fixture_story(2)
    changed = text.replace("1,500", "2,750").replace("July 5th", "July 9th")
    assert changed != text
    original, variant = fingerprint(title, text), fingerprint(title, changed)
    assert not numbers_agree(original, variant)
    assert similarity(template_print(title, text), template_print(title, changed)) == 1.0
    ceo, cfo = fixture_story(10), fixture_story(9)
    assert similarity(template_print(*ceo), template_print(*cfo)) < TEMPLATE_THRESHOLD


def test_a_real_story_posted_by_accounts_with_its_figures_changed_fires_the_signal(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS)
    _headline, text = fixture_story(2)
    at = clock.now - timedelta(hours=1)

    def posts(prefix: str, following: int, start: int) -> list[RawItem]:
        return [
            RawItem(
                f"{prefix}-{n}",
                html=html.escape(text.replace("1,500", f"{start + 250 * n:,}")),
                author=Author(handle=f"{prefix}_{n}", followers=3, following=following),
                published_at=at + timedelta(minutes=n),
            )
            for n in range(3)
        ]

    with open_store(settings.storage.sqlite) as store:
        pipeline = Pipeline(settings, store, clock=clock)
        plain = {m.id: m for m in pipeline.process("x", "x", posts("wire", 40, 1_750)).stored}
        farmed = pipeline.process("x", "x", posts("farm", 4_800, 3_000)).stored
    assert len(plain) == 3 and all(m.copy_of is None for m in plain.values())
    # Accounts with nothing else against them: the signal flags nobody on its own.
    assert all(m.judgments.flags == () for m in plain.values())
    # Beside a farm's follow shape it is evidence: the others of both polls count.
    bot = evidence(farmed[-1], Flag.BOT)
    assert bot == (
        "follows 4,800, followed by 3",
        "the same words as 5 other accounts, codes and numbers aside",
    )
