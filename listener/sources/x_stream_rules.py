"""X filtered-stream rules: the brands' queries in X's rule syntax, and X's rule set kept in step.

Translation (``listener.query`` tree → X operators), exact where X can say the same thing:

    ours                         X rule
    acme  "acme anvil"           acme  "acme anvil"        (a word with '_' is quoted)
    a b   a AND b   a OR b       a b   a b   a OR b        (AND binds first in both)
    (a OR b) c                   (a OR b) c
    #tag  @handle  lang:pt       #tag  @handle  lang:pt
    -word  -(a OR b)             -word  -a -b              (X refuses a negated group, so
                                                            De Morgan turns it into words)
    Café  #Café  wi-fi           (café OR cafe)  …         (as written and as our matching
                                 ("wi-fi" OR "wi fi")       reads it: an accented X rule
                                                            finds only accented posts)
    source:x_stream / source:other   folded away: true or false for this source

What X cannot say — a prefix (``acm*``), a fediverse handle (``@a@server``), a negated AND
group (``-(a b)``), a region in a negated language (``-lang:pt-br``) — is dropped when it is
one of the terms ANDed together: the rule then finds more posts than the query (never fewer),
and the pipeline's own matching, which runs on every streamed post, keeps only the mentions.
Anywhere else (alone, or one side of an OR) dropping it would lose posts, so the brand is
refused with a ``PermanentError`` naming it and the construct. A positive ``lang:pt-br`` is
sent as ``lang:pt`` (X labels posts with the language only): wider, so safe.

A rule is tagged ``listener:<the brand's query>`` (explicit ``rules`` with ``listener:rules``);
the sync at each connect (``x_stream_sync``) only touches rules whose tag starts with that.
X's limits (Pro access): 1,024 characters a rule, 1,000 rules; a longer query that is an OR
at the top is split into several rules with the same tag (the union is the same).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from listener.query import (
    And,
    Field,
    Handle,
    Hashtag,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    tokenize,
)
from listener.query.ast import format_query, quote
from listener.query.parser import parse_labeled
from listener.sources.errors import PermanentError

TAG_PREFIX = "listener:"
EXPLICIT_TAG = "listener:rules"
RULE_MAX_CHARS = 1024
MAX_RULES = 1000
SHOWN_CHARS = 120  # of a query or rule in a message


@dataclass(frozen=True)
class Rule:
    """One rule as X stores it, with where it came from for messages."""

    value: str
    tag: str
    origin: str = ""  # "brand 2 (query 'acme')", for messages
    rule_id: str = ""  # X's id, for a rule read back from X

    @property
    def key(self) -> tuple[str, str]:
        return (self.value, self.tag)


class Unexpressible(Exception):
    """A part of a query X's rule language has no way to say."""


# --- the X side: a tiny tree whose negations are on leaves only --------------------------


@dataclass(frozen=True)
class _Op:
    text: str
    standalone: bool = True  # lang: is "conjunction-required" on X: never a rule's anchor


@dataclass(frozen=True)
class _Neg:
    op: _Op


@dataclass(frozen=True)
class _All:
    children: tuple[_X, ...]


@dataclass(frozen=True)
class _Any:
    children: tuple[_X, ...]


_X = _Op | _Neg | _All | _Any


def _anchored(node: _X) -> bool:
    """X wants at least one positive standalone operator in every way a rule can match."""
    if isinstance(node, _Op):
        return node.standalone
    if isinstance(node, _Neg):
        return False
    if isinstance(node, _All):
        return any(_anchored(c) for c in node.children)
    return all(_anchored(c) for c in node.children)


def _render(node: _X) -> str:
    if isinstance(node, _Op):
        return node.text
    if isinstance(node, _Neg):
        return "-" + node.op.text
    if isinstance(node, _All):
        return " ".join(
            f"({_render(c)})" if isinstance(c, _Any) else _render(c) for c in node.children
        )
    return " OR ".join(
        f"({_render(c)})" if isinstance(c, _All) else _render(c) for c in node.children
    )


def _all(children: Sequence[_X]) -> _X:
    flat: list[_X] = []
    for child in children:
        flat.extend(child.children if isinstance(child, _All) else (child,))
    return flat[0] if len(flat) == 1 else _All(tuple(flat))


def _any(children: Sequence[_X]) -> _X:
    flat: list[_X] = []
    for child in children:
        flat.extend(child.children if isinstance(child, _Any) else (child,))
    return flat[0] if len(flat) == 1 else _Any(tuple(flat))


# --- source: fields are known for this source: fold them to true/false first -------------


def _fold(node: Node, names: frozenset[str]) -> Node | bool:
    if isinstance(node, Field) and node.name == "source":
        return node.value in names
    if isinstance(node, Not):
        inner = _fold(node.child, names)
        return (not inner) if isinstance(inner, bool) else Not(inner, node.column)
    if isinstance(node, And | Or):
        decisive = isinstance(node, Or)  # true decides an OR, false an AND
        kept: list[Node] = []
        for child in node.children:
            folded = _fold(child, names)
            if isinstance(folded, bool):
                if folded is decisive:
                    return decisive
                continue
            kept.append(folded)
        if not kept:
            return not decisive
        return kept[0] if len(kept) == 1 else type(node)(tuple(kept))
    return node


# --- our tree → X's ----------------------------------------------------------------------


def _written(label: str) -> str:
    """A leaf as the person typed it, lowercased but with its accents (``"Café"`` → café;
    lower, not casefold: casefold spells ß as ss, where the post says ß)."""
    text = label[1:-1].replace('\\"', '"').replace("\\\\", "\\") if label[:1] == '"' else label
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _keyword(word: str) -> str:
    # X splits keywords at punctuation; a word our tokenizer keeps whole ('_') is quoted.
    return word if word.isalnum() else quote(word)


@dataclass
class _Translator:
    labels: dict[Node, str]
    dropped: list[str] = field(default_factory=list)

    def label(self, node: Node) -> str:
        return self.labels.get(node) or format_query(node)

    def forms(self, plain: str, written: str, render: Callable[[str], str]) -> _X:
        # The pipeline finds "cafe" and "café" alike; X's accented rule finds only "café".
        # (Only where the two differ by accents: "wi-fi" is the phrase "wi fi" either way.)
        if written != plain and " ".join(tokenize(written)) == plain:
            return _Any((_Op(render(written)), _Op(render(plain))))
        return _Op(render(plain))

    def positive(self, node: Node) -> _X:
        if isinstance(node, Term):
            if node.prefix:
                raise Unexpressible(f"the prefix search {self.label(node)} (X has no wildcard)")
            return self.forms(node.word, _written(self.label(node)), _keyword)
        if isinstance(node, Phrase):
            plain = " ".join(node.words)
            written = _written(self.label(node))
            return self.forms(plain, written, quote)
        if isinstance(node, Handle):
            if "@" in node.name:
                raise Unexpressible(f"the fediverse handle {self.label(node)} (not an X account)")
            return _Op("@" + node.name)
        if isinstance(node, Hashtag):
            written = _written(self.label(node))[1:]
            return self.forms(node.tag, written, lambda tag: "#" + tag)
        if isinstance(node, Field):
            # X labels a post with its language only: lang:pt-br is asked as lang:pt (wider).
            return _Op("lang:" + node.value.partition("-")[0], standalone=False)
        if isinstance(node, Not):
            return self.negative(node.child)
        if isinstance(node, Or):
            return _any([self.positive(c) for c in node.children])
        return self.conjunction(node.children)

    def negative(self, node: Node) -> _X:
        """The negation of ``node``, with every '-' on a single operator."""
        if isinstance(node, Not):
            return self.positive(node.child)
        if isinstance(node, Or):  # -(a OR b) = -a -b
            return self.conjunction([Not(c) for c in node.children])
        if isinstance(node, And):
            raise Unexpressible(
                f"the negated group -({format_query(node)}) (X cannot negate a group)"
            )
        if isinstance(node, Field) and "-" in node.value:
            raise Unexpressible(f"-{self.label(node)} (X knows a post's language, not its region)")
        form = self.positive(node)
        if isinstance(form, _Any):  # -(café OR cafe) = -café -cafe
            return _all([_Neg(c) for c in form.children if isinstance(c, _Op)])
        assert isinstance(form, _Op)
        return _Neg(form)

    def conjunction(self, children: Iterable[Node]) -> _X:
        # Leaving out one of the ANDed terms only widens the rule: the pipeline's matching
        # still decides, so a term X cannot say is dropped here rather than refused.
        kept: list[_X] = []
        first: Unexpressible | None = None
        for child in children:
            try:
                kept.append(self.positive(child))
            except Unexpressible as exc:
                first = first or exc
                self.dropped.append(str(exc))
        if not kept:
            assert first is not None
            raise first
        return _all(kept)


@dataclass(frozen=True)
class Translation:
    """A brand's rule values (several when a long OR was split) and what was widened."""

    values: tuple[str, ...]
    widened: tuple[str, ...] = ()


def translate(query: str, source_names: frozenset[str]) -> Translation:
    """``query`` as X rules for a source called one of ``source_names``; ``Unexpressible`` if
    X cannot find what it finds. No values: the query never applies to this source."""
    try:
        tree, labels = parse_labeled(query)
    except QueryError as exc:
        raise Unexpressible(exc.message) from exc
    folded = _fold(tree, frozenset(n.casefold() for n in source_names))
    if folded is False:
        return Translation(values=())
    if folded is True:
        raise Unexpressible("a query every post matches (X needs words to filter on)")
    translator = _Translator(labels)
    rule = translator.positive(folded)
    if not _anchored(rule):
        reason = translator.dropped[0] if translator.dropped else "only negations or lang:"
        raise Unexpressible(
            f"{reason}; X needs a word, phrase, #tag or @handle the post must contain"
        )
    return Translation(values=_fit(rule), widened=tuple(translator.dropped))


def _fit(rule: _X) -> tuple[str, ...]:
    text = _render(rule)
    if len(text) <= RULE_MAX_CHARS:
        return (text,)
    if not isinstance(rule, _Any):
        raise Unexpressible(f"a rule of {len(text)} characters, over X's {RULE_MAX_CHARS}")
    parts: list[str] = []
    for child in rule.children:
        piece = f"({_render(child)})" if isinstance(child, _All) else _render(child)
        if len(piece) > RULE_MAX_CHARS:
            raise Unexpressible(f"a part of {len(piece)} characters, over X's {RULE_MAX_CHARS}")
        joined = f"{parts[-1]} OR {piece}" if parts else piece
        if parts and len(joined) <= RULE_MAX_CHARS:
            parts[-1] = joined
        else:
            parts.append(piece)
    return tuple(parts)


def shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def wanted_rules(
    brand_queries: Sequence[str], explicit: Sequence[str] | None, source_names: frozenset[str]
) -> tuple[list[Rule], list[str]]:
    """The rules this source wants on X, and a note per brand that was widened."""
    if explicit is not None:
        given = [Rule(value, EXPLICIT_TAG, f"rule {shown(value)!r}") for value in explicit]
        return _distinct(given), []
    rules: list[Rule] = []
    notes: list[str] = []
    for number, query in enumerate(brand_queries, start=1):
        brand = f"brand {number} (query {shown(query)!r})"
        try:
            translation = translate(query, source_names)
        except Unexpressible as exc:
            raise PermanentError(
                f"{brand} cannot be an X stream rule: {exc} — rewrite the query, or give "
                "x_stream explicit `rules`"
            ) from None
        tag = TAG_PREFIX + " ".join(query.split())
        rules.extend(Rule(value, tag, brand) for value in translation.values)
        notes.extend(f"{brand}: X gets a wider rule without {w}" for w in translation.widened)
    if not rules:
        raise PermanentError("no brand query applies to this X stream: nothing to listen for")
    rules = _distinct(rules)
    if len(rules) > MAX_RULES:
        raise PermanentError(f"{len(rules)} X stream rules, over X's {MAX_RULES}")
    return rules, notes


def _distinct(rules: list[Rule]) -> list[Rule]:
    # X refuses a second rule with the same value ("DuplicateRule"), whatever its tag.
    seen: dict[str, Rule] = {}
    for rule in rules:
        seen.setdefault(rule.value, rule)
    return list(seen.values())
