"""Whether the SQLite store's path can be opened, checked with the settings.

A path under a file, a folder, or a file that is not a SQLite database used to pass
``listener check`` and end in a traceback in ``run`` and ``search``; now each is a settings
problem at ``storage.sqlite``'s line. An existing file is read as SQLite reads it, without
locks; nothing is created, so ``check`` leaves no empty database behind.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote


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
    # Read through SQLite, never with open(): closing any descriptor of a file drops every
    # POSIX lock this process holds on it, so a daemon re-reading its settings would lose
    # its store's locks, and the next process to close the store would take itself for the
    # last one and delete the WAL under the daemon (its later writes then vanish at stop).
    # SQLite keeps a process's descriptors of one file together and closes none while
    # another connection holds a lock. ``immutable`` takes no lock and creates no -wal/-shm.
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        probe = sqlite3.connect(uri, uri=True)
        try:
            probe.execute("PRAGMA schema_version").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        # An empty file is an empty database to SQLite (it writes the header on first use).
        if "not a database" in str(exc):
            return (
                f"{path} is not a SQLite database, or a damaged one: point storage.sqlite at a"
                " new or existing store, or restore this one from a backup"
            )
        return f"cannot read {path}: {exc}"
    return None
