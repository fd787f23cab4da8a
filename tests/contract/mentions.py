"""The mentions the contract suite stores, and what each is there to show.

Every expectation in the suite's tests follows from this list: two brands, three source
types, six languages (one written without spaces, one with accents), an author seen under
two spellings, a hostile text, an edit, a tombstone and a person's label.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from listener.models import Author, Engagement, Finding, Judgments, Mention, SentimentLabel, Urgency
from listener.pipeline.dedupe import dedupe
from listener.pipeline.types import BatchReport
from listener.store import SQLiteStore
from listener.store.base import DuplicateLookups
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import T0 as MADE_AT
from tests.store_helpers import make_mention

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
# The dedupe window's start: every mention here and make_mention's are fetched after it.
WINDOW_START = MADE_AT - timedelta(days=2)
NEG, NEU, POS = SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE
HOSTILE_TEXT = 'Odd <b>bold</b> *:* OR a^3 ~ \\ "quoted" {"query": 1} from acme'
TOMBSTONED = "news:8"
EDITED = "news:9"
EDITED_AT = T0 + timedelta(hours=20)


def mention(
    n: int,
    text: str,
    *,
    title: str = "",
    source: str = "news",
    source_type: str = "rss",
    language: str | None = "en",
    brands: tuple[str, ...] = ("Acme",),
    sentiment: SentimentLabel = NEU,
    complaint: bool = False,
    topics: tuple[str, ...] = (),
    feelings: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    urgency: Urgency = Urgency.NORMAL,
    handle: str | None = None,
    followers: int | None = None,
    **overrides: Any,
) -> Mention:
    """Mention ``n``: published ``n`` hours after T0 and fetched in that order, so "newest
    stored first" and "newest published first" agree and both engines' walks can be read
    against one list."""
    when = T0 + timedelta(hours=n)
    return make_mention(
        n,
        source=source,
        source_type=source_type,
        title=title,
        text=text,
        html=text,
        language=language,
        brands=brands,
        matched_terms=tuple(b.lower() for b in brands),
        published_at=when,
        fetched_at=when + timedelta(seconds=30),
        author=Author(
            handle=handle or f"user{n}", name=(handle or f"user{n}").title(), followers=followers
        ),
        judgments=Judgments(
            sentiment_label=sentiment,
            complaint=complaint,
            complaint_score=1.0 if complaint else 0.0,
            topics=tuple(Finding(t) for t in topics),
            feelings=tuple(Finding(f) for f in feelings),
            flags=tuple(Finding(f) for f in flags),
            urgency=urgency,
            language=language,
        ),
        **overrides,
    )


MENTIONS = [
    mention(1, "My new Acme anvil arrived today, solid build. #anvils", title="Acme anvil arrives",
            sentiment=POS, handle="wile", followers=10, engagement=Engagement(likes=40, shares=3)),
    mention(2, "The Acme rocket skates broke after one day, refund please @acmehelp",
            title="Rocket skates", sentiment=NEG, complaint=True, topics=("quality",),
            feelings=("angry",), urgency=Urgency.HIGH, handle="Wile", followers=30,
            engagement=Engagement(likes=5, replies=9)),
    mention(3, "Café crème au magasin Acme, très agréable", source="reddit-main",
            source_type="reddit", language="fr", sentiment=POS, handle="marie"),
    mention(4, "Globex shipping is slow again, still waiting for my parcel",
            source="reddit-main", source_type="reddit", brands=("Globex",), sentiment=NEG,
            complaint=True, topics=("delivery",), feelings=("frustrated",), handle="hank",
            engagement=Engagement(likes=12)),
    mention(5, "東京の新製品 Acme が発売されました", source="masto", source_type="mastodon",
            language="ja", handle="taro"),
    mention(6, "acme anvils and acme rockets everywhere", handle="wile"),
    mention(7, "A job at Acme: we are hiring engineers", flags=("spam",), language="de"),
    mention(8, "Acme anvil secret leak"),  # tombstoned: never found again
    mention(9, "Acme first draft wording"),  # edited to "Acme second thoughts wording"
    mention(10, HOSTILE_TEXT),
    mention(11, "Thanks @acme for the quick fix to my Globex order", brands=("Acme", "Globex"),
            sentiment=POS, language="en-GB"),
    mention(12, "Acme ka phone bahut accha hai", language="hi-Latn", sentiment=POS),
    mention(13, "Nothing to say about Acme today", language=None),
]  # fmt: skip
BY_ID = {m.id: m for m in MENTIONS}
LIVE_IDS = [m.id for m in MENTIONS if m.id != TOMBSTONED]
NEWEST_FIRST = list(reversed(LIVE_IDS))


def edited(m: Mention) -> Mention:
    return make_mention(
        9, title=m.title, text="Acme second thoughts wording", html="Acme second thoughts wording",
        language=m.language, brands=m.brands, matched_terms=m.matched_terms,
        published_at=m.published_at, fetched_at=m.fetched_at, author=m.author,
        judgments=m.judgments, edited_at=EDITED_AT, content_hash="hash9-edited",
    )  # fmt: skip


def fill(store: SQLiteStore) -> None:
    """Store MENTIONS, edit one, tombstone one (the daemon's own write paths)."""
    assert [m.id for m in store.insert_mentions(MENTIONS)] == [m.id for m in MENTIONS]
    assert store.revise_mentions([edited(BY_ID[EDITED])]) == 1
    assert store.tombstone_mentions([TOMBSTONED], T0 + timedelta(days=1)) == 1
    settle(store)


def settle(store: SQLiteStore) -> None:
    """Make every write so far visible to the store's reads. The SQLite engine reads its
    commits at once; on Elasticsearch the writes reach the index after the commit and a
    refresh makes them searchable (a real cluster does this within a second by itself: the
    suite asks for it rather than sleeping)."""
    if isinstance(store, ElasticStore):
        store.shared_index.refresh()


def through_dedupe(
    store: SQLiteStore, batch: Sequence[Mention], *, source: str
) -> tuple[list[Mention], BatchReport]:
    """Store ``batch`` as the pipeline does: dedupe on the readers, again in the write
    transaction (the recheck)."""
    report = BatchReport()
    fresh = dedupe(batch, store, source=source, since=WINDOW_START, report=report)

    def recheck(lookups: DuplicateLookups) -> Sequence[Mention]:
        return dedupe(fresh, lookups, source=source, since=WINDOW_START, report=report)

    stored = store.insert_mentions(fresh, recheck=recheck)
    settle(store)
    return stored, report
