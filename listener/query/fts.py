"""Translation of a brand query to an SQLite FTS5 ``MATCH`` expression plus column filters.

Import from ``listener.query``. The target table has columns ``title, body, author, handles,
hashtags`` and the tokenizer ``unicode61 remove_diacritics 2 categories 'L* N* Co M* Pc'``;
``handles``/``hashtags`` hold ``extract_handles``/``extract_hashtags`` of the text, joined by
spaces.

Safety: every piece of user text reaches FTS5 only as a double-quoted string literal (with
``"`` doubled), and only as the normalised tokens the parser produced, so nothing typed in a
query (``NEAR(``, ``*``, ``^``, ``col:x``, ``{title}``, quotes) can become FTS5 syntax.

Where search is looser or stricter than the streaming matcher:

- FTS5 cannot tell where one handle ends in the ``handles`` column (spaces and dots both
  separate tokens), so ``@acme`` also finds a mention of ``@acme.bsky.social`` in search.
- Query words are casefolded, NFKC-normalised and stripped of diacritics in the generic
  combining blocks (the matcher's rules); unicode61 folds the indexed text its own way. They
  agree on ASCII, Latin diacritics and Indic scripts. They differ where NFKC or full case
  folding changes a word (``ß`` → ``ss``, ligatures, full-width letters) or where the strip
  reaches beyond Latin (Greek tonos): indexing ``normalize(text)`` instead of the raw text
  makes search agree there too. unicode61 does not normalise Unicode at all, so text must be
  indexed in NFC at least: Bengali "য়" or Devanagari "क़" typed as one precomposed code point
  would otherwise never equal the query's (NFC, decomposed) form.
- Words of scripts written without spaces (``is_spaceless``: Han, kana, Hangul, Thai…) are
  one token with their whole run in the word index. The letters index
  (``listener.store.letters``) holds every mention with such letters, each such letter a
  token, so a word is the phrase of its letters and a Latin word glued to them ("Appleの")
  is a word of its own. A query that requires such a word is written for the letters index
  only (``FtsQuery.letters``); any other is written for the word index, and
  ``to_letters_fts5`` writes it for the letters index too: search answers each mention from
  the index that reads it right (the letters index for a mention it holds, the word index
  for the others), so ``apple`` finds "Appleの新製品" and ``acme OR 東京`` is searchable.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from listener.query.ast import (
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
    format_leaf,
    format_query,
    simplify,
)
from listener.query.parser import parse
from listener.query.text import is_spaceless, letters_phrase, tokenize

_TEXT_COLUMNS = "{title body}"

# How long a search query may be (``check_search_size``). FTS5 reads every term's doclist
# and bm25() counts the rows of every phrase (a full doclist walk each): issue 13 measured
# 3 s for a pasted 4,000-word query on a million mentions, over a minute for 20,000 words.
# Real searches are a few words, a brand query with every product name and hashtag a few
# dozen. The character cap is checked before parsing, so a huge paste costs nothing.
MAX_SEARCH_CHARS = 4000
MAX_SEARCH_TERMS = 64  # words (each word of a phrase too), handles, hashtags, field filters


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """``column IN values``; several ``FieldFilter`` of one query are ANDed.

    ``lang`` values are lowercase BCP 47 tags (``pt``, ``pt-br``) and a value also accepts its
    sub-tags, as the matcher does: ``pt`` keeps ``pt`` and ``pt-BR``, never an unknown (NULL)
    language. ``source`` values are casefolded and match the source name or the source type.
    """

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FtsQuery:
    """A query ready for SQLite: ``MATCH match``, minus rows matching ``exclude``, filtered.

    ``match`` is ``None`` when the query has no positive text part; ``exclude`` is set only
    when the top level is negations without a positive part (``-spam``, ``lang:en NOT spam``):
    the caller then keeps rows *not* in ``MATCH exclude``.
    """

    match: str | None
    exclude: str | None
    filters: tuple[FieldFilter, ...]
    # True: ``match`` is for the letters index (``mentions_letters``), not the word index:
    # the query requires a word of a spaceless script, and only mentions holding such
    # letters are in that index, their Latin words too.
    letters: bool = False


def _requires_spaceless(node: Node) -> bool:
    """Whether every mention ``node`` matches holds a word of a spaceless script, so the
    letters index, which holds only such mentions, has all its matches."""
    if isinstance(node, Term | Phrase):
        return any(map(is_spaceless, _words(node)))
    if isinstance(node, And):
        return any(map(_requires_spaceless, node.children))
    if isinstance(node, Or):
        return all(map(_requires_spaceless, node.children))
    return False  # a negation, a filter, a handle or a hashtag


def _words(node: Term | Phrase) -> tuple[str, ...]:
    return (node.word,) if isinstance(node, Term) else node.words


def _literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _distinct(expressions: Iterable[str]) -> list[str]:
    """The expressions without repeats, in order. ``a AND a`` finds what ``a`` finds, but
    FTS5 would score each copy (a walk of its whole doclist for bm25's document count, and
    again per row): "the the the…" grew with the square of its length. Scores change only
    for a repeated word next to others, which no longer counts twice."""
    return list(dict.fromkeys(expressions))


def _first_field(node: Node) -> Field | None:
    if isinstance(node, Field):
        return node
    if isinstance(node, Not):
        return _first_field(node.child)
    if isinstance(node, And | Or):
        for child in node.children:
            found = _first_field(child)
            if found is not None:
                return found
    return None


class _Translator:
    def __init__(self, query: str, *, letters: bool | None = None) -> None:
        self.query = query
        # None: the query decides (the letters index when it requires such a word);
        # True: written for the letters index whatever it holds (``to_letters_fts5``).
        self.forced = letters
        self.letters = bool(letters)  # writing for the letters index

    def translate(self, node: Node) -> FtsQuery:
        node = simplify(node)
        conjuncts = node.children if isinstance(node, And) else (node,)
        filters: list[FieldFilter] = []
        wanted: list[Node] = []
        unwanted: list[Not] = []
        for conjunct in conjuncts:
            found = self.as_filter(conjunct)
            if found is not None:
                filters.append(found)
            elif isinstance(conjunct, Not):
                unwanted.append(conjunct)
            else:
                wanted.append(conjunct)
        # A query that requires a word of a spaceless script has all its matches in the
        # letters index. Any other is written for the word index, where such a word is a
        # plain literal: it finds nothing there among the mentions without such letters,
        # the only ones search asks the word index about when the letters index also runs.
        if self.forced is None:
            self.letters = any(map(_requires_spaceless, wanted))
        positives = _distinct(self.expr(c) for c in wanted)
        negatives = _distinct(self.expr(n.child) for n in unwanted)
        if not positives:
            return FtsQuery(None, _alternatives(negatives), tuple(filters), self.letters)
        match = self.conjunction(positives, negatives)
        return FtsQuery(match, None, tuple(filters), self.letters)

    def tokens_phrase(self, text: str) -> str:
        """A handle's or hashtag's tokens as a phrase of the index written for."""
        tokens = tokenize(text)
        if self.letters:
            tokens = [letters_phrase(t) if is_spaceless(t) else t for t in tokens]
        return " ".join(tokens)

    def conjunction(self, positives: list[str], negatives: list[str]) -> str:
        text = positives[0] if len(positives) == 1 else f"({' AND '.join(positives)})"
        if not negatives:
            return text
        # FTS5's NOT is binary ("a NOT b"), left-associative and binds tightest; the outer
        # parentheses keep that from capturing a neighbouring operand.
        return "(" + text + "".join(f" NOT {n}" for n in negatives) + ")"

    def as_filter(self, node: Node) -> FieldFilter | None:
        if isinstance(node, Field):
            return FieldFilter(node.name, (node.value,))
        if isinstance(node, Or) and all(isinstance(c, Field) for c in node.children):
            fields = [c for c in node.children if isinstance(c, Field)]
            other = next((f for f in fields if f.name != fields[0].name), None)
            if other is not None:
                raise self.field_error(
                    other,
                    f"'{format_leaf(fields[0])} OR {format_leaf(other)}' mixes two fields",
                )
            return FieldFilter(fields[0].name, tuple(dict.fromkeys(f.value for f in fields)))
        if isinstance(node, Not) and (field := _first_field(node.child)) is not None:
            raise QueryError(
                f"field filter '{format_leaf(field)}' at column {field.column} cannot be "
                "excluded in search; field filters can only be required, combined with AND",
                self.query,
                field.column,
            )
        return None

    def field_error(self, field: Field, why: str) -> QueryError:
        return QueryError(
            f"field filter '{format_leaf(field)}' at column {field.column} cannot be searched "
            f"here: {why}; field filters combine with AND in search (as in: acme lang:en, "
            "or acme (lang:en OR lang:pt))",
            self.query,
            field.column,
        )

    def not_error(self, node: Not, why: str) -> QueryError:
        return QueryError(
            f"NOT at column {node.column} cannot be searched: {why}; search can only exclude "
            "words from something required beside them (acme -spam) or from everything (-spam)",
            self.query,
            node.column,
        )

    def expr(self, node: Node) -> str:
        if isinstance(node, Term):
            if self.letters and is_spaceless(node.word):
                # Found inside a run of letters, so a prefix is a phrase of its letters too.
                return f"{_TEXT_COLUMNS} : {_literal(letters_phrase(node.word))}"
            return f"{_TEXT_COLUMNS} : {_literal(node.word)}" + (" *" if node.prefix else "")
        if isinstance(node, Phrase):
            words = node.words
            if self.letters:
                words = tuple(letters_phrase(w) if is_spaceless(w) else w for w in words)
            return f"{_TEXT_COLUMNS} : {_literal(' '.join(words))}"
        if isinstance(node, Handle):
            # unicode61 splits "acme.bsky.social" at the dots: search for it as a phrase.
            return f"handles : {_literal(self.tokens_phrase(node.name))}"
        if isinstance(node, Hashtag):
            return f"hashtags : {_literal(self.tokens_phrase(node.tag))}"
        if isinstance(node, Field):
            raise self.field_error(node, "it is inside OR, NOT or a group with other words")
        if isinstance(node, Not):
            raise self.not_error(node, "nothing required stands beside it")
        if isinstance(node, Or):
            negated = next((c for c in node.children if isinstance(c, Not)), None)
            if negated is not None:
                raise self.not_error(negated, "it is an alternative of OR")
            options = _distinct(self.expr(c) for c in node.children)
            return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"
        positives = _distinct(self.expr(c) for c in node.children if not isinstance(c, Not))
        negatives = [c for c in node.children if isinstance(c, Not)]
        if not positives:
            raise self.not_error(negatives[0], "its group has nothing required")
        return self.conjunction(positives, _distinct(self.expr(n.child) for n in negatives))


def _alternatives(expressions: list[str]) -> str | None:
    if not expressions:
        return None
    return expressions[0] if len(expressions) == 1 else f"({' OR '.join(expressions)})"


def _leaves(node: Node) -> list[Term | Phrase | Handle | Hashtag | Field]:
    """The leaves in query order, without recursion (a tree may be MAX_DEPTH deep)."""
    found: list[Term | Phrase | Handle | Hashtag | Field] = []
    stack = [node]
    while stack:
        top = stack.pop()
        if isinstance(top, And | Or):
            stack.extend(reversed(top.children))
        elif isinstance(top, Not):
            stack.append(top.child)
        else:
            found.append(top)
    return found


def _check_length(text: str) -> None:
    if len(text) > MAX_SEARCH_CHARS:
        raise QueryError(
            f"search query too long: {len(text):,} characters; search takes at most "
            f"{MAX_SEARCH_CHARS:,} characters and {MAX_SEARCH_TERMS} terms",
            text,
            MAX_SEARCH_CHARS + 1,
        )


def _check_terms(text: str, node: Node) -> None:
    terms = 0
    for leaf in _leaves(node):
        terms += len(leaf.words) if isinstance(leaf, Phrase) else 1
        if terms > MAX_SEARCH_TERMS:
            raise QueryError(
                f"search query has too many terms: search takes at most {MAX_SEARCH_TERMS} "
                f"(words, each word of a phrase, handles, hashtags and filters); "
                f"'{format_leaf(leaf)}' at column {leaf.column} is past the limit",
                text,
                leaf.column,
            )


# A search reads its query three times (its size, the word index's expression, the letters
# index's) and a page view or an export often the same query again: the trees are
# immutable, so the last few are kept. Building a new brand query's search took 193 µs
# with one index and two parses, 168 µs now; the same query again 73 µs. Only searches
# come here, after check_search_size capped their length.
_parsed = functools.lru_cache(maxsize=128)(parse)


def check_search_size(query: str) -> None:
    """``QueryError`` (saying the limit) if ``query`` is too long to search: more than
    ``MAX_SEARCH_CHARS`` characters (checked before parsing) or ``MAX_SEARCH_TERMS`` terms.

    Separate from ``to_fts5``, which translates a query of any size in linear time: the
    limit is the database's, for searches typed or pasted by people."""
    _check_length(query)
    _check_terms(query, _parsed(query))


def to_fts5(query: str | Node) -> FtsQuery:
    """Translate a query for SQLite FTS5; ``QueryError`` if search cannot express it."""
    if isinstance(query, str):
        return _Translator(query).translate(_parsed(query))
    return _Translator(format_query(query)).translate(query)


def to_letters_fts5(query: str | Node) -> FtsQuery:
    """``query`` written for the letters index, whatever words it holds (``letters`` is
    True): the half of a search that reads the mentions with letters of spaceless scripts,
    beside ``to_fts5``'s for the word index."""
    if isinstance(query, str):
        return _Translator(query, letters=True).translate(_parsed(query))
    return _Translator(format_query(query), letters=True).translate(query)
