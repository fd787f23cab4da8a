"""Property: after any sequence of inserts, edits, tombstones, re-judging and labels on a
real SQLite store, the rollups equal a recount — both the store's own check (SQL, into
temporary tables) and an independent Python recount of the mentions the store reads back."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listener.models import Finding, Judgments, Mention, SentimentLabel
from listener.store import SQLiteStore
from listener.store.rollup_rebuild import check_rollups
from tests.rollup_helpers import recount_store, row_counts, stored
from tests.store_helpers import T0, make_mention

# "ACME" beside "Acme": distinct as written, one NOCASE key — counted twice there, as the
# rebuild counts it.
BRANDS = ("Acme", "Globex", "Initech", "ACME")
SOURCES = (("news", "rss"), ("forum", "reddit"), ("NEWS", "rss"))
LANGUAGES = ("en", "fr", "EN", None)
TOPICS = ("delivery", "Billing", "refund")
FEELINGS = ("angry", "happy")
FLAGS = ("spam",)

judgments_st = st.builds(
    Judgments,
    sentiment_label=st.sampled_from(list(SentimentLabel)),
    complaint=st.booleans(),
    topics=st.lists(st.sampled_from(TOPICS), max_size=2).map(lambda n: tuple(map(Finding, n))),
    feelings=st.lists(st.sampled_from(FEELINGS), max_size=2).map(lambda n: tuple(map(Finding, n))),
    flags=st.lists(st.sampled_from(FLAGS), max_size=1).map(lambda n: tuple(map(Finding, n))),
)
brands_st = st.lists(st.sampled_from(BRANDS), max_size=3).map(tuple)


@st.composite
def new_mention(draw: st.DrawFn, n: int) -> Mention:
    source, source_type = draw(st.sampled_from(SOURCES))
    return make_mention(
        n,
        source=source,
        source_type=source_type,
        brands=draw(brands_st),
        language=draw(st.sampled_from(LANGUAGES)),
        # Over 3 days, in any zone: counted by the UTC hour the store keeps.
        published_at=(T0 + timedelta(minutes=draw(st.integers(0, 60 * 50)))).astimezone(
            timezone(timedelta(minutes=30 * draw(st.integers(-24, 28))))
        ),
        judgments=draw(judgments_st),
    )


# One step: (kind, which stored mention or new number, what it becomes).
step_st = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 40), st.integers(1, 4)),
    st.tuples(st.just("revise"), st.integers(0, 40), st.tuples(brands_st, judgments_st)),
    st.tuples(st.just("tombstone"), st.integers(0, 40), st.none()),
    st.tuples(st.just("rejudge"), st.integers(0, 40), judgments_st),
    st.tuples(st.just("label"), st.integers(0, 40), st.booleans()),
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), steps=st.lists(step_st, min_size=1, max_size=12))
def test_rollups_equal_a_recount_after_any_sequence_of_writes(
    data: st.DataObject, steps: list[tuple[str, int, object]]
) -> None:
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "s.db") as store:
        ids: list[str] = []
        made = 0
        for number, (kind, pick, what) in enumerate(steps, start=1):
            at = T0 + timedelta(days=10, minutes=number)
            if kind == "insert":
                assert isinstance(what, int)
                batch = []
                for _ in range(what):
                    # Now and then the same id again: not new, so counted once.
                    if ids and data.draw(st.booleans()):
                        again = store.get_mention(ids[pick % len(ids)])
                        assert again is not None
                        batch.append(dataclasses.replace(again, deleted_at=None))
                        continue
                    made += 1
                    batch.append(data.draw(new_mention(made)))
                stored_now = store.insert_mentions(batch)
                ids += [m.id for m in stored_now]
                continue
            if not ids:
                continue
            target = ids[pick % len(ids)]
            if kind == "revise":
                assert isinstance(what, tuple)
                brands, judgments = what
                current = store.get_mention(target)
                assert current is not None
                store.revise_mentions(
                    [
                        dataclasses.replace(
                            current,
                            brands=brands,
                            text=f"edited {number}",
                            language=data.draw(st.sampled_from(LANGUAGES)),
                            judgments=judgments,
                            edited_at=at,
                        )
                    ]
                )
            elif kind == "tombstone":
                store.tombstone_mentions([target], at)
            elif kind == "rejudge":
                assert isinstance(what, Judgments)
                store.update_judgments(target, what)
            else:
                assert isinstance(what, bool)
                store.set_complaint_label(target, what, by="dana", at=at)

        with store._write() as conn:
            assert check_rollups(conn) == []
        assert stored(store.path) == recount_store(store, ids)
        assert all(n > 0 for n in row_counts(store.path))
