"""One regex alternation for many literal phrases, factored as a trie.

A flat ``a|b|c…`` makes the regex engine try every phrase at every position; a trie tries
only the branch the next character allows (a Bengali post against 250 cues: 55 → 21 µs).
The end of a phrase is tried after its longer continuations, so where two phrases match at
one place (one is the other's prefix) the longer wins, as with a longest-first list.
Branches are sorted, so the same phrases always give the same pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def trie(phrases: Iterable[str], *, loose_apostrophe: bool = False) -> str:
    """The alternation of ``phrases``; with ``loose_apostrophe`` an apostrophe in a phrase is
    optional ("ill" matches "i'll"), as English posts often drop it."""
    root: dict[str, Any] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(root, loose_apostrophe)


def _node_pattern(node: dict[str, Any], loose: bool) -> str:
    branches = [
        ("'?" if loose and char == "'" else re.escape(char)) + _node_pattern(child, loose)
        for char, child in sorted(node.items())
        if char
    ]
    if "" in node:
        return f"(?:{'|'.join(branches)}|)" if branches else ""
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
