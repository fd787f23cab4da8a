"""Schema 15: people, their linked accounts and the profile keys that suggest links (issue 18).

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

PEOPLE_SCHEMA = 15
_V15: tuple[str, ...] = ()

PEOPLE_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((PEOPLE_SCHEMA, _V15),)
