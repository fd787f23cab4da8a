"""The streaming matcher: a parsed query compiled to closures over a ``PreparedText``.

Import from ``listener.query``. Matching a mention costs a few dict/set probes per leaf:
the text was tokenised once by ``prepare`` and every brand's matcher reuses that work. Many
queries at once go behind ``QueryIndex`` (``index``), which runs only those a mention can match.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, auto

from listener.query.ast import (
    And,
    Field,
    Handle,
    Hashtag,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    format_leaf,
    format_query,
)
from listener.query.parser import parse_labeled
from listener.query.text import PreparedText, is_spaceless, spaceless_segments

_Test = Callable[[PreparedText], bool]


class _Op(Enum):
    LEAF = auto()
    AND = auto()
    OR = auto()
    NOT = auto()


@dataclass(frozen=True, slots=True)
class _Compiled:
    op: _Op
    test: _Test
    cost: int  # rough probes per evaluation, to try cheap conjuncts first
    children: tuple[_Compiled, ...] = ()
    label: str | None = None  # what to report when this leaf matches; None for field filters
    order: int = 0  # the leaf's place in the query, so reports follow query order


def _leaf_test(node: Term | Phrase | Handle | Hashtag | Field) -> tuple[_Test, int]:
    # Each closure binds its constant once; attribute lookups on `node` would cost per call.
    if isinstance(node, Term) or (isinstance(node, Phrase) and len(node.words) == 1):
        word = node.word if isinstance(node, Term) else node.words[0]
        if is_spaceless(word):
            # Found inside a run of letters (a prefix too: the run goes on after it).
            return (lambda d: word in d.spaceless), 2
        if isinstance(node, Term) and node.prefix:
            return (lambda d: d.has_prefix(word)), 2
        return (lambda d: word in d.words), 1
    if isinstance(node, Phrase):
        words = node.words
        if any(map(is_spaceless, words)):
            segments, joined = words, spaceless_segments(words)
            if joined == segments:
                return (lambda d: d.has_segments(segments)), 4
            return (lambda d: d.has_segments(segments) or d.has_segments(joined)), 4
        return (lambda d: d.has_phrase(words)), 3
    if isinstance(node, Handle):
        name = node.name
        return (lambda d: name in d.handle_keys), 1
    if isinstance(node, Hashtag):
        tag = node.tag
        return (lambda d: tag in d.hashtag_set), 1
    value = node.value
    if node.name == "lang":
        # "pt" accepts "pt" and "pt-br"; an unknown language never passes a lang filter.
        subtag = value + "-"

        def lang_test(doc: PreparedText) -> bool:
            lang = doc.language
            return lang is not None and (lang == value or lang.startswith(subtag))

        return lang_test, 1
    return (lambda d: d.source == value or d.source_type == value), 1


def _all(tests: Sequence[_Test]) -> _Test:
    if len(tests) == 2:
        first, second = tests
        return lambda d: first(d) and second(d)

    def test(doc: PreparedText) -> bool:
        for t in tests:  # noqa: SIM110 - all()/any() over a generator: a frame per call
            if not t(doc):
                return False
        return True

    return test


def _any(tests: Sequence[_Test]) -> _Test:
    if len(tests) == 2:
        first, second = tests
        return lambda d: first(d) or second(d)

    def test(doc: PreparedText) -> bool:
        for t in tests:  # noqa: SIM110 - all()/any() over a generator: a frame per call
            if t(doc):
                return True
        return False

    return test


class _Compiler:
    def __init__(self, labels: Mapping[Node, str] | None) -> None:
        self.labels = labels or {}
        self.leaves = 0

    def compile(self, node: Node) -> _Compiled:
        if isinstance(node, Not):
            inner = self.compile(node.child)
            test = inner.test
            return _Compiled(_Op.NOT, lambda d: not test(d), inner.cost, (inner,))
        if isinstance(node, And | Or):
            children = tuple(self.compile(child) for child in node.children)
            # Evaluation order does not change the result, only how soon a miss is found.
            tests = [c.test for c in sorted(children, key=lambda c: c.cost)]
            cost = sum(c.cost for c in children)
            if isinstance(node, And):
                return _Compiled(_Op.AND, _all(tests), cost, children)
            return _Compiled(_Op.OR, _any(tests), cost, children)
        test, cost = _leaf_test(node)
        self.leaves += 1
        label = None if isinstance(node, Field) else self.labels.get(node) or format_leaf(node)
        return _Compiled(_Op.LEAF, test, cost, label=label, order=self.leaves)


def _witness(node: _Compiled, doc: PreparedText, found: dict[str, int]) -> bool:
    """Evaluate fully, adding to ``found`` the positive leaves of the branches that hold."""
    if node.op is _Op.LEAF:
        ok = node.test(doc)
        if ok and node.label is not None and node.label not in found:
            found[node.label] = node.order
        return ok
    if node.op is _Op.NOT:
        return node.test(doc)  # what made a NOT hold is an absence: nothing to report
    if node.op is _Op.AND:
        local: dict[str, int] = {}
        for child in node.children:
            if not _witness(child, doc, local):
                return False
        for label, order in local.items():
            found.setdefault(label, order)
        return True
    # Every true alternative of an OR is reported, so no short-circuit here.
    results = [_witness(child, doc, found) for child in node.children]
    return any(results)


def _reports_leaves(node: _Compiled) -> bool:
    """Whether a match can report anything: a positive leaf outside every negation."""
    if node.op is _Op.LEAF:
        return node.label is not None
    return node.op is not _Op.NOT and any(map(_reports_leaves, node.children))


class Matcher:
    """A compiled query. ``match`` says whether a prepared mention satisfies it and why."""

    __slots__ = ("_reports", "_root", "node", "query")

    def __init__(self, query: str, node: Node, labels: Mapping[Node, str] | None = None) -> None:
        self.query = query
        self.node = node
        self._root = _Compiler(labels).compile(node)
        # A query of only negations and filters (``-spam``, ``lang:en``) runs for every
        # mention behind the index; it can skip the witness walk, which would find nothing.
        self._reports = _reports_leaves(self._root)

    def __repr__(self) -> str:
        return f"Matcher({self.query!r})"

    def match(self, doc: PreparedText) -> tuple[str, ...] | None:
        """``None`` if ``doc`` does not match; else the positive leaves that matched.

        Leaves are reported as the user wrote them, each once, in query order; only leaves in
        branches that hold count (``(acme AND anvil) OR acme2`` on "acme acme2" reports
        ``acme2``). Field filters and negations are conditions, not evidence, and are never
        reported, so a query of only negations or filters matches with ``()``.
        """
        root = self._root
        if not root.test(doc):
            return None
        if not self._reports:
            return ()
        found: dict[str, int] = {}
        _witness(root, doc, found)
        return tuple(sorted(found, key=found.__getitem__))


def compile_query(query: str | Node) -> Matcher:
    """Compile a query (parsing it first if it is text; ``QueryError`` propagates)."""
    if isinstance(query, str):
        node, labels = parse_labeled(query)
        return Matcher(query, node, labels)
    return Matcher(format_query(query), query)
