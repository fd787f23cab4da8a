"""Schema 16: erasure and retention: opaque tombstones of erased ids and the audit of
erasures (issue 18).

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

ERASURE_SCHEMA = 16
_V16: tuple[str, ...] = ()

ERASURE_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((ERASURE_SCHEMA, _V16),)
