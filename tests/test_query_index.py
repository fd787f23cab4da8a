"""The inverted index over many brand queries agrees with the plain matchers, and skips.

``QueryIndex.match`` must return exactly what evaluating every ``Matcher`` in order returns:
the same queries, the same leaves, the same order. Both are checked against a reference
that reads the query's meaning straight from its tree, so a faster matcher cannot drift
either. Hypothesis draws queries and texts from one small shared vocabulary (words that
share prefixes, a Bengali word, handles with a server, hashtags, ``wi-fi``) and builds texts
partly from the queries' own leaves, so most examples do match something.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listener.query import (
    And,
    Field,
    Handle,
    Hashtag,
    Matcher,
    Node,
    Not,
    Or,
    Phrase,
    PreparedText,
    QueryIndex,
    Term,
    compile_query,
    parse,
    prepare,
)
from listener.query.index import KeyKind, needed_keys
from listener.query.parser import parse_labeled

WORDS = ["acme", "acmes", "acmecorp", "acm", "anvil", "rocket", "job", "jobs", "wi", "fi"]
WORDS += ["অর্ডার", "অর্ডারটি", "café", "Straße", "x"]
SERVERS = ["mastodon.social", "server"]


def _holds(node: Node, doc: PreparedText) -> bool:
    """The query language's meaning, read straight from the tree (no closures, no index)."""
    if isinstance(node, Term):
        if node.prefix:
            return any(token.startswith(node.word) for token in doc.tokens)
        return node.word in doc.tokens
    if isinstance(node, Phrase):
        span = len(node.words)
        return any(
            doc.tokens[at : at + span] == node.words for at in range(len(doc.tokens) - span + 1)
        )
    if isinstance(node, Handle):
        return any(node.name in (h, h.partition("@")[0]) for h in doc.handles)
    if isinstance(node, Hashtag):
        return node.tag in doc.hashtags
    if isinstance(node, Field):
        if node.name == "source":
            return node.value in (doc.source, doc.source_type)
        lang = doc.language or ""
        return lang == node.value or lang.startswith(node.value + "-")
    if isinstance(node, Not):
        return not _holds(node.child, doc)
    if isinstance(node, And):
        return all(_holds(child, doc) for child in node.children)
    return any(_holds(child, doc) for child in node.children)


def reference(q: str, doc: PreparedText) -> tuple[str, ...] | None:
    """What ``Matcher.match`` documents: None, or the positive leaves of the branches that
    hold, as written, each once, in query order (never negations or field filters)."""
    root, labels = parse_labeled(q)
    if not _holds(root, doc):
        return None
    leaves: list[Node] = []  # every leaf in query order, to number them

    def number(node: Node) -> None:
        if isinstance(node, And | Or):
            for child in node.children:
                number(child)
        elif isinstance(node, Not):
            number(node.child)
        else:
            leaves.append(node)

    number(root)
    order = {id(leaf): at for at, leaf in enumerate(leaves)}

    def evidence(node: Node) -> list[Node]:
        if isinstance(node, Not | Field) or not _holds(node, doc):
            return []
        if isinstance(node, And | Or):
            return [leaf for child in node.children for leaf in evidence(child)]
        return [node]

    found: dict[str, int] = {}
    for leaf in sorted(evidence(root), key=lambda leaf: order[id(leaf)]):
        found.setdefault(labels[leaf], order[id(leaf)])
    return tuple(found)


def plain(matchers: Sequence[Matcher], doc: PreparedText) -> list[tuple[int, tuple[str, ...]]]:
    """The reference: every query evaluated, in order."""
    found = []
    for position, matcher in enumerate(matchers):
        leaves = matcher.match(doc)
        if leaves is not None:
            found.append((position, leaves))
    return found


# ---------------------------------------------------------------- strategies

word = st.sampled_from(WORDS)
server = st.sampled_from(SERVERS)


@st.composite
def prefix(draw: st.DrawFn) -> str:
    text = draw(word)
    return text[: draw(st.integers(1, len(text)))] + "*"


leaf = st.one_of(
    word,
    prefix(),
    st.lists(word, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    word.map(lambda w: "@" + w),
    st.tuples(word, server).map(lambda ws: f"@{ws[0]}@{ws[1]}"),
    word.map(lambda w: "#" + w),
    st.sampled_from(["wi-fi", "acme-anvil", "lang:en", "lang:bn", "source:rss", "source:hn"]),
)


def _compound(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    group = st.lists(children, min_size=2, max_size=3)
    return st.one_of(
        group.map(lambda xs: "(" + " OR ".join(xs) + ")"),
        group.map(lambda xs: " ".join(xs)),
        group.map(lambda xs: "(" + " AND ".join(xs) + ")"),
        children.map(lambda x: "-" + x),
        children.map(lambda x: "NOT " + x),
    )


query = st.recursive(leaf, _compound, max_leaves=8)

piece = st.one_of(
    word,
    word.map(lambda w: w.upper()),
    word.map(lambda w: "@" + w),
    st.tuples(word, server).map(lambda ws: f"@{ws[0]}@{ws[1]}"),
    word.map(lambda w: "#" + w),
    st.sampled_from(["wi-fi", "wifi", "acme-anvil", "bob@acme.com", "C#", "thanks @acme."]),
)
SEPARATORS = st.sampled_from([" ", ", ", ". ", "\n", "-", "/"])
# A query's own leaves as they would appear in a post: "acm*" as acm, acme or acmecorp,
# a phrase without its quotes, handles and hashtags as written. Lexemes of the query text.
_LEXEME = re.compile(r'"[^"]*"|[^\s()"]+')


def pieces_of(queries: Sequence[str]) -> list[str]:
    found = []
    for q in queries:
        for lexeme in _LEXEME.findall(q):
            if lexeme in ("OR", "AND", "NOT") or ":" in lexeme:
                continue
            lexeme = lexeme.lstrip("-").strip('"')
            if lexeme.endswith("*"):
                found += [lexeme[:-1], lexeme[:-1] + "corp"]
            elif lexeme:
                found.append(lexeme)
    return found


def texts(extra: Sequence[str] = ()) -> st.SearchStrategy[str]:
    parts = st.one_of(piece, st.sampled_from(extra)) if extra else piece
    return st.lists(st.tuples(parts, SEPARATORS), max_size=12).map(
        lambda parts: "".join(p + sep for p, sep in parts)
    )


def documents(extra: Sequence[str] = ()) -> st.SearchStrategy[PreparedText]:
    return st.builds(
        lambda body, language, source: prepare(
            body, language=language, source=source[0], source_type=source[1]
        ),
        texts(extra),
        st.sampled_from([None, "en", "bn", "en-US", "pt_BR"]),
        st.sampled_from([("hn", "rss"), ("RSS", "rss"), ("reddit", "api")]),
    )


document = documents()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(query, min_size=1, max_size=8), st.data())
def test_indexed_matcher_agrees_with_the_plain_one(queries: list[str], data: st.DataObject) -> None:
    # Texts built partly from the queries' own leaves, so that most examples match something.
    docs = data.draw(st.lists(documents(pieces_of(queries)), min_size=1, max_size=4))
    matchers = [compile_query(q) for q in queries]
    index = QueryIndex(matchers)
    for doc in docs:
        expected = [
            (i, m) for i, m in enumerate(reference(q, doc) for q in queries) if m is not None
        ]
        assert plain(matchers, doc) == expected
        assert index.match(doc) == expected


@settings(max_examples=300, deadline=None)
@given(query, document)
def test_a_query_never_matches_a_text_without_its_needed_keys(q: str, doc: PreparedText) -> None:
    # The soundness the index rests on, stated directly for one query at a time.
    keys = needed_keys(parse(q))
    if keys is None or compile_query(q).match(doc) is None:
        return
    held = {
        KeyKind.WORD: lambda k: k in doc.words,
        KeyKind.PREFIX: doc.has_prefix,
        KeyKind.HANDLE: lambda k: k in doc.handle_keys,
        KeyKind.HASHTAG: lambda k: k in doc.hashtag_set,
    }
    assert any(held[kind](key) for kind, key in keys)


# ---------------------------------------------------------------- hand cases


BRANDS = [
    "অর্ডার OR #অর্ডার",  # Bengali: a whole word, never inside a longer one
    "@acme@server",  # only that server's account
    "@acme",  # the account on any server
    "wi-fi -outage",  # a phrase of its tokens
    "-zzqxjv",  # no positive term: runs for every post
    "rocket* lang:en",
    "source:hn",  # field only: runs for every post
]


@pytest.mark.parametrize(
    ("body", "language", "expected"),
    [
        ("মেরা অর্ডার কোথায়", "bn", [(0, ("অর্ডার",)), (4, ())]),
        ("অর্ডারটি এসেছে", "bn", [(4, ())]),
        ("#অর্ডার দেরি", "bn", [(0, ("অর্ডার", "#অর্ডার")), (4, ())]),
        ("hi @acme@server", None, [(1, ("@acme@server",)), (2, ("@acme",)), (4, ())]),
        ("hi @acme@mastodon.social", None, [(2, ("@acme",)), (4, ())]),
        ("mail bob@acme.com", None, [(4, ())]),
        ("the Wi-Fi is slow", None, [(3, ("wi-fi",)), (4, ())]),
        ("the wi fi outage", None, [(4, ())]),
        ("rocketry club", "en-GB", [(4, ()), (5, ("rocket*",))]),
        ("rocketry club", "fr", [(4, ())]),
        ("zzqxjv", None, []),
    ],
)
def test_hand_cases(
    body: str, language: str | None, expected: list[tuple[int, tuple[str, ...]]]
) -> None:
    matchers = [compile_query(q) for q in BRANDS]
    doc = prepare(body, language=language, source="reddit", source_type="api")
    assert QueryIndex(matchers).match(doc) == expected == plain(matchers, doc)


def test_only_candidates_and_keyless_queries_run() -> None:
    index = QueryIndex([compile_query(q) for q in BRANDS])
    assert index.always_run == 2  # -zzqxjv and source:hn
    always = (1 << 4) | (1 << 6)
    assert index.candidates(prepare("nothing relevant here")) == always
    assert index.candidates(prepare("my অর্ডার and @acme")) == always | 1 | (1 << 2)
    # "rocketry" holds the prefix; the language filter is left to the query itself.
    assert index.candidates(prepare("rocketry")) == always | (1 << 5)


@pytest.mark.parametrize(
    ("q", "keys"),
    [
        ("acme", {(KeyKind.WORD, "acme")}),
        ("acm*", {(KeyKind.PREFIX, "acm")}),
        ('"the acme anvil"', {(KeyKind.WORD, "anvil")}),  # one word of a phrase is enough
        ("@acme@server OR #acme", {(KeyKind.HANDLE, "acme@server"), (KeyKind.HASHTAG, "acme")}),
        ("acme -job lang:en", {(KeyKind.WORD, "acme")}),
        ("(acme OR anvil) rocket", {(KeyKind.WORD, "rocket")}),
        ("-acme", None),
        ("lang:en", None),
        ("acme OR -job", None),
        ("lang:en OR acme", None),
    ],
)
def test_needed_keys(q: str, keys: set[tuple[KeyKind, str]] | None) -> None:
    assert needed_keys(parse(q)) == (None if keys is None else frozenset(keys))
