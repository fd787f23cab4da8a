"""X filtered-stream rules: the brand queries translated to X's rule syntax (exact, widened
inside an AND, or refused naming the brand), and the sync at connect against the local X
API of tests/x_stream_server.py, which changes only the rules tagged ``listener:``."""

from __future__ import annotations

from typing import Any

import pytest

from listener.sources.errors import PermanentError
from listener.sources.x_stream_rules import RULE_MAX_CHARS, translate, wanted_rules
from tests.x_stream_helpers import NAMES, NINE, RULES, STREAM, posts, run
from tests.x_stream_server import Connection, XStreamServer, capture_lines, x_stream_server


@pytest.fixture
def server() -> Any:
    with x_stream_server() as local:
        yield local


# --- rules: translation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "rules"),
    [
        ("acme", ("acme",)),
        ('"acme anvil" OR @acme OR #acme', ('"acme anvil" OR @acme OR #acme',)),
        ("acme anvil", ("acme anvil",)),
        ("acme AND anvil lang:en", ("acme anvil lang:en",)),
        ("(acme OR anvil) broken", ("(acme OR anvil) broken",)),
        ("acme OR anvil broken", ("acme OR (anvil broken)",)),
        ("acme -job", ("acme -job",)),
        ("acme -(job OR hiring)", ("acme -job -hiring",)),
        ("acme NOT -anvil", ("acme anvil",)),
        ("Café", ("café OR cafe",)),
        ("acme -Café", ("acme -café -cafe",)),
        ("wi-fi foo_bar", ('("wi-fi" OR "wi fi") "foo_bar"',)),
        ("Straße", ("straße OR strasse",)),
        ('"Café crème"', ('"café crème" OR "cafe creme"',)),
        ("acme lang:pt-BR", ("acme lang:pt",)),
        ("acme source:reddit", ()),
        ("acme OR anvil source:x-live", ("acme OR anvil",)),
        ("acme -source:x_stream", ()),
    ],
)
def test_brand_queries_become_x_rules(query: str, rules: tuple[str, ...]) -> None:
    assert translate(query, NAMES).values == rules


@pytest.mark.parametrize(
    ("query", "rule", "dropped"),
    [
        ("acme acm*", "acme", "acm*"),
        ("acme -(job hiring)", "acme", "-(job hiring)"),
        ("acme -lang:pt-br", "acme", "-lang:pt-br"),
        ("acme @acme@mastodon.social", "acme", "@acme@mastodon.social"),
    ],
)
def test_what_x_cannot_say_is_dropped_from_an_and_widening_the_rule(
    query: str, rule: str, dropped: str
) -> None:
    translation = translate(query, NAMES)
    assert translation.values == (rule,)
    assert dropped in translation.widened[0]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("acm*", "prefix search acm*"),
        ("acme OR acm*", "prefix search acm*"),
        ("-acme", "X needs a word"),
        ("acm* -job", "prefix search acm*"),
        ("source:x-live", "every post"),
    ],
)
def test_a_brand_x_cannot_find_is_refused_naming_brand_and_construct(
    query: str, named: str
) -> None:
    with pytest.raises(PermanentError) as refused:
        wanted_rules(["acme", query], None, NAMES)
    assert "brand 2" in str(refused.value) and query in str(refused.value)
    assert named in str(refused.value)


def test_a_long_or_is_split_into_rules_under_x_s_limit() -> None:
    words = [f"brandword{n:04d}" for n in range(150)]
    values = translate(" OR ".join(words), NAMES).values
    assert len(values) > 1 and all(len(v) <= RULE_MAX_CHARS for v in values)
    assert " OR ".join(values).split(" OR ") == words


def test_rules_are_tagged_by_brand_and_shared_values_sent_once() -> None:
    rules, _ = wanted_rules(["acme -job", "anvil", "acme  -job"], None, NAMES)
    assert [(r.value, r.tag) for r in rules] == [
        ("acme -job", "listener:acme -job"),
        ("anvil", "listener:anvil"),
    ]
    explicit, _ = wanted_rules(["acme"], ["acme -is:retweet"], NAMES)
    assert [(r.value, r.tag) for r in explicit] == [("acme -is:retweet", "listener:rules")]


# --- rules: sync at connect ------------------------------------------------------------


def test_sync_changes_only_our_tagged_rules(server: XStreamServer) -> None:
    theirs = server.add_rule("cats -dogs", "team dashboard")
    untagged = server.add_rule("weather")
    stale = server.add_rule("oldbrand", "listener:oldbrand")
    kept = server.add_rule("acme", "listener:acme")
    server.plan(Connection(end="close"))
    _, error = run(server, brands=["acme", "anvil lang:en"])
    assert error is None
    assert sorted((r["value"], r.get("tag")) for r in server.rules.values()) == [
        ("acme", "listener:acme"),
        ("anvil lang:en", "listener:anvil lang:en"),
        ("cats -dogs", "team dashboard"),
        ("weather", None),
    ]
    assert {theirs, untagged, kept} <= set(server.rules) and stale not in server.rules
    [delete, add] = server.seen(RULES, "POST")
    assert delete.body == {"delete": {"ids": [stale]}}
    assert add.body == {"add": [{"value": "anvil lang:en", "tag": "listener:anvil lang:en"}]}
    # In step already: the next connect reads the rules and changes nothing.
    server.plan(Connection(end="close"))
    run(server, brands=["acme", "anvil lang:en"])
    assert len(server.seen(RULES, "POST")) == 2
    assert len(server.seen(RULES)) == 2


def test_a_rule_x_refuses_parks_the_source_with_x_s_reason(server: XStreamServer) -> None:
    events, error = run(server, rules=["acme -is:retweet", "acme nonsense:thing"])
    assert isinstance(error, PermanentError)
    assert "acme nonsense:thing" in str(error) and "invalid operator 'nonsense'" in str(error)
    assert not server.seen(STREAM) and not events


def test_someone_else_s_rule_with_the_same_value_is_no_failure(server: XStreamServer) -> None:
    server.add_rule("acme", "team dashboard")
    server.plan(Connection(lines=[capture_lines(NINE)[0]], end="close"))
    events, error = run(server)
    assert error is None and len(posts(events)) == 1
