"""An account's recent posting read from a real SQLite store (issue 18): one statement per
batch through ``mentions_author``, capped per account, across the types of one network; and
the pipeline flagging the template farm of the issue while the customer beside it is not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from listener.config.settings import Settings
from listener.models import Author, Flag, Mention, RawItem
from listener.pipeline.run import Pipeline
from listener.store import SQLiteStore, open_store
from listener.store.activity_reads import RECENT_POST_CHARS
from tests.helpers import SettableClock
from tests.store_helpers import T0, make_mention

SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
    own_handles: ['@acmehq']
storage:
  sqlite: data/listener.db
"""


def posts_of(handle: str, source_type: str, count: int, start: int) -> list[Mention]:
    return [
        make_mention(
            start + n,
            source=source_type,
            source_type=source_type,
            author=Author(handle=handle),
            text=f"Acme deal {n}: https://deals.example/{n} " + "x" * 400,
        )
        for n in range(count)
    ]


def test_recent_posts_are_read_per_account_newest_first_and_capped(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "l.db") as store:
        store.insert_mentions(
            posts_of("user83749201", "x", 30, 1)
            + posts_of("User83749201", "x_stream", 3, 100)
            + posts_of("someone", "x", 2, 200)
        )
        found = store.recent_posts_of(
            [("x", "@USER83749201"), ("x_stream", "user83749201"), ("x", "nobody")],
            since=T0,
            per_account=10,
        )
    farm = found[("x", "user83749201")]
    assert len(farm) == 10  # capped: a farm's history costs at most this
    assert [p.published_at for p in farm] == [T0 + timedelta(minutes=m) for m in range(30, 20, -1)]
    assert len(farm[0].words) == RECENT_POST_CHARS  # only the opening words are read
    assert len(found[("x_stream", "user83749201")]) == 3  # the handle compares without case
    assert found[("x", "nobody")] == []


def test_only_posts_since_the_window_and_not_deleted_are_read(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "l.db") as store:
        store.insert_mentions(posts_of("jane", "x", 10, 1))
        store.tombstone_mentions(["x:10"], T0 + timedelta(hours=1))
        found = store.recent_posts_of(
            [("x", "jane")], since=T0 + timedelta(minutes=5), per_account=50
        )
    # minutes 5..9 (10 is deleted)
    assert [p.published_at.minute for p in found[("x", "jane")]] == [9, 8, 7, 6, 5]


def farm_items(start: int, count: int, at: datetime) -> list[RawItem]:
    return [
        RawItem(
            f"farm-{start + n}",
            html=f"Get {start + n}% off Acme anvils today only https://deals.example/c{start + n}",
            author=Author(handle="user83749201", name="Deals"),
            published_at=at + timedelta(seconds=20 * n),
        )
        for n in range(count)
    ]


def test_the_pipeline_flags_the_template_farm_and_not_the_customer(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS)
    at = clock.now - timedelta(hours=1)
    customer = RawItem(
        "customer",
        html="@acmehq my Acme parcel is a week late, where is my refund?",
        author=Author(handle="jane83749201"),  # a numbered handle, but a person
        published_at=at,
    )
    with open_store(settings.storage.sqlite) as store:
        pipeline = Pipeline(settings, store, clock=clock)
        first = pipeline.process("x", "x", [customer, *farm_items(0, 3, at)])
        # Three posts are not yet a pattern: nobody is flagged.
        assert all(Flag.BOT not in flags(m) for m in first.stored)
        second = pipeline.process("x", "x", farm_items(3, 17, at + timedelta(minutes=1)))
        stored = {m.id: m for m in second.stored}
        last = stored["x:farm-19"]
        bot = next(f for f in last.judgments.flags if f.name == Flag.BOT)
        assert bot.evidence[0] == "numbered handle 'user83749201'"
        assert "20 posts in the last hour" in bot.evidence
        assert "the same words in 19 earlier posts" in bot.evidence
        kept = store.get_mention("x:customer")
        assert kept is not None and kept.judgments.complaint and kept.judgments.flags == ()


def flags(mention: Mention) -> list[str]:
    return [f.name for f in mention.judgments.flags]


def test_a_network_is_one_account_across_its_types(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS)
    at = clock.now - timedelta(hours=1)
    with open_store(settings.storage.sqlite) as store:
        pipeline = Pipeline(settings, store, clock=clock)
        pipeline.process("x", "x", farm_items(0, 10, at))
        report = pipeline.process(
            "x_stream", "x_stream", farm_items(10, 1, at + timedelta(minutes=5))
        )
    (streamed,) = report.stored
    bot = next(f for f in streamed.judgments.flags if f.name == Flag.BOT)
    assert "the same words in 10 earlier posts" in bot.evidence


def test_near_identical_words_from_other_accounts_are_evidence(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    # Three accounts made this week post one promotion with a word changed each time:
    # the near-copy stage clusters them and the third's bot flag names the other two.
    settings = write_settings(SETTINGS)
    at = clock.now - timedelta(hours=1)
    words = (
        "Everyone is switching to the new Acme anvil because it is lighter, stronger and"
        " cheaper than anything else on the market, see for yourself before the {} sale ends"
    )
    items = [
        RawItem(
            f"promo-{n}",
            html=words.format(day),
            author=Author(handle=f"promo_acct_{n}", created_at=at - timedelta(days=1)),
            published_at=at + timedelta(minutes=n),
        )
        for n, day in enumerate(("weekend", "weekly", "summer"))
    ]
    with open_store(settings.storage.sqlite) as store:
        pipeline = Pipeline(settings, store, clock=clock)
        for item in items:
            pipeline.process("x", "x", [item])
        third = store.get_mention("x:promo-2")
    assert third is not None and third.copy_of == "x:promo-0"
    bot = next(f for f in third.judgments.flags if f.name == Flag.BOT)
    assert bot.evidence == ("account 1 day old", "the same words as 2 other accounts")
