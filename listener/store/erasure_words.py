"""An erasure's counts in words, the same in the CLI, the web pages and the audit: "1 mention",
"2 alerts deleted". Tombstones are written by an erasure, not removed: they are said apart
("leaves 4 opaque tombstones") so no one reads them as data that goes."""

from __future__ import annotations

from collections.abc import Mapping

# Kinds an erasure writes rather than removes.
CREATED = frozenset({"tombstones"})

_WORDS: dict[str, tuple[str, str]] = {
    "mentions": ("mention", "mentions"),
    "authors": ("author profile", "author profiles"),
    "alerts_deleted": ("alert deleted", "alerts deleted"),
    "alerts_changed": ("alert changed", "alerts changed"),
    "drafts_removed": ("reply draft", "reply drafts"),
    "people": ("person record", "person records"),
    "person_accounts": ("person link", "person links"),
    "person_dismissals": ("dismissed suggestion", "dismissed suggestions"),
    "author_keys": ("profile key", "profile keys"),
    "author_keys_naming": ("profile key naming them", "profile keys naming them"),
    "content_hashes": ("exact-copy hash", "exact-copy hashes"),
    "copies_reheaded": ("near-copy given a new head", "near-copies given a new head"),
    "open_alert_links": ("open-alert link", "open-alert links"),
    "saved_searches": ("saved search naming them", "saved searches naming them"),
    "person_suggestions": ("people suggestion", "people suggestions"),
    "tombstones": ("opaque tombstone", "opaque tombstones"),
}


def phrase(kind: str, n: int) -> str:
    """``n`` rows of ``kind``, with the noun agreeing: "1 mention", "3 mentions"."""
    one, many = _WORDS.get(
        kind, (f"{kind.replace('_', ' ')} row", f"{kind.replace('_', ' ')} rows")
    )
    return f"{n:,} {one if n == 1 else many}"


def removed(counts: Mapping[str, int]) -> list[str]:
    return [phrase(k, n) for k, n in sorted(counts.items()) if k not in CREATED and n]


def created(counts: Mapping[str, int]) -> list[str]:
    return [phrase(k, n) for k, n in sorted(counts.items()) if k in CREATED and n]


def counts_line(counts: Mapping[str, int]) -> str:
    """One line: what goes, then what an erasure leaves ("; leaves 2 opaque tombstones")."""
    gone = ", ".join(removed(counts)) or "nothing"
    left = created(counts)
    return gone + (f"; leaves {', '.join(left)}" if left else "")
