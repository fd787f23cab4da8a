"""An erasure's counts in words, the same in the CLI, the web pages and the audit: "1 mention",
"2 alerts deleted". Tombstones are written by an erasure, not removed: they are said apart
("leaves 4 opaque tombstones") so no one reads them as data that goes."""

from __future__ import annotations

from collections.abc import Mapping

# Kinds an erasure writes rather than removes.
CREATED = frozenset({"tombstones"})

# Said as a social media manager would, not by table: the CLI, the pages and the audit
# all read these, so one set of words says what an erasure took.
_WORDS: dict[str, tuple[str, str]] = {
    "mentions": ("mention", "mentions"),
    "authors": ("author profile", "author profiles"),
    "alerts_deleted": ("alert deleted", "alerts deleted"),
    "alerts_changed": ("alert changed", "alerts changed"),
    "drafts_removed": ("reply draft", "reply drafts"),
    "people": ("person record", "person records"),
    "person_accounts": ("account linked to a person", "accounts linked to a person"),
    "person_dismissals": (
        "dismissed 'maybe the same person' suggestion",
        "dismissed 'maybe the same person' suggestions",
    ),
    "author_keys": (
        "profile detail kept for suggestions",
        "profile details kept for suggestions",
    ),
    "author_keys_naming": (
        "detail of another profile naming them",
        "details of other profiles naming them",
    ),
    "content_hashes": (
        "fingerprint of their posts' words (used to spot reposts)",
        "fingerprints of their posts' words (used to spot reposts)",
    ),
    "copies_reheaded": (
        "repost of their post now grouped under another",
        "reposts of their posts now grouped under another",
    ),
    "open_alert_links": (
        "follow-up link to an open alert",
        "follow-up links to open alerts",
    ),
    "saved_searches": ("saved search naming them", "saved searches naming them"),
    "person_suggestions": (
        "'maybe the same person' suggestion",
        "'maybe the same person' suggestions",
    ),
    # The Elasticsearch engine: what the shared index held, whichever daemon stored it.
    "index_documents": (
        "mention in the shared index (any daemon's)",
        "mentions in the shared index (any daemon's)",
    ),
    "index_claims": (
        "duplicate-check key in the shared index",
        "duplicate-check keys in the shared index",
    ),
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
