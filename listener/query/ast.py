"""The parsed form of a brand query and the error raised for a query that cannot be parsed.

Import these from ``listener.query``; this module exists so the parser, the matcher and the
FTS translation can share them without importing each other.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

FIELDS = ("lang", "source")


class QueryError(ValueError):
    """A query that cannot be parsed (or cannot be expressed in a search backend).

    ``column`` is 1-based and counts code points; ``str(err)`` shows the message, the query
    and a caret under that column, ready to print in a config error or a search box.
    """

    def __init__(self, message: str, query: str, column: int) -> None:
        self.message = message
        self.query = query
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        shown = self.query.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        if not 1 <= self.column <= len(shown) + 1:
            return f"{self.message}\n  {shown}"
        return f"{self.message}\n  {shown}\n  {' ' * _display_width(shown[: self.column - 1])}^"

    def __reduce__(self) -> tuple[type[QueryError], tuple[str, str, int]]:
        # Keeps the error picklable (e.g. across a process pool) despite the 3-arg __init__.
        return (QueryError, (self.message, self.query, self.column))


def _display_width(text: str) -> int:
    # A terminal draws combining marks (Indic vowel signs, accents) on the previous cell and
    # CJK wide characters over two; without this the caret drifts under non-Latin queries.
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


@dataclass(frozen=True, slots=True)
class Term:
    """A single word (``acme``) or a prefix (``acm*``); ``word`` is normalised."""

    word: str
    prefix: bool = False
    column: int = 0


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive words: ``"acme anvil"``, or a term with inner punctuation (``wi-fi``)."""

    words: tuple[str, ...]
    column: int = 0


@dataclass(frozen=True, slots=True)
class Handle:
    """``@name`` — an account mention; ``name`` is normalised, without the ``@``."""

    name: str
    column: int = 0


@dataclass(frozen=True, slots=True)
class Hashtag:
    """``#tag`` — ``tag`` is normalised, without the ``#``."""

    tag: str
    column: int = 0


@dataclass(frozen=True, slots=True)
class Field:
    """``lang:en`` / ``source:reddit`` — a filter on the mention's metadata, not its text."""

    name: str
    value: str
    column: int = 0


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node
    column: int = 0


Node = Term | Phrase | Handle | Hashtag | Field | And | Or | Not


def quote(text: str) -> str:
    """``text`` as a double-quoted literal with inner quotes backslash-escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_leaf(node: Term | Phrase | Handle | Hashtag | Field) -> str:
    """The canonical query text of one leaf, used when no original query text is known."""
    if isinstance(node, Term):
        return node.word + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return quote(" ".join(node.words))
    if isinstance(node, Handle):
        return "@" + node.name
    if isinstance(node, Hashtag):
        return "#" + node.tag
    value = node.value
    # A value the lexer would split or misread must be quoted to round-trip.
    if not value or any(ch.isspace() or ch in '()"' for ch in value):
        value = quote(value)
    return f"{node.name}:{value}"


def format_query(node: Node) -> str:
    """Query text that parses back to an equivalent tree (columns aside)."""
    if isinstance(node, And | Or):
        joiner = " " if isinstance(node, And) else " OR "
        parts = []
        for child in node.children:
            text = format_query(child)
            # OR binds looser than AND, so an OR inside an AND needs its parentheses back.
            if isinstance(child, Or) or (isinstance(node, Or) and isinstance(child, And)):
                text = f"({text})"
            parts.append(text)
        return joiner.join(parts)
    if isinstance(node, Not):
        inner = format_query(node.child)
        if isinstance(node.child, And | Or):
            inner = f"({inner})"
        return "-" + inner
    return format_leaf(node)


def simplify(node: Node) -> Node:
    """Double negations removed and groups flattened, so ``a --b`` searches like ``a b``.

    Both engines' translations start from it, so they read the same tree."""
    if isinstance(node, Not):
        child = simplify(node.child)
        return child.child if isinstance(child, Not) else Not(child, node.column)
    if isinstance(node, And | Or):
        flat: list[Node] = []
        for child in map(simplify, node.children):
            flat.extend(child.children if isinstance(child, type(node)) else (child,))
        return type(node)(tuple(flat))
    return node
