"""Cutting a rendered payload down to a platform's limits.

Templates already clip each value, but operators edit templates: these checks run after
rendering so an edit that makes a block too long sends a cut message instead of one the
platform refuses (a 400 the outbox would retry for ever). Cuts happen on whole escapes
(``&amp;``, ``\\*``) and graphemes, "…" marking them.
"""

from __future__ import annotations

import regex

from alerts.escaping import cut_tokens

# One unit of escaped text: a Slack entity, a backslash escape, or a grapheme.
_TOKEN = regex.compile(r"&(?:amp|lt|gt);|\\\X|\X")


def cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-16 units without splitting an escape or a grapheme."""
    return cut_tokens(text, limit, _TOKEN)
