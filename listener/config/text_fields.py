"""Checks shared by the settings' text fields."""

from __future__ import annotations

__all__ = ["stripped_non_empty"]


def stripped_non_empty(value: str, empty: str) -> str:
    """``value`` without surrounding space; ``empty`` (the message) when nothing is left.
    Names match things (a brand's mentions, a settings person's store row): a blank one
    would match by accident, so it is refused at load, not stored."""
    stripped = value.strip()
    if not stripped:
        raise ValueError(empty)
    return stripped
