"""Many compiled queries behind one inverted index, so a mention runs only the queries it can match.

Import from ``listener.query``. A brand query can match only if the mention holds at least one
of a few *keys*: a word, a word prefix, a handle or a hashtag (``needed_keys``). The index maps
each key to the queries that need it; per mention it looks up the mention's words, handles and
hashtags, and evaluates only those candidates, plus the few queries that need no key at all
(pure negations such as ``-spam``, field-only queries such as ``lang:en``), which always run.
With a hundred brands a typical post is a candidate for none or one of them, where evaluating
every tree cost 100 closure walks.

The index only skips queries that cannot match: each candidate is still decided by its own
``Matcher.match``, so the results (and the leaves reported) are exactly those of the plain
matchers, in the order the queries were given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from listener.query.ast import And, Field, Handle, Hashtag, Node, Not, Phrase, Term
from listener.query.match import Matcher
from listener.query.text import PreparedText, is_spaceless


class KeyKind(Enum):
    WORD = "word"
    PREFIX = "prefix"
    HANDLE = "handle"
    HASHTAG = "hashtag"
    INSIDE = "inside"  # a word of a spaceless script, found inside a run of letters


Key = tuple[KeyKind, str]

# How rare a key of each kind is, roughly: a handle or hashtag is rarer than a word, a word
# rarer than a prefix (which covers many words). Used only to pick which conjunct of an AND
# stands for it in the index; any choice is correct, a rarer one makes fewer candidates.
_KIND_RARITY = {
    KeyKind.HANDLE: 3.0, KeyKind.HASHTAG: 3.0, KeyKind.WORD: 2.0, KeyKind.INSIDE: 2.0,
    KeyKind.PREFIX: 1.0,
}  # fmt: skip


def _rarity(keys: frozenset[Key]) -> float:
    # Fewer alternatives, rarer kinds and longer strings (short words are the common ones).
    return -sum(1.0 / (_KIND_RARITY[kind] * min(len(text), 8)) for kind, text in keys)


def needed_keys(node: Node) -> frozenset[Key] | None:
    """Keys of which a mention must hold at least one for ``node`` to match it.

    ``None`` when no such set exists: a negation, a field filter, or an OR with such a branch
    can hold on a mention with none of the query's words. Sound by construction: each case
    follows from how ``match`` tests that node, so a mention without any of the keys is one
    the node rejects.
    """
    if isinstance(node, Term):
        if is_spaceless(node.word):
            return frozenset({(KeyKind.INSIDE, node.word)})
        return frozenset({(KeyKind.PREFIX if node.prefix else KeyKind.WORD, node.word)})
    if isinstance(node, Phrase):
        # Every word of a phrase must be present (a spaceless one inside a run of letters);
        # the longest is usually the rarest, and a whole word is rarer than a part.
        spaced = [word for word in node.words if not is_spaceless(word)]
        if spaced:
            return frozenset({(KeyKind.WORD, max(spaced, key=len))})
        return frozenset({(KeyKind.INSIDE, max(node.words, key=len))})
    if isinstance(node, Handle):
        return frozenset({(KeyKind.HANDLE, node.name)})
    if isinstance(node, Hashtag):
        return frozenset({(KeyKind.HASHTAG, node.tag)})
    if isinstance(node, Field | Not):
        return None
    if isinstance(node, And):
        # One conjunct that needs keys is enough: the AND cannot hold without it.
        options = [keys for keys in map(needed_keys, node.children) if keys is not None]
        return max(options, key=_rarity) if options else None
    union: set[Key] = set()
    for child in node.children:
        keys = needed_keys(child)
        if keys is None:
            return None  # this alternative can hold without any key, so the OR can
        union |= keys
    return frozenset(union)


@dataclass(frozen=True, slots=True)
class _Postings:
    """Key text → bit mask of the queries (bit i = the i-th query) that need it."""

    words: dict[str, int]
    handles: dict[str, int]
    hashtags: dict[str, int]
    # Prefixes are bucketed by their first ``stem_length`` characters (the shortest prefix's
    # length), so each word of a mention costs one slice and one probe, however many
    # prefixes the queries hold; a bucket's few prefixes are then checked with startswith.
    stem_length: int
    prefixes: dict[str, tuple[tuple[str, int], ...]]
    word_keys: frozenset[str]
    handle_keys: frozenset[str]
    hashtag_keys: frozenset[str]
    # Looked for in a mention's spaceless runs one by one: only text of those scripts
    # pays for them, and Latin text not at all.
    inside: tuple[tuple[str, int], ...]


def _postings(needs: Iterable[tuple[int, frozenset[Key]]]) -> _Postings:
    tables: dict[KeyKind, dict[str, int]] = {kind: {} for kind in KeyKind}
    for position, keys in needs:
        for kind, text in keys:
            table = tables[kind]
            table[text] = table.get(text, 0) | (1 << position)
    stem_length = min(map(len, tables[KeyKind.PREFIX]), default=0)
    buckets: dict[str, list[tuple[str, int]]] = {}
    for text, mask in tables[KeyKind.PREFIX].items():
        buckets.setdefault(text[:stem_length], []).append((text, mask))
    return _Postings(
        words=tables[KeyKind.WORD],
        handles=tables[KeyKind.HANDLE],
        hashtags=tables[KeyKind.HASHTAG],
        stem_length=stem_length,
        prefixes={stem: tuple(bucket) for stem, bucket in buckets.items()},
        word_keys=frozenset(tables[KeyKind.WORD]),
        handle_keys=frozenset(tables[KeyKind.HANDLE]),
        hashtag_keys=frozenset(tables[KeyKind.HASHTAG]),
        inside=tuple(tables[KeyKind.INSIDE].items()),
    )


@dataclass(frozen=True, slots=True)
class Anchors:
    """The literal strings of which a mention must hold one for some query to match it (the
    keys of every query, by kind): what a pre-filter looks for in raw text before the text is
    prepared. All normalised (``text.normalize``); handles and hashtags without '@' or '#'."""

    words: frozenset[str]  # whole tokens of spaced scripts
    prefixes: frozenset[str]  # starts of such tokens
    handles: frozenset[str]  # as the query wrote them: 'acme' or 'acme@server'
    hashtags: frozenset[str]
    inside: frozenset[str]  # words of spaceless scripts, found inside a run of letters


class QueryIndex:
    """Compiled queries indexed by the keys they need; ``match`` runs only the candidates.

    Built once (at start, or when settings are reloaded) from the queries of a settings file;
    then each prepared mention is matched against all of them at once.
    """

    __slots__ = ("_always", "_postings", "matchers")

    def __init__(self, matchers: Sequence[Matcher]) -> None:
        self.matchers = tuple(matchers)
        always = 0
        needs: list[tuple[int, frozenset[Key]]] = []
        for position, matcher in enumerate(self.matchers):
            keys = needed_keys(matcher.node)
            if keys is None:
                always |= 1 << position
            else:
                needs.append((position, keys))
        self._always = always
        self._postings = _postings(needs)

    def __len__(self) -> int:
        return len(self.matchers)

    def __repr__(self) -> str:
        return f"QueryIndex({len(self.matchers)} queries, {self.always_run} always run)"

    @property
    def always_run(self) -> int:
        """How many queries need no key and so run for every mention."""
        return self._always.bit_count()

    def always_run_positions(self) -> tuple[int, ...]:
        """The positions of the queries that need no key (``-spam``, ``lang:en``)."""
        return tuple(i for i in range(len(self.matchers)) if self._always >> i & 1)

    def anchors(self) -> Anchors | None:
        """What a mention must hold for any of the queries to match it; ``None`` when some
        query needs nothing (``-spam``, ``lang:en``): then any mention may match."""
        if self._always:
            return None
        postings = self._postings
        prefixes = frozenset(text for bucket in postings.prefixes.values() for text, _ in bucket)
        return Anchors(
            words=postings.word_keys,
            prefixes=prefixes,
            handles=postings.handle_keys,
            hashtags=postings.hashtag_keys,
            inside=frozenset(text for text, _ in postings.inside),
        )

    def candidates(self, doc: PreparedText) -> int:
        """Bit mask of the queries that may match ``doc`` (bit i = the i-th query)."""
        postings = self._postings
        mask = self._always
        # A set intersection runs in C over the smaller side; only the hits loop in Python.
        for word in doc.words & postings.word_keys:
            mask |= postings.words[word]
        if doc.handle_keys:
            for handle in doc.handle_keys & postings.handle_keys:
                mask |= postings.handles[handle]
        if doc.hashtag_set:
            for tag in doc.hashtag_set & postings.hashtag_keys:
                mask |= postings.hashtags[tag]
        if doc.spaceless and postings.inside:
            runs = doc.spaceless
            for text, inside_mask in postings.inside:
                if text in runs:
                    mask |= inside_mask
        if postings.prefixes:
            stem_length, buckets = postings.stem_length, postings.prefixes
            for word in doc.words:
                bucket = buckets.get(word[:stem_length])
                if bucket:
                    for prefix, prefix_mask in bucket:
                        if word.startswith(prefix):
                            mask |= prefix_mask
        return mask

    def match(self, doc: PreparedText) -> list[tuple[int, tuple[str, ...]]]:
        """Each query that matches ``doc``, in the order given: its position and the leaves
        that matched (exactly what its ``Matcher.match`` returns)."""
        mask = self.candidates(doc)
        matchers = self.matchers
        found: list[tuple[int, tuple[str, ...]]] = []
        while mask:
            low = mask & -mask
            position = low.bit_length() - 1
            mask ^= low
            leaves = matchers[position].match(doc)
            if leaves is not None:
                found.append((position, leaves))
        return found
