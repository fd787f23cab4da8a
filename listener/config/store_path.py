"""Whether the SQLite store's path can be opened, checked with the settings.

A path under a file, a folder, or a file that is not a SQLite database used to pass
``listener check`` and end in a traceback in ``run`` and ``search``; now each is a settings
problem at ``storage.sqlite``'s line. Only the file system is looked at (its first 16 bytes):
nothing is created, so ``check`` leaves no empty database behind.
"""

from __future__ import annotations

import os
from pathlib import Path

# Every SQLite database file starts with these 16 bytes (https://sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"


def store_path_problem(path: Path) -> str | None:
    """Why a SQLite store cannot be opened (or created) at ``path``, or ``None``."""
    if path.is_dir():
        return f"{path} is a folder: name a database file in it, like {path / 'listener.db'}"
    if path.exists():
        return _existing_file_problem(path)
    for parent in path.parents:
        if parent.is_dir():
            if not os.access(parent, os.W_OK | os.X_OK):
                return f"{path} cannot be created: the folder {parent} is not writable"
            return None
        if parent.exists():
            return f"{path} cannot be created: {parent} is a file, not a folder"
    return None


def _existing_file_problem(path: Path) -> str | None:
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    # An empty file is an empty database to SQLite (it writes the header on first use).
    if header and header != SQLITE_HEADER:
        return f"{path} is not a SQLite database: point storage.sqlite at a new or existing store"
    return None
