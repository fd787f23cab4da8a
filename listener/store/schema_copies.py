"""Schema 17: near-duplicate clusters: each mention's fingerprint within the dedupe
window and its cluster head (issue 18).

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

COPIES_SCHEMA = 17
_V17: tuple[str, ...] = ()

COPIES_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((COPIES_SCHEMA, _V17),)
