"""Lexer and recursive-descent parser for the brand query language, and its grammar.

A query says which mentions are about a brand::

    acme OR "acme anvil" OR @acme OR #acme -job lang:en

Grammar (whitespace separates lexemes; ``OR``/``AND``/``NOT`` are keywords only in
uppercase — ``or`` is an ordinary word)::

    query    = or_expr
    or_expr  = and_expr { "OR" and_expr }
    and_expr = unary { [ "AND" ] unary }          (adjacency is an implicit AND)
    unary    = ( "NOT" | "-" ) unary | primary    ("-" sticks to what follows: -spam)
    primary  = "(" or_expr ")" | phrase | handle | hashtag | field | term
    phrase   = '"' { char | '\\' char } '"'      (backslash escapes a quote)
    handle   = "@" name [ "@" server ]            (letters, marks, digits, _ . - ;
                                                   trailing dots are dropped)
    hashtag  = "#" { letter | mark | digit | "_" }
    field    = ( "lang" | "source" ) ":" ( value | phrase )
    term     = word [ "*" ]                       (prefix search: acm*)

Precedence: NOT > AND > OR, so ``a b OR c`` is ``(a AND b) OR c``.

Matching is on words, never substrings. Text and query both go through ``normalize``
(NFKC, casefold, strip of Latin-style combining diacritics — Indic vowel signs and viramas
are kept) and ``tokenize`` (runs of letters, marks, digits, connector punctuation; the
FTS5 tokenizer's categories). So ``cafe`` finds "Café", a Bengali word is found inside a
Bengali sentence but not inside a longer word, and a term with inner punctuation such as
``wi-fi`` or ``don't`` is the phrase of its tokens. A plain term also finds ``@acme`` and
``#acme`` (the word is in the text); ``@acme`` finds only the handle (``@acme`` or
``@acme@server``), ``#acme`` only the hashtag. ``lang:pt`` accepts "pt" and "pt-BR" (never
an unknown language); ``source:x`` compares with the source's name or its type.

Use::

    matcher = compile_query('acme OR "acme anvil" -job')      # once, at start
    doc = prepare(text, language="en", source="hn", source_type="rss")   # once per mention
    matcher.match(doc)            # None, or the leaves that matched: ('acme',)
    to_fts5('acme lang:en')       # FtsQuery for the SQLite store

Errors: ``parse``/``compile_query``/``to_fts5`` raise ``QueryError`` (a ``ValueError``) with
``query``, a 1-based ``column`` and ``message``; ``str(err)`` adds the query and a caret.
``to_fts5`` also raises it for what FTS5 cannot say (field filters inside OR, ``a OR NOT b``).

The package: ``ast`` (tree, error), ``text`` (normalisation, ``prepare``), ``parser`` (this
module), ``match`` (matcher), ``fts`` (FTS5). Import these names from ``listener.query``.

The lexer records each lexeme's 1-based column so every error can point at the character
that caused it; the parser keeps each leaf's text as the user wrote it, which is what the
matcher reports as "matched terms".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

import regex

from listener.query.ast import (
    FIELDS,
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
    quote,
)
from listener.query.text import normalize, normalize_language, tokenize


class _Kind(Enum):
    LPAREN = auto()
    RPAREN = auto()
    OR = auto()
    AND = auto()
    NOT = auto()
    MINUS = auto()
    PHRASE = auto()
    WORD = auto()
    FIELD = auto()
    EOF = auto()


@dataclass(frozen=True, slots=True)
class _Lexeme:
    kind: _Kind
    raw: str  # exactly as typed, quotes included
    column: int
    value: str = ""  # a phrase's or field's decoded content
    name: str = ""  # a field's name


# How deeply parentheses and NOT/- may nest. The parser recurses once (or a few frames) per
# level, so without a cap a pasted "((((…" or "----…" would end in RecursionError instead of
# a QueryError; 100 is far beyond any real query and far below Python's recursion limit.
MAX_DEPTH = 100

_KEYWORDS = {"OR": _Kind.OR, "AND": _Kind.AND, "NOT": _Kind.NOT}
_OPERAND_KINDS = frozenset(
    {_Kind.LPAREN, _Kind.NOT, _Kind.MINUS, _Kind.PHRASE, _Kind.WORD, _Kind.FIELD}
)
_WORD_END = frozenset('()"')
_FIELD_NAME = regex.compile(r"[A-Za-z_]+")
_HANDLE_PART = r"[\p{L}\p{N}_][\p{L}\p{M}\p{N}_.\-]*"
_HANDLE = regex.compile(rf"{_HANDLE_PART}(?:@{_HANDLE_PART})?")
_HASHTAG = regex.compile(r"[\p{L}\p{M}\p{N}\p{Pc}]+")


def _read_quoted(query: str, start: int) -> tuple[str, int]:
    """Decode the quoted string opening at ``query[start]``; return it and the index after it."""
    out: list[str] = []
    i = start + 1
    while i < len(query):
        ch = query[i]
        if ch == "\\" and i + 1 < len(query):
            out.append(query[i + 1])
            i += 2
            continue
        if ch == '"':
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise QueryError(
        f"unterminated quote: '\"' at column {start + 1} is never closed", query, start + 1
    )


def _lex(query: str) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Lexeme(_Kind.LPAREN if ch == "(" else _Kind.RPAREN, ch, col))
            i += 1
        elif ch == '"':
            value, end = _read_quoted(query, i)
            out.append(_Lexeme(_Kind.PHRASE, query[i:end], col, value=value))
            i = end
        elif ch == "-":
            if i + 1 == n or query[i + 1].isspace() or query[i + 1] == ")":
                raise QueryError(
                    f"'-' at column {col} needs something right after it (as in -spam)", query, col
                )
            out.append(_Lexeme(_Kind.MINUS, ch, col))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _WORD_END:
                j += 1
            word = query[i:j]
            name, colon, rest = word.partition(":")
            if word in _KEYWORDS:
                out.append(_Lexeme(_KEYWORDS[word], word, col))
            elif colon and _FIELD_NAME.fullmatch(name):
                value = rest
                if not rest and j < n and query[j] == '"':
                    # source:"acme news" — the quoted value belongs to the field.
                    value, j = _read_quoted(query, j)
                out.append(_Lexeme(_Kind.FIELD, query[i:j], col, value=value, name=name))
            else:
                out.append(_Lexeme(_Kind.WORD, word, col))
            i = j
    out.append(_Lexeme(_Kind.EOF, "", n + 1))
    return out


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.lexemes = _lex(query)
        self.pos = 0
        self.depth = 0  # parentheses and NOT/- currently open around the parse position
        self.labels: dict[Node, str] = {}

    def error(self, message: str, column: int) -> QueryError:
        return QueryError(message, self.query, column)

    def peek(self) -> _Lexeme:
        return self.lexemes[self.pos]

    def advance(self) -> _Lexeme:
        lexeme = self.lexemes[self.pos]
        self.pos += 1
        return lexeme

    def enter(self, lexeme: _Lexeme) -> None:
        """Open one nesting level at ``lexeme`` (a '(' or a NOT/-); the caller closes it."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"query nested too deeply (more than {MAX_DEPTH} levels): '{lexeme.raw}' at "
                f"column {lexeme.column} opens level {self.depth}; remove redundant "
                "parentheses or negations",
                lexeme.column,
            )

    def expect_operand_after(self, op: _Lexeme) -> None:
        if self.peek().kind not in _OPERAND_KINDS:
            where = "right " if op.kind is _Kind.MINUS else ""
            raise self.error(
                f"'{op.raw}' at column {op.column} needs something {where}after it", op.column
            )

    def parse(self) -> Node:
        if self.peek().kind is _Kind.EOF:
            raise self.error("empty query: nothing to search for", 1)
        node = self.or_expr()
        extra = self.peek()
        if extra.kind is _Kind.RPAREN:
            raise self.error(
                f"unbalanced parenthesis: ')' at column {extra.column} has no matching '('",
                extra.column,
            )
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek().kind is _Kind.OR:
            self.expect_operand_after(self.advance())
            children.append(self.and_expr())
        return _combine(Or, children)

    def and_expr(self) -> Node:
        children = [self.unary()]
        while True:
            lexeme = self.peek()
            if lexeme.kind is _Kind.AND:
                self.expect_operand_after(self.advance())
            elif lexeme.kind not in _OPERAND_KINDS:
                break
            children.append(self.unary())
        return _combine(And, children)

    def unary(self) -> Node:
        lexeme = self.peek()
        if lexeme.kind in (_Kind.NOT, _Kind.MINUS):
            self.advance()
            self.expect_operand_after(lexeme)
            self.enter(lexeme)
            node = Not(self.unary(), lexeme.column)
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        lexeme = self.advance()
        kind = lexeme.kind
        if kind is _Kind.LPAREN:
            if self.peek().kind is _Kind.RPAREN:
                raise self.error(
                    f"empty parentheses at column {lexeme.column}: put a word between them",
                    lexeme.column,
                )
            if self.peek().kind is not _Kind.EOF:
                self.enter(lexeme)
                node = self.or_expr()
                if self.peek().kind is _Kind.RPAREN:
                    self.advance()
                    self.depth -= 1
                    return node
            raise self.error(
                f"unbalanced parenthesis: '(' at column {lexeme.column} is never closed",
                lexeme.column,
            )
        if kind is _Kind.RPAREN:
            raise self.error(
                f"unbalanced parenthesis: ')' at column {lexeme.column} has no matching '('",
                lexeme.column,
            )
        if kind in (_Kind.OR, _Kind.AND):
            raise self.error(
                f"'{lexeme.raw}' at column {lexeme.column} needs something before it",
                lexeme.column,
            )
        if kind is _Kind.PHRASE:
            leaf: Node = self.phrase(lexeme)
        elif kind is _Kind.FIELD:
            leaf = self.field(lexeme)
        else:
            leaf = self.word(lexeme)
        self.labels.setdefault(leaf, lexeme.raw)
        return leaf

    def phrase(self, lexeme: _Lexeme) -> Phrase:
        words = tokenize(lexeme.value)
        if not words:
            raise self.error(
                f"empty phrase at column {lexeme.column}: the quotes hold no letters or digits",
                lexeme.column,
            )
        return Phrase(tuple(words), lexeme.column)

    def field(self, lexeme: _Lexeme) -> Field:
        name = lexeme.name.lower()
        if name not in FIELDS:
            raise self.error(
                f"unknown field '{lexeme.name}:' (known: {', '.join(FIELDS)}); "
                f"to search for the text itself, put it in quotes: {quote(lexeme.raw)}",
                lexeme.column,
            )
        value = lexeme.value.strip()
        if not value:
            raise self.error(
                f"field '{name}:' at column {lexeme.column} has no value (as in {name}:en)",
                lexeme.column,
            )
        value = normalize_language(value) if name == "lang" else value.casefold()
        return Field(name, value, lexeme.column)

    def word(self, lexeme: _Lexeme) -> Node:
        raw, col = lexeme.raw, lexeme.column
        if raw[0] in "@#":
            return self.handle_or_tag(lexeme)
        stem = raw.rstrip("*")
        prefix = stem != raw
        if "*" in stem:
            star = col + stem.index("*")
            raise self.error(f"'*' at column {star} is only allowed at the end of a word", star)
        words = tokenize(stem)
        if not words:
            hint = " (a prefix looks like acm*)" if prefix else ""
            raise self.error(
                f"'{raw}' at column {col} has no letters or digits to search for{hint}", col
            )
        if prefix:
            if len(words) > 1:
                raise self.error(
                    f"a prefix search needs a single word, but '{raw}' at column {col} has "
                    f"{len(words)}; use a phrase, or drop the '*'",
                    col,
                )
            return Term(words[0], True, col)
        # A word with inner punctuation (wi-fi, don't) is the phrase of its tokens, exactly as
        # the same characters in a mention's text would be tokenised.
        return Term(words[0], False, col) if len(words) == 1 else Phrase(tuple(words), col)

    def handle_or_tag(self, lexeme: _Lexeme) -> Handle | Hashtag:
        raw, col = lexeme.raw, lexeme.column
        body = normalize(raw[1:])
        if raw[0] == "@":
            body = body.rstrip(".")
            if _HANDLE.fullmatch(body):
                return Handle(body, col)
            what = "a handle: letters, digits, '_', '.', '-' (and '@server')"
        else:
            if _HASHTAG.fullmatch(body):
                return Hashtag(body, col)
            what = "a hashtag: letters, digits and '_'"
        raise self.error(f"'{raw}' at column {col} is not {what}", col)


def _combine(kind: type[And] | type[Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        # (a b) c and a (b c) mean the same; a flat tuple keeps evaluation shallow.
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))


def parse_labeled(query: str) -> tuple[Node, dict[Node, str]]:
    """Parse ``query``; also return each leaf's text as written (for reporting matches)."""
    parser = _Parser(query)
    return parser.parse(), parser.labels


def parse(query: str) -> Node:
    """Parse ``query`` into a tree; raise ``QueryError`` (with a column) if it is malformed."""
    return parse_labeled(query)[0]


def valid_query(text: str) -> str:
    """``text`` if it parses; else a ``ValueError`` that leads with the column, as compilers
    do — the form settings validators report (a brand's query, a saved search)."""
    try:
        parse(text)
    except QueryError as exc:
        message = exc.message.replace(f" at column {exc.column}", "", 1)
        raise ValueError(f"column {exc.column}: {message}") from None
    return text
