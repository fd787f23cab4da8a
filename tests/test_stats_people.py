"""Top authors, most-engaged mentions and rising terms: what a straight count over the
stored mentions says, whichever way (index walk or range scan) the store takes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from listener.models import Author, Engagement, Mention
from listener.store import SQLiteStore
from listener.store.stats import engaged_mentions, rising_terms, top_authors
from listener.store.stats.people import ranked
from listener.store.stats.scope import StatsScope, scope_for
from listener.store.stats.terms import newest_texts
from tests.stats_helpers import NEG, at, judged

START = at(1, 0)
HANDLES = ["ana", "Ben", "ben", "cy", "dee", "eli", "fay", "gus", None]
TOMBSTONED = {"news:7", "news:30"}


def _mentions() -> list[Mention]:
    pick = random.Random(7)
    made = []
    for n in range(1, 81):
        handle = pick.choice(HANDLES)
        made.append(
            replace(
                judged(
                    n,
                    START + timedelta(minutes=90 * n),
                    brands=pick.choice([("Acme",), ("Globex",), ("Acme", "Globex")]),
                    source_type=pick.choice(["rss", "reddit"]),
                ),
                author=Author(handle=handle, name=f"Name of {handle}", url=None),
                engagement=Engagement(
                    likes=pick.choice([None, pick.randrange(50)]),
                    shares=pick.choice([None, pick.randrange(10)]),
                    replies=pick.choice([None, pick.randrange(20)]),
                    views=pick.randrange(10_000),  # not engagement
                ),
            )
        )
        reach = pick.choice([0, 0, 5, 10, pick.randrange(1000)])
        made[-1] = replace(made[-1], judgments=replace(made[-1].judgments, reach=reach))
    for n in (81, 82, 83):  # a brand with a few mentions ever
        made.append(
            replace(
                judged(n, START + timedelta(hours=20 * (n - 80)), brands=("Initech",)),
                author=Author(handle=f"rare{n}"),
                engagement=Engagement(likes=n - 80),
            )
        )
    return made


MENTIONS = _mentions()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path_factory.mktemp("people") / "people.db") as filled:
        filled.insert_mentions(MENTIONS)
        filled.tombstone_mentions(TOMBSTONED, at(9, 0))
        yield filled


def _in_scope(scope: StatsScope) -> list[Mention]:
    return [
        m
        for m in MENTIONS
        if m.id not in TOMBSTONED
        and scope.since <= m.published_at < scope.until
        and (scope.brand is None or scope.brand.lower() in {b.lower() for b in m.brands})
    ]


def _seq(m: Mention) -> int:
    return int(m.native_id)  # stored in this order, so seq follows n


def _expected_authors(scope: StatsScope, limit: int) -> list[tuple[str, str, int, int]]:
    found = [m for m in _in_scope(scope) if m.author.handle]
    ranked = sorted(found, key=lambda m: (m.judgments.reach, m.published_at, _seq(m)), reverse=True)
    leaders: dict[tuple[str, str], Mention] = {}
    for m in ranked:
        assert m.author.handle is not None
        leaders.setdefault((m.source_type, m.author.handle.lower()), m)
    top = list(leaders.items())[:limit]
    return [
        (m.source_type, str(m.author.handle), m.judgments.reach,
         sum(1 for o in found if (o.source_type, str(o.author.handle).lower()) == key))
        for key, m in top
    ]  # fmt: skip


def _engagement(m: Mention) -> int:
    e = m.engagement
    return (e.likes or 0) + (e.shares or 0) + (e.replies or 0)


def _expected_engaged(scope: StatsScope, limit: int) -> list[tuple[str, int]]:
    found = sorted(
        _in_scope(scope), key=lambda m: (_engagement(m), m.published_at, _seq(m)), reverse=True
    )
    return [(m.id, _engagement(m)) for m in found[:limit]]


_SCOPES = [
    (None, START, START + timedelta(days=6)),
    ("Acme", START, START + timedelta(days=6)),
    ("globex", at(2, 0), at(4, 0)),
    ("Acme", at(2, 3), at(2, 5)),
    (None, at(3, 6), at(3, 7)),
    ("Initech", START, at(6, 0)),
]


@pytest.mark.parametrize("brand, since, until", _SCOPES)
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_top_authors_and_engaged_are_a_straight_count(
    store: SQLiteStore, brand: str | None, since: datetime, until: datetime, limit: int
) -> None:
    scope = scope_for(brand, since, until)
    authors = top_authors(store, scope, limit)
    assert [(a.source_type, a.handle, a.reach, a.mentions) for a in authors] == (
        _expected_authors(scope, limit)
    )
    engaged = engaged_mentions(store, scope, limit)
    assert [(e.mention_id, e.engagement) for e in engaged] == _expected_engaged(scope, limit)


def test_every_way_is_exercised(store: SQLiteStore) -> None:
    """The scopes above are walked (wide ranges), scanned by range (a few hours) and by
    brand (Initech: three mentions ever), and each way's answers were checked above."""
    with store._read() as conn:
        taken = {
            ranked(conn, scope_for(b, s, u), panel, 3, list)[0]
            for b, s, u in _SCOPES
            for panel in ("authors", "engaged")
        }
    assert taken == {"walk", "range", "brand"}


def test_top_author_handles_meet_without_case(store: SQLiteStore) -> None:
    scope = scope_for(None, START, START + timedelta(days=6))
    everyone = top_authors(store, scope, 50)
    keys = [(a.source_type, a.handle.lower()) for a in everyone]
    assert len(keys) == len(set(keys))
    bens = [a for a in everyone if a.handle.lower() == "ben"]
    assert bens and sum(a.mentions for a in bens) == sum(
        1 for m in _in_scope(scope) if (m.author.handle or "").lower() == "ben"
    )


def test_engaged_mention_fields(store: SQLiteStore) -> None:
    [top] = engaged_mentions(store, scope_for("Acme", START, START + timedelta(days=6)), 1)
    stored = next(m for m in MENTIONS if m.id == top.mention_id)
    assert top.published_at == stored.published_at
    assert top.author == stored.author.handle and top.title == stored.title
    assert top.excerpt == stored.text and top.sentiment == "neutral" and not top.complaint


def _said(n: int, when: datetime, text: str, brands: tuple[str, ...] = ("Acme",)) -> Mention:
    return judged(n, when, text=text, brands=brands, sentiment=NEG)


def test_rising_terms_against_the_previous_period(tmp_path: Path) -> None:
    before = [
        _said(n, at(1, 1) + timedelta(minutes=n), "acme parcel arrived fine") for n in range(10)
    ]
    now = [_said(10 + n, at(2, 1) + timedelta(minutes=n), "acme parcel refund refused")
           for n in range(6)]  # fmt: skip
    now += [_said(20 + n, at(2, 2) + timedelta(minutes=n), "globex refund", ("Globex",))
            for n in range(5)]  # fmt: skip
    with SQLiteStore(tmp_path / "terms.db") as store:
        store.insert_mentions(before + now)
        store.tombstone_mentions(["news:10"], at(3, 0))
        scope = scope_for("acme", at(2, 0), at(3, 0))
        found = rising_terms(store, scope, excluded=frozenset({"acme"}))
        assert (found.sampled, found.previous_sampled, found.sample_limit) == (5, 10, 2000)
        assert [t.term for t in found.terms] == ["refund", "refused"]
        assert (found.terms[0].mentions, found.terms[0].previous_mentions) == (5, 0)
        # (5/5) / ((0 + 0.5) / (10 + 10)): the spike rule's smoothed ratio.
        assert found.terms[0].ratio == pytest.approx(40.0)
        # The brand's own word rises with every mention unless left out.
        kept = rising_terms(store, scope)
        assert "acme" not in [t.term for t in kept.terms]  # as common before: not rising
        sampled = rising_terms(store, scope, sample=3)
        assert (sampled.sampled, sampled.previous_sampled) == (3, 3)
        assert sampled.terms[0].term == "refund" and sampled.terms[0].mentions == 3


def test_the_newest_texts_are_the_same_whichever_way(tmp_path: Path) -> None:
    busy = [_said(n, at(2, 1) + timedelta(minutes=n), f"acme post {n}") for n in range(40)]
    rare = [_said(100 + n, at(2, 3) + timedelta(minutes=n), f"initech post {n}", ("Initech",))
            for n in range(3)]  # fmt: skip
    with SQLiteStore(tmp_path / "ways.db") as store:
        store.insert_mentions(busy + rare)
        with store._read() as conn:
            rare_way, rare_texts = newest_texts(conn, scope_for("initech", at(2, 0), at(3, 0)), 2)
            busy_way, busy_texts = newest_texts(conn, scope_for("Acme", at(2, 0), at(3, 0)), 2)
    assert (rare_way, rare_texts) == ("brand", ["\ninitech post 2",
                                                "\ninitech post 1"])  # fmt: skip
    assert (busy_way, busy_texts) == ("walk", ["\nacme post 39",
                                               "\nacme post 38"])  # fmt: skip


def test_rising_terms_see_an_edit_between_two_views(tmp_path: Path) -> None:
    before = [_said(n, at(1, 1) + timedelta(minutes=n), "parcel arrived fine") for n in range(10)]
    now = [_said(10 + n, at(2, 1) + timedelta(minutes=n), "parcel refund refused")
           for n in range(4)]  # fmt: skip
    with SQLiteStore(tmp_path / "edits.db") as store:
        store.insert_mentions(before + now)
        scope = scope_for("Acme", at(2, 0), at(3, 0))
        first = rising_terms(store, scope)
        again = rising_terms(store, scope)  # the same samples: the same answer
        assert [t.term for t in first.terms] == [t.term for t in again.terms]
        assert [t.term for t in first.terms] == ["refund", "refused"]
        # Two of the four now say something else: "refused" falls under MIN_MENTIONS.
        edited = [replace(m, text="parcel refund", edited_at=at(2, 9)) for m in now[:2]]
        assert store.revise_mentions(edited) == 2
        assert [t.term for t in rising_terms(store, scope).terms] == ["refund"]
