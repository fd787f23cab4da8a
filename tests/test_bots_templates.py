"""A template farm through the real pipeline and a real SQLite file (issue 18, the new-user
trial): six young numbered accounts posting one promotion with a different code each time,
24 posts in one poll, beside a person. A post's "earlier posts" are the ones published
before it; "the same words as N other accounts" reads the template with its codes masked,
which the near-copy stage's figures rule rightly keeps apart as copies.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, timedelta

from listener.config.settings import Settings
from listener.models import Author, Flag, Mention, RawItem
from listener.pipeline.run import Pipeline
from listener.store import open_store
from tests.helpers import SettableClock

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
